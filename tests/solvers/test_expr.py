"""The safe expression parser: accepted forms, bounds, display and the sympy bridge."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solvers.expr import (
    Binary,
    ExprError,
    Limits,
    Num,
    Sym,
    TupleNode,
    check_symbolic_bounds,
    evaluate_number,
    format_number,
    names_in,
    parse,
    render,
    safe_eval,
    to_sympy,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1000/4", Fraction(250)),
        ("2.5e2", Fraction(250)),
        ("250.0", Fraction(250)),
        ("0.1 + 0.2", Fraction(3, 10)),
        ("61,100,840", Fraction(61_100_840)),
        ("61 100 840", Fraction(61_100_840)),
        ("61\u202f100\u202f840", Fraction(61_100_840)),
        ("1'000'000", Fraction(1_000_000)),
        ("1_000", Fraction(1000)),
        ("2^10", Fraction(1024)),
        ("3 × 4 ÷ 2", Fraction(6)),
        ("5 − 7", Fraction(-2)),
        ("3²", Fraction(9)),
        ("(-2)**2", Fraction(4)),
        ("-2**2", Fraction(-4)),
        ("7 // 2 + 7 % 2", Fraction(4)),
        ("floor(7/2) + ceil(7/2)", Fraction(7)),
        ("sqrt(1/4)", Fraction(1, 2)),
        ("log2(1024)", Fraction(10)),
        ("max(1, 5, 3) - min(4, 2)", Fraction(3)),
        ("relu(-3) + abs(-3)", Fraction(3)),
        ("sigmoid(0) + tanh(0)", Fraction(1, 2)),
        ("1e-400 * 1e400", Fraction(1)),
    ],
)
def test_accepted_forms_evaluate_exactly(text: str, value: Fraction) -> None:
    assert safe_eval(text) == value


def test_floats_appear_only_where_the_maths_is_irrational() -> None:
    assert safe_eval("sqrt(2)") == pytest.approx(2**0.5)
    assert isinstance(safe_eval("sqrt(2)"), float)
    assert safe_eval("log(100, 10)") == pytest.approx(2)
    assert safe_eval("(-tanh(1))**2") == pytest.approx(0.58002, rel=1e-4)


def test_symbols_and_logic_mode() -> None:
    assert safe_eval("(n - k) // s + 1", {"n": 32, "k": 3, "s": 2}) == 15
    assert safe_eval("n > k and not s == 0", {"n": 5, "k": 3, "s": 1}, logic=True) is True
    assert safe_eval("a if a > b else b", {"a": 2, "b": 7}, logic=True) == 7
    with pytest.raises(ExprError, match="operator is not allowed"):
        parse("not 1")


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("(N, 64, 15, 15)", ["N", "64", "15", "15"]),
        ("[N,64,15,15]", ["N", "64", "15", "15"]),
        ("N x 64 x 15 x 15", ["N", "64", "15", "15"]),
        ("64x15x15", ["64", "15", "15"]),
        ("N×64×15×15", ["N", "64", "15", "15"]),
        ("(N)x(2*32)", ["N", "2 · 32"]),
        ("max(N,2)x64", ["max(N, 2)", "64"]),
        ("exp(N)x3", ["exp(N)", "3"]),
    ],
)
def test_shapes_split_on_x_only_between_dimensions(text: str, items: list[str]) -> None:
    node = parse(text, symbols={"N"}, shape=True)
    assert isinstance(node, TupleNode)
    assert [render(item) for item in node.items] == items


def test_an_x_inside_a_name_is_not_a_separator() -> None:
    node = parse("(nx, 2)", symbols={"nx"}, shape=True)
    assert isinstance(node, TupleNode)
    assert node.items[0] == Sym("nx")
    with pytest.raises(ExprError, match="unknown name 'xs'"):
        parse("(xs, 2)", symbols={"N"}, shape=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty answer"),
        ("9**9**9**9", "exponent is too large"),
        ("10**10**10", "exponent is too large"),
        ("2**(2**64)", "exponent is too large"),
        ("1e999999999", "exponent in '1e999999999' is too large"),
        ("1000**600", "too large"),
        ("x" * 1001, "too long"),
        ("(" * 40 + "1" + ")" * 40, "too deeply nested"),
        ("-" * 200 + "1", "too long or too deeply nested"),
        ("1" + "+1" * 400, "too long"),
        ("٣", "digit '٣': type digits as 0-9"),
        ("１２", "digit '１'"),
        ("1\x002", "control characters"),
        ("1 # comment", "character '#'"),
        ("__import__('os').system('x')", "quotes"),
        ("().__class__.__bases__", "only numbers and arithmetic"),
        ("lambda: 1", "only numbers and arithmetic"),
        ("[x for x in y]", "only numbers and arithmetic"),
        ("(y := 1)", "only numbers and arithmetic"),
        ("min(*y)", "min takes 2 to 8 arguments"),
        ("f'{1}'", "quotes"),
        ("x.real", "only numbers and arithmetic"),
        ("factorial(10**6)", "only these functions are allowed"),
        ("max(a=1, b=2)", "keyword arguments"),
        ("sqrt", "sqrt needs parentheses"),
        ("sqrt(-1)", "square root of a negative number"),
        ("log(0)", "log of a non-positive number"),
        ("0/0", "division by zero"),
        ("0**-1", "division by zero"),
        ("inf", "unknown name 'inf'"),
        ("nan", "unknown name 'nan'"),
        ("2n", "write multiplication with \\*"),
        ("(n+1)(n-1)", "write multiplication with \\*"),
        ("2(3)", "write multiplication with \\*"),
        ("0x10", "write numbers in decimal"),
        ("1j", "write multiplication"),
        ("(1, 2)", "list of values is not expected"),
        ("(-8)**(1/3)", "negative number to a fractional power"),
        ("exp(1000)", "too large"),
        ("(1e400)**0.5", "too large"),
        ("2**(1e400 + 0.5)", "too large"),
    ],
)
def test_hostile_or_broken_text_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(ExprError, match=message):
        safe_eval(text)


def test_huge_exact_values_never_overflow_a_float_silently() -> None:
    assert safe_eval("tanh(1e400)") == 1.0
    assert safe_eval("sigmoid(-1e400)") == 0.0
    assert safe_eval("log(1e400)") == pytest.approx(921.034, rel=1e-6)
    assert safe_eval("1e400 // 1e-400") == Fraction(10) ** 800
    with pytest.raises(ExprError, match="too large"):
        safe_eval("1e400 * 0.5 + sqrt(2) * 1e400")


def test_limits_are_configurable() -> None:
    tight = Limits(max_length=5)
    with pytest.raises(ExprError, match="more than 5 characters"):
        parse("123456", limits=tight)
    assert evaluate_number(parse("2**20"), limits=Limits(max_exponent=20)) == 2**20


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(250), "250"),
        (Fraction(169, 10), "16.9"),
        (Fraction(1, 3), "1/3 ≈ 0.333333"),
        (Fraction(123456789, 10), "12345678.9"),
        (Fraction(10) ** 400, "1e+400"),
        (Fraction(10) ** 400 / 3, "≈ 3.33333e+399"),
        (Fraction(1, 10**800), "1e-800"),
        (0.1 + 0.2, "0.3"),
        (True, "true"),
    ],
)
def test_format_number(value: Fraction | float | bool, shown: str) -> None:
    assert format_number(value) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1000/4", "1000 / 4"),
        ("0.1234567", "0.1234567"),
        ("(-2)**2", "(−2) ^ 2"),
        ("-2**2", "−2 ^ 2"),
        ("(a+b)*c", "(a + b) · c"),
        ("a - (b - c)", "a − (b − c)"),
        ("(a**b)**c", "(a ^ b) ^ c"),
        ("a**b**c", "a ^ b ^ c"),
        ("floor((n-k)/s)+1", "floor((n − k) / s) + 1"),
    ],
)
def test_render_shows_how_the_text_was_read(text: str, shown: str) -> None:
    symbols = {"a", "b", "c", "n", "k", "s"}
    assert render(parse(text, symbols=symbols)) == shown
    # what render shows reads back as the same tree
    assert parse(render(parse(text, symbols=symbols)), symbols=symbols) == parse(
        text, symbols=symbols
    )


def test_render_parenthesises_negative_numbers_in_powers() -> None:
    assert render(Binary("**", Num(Fraction(-3)), Sym("x"))) == "(-3) ^ x"


def test_names_in() -> None:
    assert names_in(parse("a * b + max(c, 2)", symbols={"a", "b", "c"})) == {"a", "b", "c"}


def test_symbolic_bounds_stop_expansions_before_sympy() -> None:
    symbols = {"x"}
    check_symbolic_bounds(parse("(x + 1)**32 + 2**100", symbols=symbols))
    for text in ("x**100000", "(x+1)**200", "x**(2**64)", "x**(-33)"):
        with pytest.raises(ExprError, match="limited to 32"):
            check_symbolic_bounds(parse(text, symbols=symbols))
    with pytest.raises(ExprError, match="too large"):
        check_symbolic_bounds(parse("x + 9**9**9", symbols=symbols))


def test_to_sympy_builds_exact_expressions_and_checks_bounds() -> None:
    import sympy

    x = sympy.Symbol("x", positive=True)
    built = to_sympy(parse("2**0.5 * x + 1/3", symbols={"x"}), {"x": x})
    assert sympy.simplify(built - (sympy.sqrt(2) * x + sympy.Rational(1, 3))) == 0
    with pytest.raises(ExprError, match="limited to 32"):
        to_sympy(parse("(x+1)**200", symbols={"x"}))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(5, 4), "1.25"),
        (Fraction(9, 8), "1.125"),
        (Fraction(1, 1024), "0.0009765625"),
        (Fraction(-7, 16), "-0.4375"),
    ],
)
def test_terminating_decimals_are_shown_exactly(value: Fraction, shown: str) -> None:
    assert format_number(value) == shown


@given(st.integers(-(10**6), 10**6), st.integers(0, 12), st.integers(0, 12))
def test_every_terminating_decimal_round_trips(numerator: int, twos: int, fives: int) -> None:
    value = Fraction(numerator, 2**twos * 5**fives)
    assert Fraction(format_number(value)) == value
