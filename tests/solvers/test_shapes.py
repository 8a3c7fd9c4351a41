"""Output sizes of conv, pooling and transposed conv: published values, brute force, errors."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solvers.shapes import (
    conv_out,
    conv_same_padding,
    conv_size,
    convt_out,
    convt_size,
    pool_out,
    pool_size,
)
from solvers.shapes2d import conv2d_shape, convt2d_shape, pool2d_shape
from solvers.support import SolverError

SETTINGS = settings(max_examples=60, deadline=None)


# --------------------------------------------------------------------------- brute force


def windows(n: int, k: int, s: int, p: int, d: int) -> int:
    """Count window starts over the padded input (length n + 2p) whose last tap fits."""
    padded = n + 2 * p
    return sum(1 for start in range(0, padded, s) if start + d * (k - 1) < padded)


def pool_windows(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's rule in words: floor mode keeps windows that fit; ceil mode keeps adding
    windows until one covers the last padded element, but never one that starts in the
    right padding."""
    if not ceil_mode:
        return windows(n, k, s, p, d)
    padded, span = n + 2 * p, d * (k - 1) + 1
    count, start = 0, 0
    while start < n + p:  # starts in the left padding or the input
        count += 1
        if start + span >= padded:  # this window reaches the end
            break
        start += s
    return count


def transposed_length(n: int, k: int, s: int, p: int, op: int, d: int) -> int:
    """Scatter every input position to its k taps, then add output_padding and crop p."""
    touched = {j * s + t * d for j in range(n) for t in range(k)}
    return max(touched) + 1 + op - 2 * p


# --------------------------------------------------------------------------- conv


def test_alexnet_conv1_is_55() -> None:
    solution = conv_out(227, 11, 4)
    assert solution.value == 55
    assert solution.facts["size"] == 55
    assert "⌊216/4⌋ + 1" in solution.steps[-1].substitution


def test_vgg_3x3_same_padding_keeps_the_size() -> None:
    assert conv_same_padding(3).value == 1
    assert conv_out(224, 3, 1, 1).value == 224
    assert conv_out(224, 3, 2, 1).value == 112


def test_same_padding_split_like_pytorch() -> None:
    even = conv_same_padding(4)
    assert (even.facts["total"], even.facts["left"], even.facts["right"]) == (3, 1, 2)
    assert even.facts["symmetric"] is False
    dilated = conv_same_padding(3, 2)
    assert dilated.value == 2
    assert [m.tag for m in dilated.mistakes] == ["dilation-ignored", "padding-once"]


def test_conv_mistakes_for_the_same_inputs() -> None:
    mistakes = {m.tag: m.value for m in conv_out(32, 5, 2, 2, 2).mistakes}
    # correct: floor((32 + 4 - 8 - 1)/2) + 1 = 14
    assert conv_out(32, 5, 2, 2, 2).value == 14
    assert mistakes["forgot-plus-one"] == 13
    assert mistakes["floor-vs-ceil"] == 15
    assert mistakes["padding-forgotten"] == 12
    assert mistakes["dilation-ignored"] == 16
    assert all(value != 14 for value in mistakes.values())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((5, 11), "larger than the padded input"),
        ((5, 3, 0), "stride must be positive"),
        ((5, 3, 1, -1), "padding must be zero or more"),
        ((0, 1), "size must be positive"),
    ],
)
def test_conv_errors(args: tuple[int, ...], message: str) -> None:
    with pytest.raises(SolverError, match=message):
        conv_out(*args)


@SETTINGS
@given(
    n=st.integers(1, 80),
    k=st.integers(1, 9),
    s=st.integers(1, 6),
    p=st.integers(0, 5),
    d=st.integers(1, 4),
)
def test_conv_size_matches_window_count(n: int, k: int, s: int, p: int, d: int) -> None:
    assume(d * (k - 1) + 1 <= n + 2 * p)
    assert conv_size(n, k, s, p, d) == windows(n, k, s, p, d)


# --------------------------------------------------------------------------- pooling


