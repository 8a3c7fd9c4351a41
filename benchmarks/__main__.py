"""``python -m benchmarks [--smoke] [--out FILE] [--area NAME ...]``: run, print, record.

Every area runs in its own fresh process (one area's garbage must not slow another's
baseline). The figures are printed as a table and written as JSON, with the machine, to
``--out`` or ``benchmarks/results/bench-<time>.json``. A full run of every area also
rewrites ``benchmarks/latest.md``. The exit status is 1 if an area crashes or (not with
``--smoke``, whose sizes are too small to judge) a figure misses its target.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_DIR, ROOT, Figure, machine
from benchmarks.report import markdown, table

AREAS = ("startup", "grading", "bank", "exam", "check")
AREA_FAILED = "(area failed)"
LATEST = Path(__file__).resolve().parent / "latest.md"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure dlquiz against its baselines and targets; print a table, write JSON.",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks that it runs")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the JSON here")
    parser.add_argument(
        "--area", action="append", choices=AREAS, help="run only this area (repeatable)"
    )
    parser.add_argument("--emit", type=Path, help=argparse.SUPPRESS)  # child: one area
    return parser


def _run_area_here(area: str, smoke: bool, emit: Path) -> int:
    module = importlib.import_module(f"benchmarks.{area}")
    figures: list[Figure] = module.run(smoke=smoke)
    emit.write_text(json.dumps([f.to_json() for f in figures]), encoding="utf-8")
    return 0


def _run_area(area: str, smoke: bool) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="dlquiz-bench-") as tmp:
        emit = Path(tmp) / "figures.json"
        command = [sys.executable, "-m", "benchmarks", "--area", area, "--emit", str(emit)]
        done = subprocess.run(command + ["--smoke"] * smoke, cwd=ROOT)
        if done.returncode != 0 or not emit.exists():
            note = f"the benchmark itself failed (exit {done.returncode}); see its output above"
            return [Figure(area, AREA_FAILED, None, "", note=note).to_json()]
        figures: list[dict[str, Any]] = json.loads(emit.read_text(encoding="utf-8"))
        return figures


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    areas = tuple(args.area or AREAS)
    if args.emit is not None:
        (area,) = areas
        return _run_area_here(area, args.smoke, args.emit)

    started = time.time()
    figures: list[dict[str, Any]] = []
    for area in areas:
        print(f"benchmarks: {area} ...", file=sys.stderr, flush=True)
        figures += _run_area(area, args.smoke)
    result = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 1),
        "smoke": args.smoke,
        "machine": machine(),
        "figures": figures,
    }
    out = args.out or RESULTS_DIR / time.strftime("bench-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(figures))
    print(f"\nwrote {out}")
    if not args.smoke and areas == AREAS:
        LATEST.write_text(markdown(result), encoding="utf-8")
        print(f"wrote {LATEST}")
    crashed = any(f["name"] == AREA_FAILED for f in figures)
    missed = any(f["status"] == "FAIL" for f in figures) and not args.smoke  # smoke: tiny sizes
    return 1 if crashed or missed else 0


if __name__ == "__main__":
    sys.exit(main())
