"""What every benchmark area shares: figures, medians, interleaved timing, the machine.

Each figure is a ratio against a baseline measured in the same run, so a busy or slow
machine moves both sides alike; absolute targets (a time budget) are ratios against
the budget. Repetitions of a figure and its baseline are interleaved and the medians
compared.
"""

from __future__ import annotations

import gc
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    """One measured figure, compared with a baseline or a budget.

    ``ratio`` is ``value / baseline``; the figure meets its target when ``ratio <=
    target`` (``target`` None: reported only). ``status`` is ``n/a`` when the figure
    could not be measured (``note`` says why).
    """

    area: str
    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def status(self) -> str:
        if self.value is None:
            return "n/a"
        if self.target is None or self.ratio is None:
            return "info"
        return "pass" if self.ratio <= self.target else "FAIL"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        data["status"] = self.status
        return data


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p99 of 100 values is the 99th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def timed(call: Callable[[], object]) -> float:
    """Seconds one call takes, with a fresh garbage collector state before it."""
    return timed_both(call)[0]


def timed_both(call: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call, after a collection.

    On a busy machine the wall time includes waiting for a CPU; the CPU time does not,
    so the two together tell a slow program from a crowded machine.
    """
    gc.collect()
    started, started_cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - started, time.process_time() - started_cpu


def interleaved(
    calls: dict[str, Callable[[], object]], repetitions: int, *, warmup: int = 1
) -> dict[str, list[float]]:
    """Seconds per call of each named callable, run in turn ``repetitions`` times."""
    for _ in range(warmup):
        for call in calls.values():
            call()
    seconds: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repetitions):
        for name, call in calls.items():
            seconds[name].append(timed(call))
    return seconds


def machine() -> dict[str, Any]:
    try:
        load: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "load_average": load,
    }


def milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 3)
