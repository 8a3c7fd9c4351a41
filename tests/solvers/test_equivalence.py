"""Formula equivalence: exact random points first, sympy for float-valued formulas."""

from __future__ import annotations

import random
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.equivalence import (
    MAX_EXPANDED_TERMS,
    Verdict,
    compare,
    expanded_terms,
    find_counterexample,
    has_rounding,
    symbolic_verdict,
    warm_up,
)
from solvers.expr import Binary, Node, Num, Sym, Unary, parse, render

SYMBOLS = ("n", "k", "s", "p", "x", "y")
GENEROUS = 10.0  # seconds


def node(text: str) -> Node:
    return parse(text, symbols=SYMBOLS)


def verdict(answer: str, expected: str, **kwargs: bool) -> Verdict:
    return compare(node(answer), node(expected), SYMBOLS, **kwargs).verdict


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("(n + 2*p - k)//s + 1", "floor((n + 2*p - k)/s) + 1"),
        ("floor((n - k + 2*p + s)/s)", "floor((n + 2*p - k)/s) + 1"),
        ("ceil((n + 2*p - k + 1)/s)", "floor((n + 2*p - k)/s) + 1"),
        ("4*x*(y+x+1)", "4*x*(y+x) + 4*x"),
        ("x**8 + 8*x**7 + 28*x**6 + 56*x**5 + 70*x**4 + 56*x**3 + 28*x**2 + 8*x + 1", "(x+1)**8"),
        ("exp(x)/(1 + exp(x))", "1/(1 + exp(-x))"),
        ("sigmoid(x)", "1/(1 + exp(-x))"),
        ("2*log(x)", "log(x**2)"),
        ("x", "sqrt(x)*sqrt(x)"),
        ("x**0.5", "sqrt(x)"),
        ("max(x, y)", "(x + y + abs(x - y))/2"),
        ("relu(x - y) - relu(y - x)", "x - y"),
    ],
)
def test_equivalent_formulas(answer: str, expected: str) -> None:
    assert verdict(answer, expected) is Verdict.EQUAL


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("(n + 2*p - k)/s + 1", "floor((n + 2*p - k)/s) + 1"),
        ("ceil((n + 2*p - k)/s)", "floor((n + 2*p - k)/s) + 1"),
        ("n // 2", "n / 2"),
        ("(x+1)**7", "(x+1)**8"),
        ("1/(1 + exp(x))", "1/(1 + exp(-x))"),
        ("log(2*x)", "log(x**2)"),
        ("x", "abs(x - 1)"),
        ("3", "x"),
    ],
)
def test_different_formulas(answer: str, expected: str) -> None:
    assert verdict(answer, expected) is Verdict.DIFFERENT


def test_integer_points_are_used_when_rounding_occurs() -> None:
    assert has_rounding(node("n // s")) and has_rounding(node("ceil(x)"))
    assert not has_rounding(node("n / s + sqrt(x)"))
    # ceil(x) == floor(x) + 1 on every non-integer, so only integer points tell them apart
    assert verdict("ceil(x)", "floor(x) + 1") is Verdict.DIFFERENT


def test_points_on_a_float_rounding_jump_are_skipped() -> None:
    # sqrt(3)*sqrt(3) is 2.9999999999999996 in floats: floor would flip at every point,
    # so the points decide nothing and sympy (which knows n is an integer) decides
    answer, expected = node("floor(n*sqrt(3)*sqrt(3))"), node("3*n")
    assert compare(answer, expected, SYMBOLS, symbolic=False).verdict is Verdict.UNKNOWN
    # what sympy decides, not how fast: the 40 ms budget is for grading, not for a loaded CI
    assert compare(answer, expected, SYMBOLS, budget=GENEROUS).verdict is Verdict.EQUAL


def test_an_answer_undefined_where_the_answer_is_defined_is_different() -> None:
    result = compare(node("sqrt(x - 100)"), node("sqrt(x)"), SYMBOLS)
    assert result.verdict is Verdict.DIFFERENT
    assert result.witness is not None and result.witness.answer is None


def test_an_expected_formula_undefined_everywhere_decides_nothing() -> None:
    assert verdict("x", "sqrt(-x)", symbolic=False) is Verdict.UNKNOWN


def test_undeclared_symbols_in_the_expected_formula_are_a_bank_bug() -> None:
    with pytest.raises(ValueError, match="undeclared symbols"):
        compare(Sym("z"), Sym("z"), ["x"])


def test_exact_agreement_needs_no_sympy() -> None:
    result = compare(node("(x + 1)*(x - 1)"), node("x**2 - 1"), SYMBOLS)
    assert result.verdict is Verdict.EQUAL and result.exact


def test_sympy_decides_float_valued_formulas() -> None:
    # what sympy decides, not how fast: the 40 ms budget is for grading, not for a loaded CI
    equal = symbolic_verdict(
        node("exp(x)/(1+exp(x))"), node("sigmoid(x)"), SYMBOLS, budget=GENEROUS
    )
    assert equal is Verdict.EQUAL
    assert (
        symbolic_verdict(node("sqrt(8)"), node("2*sqrt(2)"), SYMBOLS, budget=GENEROUS)
        is Verdict.EQUAL
    )
    assert (
        symbolic_verdict(node("sqrt(2)"), node("1.4142135"), SYMBOLS, budget=GENEROUS)
        is Verdict.DIFFERENT
    )
    # a nonzero formula is not a proof of difference: undecided, the points decide
    assert symbolic_verdict(node("sqrt(2)*x"), node("x"), SYMBOLS, budget=GENEROUS) is None


