"""The solver registry contract: names, argument kinds, outputs and mistakes."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from solvers.mistakes import MISTAKES
from solvers.registry import SOLVERS, ArgSpec, SolverError, get_solver, mistakes_for
from solvers.solution import Solution

# one valid call per solver, the way a bank writes it (numbers as literals or text)
EXAMPLES: dict[str, dict[str, object]] = {
    "conv_out": {"size": 227, "kernel": 11, "stride": 4},
    "conv_same_padding": {"kernel": 5, "dilation": 2},
    "pool_out": {"size": 112, "kernel": 3, "stride": 2, "ceil_mode": True},
    "convt_out": {"size": 4, "kernel": 4, "stride": 2, "padding": 1},
    "conv2d_shape": {"batch": 8, "out_channels": 96, "height": 227, "width": 227, "kernel": 11},
    "pool2d_shape": {"batch": 8, "channels": 96, "height": 55, "width": 55, "kernel": 3},
    "convt2d_shape": {"batch": 1, "out_channels": 3, "height": 4, "width": 4, "kernel": 4},
    "receptive_field": {"layers": "conv(k=11, s=4); pool(k=3, s=2); conv(k=5, p=2)"},
    "layer_stack": {"layers": "conv(in=3, out=8, k=3); flatten(); linear(out=2)", "input": "3x5x5"},
    "stack_params": {"layers": "conv(in=3, out=8, k=3); bn(c=8)"},
    "linear_params": {"in_features": 4096, "out_features": 1000},
    "conv_params": {"in_channels": 3, "out_channels": 96, "kernel": 11},
    "convt_params": {"in_channels": 64, "out_channels": 32, "kernel": 4, "groups": 2},
    "batchnorm_params": {"num_features": 96},
    "embedding_params": {"num_embeddings": 10_000, "embedding_dim": 300},
    "rnn_params": {"input_size": 100, "hidden_size": 256, "num_layers": 2, "cell": "GRU"},
    "mlp_params": {"sizes": "784, 100, 10"},
    "model_memory": {"params": 4_200_000, "unit": "mib"},
    "iterations": {"samples": 50_000, "batch": 64, "epochs": 10},
    "sgd_step": {"w": 1, "grad": "0.5", "lr": 0.1, "weight_decay": 0.01},
    "momentum_step": {"w": 1, "grad": 0.5, "lr": 0.1, "momentum": 0.9, "velocity": 0.2},
    "adam_step": {"w": 1, "grad": 0.5, "step": 2, "m": 0.05, "v": 0.00025},
    "adam_steps": {"w": 1, "grads": "0.5, -0.1, 0.2"},
    "rmsprop_step": {"w": 1, "grad": 0.5},
    "weight_decay_compare": {"w": 1, "grad": 0.5, "lr": 0.1, "decay": 0.01, "optimizer": "adam"},
    "softmax": {"logits": "2, 1, 0.1", "index": 1},
    "cross_entropy": {"logits": "2, 1, 0.1", "target": 0},
    "binary_cross_entropy": {"p": 0.8, "y": 1},
    "activation": {"name": "sigmoid", "x": 0},
    "batchnorm_normalize": {"values": "1, 2, 3, 6", "index": 3},
    "dropout_scale": {"p": 0.5},
    "init_std": {"fan_in": 100, "fan_out": 200, "scheme": "xavier"},
    "backprop": {"graph": "a = x * y; f = max(a, 0)", "inputs": "x=1, y=2"},
}


def test_every_solver_has_an_example() -> None:
    assert set(EXAMPLES) == set(SOLVERS)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_outputs_are_facts_and_value_is_the_first(name: str) -> None:
    spec = get_solver(name)
    solution = spec.solve(**EXAMPLES[name])
    assert isinstance(solution, Solution)
    assert set(spec.outputs) <= set(solution.facts), f"{name} is missing facts"
    assert solution.value == solution.facts[spec.outputs[0]]
    assert solution.steps and solution.title
    assert all(spec.accepts_output(output) for output in spec.outputs)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_mistakes_are_catalogued_and_wrong(name: str) -> None:
    spec = get_solver(name)
    solution = spec.solve(**EXAMPLES[name])
    for output in spec.outputs:
        for mistake in mistakes_for(solution, output):
            assert mistake.tag in MISTAKES
            assert mistake.message
            assert mistake.value != solution.facts[output]
    assert mistakes_for(solution, None) == solution.mistakes


def test_every_arg_is_documented_and_defaults_have_the_right_kind() -> None:
    for spec in SOLVERS.values():
        assert spec.description and spec.outputs
        for arg_name, arg in spec.args.items():
            assert isinstance(arg, ArgSpec)
            assert arg.help, f"{spec.name}.{arg_name} has no help"
            assert arg.kind in ("int", "number", "bool", "text")
            if arg.required or arg.default is None:
                continue
            expected = {"int": int, "number": Fraction, "bool": bool, "text": str}[arg.kind]
            assert isinstance(arg.default, expected), f"{spec.name}.{arg_name}"


def test_mistake_tags_are_well_formed() -> None:
    for tag, message in MISTAKES.items():
        assert re.fullmatch(r"[a-z0-9][a-z0-9+-]{0,47}", tag)
        assert message.strip()


def test_arguments_are_converted_by_kind() -> None:
    spec = get_solver("conv_out")
    assert spec.solve(size="2*112", kernel=Fraction(3), stride=2.0, padding="1").value == 112
    assert get_solver("pool_out").solve(size=5, kernel=2, padding=1, ceil_mode="yes").value == 3
    exact = get_solver("sgd_step").solve(w="1", grad="1/2", lr="0.1")
    assert exact.value == Fraction(95, 100)


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("conv_out", {"size": 5, "kernel": 11}, "larger than the padded input"),
        ("conv_out", {"kernel": 3}, "needs the argument 'size'"),
        ("conv_out", {"size": 5, "kernel": 3, "strides": 2}, "no argument 'strides'"),
        ("conv_out", {"size": 5.5, "kernel": 3}, "size: must be a whole number"),
        ("conv_out", {"size": "five", "kernel": 3}, "size: couldn't read"),
        ("conv_out", {"size": True, "kernel": 3}, "not true/false"),
        ("pool_out", {"size": 5, "kernel": 3, "ceil_mode": "perhaps"}, "true or false"),
        ("rnn_params", {"input_size": 1, "hidden_size": 2, "cell": "lstn"}, "one of rnn"),
        ("adam_step", {"w": 1, "grad": float("inf")}, "not a finite number"),
        ("softmax", {"logits": "2, 1, 0.1", "index": -1}, "index must be between"),
        ("receptive_field", {"layers": "pool(x=1)"}, "unknown key 'x'"),
    ],
)
def test_bad_values_raise_one_line_solver_errors(
    name: str, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(SolverError, match=message) as raised:
        get_solver(name).solve(**kwargs)
    assert isinstance(raised.value, ValueError)
    assert "\n" not in str(raised.value)


def test_unknown_solver_lists_the_known_names() -> None:
    with pytest.raises(KeyError, match="conv_out"):
        get_solver("conv_size")


def test_backprop_outputs_are_the_graph_nodes() -> None:
    spec = get_solver("backprop")
    assert spec.accepts_output("dx") and not get_solver("conv_out").accepts_output("dx")
    solution = spec.solve(graph="a = x * y; f = max(a, 0)", inputs="x=1, y=2", output="a")
    assert solution.fact("dy") == 1
