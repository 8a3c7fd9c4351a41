"""Loading banks: a generated 10,000-question bank against bare PyYAML, the built-in bank.

The generated bank (:mod:`benchmarks.bankgen`) is loaded and validated with
``load_bank`` and, interleaved, read with a bare ``yaml.load(text, CSafeLoader)`` per
file (the baseline, garbage collector as Python leaves it). The same read with the
collector paused, as ``load_bank`` does, is reported beside it. The built-in bank is
timed on its first load in fresh processes (what a student waits for) and warm.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from benchmarks.bankgen import write_bank
from benchmarks.common import Figure, interleaved, median, milliseconds, timed_both

BUILTIN_BUDGET_MS = 100.0
_FIRST_LOAD = """
import json, time
from quizbank.loader import load_bank
started, started_cpu = time.perf_counter(), time.process_time()
bank = load_bank()
print(json.dumps({"seconds": time.perf_counter() - started, "questions": len(bank.questions),
                  "cpu": time.process_time() - started_cpu}))
"""


def _bare_yaml(files: list[Path]) -> None:
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _paused_yaml(files: list[Path]) -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _bare_yaml(files)
    finally:
        if was_enabled:
            gc.enable()


def generated_bank_figures(size: int, repetitions: int) -> list[Figure]:
    from quizbank.loader import load_bank

    with tempfile.TemporaryDirectory(prefix="dlquiz-bench-bank-") as tmp:
        folder = Path(tmp)
        files = write_bank(folder, size)
        loaded = load_bank([folder], builtin=False)
        assert len(loaded.questions) == size, "the generated bank must load without problems"
        del loaded
        megabytes = sum(path.stat().st_size for path in files) / 1e6
        seconds = interleaved(
            {
                "load_bank": lambda: load_bank([folder], builtin=False),
                "yaml": lambda: _bare_yaml(files),
                "yaml_paused": lambda: _paused_yaml(files),
            },
            repetitions,
            warmup=0,
        )
    ours, bare, paused = (median(seconds[name]) for name in ("load_bank", "yaml", "yaml_paused"))
    common = f"{size} questions in {len(files)} files, {megabytes:.1f} MB"
    return [
        Figure(
            "bank",
            f"load+validate {size} questions",
            round(ours, 3),
            "s",
            baseline=round(bare, 3),
            baseline_name="yaml.load(CSafeLoader)",
            target=1.2,
            note=common,
            extra={"runs": {k: [round(x, 4) for x in v] for k, v in seconds.items()}},
        ),
        Figure(
            "bank",
            f"load+validate {size} questions vs yaml, GC paused",
            round(ours, 3),
            "s",
            baseline=round(paused, 3),
            baseline_name="yaml.load(CSafeLoader), GC paused",
            note="the same load against PyYAML with the garbage collector paused too",
        ),
    ]


def builtin_bank_figures(processes: int, repetitions: int) -> list[Figure]:
    from quizbank.loader import load_bank

    first: list[float] = []
    first_cpu: list[float] = []
    questions = 0
    for _ in range(processes):
        done = subprocess.run(
            [sys.executable, "-c", _FIRST_LOAD], capture_output=True, text=True, check=True
        )
        result = json.loads(done.stdout)
        first.append(result["seconds"])
        first_cpu.append(result["cpu"])
        questions = result["questions"]
    load_bank()  # warm-up
    runs = [timed_both(load_bank) for _ in range(repetitions)]
    warm, warm_cpu = [wall for wall, _ in runs], [used for _, used in runs]
    return [
        Figure(
            "bank",
            "built-in bank, first load",
            milliseconds(median(first)),
            "ms",
            baseline=BUILTIN_BUDGET_MS,
            baseline_name="budget",
            target=1.0,
            note=f"{questions} questions; median of {processes} fresh processes, imports not "
            f"counted (CPU time {milliseconds(median(first_cpu))} ms)",
            extra={"runs_ms": [milliseconds(x) for x in first]},
        ),
        Figure(
            "bank",
            "built-in bank, warm load",
            milliseconds(median(warm)),
            "ms",
            baseline=BUILTIN_BUDGET_MS,
            baseline_name="budget",
            target=1.0,
            note=f"median of {repetitions} loads in one process "
            f"(CPU time {milliseconds(median(warm_cpu))} ms)",
        ),
    ]


def run(smoke: bool = False) -> list[Figure]:
    if smoke:
        return generated_bank_figures(500, 2) + builtin_bank_figures(2, 2)
    return generated_bank_figures(10_000, 5) + builtin_bank_figures(7, 9)
