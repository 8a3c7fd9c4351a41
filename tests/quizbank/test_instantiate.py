"""Seeded instantiation: deterministic, constraints hold, answers match an independent
computation; grading dispatch and the per-question tests."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizbank.answering import NotAutoGraded, grade_part, run_answer_tests
from quizbank.instantiate import (
    ConstraintsUnsatisfiable,
    Instance,
    InstanceError,
    instantiate,
)
from quizbank.loader import Bank, load_bank
from quizbank.schema import AnswerTest
from solvers.expr import Num, Sym, evaluate_number

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD = ROOT / "tests" / "data" / "good"
BROKEN = ROOT / "tests" / "data" / "broken"
SEEDS = st.integers(min_value=0, max_value=2**40)


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank([GOOD], builtin=False)


def _instance(bank: Bank, question_id: str, seed: int) -> Instance:
    return instantiate(bank.by_id[question_id], seed)


def _int(value: Any) -> int:
    assert isinstance(value, Fraction) and value.denominator == 1
    return value.numerator


PARAMETRIC = [
    "fx-conv-width",
    "fx-lr-decay",
    "fx-shape",
    "fx-rf-formula",
    "fx-activation",
    "fx-fc-problem",
    "fx-solver-conv",
    "fx-solver-stack",
    "fx-solver-shape",
]


def test_the_parametric_list_covers_the_fixtures(bank: Bank) -> None:
    assert sorted(PARAMETRIC) == sorted(q.id for q in bank.questions if q.is_parametric)


@pytest.mark.parametrize("question_id", PARAMETRIC)
@settings(max_examples=15, deadline=None)
@given(seed=SEEDS)
def test_same_seed_gives_the_same_instance(bank: Bank, question_id: str, seed: int) -> None:
    first = _instance(bank, question_id, seed)
    assert _instance(bank, question_id, seed) == first
    assert first.seed == seed


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_conv_width_respects_constraints_and_formula(bank: Bank, seed: int) -> None:
    instance = _instance(bank, "fx-conv-width", seed)
    n, k, s, p = (_int(instance.values[name]) for name in ("n", "k", "s", "p"))
    assert 8 <= n <= 64 and k in (3, 5, 7) and s in (1, 2) and 0 <= p <= 3
    assert k <= n + 2 * p and p <= k // 2
    (part,) = instance.parts
    assert part.expected == (n + 2 * p - k) // s + 1
    assert f"input width {n}" in instance.prompt and r"$\frac{n}{s}$" in instance.prompt
    wrong = {mistake.tag: mistake.value for mistake in part.mistakes}
    assert wrong == {"forgot-plus-one": part.expected - 1}
    assert part.solution is not None and part.solution.steps[-1].result == str(part.expected)
    # the derived value the answer uses is a worked step of its own, with the numbers plugged in
    span = part.solution.steps[0]
    assert span.label == "span" and span.result == str(n + 2 * p - k)
    assert span.substitution == f"{n} + 2 · {p} − {k}"


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_decimal_params_are_exact(bank: Bank, seed: int) -> None:
    instance = _instance(bank, "fx-lr-decay", seed)
    lr, gamma, t = (instance.values[name] for name in ("lr", "gamma", "t"))
    assert lr in (Fraction("0.1"), Fraction("0.01"), Fraction("0.5"))
    assert gamma in {Fraction(k, 10) for k in range(5, 10)}
    assert instance.parts[0].expected == lr * gamma ** _int(t)
    assert f"of {float(lr):g} is multiplied by {float(gamma):g}" in instance.prompt


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_shape_keeps_symbols_and_computes_the_rest(bank: Bank, seed: int) -> None:
    instance = _instance(bank, "fx-shape", seed)
    v = {name: _int(value) for name, value in instance.values.items()}
    side = v["h"] + 2 * v["pad"] - v["k"] + 1
    (part,) = instance.parts
    assert part.expected == (
        Sym("N"),
        Num(Fraction(v["c_out"])),
        Num(Fraction(side)),
        Num(Fraction(side)),
    )
    for mistake in part.mistakes:  # a rule equal to the answer (pad = 0) is dropped
        assert mistake.value != part.expected and v["pad"] > 0


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, k=st.integers(1, 9))
def test_expression_substitutes_params_and_keeps_symbols(bank: Bank, seed: int, k: int) -> None:
    instance = _instance(bank, "fx-rf-formula", seed)
    depth = _int(instance.values["depth"])
    expected = instance.parts[0].expected
    assert evaluate_number(expected, {"k": Fraction(k)}) == 1 + depth * (k - 1)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_problem_parts_share_the_values(bank: Bank, seed: int) -> None:
    instance = _instance(bank, "fx-fc-problem", seed)
    d_in, d_out = _int(instance.values["d_in"]), _int(instance.values["d_out"])
    a, b, c = instance.parts
    assert (a.id, b.id, c.id) == ("a", "b", "c")
    assert a.expected == d_in * d_out and a.prompt.endswith(f"for {d_in} to {d_out}?")
    assert b.expected is True and b.prompt == f"Does the bias add {d_out} parameters?"
    assert {option.text for option in c.options} == {f"({d_out}, {d_in})", f"({d_in}, {d_out})"}
    (correct,) = c.expected
    assert c.options[correct].text == f"({d_out}, {d_in})"


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_solver_answers_match_the_formula(bank: Bank, seed: int) -> None:
    conv = _instance(bank, "fx-solver-conv", seed)
    n, k, s, p = (_int(conv.values[name]) for name in ("n", "k", "s", "p"))
    assert conv.parts[0].expected == math.floor((n + 2 * p - k) / s) + 1
    assert conv.parts[0].solution is not None and conv.parts[0].solution.steps
    stack = _instance(bank, "fx-solver-stack", seed)
    assert stack.parts[0].expected == 1 + 2 * (_int(stack.values["k"]) - 1)
    shape = _instance(bank, "fx-solver-shape", seed)
    h = _int(shape.values["h"])
    assert shape.parts[0].expected == tuple(Num(Fraction(x)) for x in (4, 8, h - 2, h - 2))


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_options_are_shuffled_per_seed_and_keep_their_content(bank: Bank, seed: int) -> None:
    instance = _instance(bank, "fx-activation", seed)
    (part,) = instance.parts
    assert sorted(option.index for option in part.options) == [0, 1, 2]
    assert part.expected == frozenset({i for i, o in enumerate(part.options) if o.correct})
    shown = {option.index: option.text for option in part.options}
    assert shown == {0: "ReLU", 1: "sigmoid", 2: "tanh"}
    why = {option.index: option.why for option in part.options}
    assert why[1] == "sigmoid({x}) > 0."  # explanations are not templates


def test_shuffle_varies_with_the_seed_and_can_be_turned_off(bank: Bank) -> None:
    orders = {
        tuple(o.index for o in _instance(bank, "fx-activation", seed).parts[0].options)
        for seed in range(40)
    }
    assert len(orders) == 6
    pooling = _instance(bank, "fx-pooling", 5).parts[0]
    assert [o.index for o in pooling.options] == [0, 1, 2]


def test_text_of_a_question_without_params_is_not_a_template(bank: Bank) -> None:
    instance = _instance(bank, "fx-pooling", 0)
    assert instance.prompt.startswith("Which statements about {max} pooling")
    assert instance.values == {}


def test_a_single_question_has_one_unnamed_part(bank: Bank) -> None:
    instance = _instance(bank, "fx-equivariance", 0)
    (part,) = instance.parts
    assert (part.id, part.prompt, part.type, part.expected, part.points) == (
        "",
        "",
        "truefalse",
        False,
        1.0,
    )


def test_instances_are_the_same_in_another_process(bank: Bank) -> None:
    ids = ["fx-conv-width", "fx-activation", "fx-fc-problem", "fx-lr-decay"]
    script = (
        "import sys; from pathlib import Path\n"
        "from quizbank.loader import load_bank\n"
        "from quizbank.instantiate import instantiate\n"
        f"bank = load_bank([Path({str(GOOD)!r})], builtin=False)\n"
        f"for qid in {ids!r}:\n"
        "    for seed in (0, 1, 99, 123456789):\n"
        "        i = instantiate(bank.by_id[qid], seed)\n"
        "        print(repr((i.values, i.prompt, [(p.expected, p.options) for p in i.parts])))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    output = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    ).stdout.splitlines()
    here = [
        repr((i.values, i.prompt, [(p.expected, p.options) for p in i.parts]))
        for qid in ids
        for i in (_instance(bank, qid, seed) for seed in (0, 1, 99, 123456789))
    ]
    assert output == here


def test_unsatisfiable_constraints_raise() -> None:
    broken = load_bank([BROKEN / "unsatisfiable.yaml"], builtin=False)
    with pytest.raises(ConstraintsUnsatisfiable, match="br-unsatisfiable"):
        instantiate(broken.questions[0], 0)


def test_a_solver_error_names_the_answer() -> None:
    broken = load_bank([BROKEN / "solver_error.yaml"], builtin=False)
    with pytest.raises(InstanceError) as raised:
        instantiate(broken.questions[0], 3)
    assert raised.value.where == ("answer",)
    assert "larger than the padded input" in raised.value.message


# --------------------------------------------------------------------------- grading


def test_grade_part_dispatches_by_type(bank: Bank) -> None:
    conv = _instance(bank, "fx-conv-width", 2).parts[0]
    assert str(grade_part(conv, str(conv.expected)).outcome) == "correct"
    wrong = grade_part(conv, str(conv.expected - 1))
    assert (str(wrong.outcome), wrong.mistake) == ("incorrect", "forgot-plus-one")
    assert str(grade_part(conv, "banana").outcome) == "invalid"

    formula = _instance(bank, "fx-rf-formula", 0)
    depth = _int(formula.values["depth"])
    expression = formula.parts[0]
    assert str(grade_part(expression, f"{depth}*k - {depth} + 1").outcome) == "correct"
    assert str(grade_part(expression, "k").outcome) == "incorrect"

    shape = _instance(bank, "fx-shape", 1)
    side = _int(shape.values["h"]) + 2 * _int(shape.values["pad"]) - _int(shape.values["k"]) + 1
    answer = f"(N, {_int(shape.values['c_out'])}, {side}, {side})"
    assert str(grade_part(shape.parts[0], answer).outcome) == "correct"

    choice = _instance(bank, "fx-activation", 4).parts[0]
    assert str(grade_part(choice, set(choice.expected)).outcome) == "correct"
    others = {i for i in range(3) if i not in choice.expected}
    assert str(grade_part(choice, {min(others)}).outcome) == "incorrect"

    truefalse = _instance(bank, "fx-equivariance", 0).parts[0]
    assert str(grade_part(truefalse, False).outcome) == "correct"
    assert str(grade_part(truefalse, True).outcome) == "incorrect"

    with pytest.raises(NotAutoGraded):
        grade_part(_instance(bank, "fx-why-pool", 0).parts[0], "smaller maps")


def test_the_fixtures_own_tests_pass(bank: Bank) -> None:
    assert [str(f) for q in bank.questions for f in run_answer_tests(q)] == []


def test_a_wrong_answer_test_is_reported(bank: Bank) -> None:
    question = bank.by_id["fx-solver-fixed"]
    tests = [
        AnswerTest(answer="56", expect="correct"),
        AnswerTest(answer="50", expect="incorrect", mistake="forgot-plus-one"),
        AnswerTest(answer="1", expect="correct", part="a"),
    ]
    failures = run_answer_tests(question.model_copy(update={"tests": tests}))
    assert [(f.index, f.message) for f in failures] == [
        (0, "expected correct, got incorrect"),
        (1, "expected mistake forgot-plus-one, got bias-forgotten"),
        (2, "no part 'a'"),
    ]


def test_choice_tests_count_options_as_written_not_as_shown(bank: Bank) -> None:
    question = bank.by_id["fx-activation"]
    tests = [AnswerTest(answer="1", expect="correct", seed=seed) for seed in range(10)]
    tests.append(AnswerTest(answer="A", expect="correct", seed=3))
    tests.append(AnswerTest(answer="x y z", expect="invalid"))
    assert run_answer_tests(question.model_copy(update={"tests": tests})) == []


def test_no_part_lists_the_same_mistake_twice() -> None:
    from quizbank.instantiate import instantiate as make_instance
    from quizbank.loader import load_bank

    bank = load_bank()
    for question_id in ("l03-linear-classifier-size", "l11-sentiment-bidir-params"):
        for seed in range(5):
            for part in make_instance(bank.by_id[question_id], seed).parts:
                keys = [(mistake.tag, mistake.value) for mistake in part.mistakes]
                assert len(keys) == len(set(keys)), (question_id, seed, keys)