def test_pool_examples() -> None:
    assert pool_out(112, 3, 2).value == 55
    assert pool_out(112, 3, 2, ceil_mode=True).value == 56
    assert pool_out(224, 2).value == 112  # stride defaults to the kernel
    assert pool_out(224, 2).facts["stride"] == 2


def test_ceil_mode_drops_a_window_starting_in_the_padding() -> None:
    # n=5, k=2, s=2, p=1: ceil((5+2-2)/2)+1 = 4, but the 4th window would start at 6 >= 5+1
    solution = pool_out(5, 2, 2, 1, ceil_mode=True)
    assert solution.value == 3
    assert any(step.label == "drop the last window" for step in solution.steps)
    assert {m.tag: m.value for m in solution.mistakes}["ceil-mode-last-window"] == 4


def test_pool_floor_vs_ceil_mistake() -> None:
    floor = {m.tag: m.value for m in pool_out(112, 3, 2).mistakes}
    ceil = {m.tag: m.value for m in pool_out(112, 3, 2, ceil_mode=True).mistakes}
    assert floor["floor-vs-ceil"] == 56
    assert ceil["floor-vs-ceil"] == 55


def test_pool_padding_rule() -> None:
    with pytest.raises(SolverError, match="more than half the kernel"):
        pool_out(10, 2, 2, 2)


@SETTINGS
@given(
    n=st.integers(1, 60),
    k=st.integers(1, 7),
    s=st.integers(1, 5),
    p=st.integers(0, 3),
    d=st.integers(1, 3),
    ceil_mode=st.booleans(),
)
def test_pool_size_matches_window_count(
    n: int, k: int, s: int, p: int, d: int, ceil_mode: bool
) -> None:
    assume(p <= k // 2 and d * (k - 1) + 1 <= n + 2 * p)
    assert pool_size(n, k, s, p, d, ceil_mode) == pool_windows(n, k, s, p, d, ceil_mode)


# --------------------------------------------------------------------------- transposed


def test_convtranspose_4_4_2_1_is_8() -> None:
    solution = convt_out(4, 4, 2, 1)
    assert solution.value == 8
    tags = {m.tag: m.value for m in solution.mistakes}
    assert tags["convt-formula-inverted"] == 2  # floor((4 + 2 - 4)/2) + 1
    assert tags["convt-n-times-s"] == 10


def test_convtranspose_output_padding_rule() -> None:
    assert convt_out(4, 3, 2, 1, 1).value == 8
    with pytest.raises(SolverError, match="output_padding"):
        convt_out(4, 3, 2, 1, 2)


@SETTINGS
@given(
    n=st.integers(1, 30),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    p=st.integers(0, 3),
    op=st.integers(0, 3),
    d=st.integers(1, 3),
)
def test_convt_size_matches_scatter(n: int, k: int, s: int, p: int, op: int, d: int) -> None:
    assume(op < s or op < d)
    expected = transposed_length(n, k, s, p, op, d)
    assume(expected >= 1)
    assert convt_size(n, k, s, p, op, d) == expected


# --------------------------------------------------------------------------- 2-D shapes


def test_shapes_2d() -> None:
    conv = conv2d_shape(8, 96, 227, 227, 11, 4)
    assert conv.value == (8, 96, 55, 55)
    assert (conv.facts["height"], conv.facts["width"]) == (55, 55)
    assert {m.tag: m.value for m in conv.mistakes}["forgot-plus-one"] == (8, 96, 54, 54)
    assert pool2d_shape(8, 96, 55, 55, 3, 2).value == (8, 96, 27, 27)
    assert pool2d_shape(1, 64, 112, 111, 3, 2, ceil_mode=True).value == (1, 64, 56, 55)
    assert convt2d_shape(2, 16, 4, 5, 4, 2, 1).value == (2, 16, 8, 10)


def test_rectangular_mistake_keeps_the_other_dimension() -> None:
    # padding-forgotten is impossible for height 3 with k=5, but possible for width 20
    solution = conv2d_shape(1, 4, 3, 20, 5, 1, 1)
    mistakes = {m.tag: m.value for m in solution.mistakes}
    assert solution.value == (1, 4, 1, 18)
    assert mistakes["padding-forgotten"] == (1, 4, 1, 16)
