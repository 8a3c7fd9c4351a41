"""Reading answers: numbers with units and scale words, formulas, shapes, options."""

from __future__ import annotations

from fractions import Fraction

import pytest

from solvers.answers import (
    AnswerError,
    option_label,
    parse_choice_text,
    parse_truefalse_text,
    read_expression,
    read_number,
    read_shape,
)
from solvers.expr import ExprError, render


@pytest.mark.parametrize(
    ("text", "unit", "value", "read_as"),
    [
        ("1000/4", None, Fraction(250), "1000 / 4 = 250"),
        ("250", None, Fraction(250), "250"),
        ("= 250", None, Fraction(250), "250"),
        ("≈ 250", None, Fraction(250), "250"),
        ("2.5e2", None, Fraction(250), "250"),
        ("61,100,840", None, Fraction(61_100_840), "61100840"),
        ("61 100 840 params", "params", Fraction(61_100_840), "61100840 params"),
        ("4.2M", None, Fraction(4_200_000), "4.2 million = 4200000"),
        ("4.2m", None, Fraction(4_200_000), "4.2 million = 4200000"),
        ("4.2 million", "params", Fraction(4_200_000), "4.2 million = 4200000 params"),
        ("4.2 Mio", None, Fraction(4_200_000), "4.2 million = 4200000"),
        ("4.2M parameters", "params", Fraction(4_200_000), "4.2 million = 4200000 params"),
        ("4.2 Mparams", "params", Fraction(4_200_000), "4.2 million = 4200000 params"),
        ("1.5k", "iterations", Fraction(1500), "1.5 thousand = 1500 iterations"),
        ("3 B", None, Fraction(3 * 10**9), "3 billion = 3000000000"),
        ("3 Mrd", None, Fraction(3 * 10**9), "3 billion = 3000000000"),
        ("4.2 GFLOPs", "FLOPs", Fraction(42 * 10**8), "4.2 billion = 4200000000 FLOPs"),
        ("(1000/4) k", None, Fraction(250_000), "(1000 / 4) thousand = 250000"),
        ("50%", None, Fraction(1, 2), "50% = 0.5"),
        ("50 %", "%", Fraction(50), "50%"),
        ("5 s", "s", Fraction(5), "5 s"),
    ],
)
def test_numbers_with_scale_words_and_units(
    text: str, unit: str | None, value: Fraction, read_as: str
) -> None:
    reading = read_number(text, unit)
    assert reading.value == value
    assert reading.read_as == read_as
    assert reading.other_family is None


@pytest.mark.parametrize(
    ("text", "unit", "value", "other_family"),
    [
        ("16.9", "MB", Fraction(169, 10), Fraction(169, 10) * 2**20 / 10**6),
        ("16.9 MB", "MB", Fraction(169, 10), Fraction(169, 10) * 2**20 / 10**6),
        ("16.9mb", "MB", Fraction(169, 10), Fraction(169, 10) * 2**20 / 10**6),
        ("16.9M", "MB", Fraction(169, 10), Fraction(169, 10) * 2**20 / 10**6),
        ("16900 KB", "MB", Fraction(169, 10), Fraction(16900 * 1024, 10**6)),
        ("16.9e6 B", "MB", Fraction(169, 10), None),
        ("16.9e6 bytes", "MB", Fraction(169, 10), None),
        ("1 GiB", "MiB", Fraction(1024), Fraction(10**9, 2**20)),
        ("1 GB", "MiB", Fraction(10**9, 2**20), Fraction(1024)),
        ("2 k MB", "GB", Fraction(2), None),
        ("512", "B", Fraction(512), None),
    ],
)
def test_byte_units_convert_exactly(
    text: str, unit: str, value: Fraction, other_family: Fraction | None
) -> None:
    reading = read_number(text, unit)
    assert reading.value == value
    assert reading.other_family == other_family


