"""A writer process for the fault tests: records attempts and exam answers in a loop.

    python -m tests.faults.writer DATA_DIR [--count N] [--tag T] [--page-limit EXTRA]
                                           [--hold] [--wait] [--pause SECONDS]

Prints one line per acknowledged (committed) write, flushed at once:

    ready <exam id>
    a <attempt id> <i>          attempt number i is committed
    e <exam id> <slot> <i>      the answer i to that exam slot is committed
    done

With ``--hold`` it reads a line from stdin before opening the store (so that it can be
started ahead of time); with ``--wait`` it reads one after ``ready``, before it starts
writing, so that two writers can start together; ``--pause`` sleeps between answers like
a (very fast) student. It imports only :mod:`quizbank.store`, to start fast, and reports
a store error the way the CLI does: one ``dlquiz: ...`` line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

from quizbank.errors import UserError
from quizbank.store import Attempt, Store

SLOTS = 5


def run(args: argparse.Namespace) -> None:
    tag: str = args.tag
    if args.hold and not sys.stdin.readline():
        return  # the test went away before releasing this writer
    with Store.open(args.data_dir, timeout=10) as store:
        if args.page_limit is not None:
            store.set_page_limit(store.page_count() + args.page_limit)
        slots = [(f"q-{tag}-{slot}", slot) for slot in range(SLOTS)]
        exam = store.create_exam(f"fault-{tag}", 0, 3600, slots)
        print(f"ready {exam.id}", flush=True)
        if args.wait and not sys.stdin.readline():
            return
        numbers = range(args.count) if args.count is not None else itertools.count()
        for i in numbers:
            attempt = Attempt(f"q-{tag}-{i % 10}", "correct", 1.0, "practice", answer=f"{i}")
            print(f"a {store.record_attempt(attempt)} {i}", flush=True)
            store.save_answer(exam.id, i % SLOTS, i)
            print(f"e {exam.id} {i % SLOTS} {i}", flush=True)
            if args.pause:
                time.sleep(args.pause)
    print("done", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--count", type=int)
    parser.add_argument("--tag", default="w")
    parser.add_argument("--page-limit", type=int, help="allow only this many more pages")
    parser.add_argument("--hold", action="store_true", help="wait for a line, then open")
    parser.add_argument("--wait", action="store_true", help="wait for a line on stdin")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between answers")
    args = parser.parse_args()
    try:
        run(args)
    except UserError as error:
        print(f"dlquiz: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
