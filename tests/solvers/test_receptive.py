"""Receptive fields (Araujo et al., Distill 2019) and the layer mini-language."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.layers import parse_layers
from solvers.receptive import receptive_field, receptive_table
from solvers.support import SolverError

# tf-slim alexnet_v2 as analysed in the Distill article: conv1 11/4, pool 3/2, conv2 5 (p2),
# pool 3/2, conv3-5 3x3 (p1), pool5 3/2. The article's table lists r=195, S=32, P=64 at the
# end of the conv part (after pool5); conv5 itself sees 163 pixels.
ALEXNET = (
    "conv(k=11, s=4); relu(); pool(k=3, s=2); conv(k=5, p=2); relu(); pool(k=3, s=2); "
    "conv(k=3, p=1); relu(); conv(k=3, p=1); relu(); conv(k=3, p=1); relu(); pool(k=3, s=2)"
)
VGG16_BLOCKS = (2, 2, 3, 3, 3)


def vgg16(with_last_pool: bool) -> str:
    blocks = ["; ".join(["conv(k=3, p=1); relu()"] * n + ["pool(k=2)"]) for n in VGG16_BLOCKS]
    text = "; ".join(blocks)
    return text if with_last_pool else text.rsplit("; pool(k=2)", 1)[0]


def test_alexnet() -> None:
    solution = receptive_field(ALEXNET)
    assert (solution.value, solution.facts["stride"], solution.facts["padding"]) == (195, 32, 64)
    assert solution.facts["rf_per_layer"][-2] == 163  # conv5 (+ its relu), before pool5


def test_vgg16() -> None:
    # conv5_3 sees 196 pixels; after pool5 it is 212 (the figure usually quoted for VGG16)
    assert receptive_field(vgg16(with_last_pool=False)).value == 196
    with_pool = receptive_field(vgg16(with_last_pool=True))
    assert (with_pool.value, with_pool.facts["stride"]) == (212, 32)


def test_resnet_style_stem_and_basic_blocks() -> None:
    # ResNet-18's main path: 7x7/2 conv, 3x3/2 max pool, layer1 (4 convs 3x3), then
    # layer2's first conv with stride 2 and three more 3x3 convs.
    stem = "conv(k=7, s=2, p=3); bn(c=64); relu(); pool(k=3, s=2, p=1)"
    assert receptive_field(stem).value == 11
    layer1 = "; ".join(["conv(k=3, p=1)"] * 4)
    assert receptive_field(f"{stem}; {layer1}").value == 43
    layer2 = "conv(k=3, s=2, p=1); " + "; ".join(["conv(k=3, p=1)"] * 3)
    solution = receptive_field(f"{stem}; {layer1}; {layer2}")
    assert (solution.value, solution.facts["stride"]) == (99, 8)


def test_lecture_rule_for_stride_one() -> None:
    # L layers of k x k with stride 1: 1 + L(k - 1)
    assert receptive_field("; ".join(["conv(k=3)"] * 5)).value == 11
    assert receptive_field("conv(k=3, d=2)").value == 5


def test_rf_mistakes() -> None:
    solution = receptive_field("conv(k=3, s=2); conv(k=3, s=2); conv(k=3)")
    assert solution.value == 15
    mistakes = {(m.tag, m.value) for m in solution.mistakes}
    assert ("rf-stride-ignored", 7) in mistakes
    assert ("rf-stride-product", 2 * 2 + 2 * 4 + 2 * 4 + 1) in mistakes  # own stride included
    stride_mistakes = [m.value for m in solution.output_mistakes["stride"]]
    assert stride_mistakes == [5]  # 2 + 2 + 1 instead of 2 * 2 * 1


def test_rf_rejects_dense_layers() -> None:
    with pytest.raises(SolverError, match=r"layer 2 \(linear\): receptive fields are"):
        receptive_field("conv(k=3); linear(in=10, out=2)")
    with pytest.raises(SolverError, match=r"layer 3 \(flatten\)"):
        receptive_field("conv(k=3); relu(); flatten()")


# --------------------------------------------------------------------------- brute force

window = st.tuples(
    st.sampled_from(["conv", "pool", "relu"]),
    st.integers(1, 5),  # k
    st.integers(1, 3),  # s
    st.integers(0, 2),  # p
    st.integers(1, 3),  # d
)


def as_text(layers: list[tuple[str, int, int, int, int]]) -> str:
    parts = []
    for kind, k, s, p, d in layers:
        if kind == "relu":
            parts.append("relu()")
        elif kind == "pool":
            parts.append(f"pool(k={k}, s={s}, p={min(p, k // 2)})")
        else:
            parts.append(f"conv(k={k}, s={s}, p={p}, d={d})")
    return "; ".join(parts)


def dependency(layers: list[tuple[str, int, int, int, int]], unit: int) -> set[int]:
    """The input indices (on an unbounded 1-D signal) that output ``unit`` depends on."""
    indices = {unit}
    for kind, k, s, p, d in reversed(layers):
        if kind == "relu":
            continue
        if kind == "pool":
            p, d = min(p, k // 2), 1
        indices = {o * s - p + t * d for o in indices for t in range(k)}
    return indices


@settings(max_examples=60, deadline=None)
@given(st.lists(window, min_size=1, max_size=5))
def test_rf_matches_dependency_sets(layers: list[tuple[str, int, int, int, int]]) -> None:
    solution = receptive_field(as_text(layers))
    first, second = dependency(layers, 0), dependency(layers, 1)
    assert solution.value == max(first) - min(first) + 1
    assert solution.facts["stride"] == min(second) - min(first)
    assert solution.facts["padding"] == -min(first)


# --------------------------------------------------------------------------- mini-language


def test_parse_layers_defaults_and_aliases() -> None:
    conv, pool, bn, lstm = parse_layers(
        "conv(in=3, out=96, k=11, s=4)\nmaxpool(kernel=3, stride=2); batchnorm(c=96); "
        "lstm(input=100, hidden=256, layers=2, bidirectional=true)"
    )
    assert (conv.kind, conv.integer("p"), conv.integer("d"), conv.flag("bias")) == (
        "conv",
        0,
        1,
        True,
    )
    assert (pool.kind, pool.integer("k"), pool.integer("s")) == ("maxpool", 3, 2)
    assert parse_layers("pool(k=3)")[0].integer("s") == 3  # stride defaults to the kernel
    assert bn.kind == "bn" and bn.integer("c") == 96
    assert lstm.flag("bidirectional") and lstm.integer("proj") == 0
    assert conv.describe() == "conv(in=3, out=96, k=11, s=4)"
    assert [layer.index for layer in receptive_table("conv(k=3); relu")] == [1, 2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("conv(k=3); pool(x=1)", r"layer 2 \(pool\): unknown key 'x'"),
        ("conv(k=3, k=5)", r"layer 1 \(conv\): k is given twice"),
        ("conv(s=2)", r"layer 1 \(conv\): needs k="),
        ("conv(k=0)", "k must be positive"),
        ("conv(k=2.5)", "k must be a whole number"),
        ("conv(k=3, bias=maybe)", "bias must be true or false"),
        ("dense(k=3)", "layer 1: unknown layer 'dense'"),
        ("conv(k=3", "layer 1: couldn't read"),
        ("dropout(p=1)", "p must be below 1"),
        ("avgpool(k=2, d=2)", "unknown key 'd'"),
        (" ; ", "no layers given"),
        ("conv(k=__import__('os'))", "k must be a whole number"),
    ],
)
def test_parse_errors_name_the_layer_and_key(text: str, message: str) -> None:
    with pytest.raises(SolverError, match=message):
        parse_layers(text)


def test_parse_limits() -> None:
    with pytest.raises(SolverError, match="too many layers"):
        parse_layers("; ".join(["relu()"] * 301))
    with pytest.raises(SolverError, match="too long"):
        parse_layers("relu();" * 2000)


def test_stride_one_stacks_offer_no_sum_of_strides_mistake() -> None:
    from solvers.registry import get_solver

    solution = get_solver("receptive_field").solve(layers="conv(k=5); conv(k=3); conv(k=5)")
    assert solution.value == 11
    messages = [mistake.message for mistake in solution.mistakes]
    assert not any("not their sum" in message for message in messages)
    strided = get_solver("receptive_field").solve(
        layers="conv(k=3, s=3); conv(k=3, s=3); conv(k=3)"
    )
    assert any("not their sum" in mistake.message for mistake in strided.mistakes)
