"""`dlquiz stats [--json]`: accuracy per lecture and topic, mistakes, reviews due, exams."""

from __future__ import annotations

import argparse
import sys

from tui.commands import SubParsers, subcommand


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "stats",
        "show your progress: accuracy per lecture and topic, accuracy over time, frequent "
        "mistakes, reviews due in the next 7 days, and past exams",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.set_defaults(handler=run_stats)


def run_stats(args: argparse.Namespace) -> int:
    import json

    from quizbank.paths import resolve_data_dir
    from quizbank.stats import compute_stats, format_stats, stats_json
    from quizbank.store import Store, open_store

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    if Store.exists(data_dir):
        store = open_store(data_dir, reset_corrupt=args.reset_corrupt_db)
    else:
        store = Store.in_memory()  # nothing saved yet: report zeros, create no files
    if store.moved_aside is not None:
        print(
            f"dlquiz: the damaged database was moved to {store.moved_aside}; starting fresh",
            file=sys.stderr,
        )
    with store:
        stats = compute_stats(store)
    if args.json:
        print(json.dumps(stats_json(stats), indent=2, ensure_ascii=False))
    elif stats.empty:
        print(f"No progress yet in {data_dir}. Start practising with `dlquiz practice`.")
    else:
        print(format_stats(stats))
    return 0
