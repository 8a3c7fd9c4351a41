"""Loading banks: a generated 10,000-question bank against bare PyYAML, the built-in bank.

The generated bank (:mod:`benchmarks.bankgen`) is loaded and validated with
``load_bank`` and, interleaved, read with a bare ``yaml.load(text, CSafeLoader)`` per
file (the baseline, garbage collector as Python leaves it). The same read with the
collector paused, as ``load_bank`` does, is reported beside it. These loads bypass the
validated cache (:mod:`quizbank.bank_cache`): they measure reading and checking YAML.

The built-in bank is timed on its first load in fresh processes (what a student waits
for at every start but the very first) and warm, both with a cache of their own that one
load filled before; the very first load, with an empty cache (YAML, every check, and the
cache written), is reported beside them.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from benchmarks.bankgen import write_bank
from benchmarks.common import Figure, interleaved, median, milliseconds, timed_both
from quizbank.bank_cache import CACHE_DIR_ENV

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
        loaded = load_bank([folder], builtin=False, cache=False)
        assert len(loaded.questions) == size, "the generated bank must load without problems"
        del loaded
        megabytes = sum(path.stat().st_size for path in files) / 1e6
        seconds = interleaved(
            {
                "load_bank": lambda: load_bank([folder], builtin=False, cache=False),
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


def _first_loads(processes: int, cache_dir: Path | None) -> tuple[list[float], list[float], int]:
    """Wall and CPU seconds of ``load_bank()`` in fresh processes; None: an empty cache each."""
    wall: list[float] = []
    cpu: list[float] = []
    questions = 0
    for _ in range(processes):
        with tempfile.TemporaryDirectory(prefix="dlquiz-bench-cache-") as empty:
            env = {**os.environ, CACHE_DIR_ENV: str(cache_dir or empty)}
            done = subprocess.run(
                [sys.executable, "-c", _FIRST_LOAD],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
        result = json.loads(done.stdout)
        wall.append(result["seconds"])
        cpu.append(result["cpu"])
        questions = result["questions"]
    return wall, cpu, questions


def builtin_bank_figures(processes: int, repetitions: int) -> list[Figure]:
    from quizbank.loader import load_bank

    with tempfile.TemporaryDirectory(prefix="dlquiz-bench-cache-") as tmp:
        cache_dir = Path(tmp)
        _first_loads(1, cache_dir)  # fills the cache, as a student's first start does
        first, first_cpu, questions = _first_loads(processes, cache_dir)
        empty, empty_cpu, _ = _first_loads(processes, None)
        load_bank(cache=cache_dir / "banks")  # warm-up
        runs = [
            timed_both(lambda: load_bank(cache=cache_dir / "banks")) for _ in range(repetitions)
        ]
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
            f"counted (CPU time {milliseconds(median(first_cpu))} ms); validated cache filled "
            "by an earlier start",
            extra={"runs_ms": [milliseconds(x) for x in first]},
        ),
        Figure(
            "bank",
            "built-in bank, very first load (empty cache)",
            milliseconds(median(empty)),
            "ms",
            baseline=BUILTIN_BUDGET_MS,
            baseline_name="budget",
            note=f"median of {processes} fresh processes, each with an empty cache: YAML, "
            f"every check, cache written (CPU time {milliseconds(median(empty_cpu))} ms)",
            extra={"runs_ms": [milliseconds(x) for x in empty]},
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
