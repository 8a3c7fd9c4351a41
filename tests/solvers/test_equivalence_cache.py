"""The expected formula's points and values are computed once and never change a verdict."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import equivalence, expr
from solvers.equivalence import Comparison, Verdict, compare, find_counterexample
from solvers.expr import Node, Number, parse
from solvers.grading import Outcome, grade_expression

SYMBOLS = ("n", "k", "s", "p", "x")
CONV = "floor((n + 2*p - k)/s) + 1"


def node(text: str) -> Node:
    return parse(text, symbols=SYMBOLS)


def _counting(monkeypatch: pytest.MonkeyPatch, counted: Node) -> list[int]:
    """How often ``counted`` (compared by identity) is evaluated."""
    calls = [0]
    evaluate = expr.evaluate_number

    def spy(item: Node, env: Mapping[str, Number] | None = None) -> Number:
        calls[0] += item is counted
        return evaluate(item, env)

    monkeypatch.setattr(equivalence, "evaluate_number", spy)
    return calls


def _key(result: Comparison) -> tuple[object, ...]:
    witness = result.witness
    shown = None if witness is None else (dict(witness.point), witness.answer, witness.expected)
    return result.verdict, result.exact, shown


def test_the_expected_formula_is_evaluated_once_for_many_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = node("n*k - n + 1")
    calls = _counting(monkeypatch, expected)
    answers = ["n*(k-1) + 1", "1 + n*(k - 1)", "(k-1)*n+1", "n*k", "n*k + 1"] * 3
    outcomes = [grade_expression(a, expected, symbols=("n", "k")).outcome for a in answers]
    assert outcomes == ([Outcome.CORRECT] * 3 + [Outcome.INCORRECT] * 2) * 3
    first = calls[0]
    assert 0 < first <= equivalence.POINTS * 5 + 40  # its points, then the counterexamples
    grade_expression("n*k - n + 1", expected, symbols=("n", "k"))
    assert calls[0] == first  # a later answer meets every value computed already


def test_a_cached_formula_gives_the_verdict_of_a_fresh_one() -> None:
    pairs = [
        ("(n + 2*p - k)//s + 1", CONV),
        ("ceil((n + 2*p - k)/s)", CONV),
        ("sqrt(x - 100)", "sqrt(x)"),
        ("x", "sqrt(-x)"),
        ("floor(n*sqrt(3)*sqrt(3))", "3*n"),
    ]
    for answer, expected in pairs:
        equivalence._formula.cache_clear()
        fresh = _key(compare(node(answer), node(expected), SYMBOLS, symbolic=False))
        for _ in range(2):  # the same node again, then an equal one built anew
            again = _key(compare(node(answer), node(expected), SYMBOLS, symbolic=False))
            assert again == fresh


def test_shared_points_are_read_only() -> None:
    result = compare(node("n"), node("n + 1"), SYMBOLS, symbolic=False)
    assert result.verdict is Verdict.DIFFERENT and result.witness is not None
    with pytest.raises(TypeError):
        result.witness.point["n"] = Fraction(0)  # type: ignore[index]
    witness = find_counterexample(node("n"), node("n + 1"), SYMBOLS)
    assert witness is not None and witness.expected == witness.answer + 1  # type: ignore[operator]


def test_threads_grading_one_question_agree() -> None:
    equivalence._formula.cache_clear()
    expected = node(CONV)
    answers = ["(n + 2*p - k)//s + 1", "(n + 2*p - k)/s + 1", "floor((n - k + 2*p)/s + 1)"]
    wanted = [_key(compare(node(a), expected, SYMBOLS, symbolic=False)) for a in answers]
    equivalence._formula.cache_clear()
    expected = node(CONV)
    results: list[list[tuple[object, ...]]] = []

    def grade_all() -> None:
        results.append([_key(compare(node(a), expected, SYMBOLS, symbolic=False)) for a in answers])

    threads = [threading.Thread(target=grade_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [wanted] * 4


small = st.integers(1, 4).map(str)
terms = st.sampled_from(["n", "k", "x", "n*k", "x/k", "n//k", "k**2", "sqrt(x)"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(small, terms), min_size=1, max_size=3), small)
def test_reusing_an_expected_formula_never_changes_a_verdict(
    parts: list[tuple[str, str]], offset: str
) -> None:
    expected_text = " + ".join(f"{c}*{t}" for c, t in parts)
    answers = {
        expected_text: Verdict.EQUAL,
        f"({expected_text})*2/2": Verdict.EQUAL,
        f"{expected_text} + {offset}": Verdict.DIFFERENT,
    }
    for answer_text, verdict in answers.items():
        equivalence._formula.cache_clear()
        fresh = _key(compare(node(answer_text), node(expected_text), SYMBOLS, symbolic=False))
        cached = _key(compare(node(answer_text), node(expected_text), SYMBOLS, symbolic=False))
        assert cached == fresh and fresh[0] is verdict
