"""Timing :func:`quizbank.exam.assemble` on the generated bank (see :mod:`benchmarks.exam`).

The blueprint is loaded once (as the exam screen does before assembling); each repetition
assembles the exam for another seed. Instantiating every slot's variant, which the exam
screen does lazily one question at a time, is reported beside it.
"""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

from benchmarks.bankgen import write_bank
from benchmarks.common import Figure, median, milliseconds, timed, timed_both


def measure(name: str, blueprint: str, budget_ms: float, smoke: bool) -> Figure:
    from quizbank.blueprints import load_blueprint
    from quizbank.exam import assemble
    from quizbank.instantiate import instantiate
    from quizbank.loader import load_bank

    size = 2_000 if smoke else 10_000
    repetitions = 5 if smoke else 30
    with tempfile.TemporaryDirectory(prefix="dlquiz-bench-exam-") as tmp:
        write_bank(Path(tmp), size)
        questions = load_bank([Path(tmp)], builtin=False, cache=False).questions
    loaded = load_blueprint(blueprint)
    assemble(loaded, questions, 0)  # warm-up
    runs = [timed_both(partial(assemble, loaded, questions, seed)) for seed in range(repetitions)]
    seconds, cpu = [wall for wall, _ in runs], [used for _, used in runs]
    plan = assemble(loaded, questions, 1)
    variants = timed(
        lambda: [instantiate(q, s) for q, s in zip(plan.questions, plan.seeds, strict=True)]
    )
    return Figure(
        "exam",
        name if not smoke else f"assemble {blueprint} from {size} questions",
        milliseconds(median(seconds)),
        "ms",
        baseline=budget_ms,
        baseline_name="budget",
        target=1.0,
        note=f"median of {repetitions} seeds (CPU time {milliseconds(median(cpu))} ms), "
        f"max {milliseconds(max(seconds))} ms; "
        f"{len(plan.questions)} slots; instantiating all of them takes "
        f"{milliseconds(variants)} ms (the exam screen does it one slot at a time)",
        extra={"runs_ms": [milliseconds(x) for x in seconds]},
    )
