"""Parameter counts of PyTorch layers and of whole stacks (layer_stack, stack_params)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.params import (
    batchnorm_params,
    conv_params,
    convt_params,
    embedding_params,
    linear_params,
    mlp_params,
    rnn_params,
)
from solvers.solution import Solution
from solvers.stack import layer_stack, parse_input, stack_params
from solvers.support import SolverError

VGG16 = (
    "conv(in=3, out=64, k=3, p=1); relu(); conv(out=64, k=3, p=1); relu(); pool(k=2); "
    "conv(out=128, k=3, p=1); relu(); conv(out=128, k=3, p=1); relu(); pool(k=2); "
    + "".join("conv(out=256, k=3, p=1); relu(); " for _ in range(3))
    + "pool(k=2); "
    + "".join("conv(out=512, k=3, p=1); relu(); " for _ in range(3))
    + "pool(k=2); "
    + "".join("conv(out=512, k=3, p=1); relu(); " for _ in range(3))
    + "pool(k=2); flatten(); linear(out=4096); relu(); dropout(p=0.5); "
    "linear(out=4096); relu(); dropout(p=0.5); linear(out=1000)"
)


def tags(solution: Solution) -> dict[str, object]:
    return {m.tag: m.value for m in solution.mistakes}


def test_alexnet_conv1() -> None:
    solution = conv_params(3, 96, 11)
    assert solution.value == 34_944
    assert solution.facts["weight_shape"] == (96, 3, 11, 11)
    assert solution.facts["bias_shape"] == (96,)
    assert tags(solution) == {
        "bias-forgotten": 34_848,
        "in-channels-ignored": 96 * 121 + 96,
    }


def test_grouped_and_transposed_conv() -> None:
    grouped = conv_params(64, 128, 3, groups=4)
    assert grouped.value == 128 * 16 * 9 + 128
    assert tags(grouped)["groups-ignored"] == 128 * 64 * 9 + 128
    transposed = convt_params(64, 32, 4, bias=False)
    assert transposed.facts["weight_shape"] == (64, 32, 4, 4)
    assert transposed.value == 64 * 32 * 16
    assert conv_params(16, 32, 3, dims=3).facts["weight_shape"] == (32, 16, 3, 3, 3)
    with pytest.raises(SolverError, match="divisible by groups"):
        conv_params(6, 8, 3, groups=4)


def test_linear_batchnorm_embedding() -> None:
    linear = linear_params(4096, 1000)
    assert (linear.value, linear.facts["weight_shape"]) == (4_097_000, (1000, 4096))
    bn = batchnorm_params(96)
    assert (bn.value, bn.facts["buffers"], bn.facts["total_state"]) == (192, 193, 385)
    assert [(m.tag, m.value) for m in bn.mistakes] == [
        ("bn-running-stats-counted", 384),
        ("bn-running-stats-counted", 385),
    ]
    assert batchnorm_params(96, affine=False).value == 0
    assert embedding_params(10_000, 300).value == 3_000_000


def test_lstm_100_256_2_bidirectional() -> None:
    # PyTorch docs: weight_ih_l0 (4h, in), weight_hh (4h, h), two biases (4h) per layer and
    # direction; layer 1 takes the 2h-wide output of layer 0.
    layer0 = 2 * (4 * 256 * 100 + 4 * 256 * 256 + 2 * 4 * 256)
    layer1 = 2 * (4 * 256 * 512 + 4 * 256 * 256 + 2 * 4 * 256)
    solution = rnn_params(100, 256, 2, bidirectional=True)
    assert solution.value == layer0 + layer1 == 2_310_144
    assert solution.facts["per_layer"] == (layer0, layer1)
    found = tags(solution)
    assert found["one-rnn-bias"] == 2_310_144 - 4 * 4 * 256
    assert found["bias-forgotten"] == 2_310_144 - 8 * 4 * 256
    assert found["bidirectional-ignored"] == rnn_params(100, 256, 2).value
    assert found["wrong-gate-count"] == 2_310_144 * 3 // 4


def test_rnn_errors() -> None:
    with pytest.raises(SolverError, match="proj_size is only supported by LSTM"):
        rnn_params(10, 20, proj_size=5, cell="gru")
    with pytest.raises(SolverError, match="cell must be"):
        rnn_params(10, 20, cell="transformer")


def torch_style_count(
    cell: str, n_in: int, h: int, layers: int, bidirectional: bool, bias: bool, proj: int
) -> int:
    """Sum of every tensor PyTorch creates, written out independently of the solver."""
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    out = proj if proj else h
    directions = 2 if bidirectional else 1
    total = 0
    for layer in range(layers):
        width = n_in if layer == 0 else out * directions
        for _ in range(directions):
            total += gates * h * width  # weight_ih
            total += gates * h * out  # weight_hh
            if bias:
                total += gates * h  # bias_ih
                total += gates * h  # bias_hh
            if proj:
                total += proj * h  # weight_hr
    return total


@settings(max_examples=60, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    n_in=st.integers(1, 50),
    h=st.integers(2, 50),
    layers=st.integers(1, 4),
    bidirectional=st.booleans(),
    bias=st.booleans(),
    proj=st.integers(0, 10),
)
def test_rnn_params_match_per_tensor_sum(
    cell: str, n_in: int, h: int, layers: int, bidirectional: bool, bias: bool, proj: int
) -> None:
    proj = proj if cell == "lstm" and proj < h else 0
    expected = torch_style_count(cell, n_in, h, layers, bidirectional, bias, proj)
    assert rnn_params(n_in, h, layers, bidirectional, bias, proj, cell).value == expected


def test_mlp() -> None:
    solution = mlp_params("784, 100, 10")
    assert solution.value == 784 * 100 + 100 + 100 * 10 + 10
    assert solution.facts["per_layer"] == (78_500, 1_010)
    assert tags(solution)["bias-forgotten"] == 79_400
    assert mlp_params("28*28, 10", bias=False).value == 7_840
    with pytest.raises(SolverError, match="positive whole numbers"):
        mlp_params("784, 0.5")


# --------------------------------------------------------------------------- stacks


def test_vgg16_total_via_layer_stack() -> None:
    solution = layer_stack(VGG16, "3x224x224")
    assert solution.value == 138_357_544
    assert solution.facts["output_shape"] == (1000,)
    assert tags(solution)["bias-forgotten"] == 138_357_544 - (
        2 * 64 + 2 * 128 + 3 * 256 + 6 * 512 + 2 * 4096 + 1000
    )


def test_alexnet_front_with_named_and_numeric_batch() -> None:
    layers = "conv(in=3, out=96, k=11, s=4); relu(); pool(k=3, s=2); bn(c=96)"
    named = layer_stack(layers, "N,3,227,227")
    assert named.facts["output_shape"] == (96, 27, 27)
    assert named.facts["output_shape_text"] == "(N, 96, 27, 27)"
    assert named.value == 34_944 + 192
    numeric = layer_stack(layers, "8x3x227x227")
    assert numeric.facts["output_shape"] == (8, 96, 27, 27)


def test_sequence_model_shapes() -> None:
    layers = "embedding(n=10000, d=300); lstm(hidden=256, bidirectional=true); linear(out=2)"
    solution = layer_stack(layers, "20")
    assert solution.facts["output_shape"] == (20, 2)
    assert solution.value == 3_000_000 + rnn_params(300, 256, 1, True).value + 512 * 2 + 2


def test_stack_params_without_input() -> None:
    text = (
        "conv(in=3,out=96,k=11); bn(c=96); linear(in=4096,out=1000); embedding(n=10000,d=300); "
        "lstm(input=100,hidden=256,layers=2,bidirectional=true,bias=true,proj=0)"
    )
    solution = stack_params(text)
    assert solution.facts["layer_params"] == (34_944, 192, 4_097_000, 3_000_000, 2_310_144)
    assert solution.value == 34_944 + 192 + 4_097_000 + 3_000_000 + 2_310_144


@pytest.mark.parametrize(
    ("layers", "shape", "message"),
    [
        ("conv(in=3, out=8, k=3); linear(in=288, out=10)", "3x8x8", "add flatten"),
        ("conv(in=4, out=8, k=3)", "3x8x8", r"layer 1 \(conv\): in=4 but the input has 3"),
        ("conv(in=3, out=8, k=9)", "3x8x8", r"layer 1 \(conv\): the kernel"),
        ("conv(k=3)", "3x8x8", r"layer 1 \(conv\): needs out="),
        ("lstm(hidden=4)", "3x8x8", "sequence length, features"),
        ("relu()", "3x-8", "positive whole number"),
    ],
)
def test_stack_errors(layers: str, shape: str, message: str) -> None:
    with pytest.raises(SolverError, match=message):
        layer_stack(layers, shape)


def test_stack_params_needs_declared_sizes() -> None:
    with pytest.raises(SolverError, match=r"layer 1 \(linear\): needs in="):
        stack_params("linear(out=3)")


def test_parse_input_forms() -> None:
    assert parse_input("(N, 3, 32, 32)").batch == "N"
    assert parse_input("3×32×32").shape == (3, 32, 32)
    assert parse_input("16x3x32x32").batch == 16