def test_byte_read_as_names_both_units() -> None:
    assert read_number("16.12 MiB", "MB").read_as == "16.12 MiB = 16.90304512 MB"
    assert read_number("16.9", "MB").read_as == "16.9 MB"
    assert read_number("1000/4 MB", "MB").read_as == "(1000 / 4) MB = 250 MB"


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("250 xy", "MB", "couldn't read the unit 'xy' \\(the answer is in MB\\)"),
        ("250 xy", None, "couldn't read the unit 'xy' \\(this answer has no unit\\)"),
        ("250 params", None, "unit 'params'"),
        ("16.9 MB", "params", "unit 'MB' \\(the answer is in params\\)"),
        ("3 bits", "MB", "unit 'bits'"),
        ("5 ms", "s", "unit 'ms'"),
        ("4.2 million params extra", "params", "unit 'extra'"),
        ("50%", "MB", "unit '%'"),
        ("1e", None, "write 1e3 for 1000"),
        ("4,2", None, "use a dot for decimals"),
        ("1,5 M", None, "use a dot for decimals"),
        ("", None, "empty answer"),
        ("   ", None, "empty answer"),
        ("(1, 2)", None, "list of values"),
        ("N", None, "unknown name 'N': give a number"),
        ("1e300*sqrt(2) T", None, "too large"),
        ("1e300*sqrt(2) TB", "B", "too large"),
        ("1/0 MB", "MB", "division by zero"),
    ],
)
def test_unreadable_numbers(text: str, unit: str | None, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        read_number(text, unit)


def test_answer_error_is_an_expr_error() -> None:
    with pytest.raises(ExprError):
        read_number("1/0")


def test_non_text_is_unreadable() -> None:
    with pytest.raises(AnswerError, match="expected text"):
        read_number(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2n + 1", "write multiplication with \\*"),
        ("(n+1)(n-1)", "write multiplication with \\*"),
        ("q + 1", "unknown name 'q' \\(you can use k, n\\)"),
        ("n**100000", "exponents in a formula are limited to 32"),
        ("(n+1)**200", "limited to 32"),
        ("(n, k)", "list of values is not expected"),
    ],
)
def test_unreadable_formulas(text: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        read_expression(text, ["n", "k"])


def test_formulas_read_with_unicode_operators() -> None:
    assert render(read_expression("n² − 2·k", ["n", "k"])) == "n ^ 2 − 2 · k"


@pytest.mark.parametrize(
    "text",
    [
        "(N, 64, 15, 15)",
        "[N,64,15,15]",
        "N x 64 x 15 x 15",
        "N×64×15×15",
        "torch.Size([N, 64, 15, 15])",
        "(N, 2*32, (32-3)//2+1, 15)",
    ],
)
def test_shapes(text: str) -> None:
    items = read_shape(text, ["N"])
    assert len(items) == 4
    assert render(items[0]) == "N"


def test_a_single_number_is_a_one_dimensional_shape() -> None:
    assert [render(item) for item in read_shape("64")] == ["64"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(N, 1/0)", "division by zero"),
        ("(N, (1, 2))", "list of values|flat list"),
        ("(M, 3)", "unknown name 'M'"),
        ("()", "empty shape|check the operators"),
    ],
)
def test_unreadable_shapes(text: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        read_shape(text, ["N"])


@pytest.mark.parametrize(
    ("text", "indices"),
    [
        ("1,3", {0, 2}),
        ("1 3", {0, 2}),
        ("1; 3", {0, 2}),
        ("A C", {0, 2}),
        ("a,c", {0, 2}),
        ("AC", {0, 2}),
        ("(a) and (c)", {0, 2}),
        ("2", {1}),
        ("b", {1}),
    ],
)
def test_choice_text(text: str, indices: set[int]) -> None:
    assert parse_choice_text(text) == frozenset(indices)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no option given"),
        ("0", "numbered from 1"),
        ("99", "numbered from 1"),
        ("1, B", "not both"),
        ("1 + ?", "couldn't read the options"),
        ("x" * 300, "too long"),
    ],
)
def test_unreadable_choice_text(text: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        parse_choice_text(text)


def test_option_labels() -> None:
    assert [option_label(i) for i in (0, 2, 25, 26)] == ["A", "C", "Z", "27"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), (" T ", True), ("yes", True), ("false", False), ("0", False)],
)
def test_truefalse_text(text: str, value: bool) -> None:
    assert parse_truefalse_text(text) is value


def test_unreadable_truefalse_text() -> None:
    with pytest.raises(AnswerError, match="answer true or false"):
        parse_truefalse_text("maybe")
