"""`dlquiz bank check` of the built-in bank at 20 seeds, as a subprocess, against 60 s."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import Figure

BUDGET_SECONDS = 60.0


def run(smoke: bool = False) -> list[Figure]:
    seeds = 2 if smoke else 20
    jobs = min(2, os.cpu_count() or 1)
    dlquiz = Path(sys.executable).with_name("dlquiz")
    command = ([str(dlquiz)] if dlquiz.exists() else [sys.executable, "-m", "tui.cli"]) + [
        "bank",
        "check",
        "--seeds",
        str(seeds),
        "--jobs",
        str(jobs),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=30 * 60)
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    summary = lines[-1] if lines else done.stderr.strip()[-300:]
    return [
        Figure(
            "check",
            f"dlquiz bank check --seeds {seeds} --jobs {jobs}",
            round(seconds, 2),
            "s",
            baseline=BUDGET_SECONDS,
            baseline_name="budget",
            target=1.0,
            note=f"exit {done.returncode}: {summary}",
            extra={"returncode": done.returncode, "findings": len(lines) - 1 if lines else 0},
        )
    ]