def test_sympy_is_skipped_for_large_or_expanding_formulas() -> None:
    huge = node("(x+1)**32 * (y+1)**32 * (x+2)**32")
    assert expanded_terms(huge) > MAX_EXPANDED_TERMS
    started = time.perf_counter()
    assert symbolic_verdict(huge, huge, SYMBOLS) is None
    assert time.perf_counter() - started < 0.05
    long_sum = node(" + ".join(["x"] * 40))
    assert symbolic_verdict(long_sum, long_sum, SYMBOLS) is None
    assert expanded_terms(node("(x + 1)**32")) == 33


def test_counterexamples_use_small_integers() -> None:
    witness = find_counterexample(node("(n - k)//s"), node("(n - k)//s + 1"), ["n", "k", "s"])
    assert witness is not None
    assert all(1 <= value <= 9 for value in witness.point.values())
    assert witness.expected == witness.answer + 1  # type: ignore[operator]


def test_typical_formula_grading_is_fast() -> None:
    warm_up()
    pairs = [
        ("(n+2*p-k)//s+1", "floor((n + 2*p - k)/s) + 1"),
        ("(n+2*p-k)/s+1", "floor((n + 2*p - k)/s) + 1"),
        ("4*x*y + 4*x**2 + 4*x", "4*x*(y+x) + 4*x"),
        ("exp(x)/(1+exp(x))", "1/(1 + exp(-x))"),
        ("2*log(x)", "log(x**2)"),
        ("x*x - 1", "(x+1)*(x-1)"),
    ]
    timings = []
    for _ in range(5):
        for answer, expected in pairs:
            started = time.perf_counter()
            compare(node(answer), node(expected), SYMBOLS)
            timings.append(time.perf_counter() - started)
    timings.sort()
    # typically well under 25 ms each; generous bounds keep a busy CI machine green
    assert timings[len(timings) // 2] < 0.025
    assert timings[-1] < 0.5


# --------------------------------------------------------------------------- properties

LEAF_SYMBOLS = ("x", "y", "n")
leaves = st.one_of(
    st.sampled_from([Sym(name) for name in LEAF_SYMBOLS]),
    st.integers(1, 5).map(lambda v: Num(Fraction(v))),
)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    divisor = st.one_of(st.sampled_from([Sym(name) for name in LEAF_SYMBOLS]), leaves)
    return st.one_of(
        st.tuples(st.sampled_from("+-*"), children, children).map(lambda t: Binary(*t)),
        st.tuples(children, divisor).map(lambda t: Binary("/", *t)),
        st.tuples(children, st.integers(0, 3)).map(
            lambda t: Binary("**", t[0], Num(Fraction(t[1])))
        ),
    )


formulas = st.recursive(leaves, _extend, max_leaves=5)


def _rewrite(item: Node, rng: random.Random) -> Node:
    """An equal formula: commute, distribute, expand powers, add neutral elements."""
    if isinstance(item, Binary):
        left, right = _rewrite(item.left, rng), _rewrite(item.right, rng)
        choice = rng.random()
        if item.op in "+*" and choice < 0.3:
            return Binary(item.op, right, left)
        if item.op == "-" and choice < 0.3:
            return Binary("+", left, Binary("*", Num(Fraction(-1)), right))
        if item.op == "*" and isinstance(right, Binary) and right.op in "+-" and choice < 0.6:
            return Binary(right.op, Binary("*", left, right.left), Binary("*", left, right.right))
        if item.op == "/" and choice < 0.5:
            return Binary("*", left, Binary("/", Num(Fraction(1)), right))
        if item.op == "**" and isinstance(right, Num) and right.value == 2 and choice < 0.6:
            return Binary("*", left, left)
        return Binary(item.op, left, right)
    choice = rng.random()
    if choice < 0.15:
        return Binary("/", Binary("*", item, Num(Fraction(2))), Num(Fraction(2)))
    if choice < 0.3:
        return Unary("-", Unary("-", item))
    if choice < 0.4:
        return Binary("+", item, Num(Fraction(0)))
    return item


@settings(max_examples=60, deadline=None)
@given(formulas, st.integers(0, 2**32))
def test_rewritten_formulas_grade_as_equal(formula: Node, seed: int) -> None:
    rewritten = _rewrite(formula, random.Random(seed))
    text = render(rewritten)  # through the text a student would type
    answer = parse(text, symbols=LEAF_SYMBOLS)
    assert compare(answer, formula, LEAF_SYMBOLS).verdict is Verdict.EQUAL


@settings(max_examples=60, deadline=None)
@given(formulas, st.integers(1, 7).map(lambda v: Num(Fraction(v))))
def test_formulas_off_by_a_constant_are_different(formula: Node, offset: Num) -> None:
    wrong = parse(render(Binary("+", formula, offset)), symbols=LEAF_SYMBOLS)
    assert compare(wrong, formula, LEAF_SYMBOLS).verdict is Verdict.DIFFERENT
