"""`dlquiz bank lint`: every planted problem is found, at its line and column."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from quizbank.lint import LintFinding, is_placeholder, lint_bank
from quizbank.lint_duplicates import near_duplicates
from quizbank.loader import load_bank
from tui.cli import main

PLANTED = Path(__file__).parent / "data" / "lint" / "planted.yaml"
LINES = PLANTED.read_text(encoding="utf-8").splitlines()


def _spot(question_id: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` after the question's id."""
    start = next(i for i, line in enumerate(LINES) if line.endswith(f"id: {question_id}"))
    for index in range(start, len(LINES)):
        if needle in LINES[index]:
            return index + 1, LINES[index].index(needle) + 1
    raise AssertionError(f"{needle!r} not found after {question_id}")


@pytest.fixture(scope="module")
def findings() -> list[LintFinding]:
    return lint_bank(load_bank([PLANTED], builtin=False)).findings


def _only(findings: list[LintFinding], rule: str) -> LintFinding:
    found = [finding for finding in findings if finding.rule == rule]
    assert len(found) == 1, f"{rule}: {found}"
    assert found[0].path == str(PLANTED)
    return found[0]


# (rule, question, text on the reported line, offset of the column from that text)
PLANTED_PROBLEMS = [
    ("near-duplicate", "lint-dup-b", "prompt:", 0),
    ("multi-no-wrong", "lint-multi-all-correct", "options:", 0),
    ("short-explanation", "lint-short-explanation", "It averages.", 0),
    ("explanation-is-answer", "lint-explanation-is-answer", "explanation: The mean", 13),
    ("placeholder-explanation", "lint-todo-explanation", '"TODO: explain"', 0),
    ("few-variants", "lint-few-variants", "params:", 0),
    ("numeric-no-tolerance", "lint-no-tolerance", "answer:", 0),
    ("placeholder-source", "lint-todo-source", "TODO", 0),
    ("untested-mistake", "lint-untested-mistake", "bias-forgotten", 0),
    ("failing-test", "lint-failing-test", '{answer: "5"', 0),
]


@pytest.mark.parametrize(("rule", "question_id", "needle", "offset"), PLANTED_PROBLEMS)
def test_each_planted_problem_is_found_at_its_location(
    findings: list[LintFinding], rule: str, question_id: str, needle: str, offset: int
) -> None:
    finding = _only(findings, rule)
    assert finding.question_id == question_id
    line, column = _spot(question_id, needle)
    assert (finding.line, finding.column) == (line, column + offset)
    assert str(finding).startswith(f"{PLANTED}:{line}:{column + offset}: {finding.severity}: ")


def test_errors_and_warnings(findings: list[LintFinding]) -> None:
    errors = {finding.rule for finding in findings if finding.severity == "error"}
    assert errors == {"untested-mistake", "failing-test"}
    assert len(findings) == len(PLANTED_PROBLEMS)
    assert not [finding for finding in findings if finding.question_id == "lint-clean"]


def test_messages_say_what_to_do(findings: list[LintFinding]) -> None:
    untested = _only(findings, "untested-mistake").message
    assert '{answer: "50", expect: incorrect, mistake: bias-forgotten}' in untested
    assert "only 2 distinct answers" in _only(findings, "few-variants").message
    assert "1.25" in _only(findings, "numeric-no-tolerance").message
    duplicate = _only(findings, "near-duplicate").message
    line, _ = _spot("lint-dup-a", "id: lint-dup-a")
    assert f"lint-dup-a ({PLANTED}:{line};" in duplicate
    assert "expected correct, got incorrect" in _only(findings, "failing-test").message


def test_placeholders() -> None:
    for text in ("", "  ", "TODO", "todo: explain", "TBD", "?", "n/a", "FIXME later"):
        assert is_placeholder(text), text
    for text in ("Lecture 9", "Exercise 11 Q&A", "Todorov et al. 2012"):
        assert not is_placeholder(text), text


def test_only_limits_the_findings_to_those_files(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(
        "lecture: 9\ntitle: t\nquestions:\n  - id: other-dup\n    type: single\n"
        "    topic: pooling\n    source: Lecture 9\n"
        "    prompt: Which layer type has no learnable parameters in a typical CNN for image "
        "classification?\n    options:\n"
        '      - {text: "Max pooling", correct: true, why: "It only selects maxima."}\n'
        '      - {text: "Convolution", correct: false, why: "It has kernels and biases."}\n'
        '      - {text: "Fully connected", correct: false, why: "It has a weight matrix."}\n'
        "    explanation: Pooling selects values; it learns nothing, unlike conv layers.\n",
        encoding="utf-8",
    )
    bank = load_bank([PLANTED, other], builtin=False)
    report = lint_bank(bank, only=[other])
    assert report.questions == 1
    found = {(f.rule, f.question_id, f.path) for f in report.findings}
    assert found == {("near-duplicate", "other-dup", str(other))}
    assert len(report.findings) == 2  # like lint-dup-a and like lint-dup-b


def test_near_duplicates_are_fast_for_a_large_bank() -> None:
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    questions = []
    for index in range(1500):
        picked = [words[(index * 7 + i * (index % 5 + 1)) % len(words)] for i in range(12)]
        prompt = f"Question {index}: compute the {' '.join(picked)} of layer {index * 13 % 997}?"
        questions.append(SimpleNamespace(id=f"q{index}", prompt=prompt, is_parametric=False))
    questions.append(SimpleNamespace(id="copy", prompt=questions[42].prompt, is_parametric=False))
    started = time.perf_counter()
    pairs = list(near_duplicates(questions))
    assert time.perf_counter() - started < 5
    assert ("q42", "copy") in {(pair.first.id, pair.second.id) for pair in pairs}


def test_cli_exit_status_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "lint", str(PLANTED)]) == 1
    out = capsys.readouterr().out
    assert "error: mistake rule 'bias-forgotten' has no test" in out
    assert out.rstrip().endswith("linted 12 questions: 2 errors, 8 warnings")
    assert main(["bank", "lint", "--errors-only", str(PLANTED)]) == 1
    assert "warning" not in capsys.readouterr().out.replace("8 warnings", "")
    warnings_only = tmp_path / "w.yaml"
    warnings_only.write_text(
        "lecture: 9\ntitle: t\nquestions:\n  - id: w-todo\n    type: truefalse\n"
        "    topic: t\n    source: TODO\n    prompt: P.\n    answer: true\n"
        "    explanation: This is true because the lecture says so, slide 3.\n",
        encoding="utf-8",
    )
    assert main(["bank", "lint", str(warnings_only)]) == 0
    assert "placeholder-source" in capsys.readouterr().out


def test_cli_reports_a_broken_file_instead_of_linting_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("lecture: 9\ntitle: t\nquestions:\n  - id: x\n", encoding="utf-8")
    assert main(["bank", "lint", str(broken)]) == 1
    captured = capsys.readouterr()
    assert f"{broken}:4:" in captured.out
    assert "dlquiz bank validate" in captured.err
