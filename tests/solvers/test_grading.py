"""Grading: outcomes, scores, named mistakes, feedback and the live preview."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.expr import parse
from solvers.grading import (
    GradeResult,
    Outcome,
    Preview,
    Tolerance,
    grade_choice,
    grade_expression,
    grade_numeric,
    grade_shape,
    grade_truefalse,
    preview,
)
from solvers.solution import KnownMistake

ROOT = Path(__file__).resolve().parents[2]
FORGOT_PLUS_ONE = KnownMistake("forgot-plus-one", "You forgot the +1.", 14)


def assert_invalid(result: GradeResult, says: str) -> None:
    assert result.outcome is Outcome.INVALID
    assert result.score == 0.0 and result.mistake is None and result.read_as is None
    assert result.feedback.startswith("Couldn't read that:")
    assert says in result.feedback


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("1000/4", "1000 / 4 = 250"),
        ("250", "250"),
        ("2.5e2", "250"),
        ("250.0", "250"),
        ("sqrt(62500)", "sqrt(62500) = 250"),
        ("exp(log(250))", "exp(log(250)) = 250"),  # a float within rounding noise
    ],
)
def test_equivalent_numbers_are_correct(text: str, read_as: str) -> None:
    result = grade_numeric(text, 250)
    assert result == GradeResult(Outcome.CORRECT, 1.0, "Correct.", None, read_as, "250")


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("61,100,840", "params"),
        ("61 100 840", "params"),
        ("61100840 params", "params"),
        ("61.10084M", "params"),
        ("61.10084 million parameters", "params"),
    ],
)
def test_grouped_and_scaled_counts(text: str, unit: str | None) -> None:
    assert grade_numeric(text, 61_100_840, unit=unit).outcome is Outcome.CORRECT


def test_integers_are_exact_and_other_values_relative_1e_3() -> None:
    assert grade_numeric("249.9", 250).outcome is Outcome.INCORRECT
    assert grade_numeric("0.333", Fraction(1, 3)).outcome is Outcome.CORRECT
    assert grade_numeric("0.332", Fraction(1, 3)).outcome is Outcome.INCORRECT
    assert grade_numeric("16.9", 16.896, unit="MB").feedback == (
        "Correct (within tolerance; the answer is 16.896 MB)."
    )


def test_explicit_tolerance_accepts_abs_or_rel() -> None:
    assert grade_numeric("0.52", 0.5, tolerance=Tolerance(abs=0.02)).outcome is Outcome.CORRECT
    assert grade_numeric("0.53", 0.5, tolerance=Tolerance(abs=0.02)).outcome is Outcome.INCORRECT
    assert grade_numeric("105", 100, tolerance=Tolerance(rel=0.05)).outcome is Outcome.CORRECT
    assert grade_numeric("0.333", Fraction(1, 3), tolerance=Tolerance()).outcome is (
        Outcome.INCORRECT
    )


def test_a_float_expected_value_is_shown_plainly() -> None:
    assert grade_numeric("1", 61100840.0).expected == "61100840"


def test_incorrect_numbers_say_what_was_read_and_expected() -> None:
    result = grade_numeric("13", 15, mistakes=[FORGOT_PLUS_ONE])
    assert result == GradeResult(
        Outcome.INCORRECT,
        0.0,
        "Not correct: you answered 13, the answer is 15.",
        None,
        "13",
        "15",
    )


def test_a_known_mistake_is_named() -> None:
    result = grade_numeric("14", 15, mistakes=[FORGOT_PLUS_ONE])
    assert result.outcome is Outcome.INCORRECT
    assert result.mistake == "forgot-plus-one"
    assert result.feedback == "Not correct: you answered 14, the answer is 15. You forgot the +1."


def test_a_mistake_matches_within_the_same_tolerance() -> None:
    halved = KnownMistake("floor-vs-ceil", "Rounding.", Fraction(29, 2))
    assert grade_numeric("14.5", 15, mistakes=[halved]).mistake == "floor-vs-ceil"
    rule = KnownMistake("bias-forgotten", "Biases.", 0.33)
    result = grade_numeric("0.3301", 0.5, mistakes=[rule])
    assert result.mistake == "bias-forgotten"
    shape_rule = KnownMistake("x", "a shape mistake is ignored for numbers", (14, 14))
    assert grade_numeric("14", 15, mistakes=[shape_rule]).mistake is None


@pytest.mark.parametrize(
    ("text", "outcome", "mistake"),
    [
        ("16.9 MB", Outcome.CORRECT, None),
        ("16.9", Outcome.CORRECT, None),
        ("16.9M", Outcome.CORRECT, None),
        ("16900000 B", Outcome.CORRECT, None),
        ("16.117 MiB", Outcome.CORRECT, None),  # the right amount, in another unit
        ("16.117", Outcome.INCORRECT, "mb-vs-mib"),  # divided by 2^20 but called it MB
        ("16.9 MiB", Outcome.INCORRECT, "mb-vs-mib"),
        ("17", Outcome.INCORRECT, None),
    ],
)
def test_byte_units(text: str, outcome: Outcome, mistake: str | None) -> None:
    result = grade_numeric(text, Fraction(169, 10), unit="MB")
    assert (result.outcome, result.mistake) == (outcome, mistake)
    if mistake:
        assert "MiB is 2^20" in result.feedback


@pytest.mark.parametrize(
    ("text", "unit", "says"),
    [
        ("250 xy", "MB", "the unit 'xy' (the answer is in MB)"),
        ("250 xy", None, "the unit 'xy' (this answer has no unit)"),
        ("", None, "empty answer"),
        ("4,2", None, "use a dot for decimals"),
        ("1/0", None, "division by zero"),
        ("9**9**9**9", None, "exponent is too large"),
        ("inf", None, "unknown name 'inf'"),
        ("٣", None, "type digits as 0-9"),
        ("61100840 params", None, "the unit 'params' (this answer has no unit)"),
    ],
)
def test_unreadable_numbers_are_invalid_not_wrong(text: str, unit: str | None, says: str) -> None:
    result = grade_numeric(text, 250, unit=unit)
    assert_invalid(result, says)
    assert result.expected == ("250 MB" if unit else "250")


def test_percent_answers() -> None:
    assert grade_numeric("50%", Fraction(1, 2)).outcome is Outcome.CORRECT
    assert grade_numeric("50%", 50, unit="%").outcome is Outcome.CORRECT
    assert grade_numeric("50", 50, unit="%").expected == "50%"


# --------------------------------------------------------------------------- formulas

CONV = ("n", "k", "s", "p")
CONV_SIZE = parse("floor((n + 2*p - k)/s) + 1", symbols=CONV)


def test_equivalent_formulas_are_correct() -> None:
    for text in ("(n+2*p-k)//s+1", "floor((n - k + 2*p + s)/s)", "ceil((n+2*p-k+1)/s)"):
        result = grade_expression(text, CONV_SIZE, symbols=CONV)
        assert result.outcome is Outcome.CORRECT, text
        assert result.expected == "floor((n + 2 · p − k) / s) + 1"


def test_a_wrong_formula_gets_a_counterexample_and_its_mistake() -> None:
    forgot = KnownMistake(
        "forgot-plus-one", "You forgot the +1.", parse("(n+2*p-k)//s", symbols=CONV)
    )
    result = grade_expression("(n + 2*p - k)//s", CONV_SIZE, symbols=CONV, mistakes=[forgot])
    assert result.outcome is Outcome.INCORRECT and result.mistake == "forgot-plus-one"
    assert result.read_as == "(n + 2 · p − k) // s"
    assert result.feedback.startswith("Not equivalent to the answer: with n = ")
    assert "your formula gives" in result.feedback
    assert result.feedback.endswith("You forgot the +1.")


def test_mistake_rules_may_be_formula_text() -> None:
    rule = KnownMistake("padding-once", "Padding is on both sides.", "(n+p-k)//s+1")  # type: ignore[arg-type]
    result = grade_expression("(n+p-k)//s+1", CONV_SIZE, symbols=CONV, mistakes=[rule])
    assert result.mistake == "padding-once"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("q + 1", "unknown name 'q' (you can use k, n, p, s)"),
        ("2n + 1", "write multiplication with *"),
        ("n**100000", "exponents in a formula are limited to 32"),
        ("(n+1)**200", "limited to 32"),
        ("", "empty answer"),
    ],
)
def test_unreadable_formulas_are_invalid(text: str, says: str) -> None:
    assert_invalid(grade_expression(text, CONV_SIZE, symbols=CONV), says)


def test_a_formula_that_cannot_be_checked_is_invalid() -> None:
    never_defined = parse("sqrt(-n)", symbols=CONV)
    assert_invalid(grade_expression("n", never_defined, symbols=CONV), "couldn't check")


# --------------------------------------------------------------------------- shapes

SHAPE = tuple(parse(item, symbols=("N",)) for item in ("N", "64", "(32 - 3)//2 + 1", "15"))


@pytest.mark.parametrize(
    "text", ["(N, 64, 15, 15)", "[N,64,15,15]", "N x 64 x 15 x 15", "(N, 2**6, 15.0, 30/2)"]
)
def test_shapes_in_any_notation(text: str) -> None:
    result = grade_shape(text, SHAPE, symbols=("N",))
    assert (result.outcome, result.score, result.expected) == (
        Outcome.CORRECT,
        1.0,
        "(N, 64, 15, 15)",
    )


def test_wrong_dimensions_are_named_with_partial_credit() -> None:
    mistake = KnownMistake("forgot-plus-one", "You forgot the +1.", ("N", 64, 14, 14))  # type: ignore[arg-type]
    result = grade_shape("(N, 64, 14, 14)", SHAPE, symbols=("N",), mistakes=[mistake])
    assert result.outcome is Outcome.INCORRECT
    assert result.score == 0.5
    assert result.mistake == "forgot-plus-one"
    assert result.feedback == (
        "Not correct (2 of 4 dimensions right): dimension 3: you wrote 14, expected 15; "
        "dimension 4: you wrote 14, expected 15. You forgot the +1."
    )


def test_a_symbolic_dimension_is_compared_as_a_formula() -> None:
    assert grade_shape("(2*N/2, 64, 15, 15)", SHAPE, symbols=("N",)).outcome is Outcome.CORRECT
    result = grade_shape("(2*N, 64, 15, 15)", SHAPE, symbols=("N",))
    assert result.score == 0.75
    assert "dimension 1: you wrote 2 · N, expected N" in result.feedback


def test_bank_shapes_may_use_conditions_and_plain_integers() -> None:
    conditional = parse("N if N > 0 else 1", symbols=("N",), logic=True)
    assert grade_shape("(N, 3)", (conditional, 3), symbols=("N",)).outcome is Outcome.CORRECT  # type: ignore[arg-type]


def test_a_different_rank_scores_zero() -> None:
    result = grade_shape("64x15x15", SHAPE, symbols=("N",))
    assert (result.outcome, result.score) == (Outcome.INCORRECT, 0.0)
    assert result.feedback == (
        "Not correct: you gave 3 dimensions, the shape has 4: (N, 64, 15, 15)."
    )


@pytest.mark.parametrize(
    ("text", "says"), [("(M, 64, 15, 15)", "unknown name 'M'"), ("(N, 1/0)", "division by zero")]
)
def test_unreadable_shapes_are_invalid(text: str, says: str) -> None:
    assert_invalid(grade_shape(text, SHAPE, symbols=("N",)), says)


# --------------------------------------------------------------------------- choices


def test_single_choice() -> None:
    assert grade_choice({1}, {1}, multi=False, n_options=4).outcome is Outcome.CORRECT
    wrong = grade_choice({0}, {1}, multi=False, n_options=4)
    assert (wrong.outcome, wrong.feedback) == (
        Outcome.INCORRECT,
        "Not correct: you chose A, the answer is B.",
    )
    assert_invalid(grade_choice({0, 1}, {1}, multi=False, n_options=4), "select only one option")
    assert_invalid(grade_choice(set(), {1}, multi=False, n_options=4), "select an option")


@pytest.mark.parametrize(
    ("selected", "score", "says"),
    [
        ({0, 2, 3}, 1.0, "Correct."),
        ({0, 2}, 2 / 3, "Partly right: 2 of 3 correct options, 0 wrong picks (score 67%)."),
        ({0, 2, 1}, 1 / 3, "Partly right: 2 of 3 correct options, 1 wrong pick (score 33%)."),
        ({0, 1}, 0.0, "Not correct: 1 of 3 correct options, 1 wrong pick (score 0%)."),
        ({1, 4}, 0.0, "Not correct: 0 of 3 correct options, 2 wrong picks (score 0%)."),
    ],
)
def test_multi_select_partial_credit(selected: set[int], score: float, says: str) -> None:
    result = grade_choice(selected, {0, 2, 3}, multi=True, n_options=5)
    assert result.score == pytest.approx(score)
    assert result.outcome is (Outcome.CORRECT if score == 1 else Outcome.INCORRECT)
    assert result.feedback.startswith(says)
    assert result.expected == "A, C, D"


def test_multi_select_needs_a_selection_within_the_options() -> None:
    assert_invalid(grade_choice(set(), {0}, multi=True, n_options=3), "select at least one option")
    assert_invalid(grade_choice({5}, {0}, multi=True, n_options=3), "there is no option F")
    assert_invalid(grade_choice("AB", {0}, multi=True, n_options=3), "the selection")  # type: ignore[arg-type]
    assert_invalid(grade_choice([[0]], {0}, multi=True, n_options=3), "the selection")  # type: ignore[list-item]
    assert_invalid(grade_choice(3, {0}, multi=True, n_options=3), "the selection")  # type: ignore[arg-type]


def test_true_false() -> None:
    assert grade_truefalse(True, True).outcome is Outcome.CORRECT
    result = grade_truefalse(True, False)
    assert (result.outcome, result.feedback, result.expected) == (
        Outcome.INCORRECT,
        "Not correct: the statement is false.",
        "false",
    )
    assert_invalid(grade_truefalse(None, False), "true or false")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- preview


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("1000/4", "numeric", Preview(True, "read as: 1000 / 4 = 250")),
        ("4.2M", "numeric", Preview(True, "read as: 4.2 million = 4200000")),
        ("(n-k)/s+1", "expression", Preview(True, "read as: (n − k) / s + 1")),
        ("N x 64 x (32-3)//2+1", "shape", Preview(True, "read as: (N, 64, 15)")),
        ("1/0", "numeric", Preview(False, "couldn't read that: division by zero")),
        (
            "2n",
            "expression",
            Preview(False, "couldn't read that: write multiplication with *, e.g. 2*n"),
        ),
        ("  ", "numeric", Preview(False, "")),
    ],
)
def test_preview(text: str, kind: str, shown: Preview) -> None:
    assert preview(text, kind, symbols=("n", "k", "s", "N")) == shown  # type: ignore[arg-type]


def test_preview_with_a_unit() -> None:
    assert preview("16.12 MiB", "numeric", unit="MB").text == "read as: 16.12 MiB = 16.90304512 MB"


def test_grading_numbers_shapes_and_choices_never_imports_sympy() -> None:
    code = (
        "import sys\n"
        "from solvers.grading import grade_numeric, grade_shape, grade_choice, preview\n"
        "from solvers.expr import parse\n"
        "grade_numeric('4.2M', 4200000, unit='params')\n"
        "grade_numeric('16.9 MiB', 16.9, unit='MB')\n"
        "grade_shape('N x 3', (parse('N', symbols={'N'}), parse('3')), symbols=('N',))\n"
        "grade_choice({0}, {0, 1}, multi=True, n_options=3)\n"
        "preview('(n-k)/s', 'expression', symbols=('n', 'k', 's'))\n"
        "print('sympy' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert output.stdout.strip() == "False"
    assert output.stderr == ""


# --------------------------------------------------------------------------- properties


def equivalent_forms(value: Fraction, data: st.DataObject) -> list[str]:
    """Ways a student may write ``value`` exactly."""
    forms = [f"{value.numerator}/{value.denominator}"]
    factor = data.draw(st.integers(2, 9))
    forms.append(f"{value.numerator * factor}/{value.denominator * factor}")
    split = data.draw(st.integers(-1000, 1000))
    rest = value - split
    forms.append(f"({rest.numerator}/{rest.denominator}) + {split}")  # as a sum
    forms.append(f"{value.numerator} * (1/{value.denominator})")  # multiplied out
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if value.denominator in (1, 2, 4, 5, 8, 10, 20, 25, 100):
        forms.append(f"{decimal:f}")
        forms.append(f"{decimal:e}")
    if value.denominator == 1:
        number = value.numerator
        forms += [f"{number:,}", f"{number:,}".replace(",", " "), f"{number:_}"]
        divisor = data.draw(st.sampled_from([d for d in (2, 3, 4, 5, 7) if number % d == 0] or [1]))
        forms.append(f"{divisor} * {number // divisor}")
        if number % 1000 == 0:
            forms.append(f"{Decimal(number) / 1000:f}k")
        if number % 100_000 == 0:
            forms.append(f"{Decimal(number) / 10**6:f} million")
    return forms


values = st.one_of(
    st.integers(-(10**9), 10**9).map(Fraction),
    st.builds(Fraction, st.integers(-(10**6), 10**6), st.sampled_from([2, 4, 5, 8, 25, 100])),
    st.integers(1, 10**4).map(lambda n: Fraction(n * 1000)),
)


@settings(max_examples=80, deadline=None)
@given(values, st.data())
def test_every_equivalent_form_of_the_answer_is_correct(
    value: Fraction, data: st.DataObject
) -> None:
    for text in equivalent_forms(value, data):
        result = grade_numeric(text, value)
        assert result.outcome is Outcome.CORRECT, (text, result.feedback)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 10**6), st.sampled_from([3, 7, 9, 11]))
def test_repeating_decimals_grade_within_the_default_tolerance(
    numerator: int, denominator: int
) -> None:
    value = Fraction(numerator, denominator)
    assert grade_numeric(f"{float(value):.6g}", value).outcome is Outcome.CORRECT


@settings(max_examples=80, deadline=None)
@given(values, st.integers(-(10**6), 10**6).filter(bool))
def test_wrong_values_never_grade_correct(value: Fraction, offset: int) -> None:
    # non-integers get a default relative tolerance of 1e-3: stay at least 1% away
    wrong = (
        value + offset
        if value.denominator == 1
        else value + Fraction(offset, 100) * max(Fraction(1), abs(value))
    )
    result = grade_numeric(f"{wrong.numerator}/{wrong.denominator}", value)
    assert result.outcome is Outcome.INCORRECT
