"""`dlquiz bank stats`: the numbers equal counts made independently from the YAML."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from quizbank.bankstats import MODEL_FITS, bank_stats
from quizbank.loader import load_bank
from quizbank.paths import BUILTIN_BANK_DIR
from solvers.registry import SOLVERS
from tui.cli import main

DATA = Path(__file__).parent / "data"
FILES = [DATA / "roundtrip.yaml", DATA / "lint" / "planted.yaml"]


def _raw_questions(files: list[Path]) -> list[dict]:
    questions = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data["questions"]:
            questions.append({"lecture": data["lecture"], **question})
    return questions


def _expected(questions: list[dict]) -> dict:
    by_type = Counter(q["type"] for q in questions)
    candidates = []
    for q in questions:
        bodies = q["parts"] if q["type"] == "problem" else [q]
        for body in bodies:
            answer = body.get("answer")
            if (
                body["type"] in ("numeric", "shape")
                and isinstance(answer, dict)
                and answer.get("solver") in MODEL_FITS
                and "reference_model" not in body
            ):
                candidates.append(q["id"])
    return {
        "questions": len(questions),
        "by_type": by_type,
        "parametric": sum(bool(q.get("params")) for q in questions),
        "topics": Counter(q["topic"] for q in questions),
        "per_lecture": Counter((q["lecture"], q["type"]) for q in questions),
        "problems": Counter(q["lecture"] for q in questions if q["type"] == "problem"),
        "candidates": candidates,
    }


def test_stats_json_equals_independent_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "stats", "--json", *map(str, FILES)]) == 0
    got = json.loads(capsys.readouterr().out)
    want = _expected(_raw_questions(FILES))
    assert got["questions"] == want["questions"] == 22
    assert got["by_type"] == {kind: want["by_type"][kind] for kind in got["by_type"]}
    assert sum(got["by_type"].values()) == want["questions"]
    assert got["parametric"]["count"] == want["parametric"]
    assert got["parametric"]["share"] == round(want["parametric"] / want["questions"], 4)
    assert got["multi"]["count"] == want["by_type"]["multi"]
    assert got["open"]["share"] == round(want["by_type"]["open"] / want["questions"], 4)
    assert got["topics"] == dict(want["topics"])
    for lecture, row in got["by_lecture"].items():
        for kind, count in row["types"].items():
            assert count == want["per_lecture"][int(lecture), kind]
    assert got["problems_per_lecture"] == {"9": want["problems"][9]} == {"9": 1}
    assert [item["id"] for item in got["reference_models"]["missing"]] == want["candidates"]
    assert got["reference_models"]["missing"][0] == {
        "id": "rt-numeric-exact",
        "part": "",
        "solver": "conv_params",
        "kind": "param",
    }


def test_stats_of_the_builtin_bank_add_up() -> None:
    if not any(BUILTIN_BANK_DIR.glob("*.yaml")):
        pytest.skip("no built-in bank")
    bank = load_bank(skip_broken=True)
    stats = bank_stats(bank).to_json()
    assert stats["questions"] == len(bank.questions)
    assert sum(row["total"] for row in stats["by_lecture"].values()) == len(bank.questions)
    assert sum(stats["topics"].values()) == len(bank.questions)


def test_model_fits_name_real_solvers() -> None:
    assert set(MODEL_FITS) <= set(SOLVERS)
    assert set(MODEL_FITS.values()) == {"shape", "param", "iteration", "optimizer"}


def test_stats_table_for_the_readme(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "stats", *map(str, FILES)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("| lecture | single | multi |")
    assert lines[1].startswith("| --- |")
    assert any(line.startswith("| **all** |") and line.endswith("| 22 |") for line in lines)
    assert "could have a reference model (1):" in out
    assert "rt-numeric-exact: conv_params (param)" in out
