"""Start-up time and memory of ``dlquiz`` against a bare Textual app, whole processes.

Each run is a fresh process started by a small measurer process that times it and reads
its peak RSS with ``getrusage(RUSAGE_CHILDREN)``. ``dlquiz`` runs headless through its
real entry point and exits right after the first paint of its home screen; the baseline
is a bare ``textual.app.App`` that exits after its first refresh. The time until the
home screen shows the loaded bank is reported beside it. Runs are interleaved.

Our packages are byte-compiled first, as Textual's are (pip compiles on install):
otherwise, with ``PYTHONDONTWRITEBYTECODE`` set, every ``dlquiz`` run would also compile
its own source, which no installed copy does.
"""

from __future__ import annotations

import compileall
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, Figure, median

DRIVER = Path(__file__).resolve().parent / "first_paint.py"
TIME_TARGET = 1.3
MEMORY_TARGET = 1.5
_MEASURER = """
import json, resource, subprocess, sys, time
command = json.loads(sys.argv[1])
started = time.perf_counter()
done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
scale = 1 if sys.platform != "darwin" else 1 / 1024  # macOS reports bytes
print(json.dumps({"seconds": seconds, "peak_kb": peak * scale, "returncode": done.returncode,
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""


def measure(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``command`` under the measurer; raise if it fails."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURER, json.dumps(command)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    if result["returncode"] != 0:
        raise RuntimeError(f"{command} failed: {result['stderr']}")
    return result


def compile_packages() -> None:
    """Write the bytecode of our packages (``compileall`` ignores PYTHONDONTWRITEBYTECODE)."""
    for package in ("tui", "quizbank", "solvers"):
        compileall.compile_dir(ROOT / package, quiet=1)


def run(smoke: bool = False) -> list[Figure]:
    repetitions = 2 if smoke else 15
    compile_packages()
    with tempfile.TemporaryDirectory(prefix="dlquiz-bench-startup-") as tmp:
        data_dir = Path(tmp) / "data"
        report = Path(tmp) / "report.json"
        env = {**os.environ, "DLQUIZ_BENCH_REPORT": str(report)}
        commands = {
            "bare": [sys.executable, str(DRIVER), "bare"],
            "home": [sys.executable, str(DRIVER), "home", "--data-dir", str(data_dir)],
            "bank-ready": [sys.executable, str(DRIVER), "bank-ready", "--data-dir", str(data_dir)],
        }
        reports: dict[str, dict[str, Any]] = {}
        for name, command in commands.items():  # warm-up: creates the store, fills caches
            measure(command, env)
            reports[name] = json.loads(report.read_text(encoding="utf-8"))
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
        for _ in range(repetitions):
            for name, command in commands.items():
                runs[name].append(measure(command, env))

    seconds = {name: median([r["seconds"] for r in runs[name]]) for name in commands}
    peak_mb = {name: median([r["peak_kb"] for r in runs[name]]) / 1024 for name in commands}
    home, ready = reports["home"], reports["bank-ready"]
    loaded = [name for name, present in home["modules"].items() if present]
    home_note = (
        f"screen {home['screen']}, heavy modules at first paint: {', '.join(loaded) or 'none'}"
    )
    raw = {name: [round(r["seconds"], 4) for r in runs[name]] for name in commands}
    return [
        Figure(
            "startup",
            "first paint of the home screen",
            round(seconds["home"], 3),
            "s",
            baseline=round(seconds["bare"], 3),
            baseline_name="bare Textual app",
            target=TIME_TARGET,
            note=home_note,
            extra={"runs_s": raw, "reports": reports},
        ),
        Figure(
            "startup",
            "home screen with the bank loaded",
            round(seconds["bank-ready"], 3),
            "s",
            baseline=round(seconds["bare"], 3),
            baseline_name="bare Textual app",
            note=f"screen {ready['screen']}, bank loaded: {ready['bank_loaded']}",
        ),
        Figure(
            "startup",
            "peak RSS at first paint",
            round(peak_mb["home"], 1),
            "MB",
            baseline=round(peak_mb["bare"], 1),
            baseline_name="bare Textual app",
            target=MEMORY_TARGET,
        ),
        Figure(
            "startup",
            "peak RSS with the bank loaded",
            round(peak_mb["bank-ready"], 1),
            "MB",
            baseline=round(peak_mb["bare"], 1),
            baseline_name="bare Textual app",
        ),
    ]
