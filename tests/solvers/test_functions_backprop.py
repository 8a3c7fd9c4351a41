"""Softmax, losses, activations, batch norm, dropout, init scales and backprop."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.backprop import backprop
from solvers.functions import (
    activation,
    batchnorm_normalize,
    binary_cross_entropy,
    cross_entropy,
    dropout_scale,
    init_std,
    softmax,
)
from solvers.support import SolverError

F = Fraction


def test_softmax_of_2_1_01() -> None:
    solution = softmax("2, 1, 0.1")
    total = math.exp(2) + math.exp(1) + math.exp(0.1)
    assert math.isclose(float(solution.value), math.exp(2) / total)
    probs = solution.facts["probs"]
    assert isinstance(probs, tuple) and math.isclose(sum(probs), 1.0)
    assert softmax("3, 3, 3", 2).value == F(1, 3)
    with pytest.raises(SolverError, match="index must be between 0 and 2"):
        softmax("2, 1, 0.1", 3)


def test_cross_entropy_uses_natural_log() -> None:
    solution = cross_entropy("2, 1, 0.1", 0)
    expected = -math.log(math.exp(2) / (math.exp(2) + math.exp(1) + math.exp(0.1)))
    assert math.isclose(float(solution.value), expected)
    wrong_logs = [float(m.value) for m in solution.mistakes if m.tag == "log-base"]
    assert wrong_logs == pytest.approx([expected / math.log(10), expected / math.log(2)])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(-500, 500).map(lambda n: F(n, 100)), min_size=2, max_size=6),
    st.integers(0, 5),
)
def test_cross_entropy_is_minus_log_softmax(logits: list[Fraction], target: int) -> None:
    target %= len(logits)
    text = ", ".join(str(float(z)) for z in logits)
    prob = float(softmax(text, target).value)
    assert math.isclose(float(cross_entropy(text, target).value), -math.log(prob), rel_tol=1e-9)


def test_binary_cross_entropy_clamps_like_pytorch() -> None:
    assert math.isclose(float(binary_cross_entropy(F(9, 10), F(1)).value), -math.log(0.9))
    assert binary_cross_entropy(F(0), F(1)).value == 100.0


def test_activations_and_pytorch_derivatives_at_zero() -> None:
    sigmoid = activation("sigmoid", F(0))
    assert (sigmoid.facts["value"], sigmoid.facts["derivative"]) == (F(1, 2), F(1, 4))
    assert activation("tanh", F(0)).facts["derivative"] == 1
    assert activation("relu", F(0)).facts["derivative"] == 0
    leaky = activation("leaky_relu", F(-2))
    assert (leaky.facts["value"], leaky.facts["derivative"]) == (F(-2, 100), F(1, 100))
    with pytest.raises(SolverError, match="name must be"):
        activation("swish", F(1))


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(["sigmoid", "tanh"]),
    x=st.integers(-400, 400).map(lambda n: F(n, 100)),
)
def test_derivatives_match_finite_differences(name: str, x: Fraction) -> None:
    h = 1e-6
    up = float(activation(name, x + F(1, 10**6)).facts["value"])
    down = float(activation(name, x - F(1, 10**6)).facts["value"])
    derivative = float(activation(name, x).facts["derivative"])
    assert math.isclose(derivative, (up - down) / (2 * h), rel_tol=1e-5, abs_tol=1e-9)


def test_batchnorm_uses_the_biased_variance() -> None:
    solution = batchnorm_normalize("1, 3", index=0)
    assert (solution.facts["mean"], solution.facts["var"], solution.facts["x_hat"]) == (
        2,
        1,
        -1,
    )
    assert solution.output_mistakes["var"][0].value == 2  # divided by n - 1
    scaled = batchnorm_normalize("1, 2, 3, 6", index=3, gamma=F(2), beta=F(1, 2))
    assert scaled.facts["var"] == F(7, 2)
    assert math.isclose(float(scaled.facts["y"]), 2 * 3 / math.sqrt(3.5) + 0.5)


def test_dropout_and_init() -> None:
    assert dropout_scale(F(1, 2)).value == 2
    assert dropout_scale(F(1, 5)).value == F(5, 4)
    with pytest.raises(SolverError, match="p must be in"):
        dropout_scale(F(1))
    assert init_std(50, 10, "kaiming").value == F(1, 5)
    xavier = init_std(100, 200, "xavier")
    assert math.isclose(float(xavier.value), math.sqrt(2 / 300))
    tags = {m.tag: m.value for m in xavier.mistakes}
    assert tags["std-vs-variance"] == F(2, 300)
    assert tags["xavier-fan-in-only"] == F(1, 10)


# --------------------------------------------------------------------------- backprop


def test_course_graph_with_max() -> None:
    solution = backprop("a = x * y; b = a + z; f = max(b, 0)", "x=1, y=-2, z=3")
    facts = solution.facts
    assert (solution.value, facts["a"], facts["b"]) == (1, -2, 1)
    assert (facts["dx"], facts["dy"], facts["dz"], facts["da"]) == (-2, 1, 1, 1)


def test_classic_add_multiply_graph() -> None:
    facts = backprop("q = x + y\nf = q * z", "x=-2, y=5, z=-4").facts
    assert (facts["f"], facts["dx"], facts["dy"], facts["dz"]) == (-12, -4, -4, 3)


def test_max_tie_splits_like_torch_maximum_and_relu_at_zero() -> None:
    tie = backprop("f = max(x, y)", "x=1, y=1").facts
    assert (tie["dx"], tie["dy"]) == (F(1, 2), F(1, 2))
    assert backprop("f = relu(x)", "x=0").facts["dx"] == 0
    assert backprop("f = max(x, 0)", "x=-1").facts["dx"] == 0


def test_reused_input_accumulates() -> None:
    facts = backprop("a = x * x; f = a - x", "x=3").facts
    assert facts["dx"] == 2 * 3 - 1


def test_intermediate_output() -> None:
    facts = backprop("a = x * y; f = exp(a)", "x=2, y=3", output="a").facts
    assert (facts["value"], facts["dx"], facts["df"]) == (6, 3, 0)


GRAPH = "a = x * y; b = sigmoid(a); c = exp(z); d = b * c; f = d - y"


@settings(max_examples=30, deadline=None)
@given(st.tuples(*[st.integers(-200, 200).map(lambda n: n / 100)] * 3))
def test_gradients_match_finite_differences(point: tuple[float, float, float]) -> None:
    names = ("x", "y", "z")

    def value(values: tuple[float, ...]) -> float:
        inputs = ", ".join(f"{n}={v!r}" for n, v in zip(names, values, strict=True))
        return float(backprop(GRAPH, inputs).value)

    inputs = ", ".join(f"{n}={v!r}" for n, v in zip(names, point, strict=True))
    facts = backprop(GRAPH, inputs).facts
    h = 1e-6
    for index, name in enumerate(names):
        up = tuple(v + h if i == index else v for i, v in enumerate(point))
        down = tuple(v - h if i == index else v for i, v in enumerate(point))
        numeric = (value(up) - value(down)) / (2 * h)
        assert math.isclose(float(facts[f"d{name}"]), numeric, rel_tol=1e-5, abs_tol=1e-7)


@pytest.mark.parametrize(
    ("graph", "inputs", "message"),
    [
        ("a = __import__('os').system('ls')", "x=1", r"statement 1 \(a\)"),
        ("a = x ** 2", "x=1", "exactly one operation"),
        ("a = x * y + 1", "x=1, y=2", "one operation each"),
        ("a = x + q", "x=1", "unknown name 'q'"),
        ("a = x + 1; a = a + 1", "x=1", "already defined"),
        ("f x + 1", "x=1", "write it as name = operation"),
        ("value = x + 1", "x=1", "reserved"),
        ("dx = x + 1", "x=1", "clashes with the gradient"),
        ("f = x + 1", "x=1, x=2", "given twice"),
        ("f = x + 1", "x", "name=value"),
        ("f = x + 1", "x=1", None),
    ],
)
def test_graph_errors(graph: str, inputs: str, message: str | None) -> None:
    if message is None:
        assert backprop(graph, inputs, output="f").value == 2
        with pytest.raises(SolverError, match="output 'g' is not a node"):
            backprop(graph, inputs, output="g")
        return
    with pytest.raises(SolverError, match=message):
        backprop(graph, inputs)
