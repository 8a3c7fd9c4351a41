"""`python -m benchmarks --smoke` runs every area and records well-formed figures.

Sizes in smoke mode are too small to judge the targets (and CI machines are busy), so
this checks that each figure was measured against its baseline, plus what holds at any
size: the first paint of dlquiz shows the home screen with no heavy module loaded, and
every answer of the grading corpus is graded as its category says.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.common import Figure, percentile
from benchmarks.report import markdown, table

ROOT = Path(__file__).resolve().parent.parent
AREAS = {"startup", "grading", "bank", "exam", "check"}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    latest = ROOT / "benchmarks" / "latest.md"
    before = latest.read_bytes() if latest.exists() else None
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (latest.read_bytes() if latest.exists() else None) == before, "smoke rewrote latest.md"
    assert "ratio" in done.stdout  # the table was printed
    result: dict = json.loads(out.read_text(encoding="utf-8"))
    return result


def _figure(result: dict, area: str, name: str) -> dict:
    (found,) = [f for f in result["figures"] if f["area"] == area and f["name"] == name]
    return found


def test_every_area_reports_figures_with_the_machine(smoke: dict) -> None:
    machine = smoke["machine"]
    assert machine["cpu_count"] >= 1
    assert machine["python"].startswith("3.")
    assert machine["platform"]
    assert smoke["smoke"] is True
    assert {f["area"] for f in smoke["figures"]} == AREAS
    assert not [f for f in smoke["figures"] if f["name"] == "(area failed)"]
    for figure in smoke["figures"]:
        if figure["status"] == "n/a":
            assert figure["area"] == "exam" and "not yet" in figure["note"]
            continue
        assert math.isfinite(figure["value"]) and figure["value"] >= 0
        if figure["baseline"] is not None:
            assert figure["baseline"] > 0
            assert figure["ratio"] == pytest.approx(figure["value"] / figure["baseline"])
        assert figure["status"] in ("pass", "FAIL", "info")


def test_the_first_paint_shows_the_home_screen_without_heavy_modules(smoke: dict) -> None:
    first_paint = _figure(smoke, "startup", "first paint of the home screen")
    report = first_paint["extra"]["reports"]["home"]
    assert report["screen"] == "HomeScreen"
    loaded = {name for name, present in report["modules"].items() if present}
    assert not loaded & {"sympy", "torch", "numpy", "pydantic", "quizbank.schema"}, loaded
    ready = first_paint["extra"]["reports"]["bank-ready"]
    assert ready["screen"] == "HomeScreen" and ready["bank_loaded"] is True


def test_every_corpus_answer_is_graded_as_its_category_says(smoke: dict) -> None:
    graded = _figure(smoke, "grading", "answers graded as expected")
    assert graded["value"] == graded["baseline"] >= 400, graded["note"]
    for kind in ("numeric", "shape", "choice", "expression"):
        p99 = _figure(smoke, "grading", f"{kind} p99")
        assert p99["baseline_name"] == "budget"
        assert _figure(smoke, "grading", f"{kind} p50 vs parse_expr")["baseline"] > 0


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0], 0.99) == 3.0


def test_a_figure_passes_only_within_its_target() -> None:
    assert Figure("a", "x", 1.2, "s", baseline=1.0, target=1.3).status == "pass"
    assert Figure("a", "x", 1.4, "s", baseline=1.0, target=1.3).status == "FAIL"
    assert Figure("a", "x", 1.4, "s", baseline=1.0).status == "info"
    assert Figure("a", "x", None, "s", baseline=1.0, target=1.0).status == "n/a"


def test_the_report_renders_every_figure() -> None:
    figures = [
        Figure("bank", "load | validate", 2.0, "s", baseline=4.0, baseline_name="yaml", target=1.2),
        Figure("exam", "assemble", None, "ms", note="not yet measurable"),
    ]
    rows = [figure.to_json() for figure in figures]
    text = table(rows)
    assert "0.50×" in text and "pass" in text and "n/a" in text
    page = markdown(
        {
            "started": "now",
            "seconds": 1.0,
            "machine": {"cpu_count": 2, "python": "3.11", "platform": "x", "load_average": None},
            "figures": rows,
        }
    )
    assert "| bank | load \\| validate | 2 s |" in page
    assert "not yet measurable" in page
