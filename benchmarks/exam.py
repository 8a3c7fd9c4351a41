"""Assembling the ``i2dl-mock`` exam from the generated 10,000-question bank, against 50 ms.

Measurable once :mod:`quizbank.exam` exists; until then the figure is reported as n/a.
"""

from __future__ import annotations

import importlib.util

from benchmarks.common import Figure

BUDGET_MS = 50.0
BLUEPRINT = "i2dl-mock"


def run(smoke: bool = False) -> list[Figure]:
    name = f"assemble {BLUEPRINT} from 10,000 questions"
    if importlib.util.find_spec("quizbank.exam") is None:
        return [
            Figure(
                "exam",
                name,
                None,
                "ms",
                baseline=BUDGET_MS,
                baseline_name="budget",
                target=1.0,
                note="not yet measurable: quizbank/exam.py does not exist yet",
            )
        ]
    from benchmarks.exam_assembly import measure

    return [measure(name, BLUEPRINT, BUDGET_MS, smoke)]
