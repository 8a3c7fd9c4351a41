"""Grading latency per answer kind, against budgets and against ``sympy.parse_expr``.

Each answer of the corpus (:mod:`benchmarks.grading_corpus`) is graded and, if it is one
of our generated correct, equivalent or wrong answers, parsed with ``sympy.parse_expr``
right after (interleaved). parse_expr is used only here, on our own corpus: it evaluates
what it reads, so hostile answers never reach it. sympy is imported and warmed before
timing, as the app does in a worker before the first formula.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from typing import Any

from benchmarks.common import Figure, milliseconds, percentile
from benchmarks.grading_corpus import KINDS, SAFE_CATEGORIES, Answer, build_corpus

BUDGET_P99_MS = {"numeric": 2.0, "shape": 2.0, "choice": 2.0, "expression": 25.0}
# what each category must be graded as (hostile answers must at least not be correct)
EXPECTED_OUTCOMES = {
    "correct": {"correct"},
    "equivalent": {"correct"},
    "wrong": {"incorrect"},
    "hostile": {"incorrect", "invalid"},
}


def _baseline_safe(text: str) -> bool:
    return not any(marker in text for marker in ("__", "'", '"', "lambda", "import", "**9"))


def run(smoke: bool = False) -> list[Figure]:
    from sympy.parsing.sympy_parser import parse_expr

    from solvers.equivalence import warm_up

    warm_up()
    corpus = build_corpus(400 if smoke else 10_000)
    for answer in corpus[:50]:  # warm the caches of both sides
        answer.grade()
        if answer.category in SAFE_CATEGORIES and _baseline_safe(answer.text):
            _parse_expr_timed(parse_expr, answer)

    ours: dict[str, list[float]] = {kind: [] for kind in KINDS}
    ours_cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
    ours_safe: dict[str, list[float]] = {kind: [] for kind in KINDS}
    baseline: dict[str, list[float]] = {kind: [] for kind in KINDS}
    surprises: Counter[str] = Counter()
    examples: list[str] = []
    gc.collect()
    for answer in corpus:
        started, started_cpu = time.perf_counter(), time.process_time()
        result = answer.grade()
        seconds = time.perf_counter() - started
        ours[answer.kind].append(seconds)
        ours_cpu[answer.kind].append(time.process_time() - started_cpu)
        if str(result.outcome) not in EXPECTED_OUTCOMES[answer.category]:
            surprises[f"{answer.kind}/{answer.category}"] += 1
            if len(examples) < 12:
                examples.append(
                    f"{answer.kind}/{answer.category} {answer.text[:60]!r} -> {result.outcome}"
                )
        if answer.category in SAFE_CATEGORIES and _baseline_safe(answer.text):
            ours_safe[answer.kind].append(seconds)
            baseline[answer.kind].append(_parse_expr_timed(parse_expr, answer))

    figures: list[Figure] = []
    for kind in KINDS:
        times = ours[kind]
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        extra: dict[str, Any] = {
            "answers": len(times),
            "p50_ms": milliseconds(p50),
            "p99_ms": milliseconds(p99),
            "max_ms": milliseconds(max(times)),
        }
        figures.append(
            Figure(
                "grading",
                f"{kind} p99",
                milliseconds(p99),
                "ms",
                baseline=BUDGET_P99_MS[kind],
                baseline_name="budget",
                target=1.0,
                note=f"p50 {milliseconds(p50)} ms, max {milliseconds(max(times))} ms, "
                f"CPU-time p99 {milliseconds(percentile(ours_cpu[kind], 0.99))} ms, "
                f"{len(times)} answers",
                extra=extra,
            )
        )
        safe_p50 = percentile(ours_safe[kind], 0.5)
        base_p50 = percentile(baseline[kind], 0.5)
        figures.append(
            Figure(
                "grading",
                f"{kind} p50 vs parse_expr",
                milliseconds(safe_p50),
                "ms",
                baseline=milliseconds(base_p50),
                baseline_name="sympy.parse_expr p50",
                target=1.0,
                note=f"{len(baseline[kind])} non-hostile answers; parse_expr p99 "
                f"{milliseconds(percentile(baseline[kind], 0.99))} ms",
            )
        )
    total = sum(len(times) for times in ours.values())
    figures.append(
        Figure(
            "grading",
            "answers graded as expected",
            float(total - sum(surprises.values())),
            "answers",
            baseline=float(total),
            baseline_name="corpus size",
            note="; ".join(examples) if examples else "every category graded as expected",
            extra={"surprises": dict(surprises)},
        )
    )
    return figures


def _parse_expr_timed(parse_expr: Any, answer: Answer) -> float:
    assert answer.category in SAFE_CATEGORIES and _baseline_safe(answer.text)
    started = time.perf_counter()
    try:
        parse_expr(answer.text)
    except Exception:  # a failed parse is timed like a successful one
        pass
    return time.perf_counter() - started
