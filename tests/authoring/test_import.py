"""`dlquiz bank import --format gift`: valid YAML, located problems, and a round trip."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from quizbank.answering import run_answer_tests
from quizbank.export import export_bank
from quizbank.export.common import absolute_tolerance
from quizbank.importers.gift import TODO_EXPLAIN, bank_yaml, import_gift
from quizbank.instantiate import instantiate
from quizbank.lint import lint_bank
from quizbank.loader import load_bank
from quizbank.scaffold import check_bank_text
from tui.cli import main

DATA = Path(__file__).parent / "data"
ROUNDTRIP = DATA / "roundtrip.yaml"

SAMPLE = r"""// A hand-written GIFT file in the styles Moodle documents.
$CATEGORY: $course$/top/I2DL/Pooling

::Pool weights::Max pooling has learnable weights.{FALSE#It has none.#Right: it only selects.}

::Which pools:: Which of these are pooling layers? {
  ~%50%MaxPool2d#Takes the maximum.
  ~%50%AvgPool2d#Takes the mean.
  ~%-100%Conv2d#A convolution has weights.
}

// no title: numbered
What is 2 + 2? {#4}

::Range::A learning rate between 0.001 and 0.003?{#0.001..0.003####Any value in the range.}

::Units\: MB::How many bytes in 1 MB?{#1000000:0}

::Short::Name the layer that halves H and W without weights.{=max pooling =average pooling}

::Essay::Explain why pooling helps.{}

::Blank::The {=stride ~kernel ~padding} of a pooling layer sets how far the window moves.

::Match::Match the layers.{=Conv -> weights =Pool -> no weights}

Just a description, not a question.

::Braces::A set \{1, 2\} has how many elements?{#2}
"""


def _line_of(text: str) -> int:
    return next(n for n, line in enumerate(SAMPLE.splitlines(), 1) if line.startswith(text))


MATCH_LINE, DESCRIPTION_LINE = _line_of("::Match::"), _line_of("Just a description")


def _normal(text: str) -> str:
    return " ".join(text.split())


def test_sample_gift_converts_what_it_can_and_locates_the_rest() -> None:
    result = import_gift(SAMPLE, 9, source_name="sample.gift")
    problems = {(p.line, p.message.split(" ")[0]) for p in result.problems}
    assert problems == {(MATCH_LINE, "matching"), (DESCRIPTION_LINE, "a")}
    assert (MATCH_LINE, DESCRIPTION_LINE) == (25, 27)
    by_id = {q["id"]: q for q in result.questions}
    assert list(by_id) == [
        "l09-pool-weights",
        "l09-which-pools",
        "l09-gift-003",
        "l09-range",
        "l09-units-mb",
        "l09-short",
        "l09-essay",
        "l09-blank",
        "l09-braces",
    ]
    truefalse = by_id["l09-pool-weights"]
    assert (truefalse["type"], truefalse["answer"]) == ("truefalse", False)
    assert truefalse["explanation"] == "Right: it only selects."
    assert truefalse["topic"] == "Pooling"  # from the category
    multi = by_id["l09-which-pools"]
    assert multi["type"] == "multi"
    assert [o["correct"] for o in multi["options"]] == [True, True, False]
    assert multi["options"][2]["why"] == "A convolution has weights."
    assert multi["explanation"] == TODO_EXPLAIN
    assert by_id["l09-gift-003"]["answer"] == {"expr": "4"}
    ranged = by_id["l09-range"]
    assert ranged["answer"] == {"expr": "0.002"}
    assert ranged["tolerance"] == {"abs": 0.001}
    assert ranged["explanation"] == "Any value in the range."
    short = by_id["l09-short"]
    assert short["type"] == "open"
    assert short["key_points"] == ["max pooling", "average pooling"]
    essay = by_id["l09-essay"]
    assert essay["model_answer"].startswith("TODO") and essay["explanation"] == TODO_EXPLAIN
    blank = by_id["l09-blank"]
    assert blank["prompt"] == "The _____ of a pooling layer sets how far the window moves."
    assert [o["text"] for o in blank["options"] if o["correct"]] == ["stride"]
    assert by_id["l09-braces"]["prompt"] == "A set {1, 2} has how many elements?"
    text = bank_yaml(result, 9, "Imported")
    assert check_bank_text(text) == []


def test_imported_questions_pass_their_tests_and_lint_flags_the_todos(tmp_path: Path) -> None:
    path = tmp_path / "imported.yaml"
    path.write_text(bank_yaml(import_gift(SAMPLE, 9), 9, "Imported"), encoding="utf-8")
    bank = load_bank([path], builtin=False, deep=True)
    for question in bank.questions:
        assert run_answer_tests(question) == []
    report = lint_bank(bank)
    assert not report.errors
    flagged = {f.question_id for f in report.findings if f.rule == "placeholder-explanation"}
    assert {"l09-which-pools", "l09-essay", "l09-gift-003"} <= flagged


def test_ids_avoid_taken_ones_and_strip_a_bank_lecture_prefix() -> None:
    source = "::l03-relu::ReLU is linear for x > 0.{T}\n\n::l03-relu::Again.{T}\n"
    result = import_gift(source, 9, taken={"l09-relu"})
    assert [q["id"] for q in result.questions] == ["l09-relu-2", "l09-relu-3"]


def test_bad_numbers_and_partial_single_choice_are_reported() -> None:
    source = "::a::Q?{#abc}\n\n::b::Q?{=x ~%50%y ~z}\n\n::c::Q?{#=1 =2}\n\n::d::Q?{~a}\n"
    result = import_gift(source, 9)
    assert not result.questions
    messages = [(p.line, p.message) for p in result.problems]
    assert messages[0] == (1, "not a number: 'abc'")
    assert messages[1][0] == 3 and "partial credit" in messages[1][1]
    assert messages[2][0] == 5 and "one correct answer, found 2" in messages[2][1]
    assert messages[3][0] == 7 and "2 to 10 options" in messages[3][1]


def test_round_trip_through_gift_keeps_the_supported_questions(tmp_path: Path) -> None:
    bank = load_bank([ROUNDTRIP], builtin=False)
    gift = tmp_path / "bank.gift"
    export_bank(bank, "gift", gift, variants=1)
    result = import_gift(gift.read_text(encoding="utf-8"), 9)
    assert result.problems == []
    imported = {q["id"]: q for q in result.questions}
    pairs = {
        "rt-single": "l09-rt-single",
        "rt-multi": "l09-rt-multi",
        "rt-truefalse": "l09-rt-truefalse",
        "rt-numeric-exact": "l09-rt-numeric-exact",
        "rt-numeric-tolerance": "l09-rt-numeric-tolerance",
        "rt-numeric-param": "l09-rt-numeric-param-s0",
        "rt-open": "l09-rt-open",
    }
    assert set(imported) == {*pairs.values(), "l09-rt-problem-a", "l09-rt-problem-c"}
    for original_id, new_id in pairs.items():
        original, copy = bank.by_id[original_id], imported[new_id]
        part = instantiate(original, 0).parts[0]
        assert copy["type"] == original.type
        assert _normal(copy["prompt"]) == _normal(instantiate(original, 0).prompt)
        assert _normal(copy["explanation"]).startswith(_normal(original.explanation)[:40])
        if original.type in ("single", "multi"):
            assert [
                (_normal(o["text"]), o["correct"], _normal(o["why"])) for o in copy["options"]
            ] == [(_normal(o.text), o.correct, _normal(o.why)) for o in original.options]
        elif original.type == "truefalse":
            assert copy["answer"] is original.answer
        elif original.type == "numeric":
            assert Fraction(copy["answer"]["expr"]) == part.expected
            margin = Fraction(str(copy.get("tolerance", {}).get("abs", 0)))
            assert margin == absolute_tolerance(part)
            rules = [
                (Fraction(m["answer"]["expr"]), m["message"]) for m in copy.get("mistakes", [])
            ]
            assert [value for value, _ in rules] == [
                mistake.value for mistake in part.mistakes if mistake.value != part.expected
            ][: len(rules)]
        else:
            assert _normal(copy["model_answer"]) == _normal(original.model_answer)
            assert copy["key_points"] == original.key_points
    problem_part = imported["l09-rt-problem-c"]
    assert problem_part["type"] == "truefalse" and problem_part["answer"] is False
    path = tmp_path / "back.yaml"
    path.write_text(bank_yaml(result, 9, "Back"), encoding="utf-8")
    for question in load_bank([path], builtin=False).questions:
        assert run_answer_tests(question) == []


def test_import_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "sample.gift"
    source.write_text(SAMPLE, encoding="utf-8")
    out = tmp_path / "lecture09.yaml"
    args = ["bank", "import", "--format", "gift", str(source), "--lecture", "9"]
    assert main([*args, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{source}:{MATCH_LINE}: not converted: matching questions are not supported" in err
    assert f"{source}:{DESCRIPTION_LINE}: not converted: a description" in err
    assert "converted 9 questions; 2 not converted (listed above); wrote" in err
    assert out.read_text().startswith("# yaml-language-server: $schema=")
    assert main(["bank", "validate", str(out)]) == 0
    assert main([*args, "--out", str(out)]) == 1  # never overwrites
    assert "exists" in capsys.readouterr().err
    assert main(args) == 0  # to standard output
    assert "questions:" in capsys.readouterr().out
    empty = tmp_path / "empty.gift"
    empty.write_text("// nothing\n", encoding="utf-8")
    assert main(["bank", "import", "--format", "gift", str(empty), "--lecture", "9"]) == 1
