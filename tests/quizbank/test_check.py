"""`dlquiz bank check`: answer keys against reference models, and the questions' tests."""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

from quizbank.check import check_bank, facts_agree
from quizbank.loader import load_bank
from solvers.expr import Num, Sym
from tui.cli import main

HEADER = "lecture: 9\ntitle: Check fixtures\nquestions:\n"
CONV_WIDTH = """
  - id: {id}
    type: numeric
    topic: conv output size
    source: Lecture 9
    prompt: Width after a conv with kernel {{k}}, stride {{s}}, padding {{p}} on {{n}}?
    params:
      n: {{range: [20, 40]}}
      k: {{choices: [3, 5]}}
      s: {{choices: [1, 2]}}
      p: {{range: [0, 2]}}
    answer: {{expr: "{expr}"}}
    reference_model:
      name: {model}
      args: {{size: n, kernel: k, stride: s, padding: p}}
      fact: {fact}
    explanation: The output width is floor((n + 2p - k)/s) + 1. Every term counts.
"""
SHAPE_AND_TRUEFALSE = """
  - id: l09-check-shape
    type: shape
    topic: conv output size
    source: Lecture 9
    prompt: Output shape of Conv2d(1, {c}, 3, padding=1) on (N, 1, {h}, {h})?
    symbols: [N]
    params:
      c: {choices: [4, 8]}
      h: {range: [8, 12]}
    answer: {shape: ["N", "c", "h", "h"]}
    reference_model:
      name: conv2d_shape
      args: {batch: 2, out_channels: c, height: h, width: h, kernel: 3, padding: 1}
      fact: shape
    explanation: Same padding keeps the size; the channels are out_channels.
  - id: l09-check-bn-eval
    type: truefalse
    topic: batch norm
    source: Exercise 11 Q&A
    prompt: At test time, batch norm is an affine function of its input.
    answer: true
    reference_model:
      name: batchnorm_modes
      args: {values: "1, 2, 3, 6"}
      fact: eval_affine
    explanation: The running statistics are fixed at test time, so BN scales and shifts.
"""


def _bank(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "check.yaml").write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return folder


def _conv(id_: str, expr: str, model: str = "conv_shape", fact: str = "size") -> str:
    return CONV_WIDTH.format(id=id_, expr=expr, model=model, fact=fact)


@pytest.mark.parametrize(
    ("expected", "observed", "same"),
    [
        (Fraction(25), 25, True),
        (Fraction(25), 26, False),
        (Fraction(1, 3), 1 / 3, True),
        (0.1 + 0.2, 0.3, True),
        (1.0, 1.0 + 1e-7, False),
        (True, True, True),
        (Fraction(1), True, False),
        ((Num(Fraction(2)), Num(Fraction(96))), (2, 96), True),
        ((Sym("N"), Num(Fraction(96)), Num(Fraction(55))), (96, 55), True),
        ((Sym("N"), Num(Fraction(96))), (7, 96), True),
        ((Num(Fraction(96)), Num(Fraction(55))), (96, 54), False),
        (Fraction(3), (3,), False),
    ],
)
def test_facts_agree(expected: object, observed: object, same: bool) -> None:
    assert facts_agree(expected, observed) is same


@pytest.mark.torch
def test_a_planted_wrong_answer_key_is_caught(tmp_path: Path) -> None:
    folder = _bank(
        tmp_path,
        _conv("l09-check-right", "(n + 2*p - k)//s + 1")
        + _conv("l09-check-wrong", "(n + 2*p - k)//s"),  # forgot the +1
    )
    report = check_bank(load_bank([folder], builtin=False), seeds=8)
    wrong = {finding.question_id for finding in report.mismatches}
    assert wrong == {"l09-check-wrong"}
    first = report.mismatches[0]
    assert first.kind == "mismatch" and first.seed is not None and "n=" in first.params
    assert "observed size = " in first.message and "answer key says" in first.message
    assert report.variants == report.comparisons == 16


@pytest.mark.torch
def test_model_runs_are_cached_across_seeds(tmp_path: Path) -> None:
    body = _conv("l09-check-cache", "(n + 2*p - k)//s + 1").replace(
        "n: {range: [20, 40]}", "n: {choices: [20]}"
    )
    report = check_bank(load_bank([_bank(tmp_path, body)], builtin=False), seeds=20)
    assert report.ok
    assert report.comparisons == 20
    assert report.model_runs <= 2 * 2 * 3  # k, s, p: every distinct draw ran once


@pytest.mark.torch
def test_a_correct_bank_passes(tmp_path: Path) -> None:
    folder = _bank(tmp_path, _conv("l09-check-right", "(n + 2*p - k)//s + 1") + SHAPE_AND_TRUEFALSE)
    report = check_bank(load_bank([folder], builtin=False), seeds=5)
    assert report.ok, [str(f) for f in report.findings]
    assert report.questions == 3
    assert report.comparisons == 5 + 5 + 1


@pytest.mark.torch
def test_unknown_models_facts_and_failing_tests_are_reported(tmp_path: Path) -> None:
    body = (
        _conv("l09-check-nomodel", "(n + 2*p - k)//s + 1", model="conv_shap")
        + _conv("l09-check-nofact", "(n + 2*p - k)//s + 1", fact="width")
        + _conv("l09-check-test", "(n + 2*p - k)//s + 1")
        + '    tests:\n      - {answer: "1", expect: correct}\n'
    )
    report = check_bank(load_bank([_bank(tmp_path, body)], builtin=False), seeds=4)
    kinds = {(f.kind, f.question_id) for f in report.findings}
    assert kinds == {
        ("unknown-model", "l09-check-nomodel"),
        ("unknown-fact", "l09-check-nofact"),
        ("test", "l09-check-test"),
    }
    assert len(report.findings) == 3  # each problem once, not once per seed


def test_cli_reports_the_mismatch_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _bank(tmp_path, _conv("l09-check-wrong", "(n + 2*p - k)//s"))
    status = main(["bank", "check", str(folder), "--seeds", "3", "--jobs", "1"])
    captured = capsys.readouterr()
    assert status == 1
    assert "mismatch: l09-check-wrong seed " in captured.out
    assert "checked 1 question: 3 variants" in captured.out
    assert "3 mismatches, 0 test failures" in captured.out
    assert "instantiating [" in captured.err and "running models [" in captured.err


@pytest.mark.torch
def test_worker_processes_give_the_same_report(tmp_path: Path) -> None:
    folder = _bank(
        tmp_path,
        _conv("l09-check-right", "(n + 2*p - k)//s + 1")
        + _conv("l09-check-wrong", "(n + 2*p - k)//s"),
    )
    bank = load_bank([folder], builtin=False)
    alone = check_bank(bank, seeds=6)
    pooled = check_bank(bank, seeds=6, jobs=2, pool_min_runs=1)
    assert pooled.model_runs == alone.model_runs >= 4
    assert sorted(map(str, pooled.findings)) == sorted(map(str, alone.findings))
    assert len(pooled.mismatches) == 6


def test_cli_rejects_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "check", "--seeds", "0"]) == 1
    assert "--seeds must be at least 1" in capsys.readouterr().err


@pytest.mark.torch
def test_the_builtin_bank_passes_check() -> None:
    report = check_bank(load_bank(), seeds=3)
    assert report.ok, "\n".join(str(finding) for finding in report.findings)
