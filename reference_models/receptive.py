"""Receptive fields measured, not computed: the input gradient of one output unit.

The layers become a 1-D, one-channel network with unit weights and zero biases, and every
pooling becomes an average (a max pool's gradient reaches only one input per window). The
nonzero region of d y[j] / d x is the receptive field of unit j; the distance between the
regions of units j and j+1 is the effective stride; where region j starts gives the
effective padding.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from reference_models.common import deterministic, require
from reference_models.layers import parse
from reference_models.registry import ModelError
from reference_models.run import Fact, Run, TraceRow

_PASS_THROUGH = frozenset({"relu", "sigmoid", "tanh", "bn", "dropout"})
_MAX_LENGTH = 1 << 22


def _window_module(layer: Any) -> nn.Module | None:
    kind = layer.kind
    if kind in _PASS_THROUGH:
        return None  # positive inputs: these pass every dependency through
    if kind not in ("conv", "maxpool", "avgpool"):
        raise ModelError(
            f"{layer.where}: receptive fields are measured for conv and pooling layers "
            "(with activations, bn and dropout in between)"
        )
    k, s, p = layer.integer("k"), layer.integer("s"), layer.integer("p")
    d = layer.integer("d") if "d" in layer.values else 1
    if kind == "maxpool":
        # Let PyTorch check the pooling itself (e.g. padding at most half the kernel).
        nn.MaxPool1d(k, s, p, dilation=d)(torch.zeros(1, 1, d * (k - 1) + 1 + 2 * p))
    if kind != "conv" and d == 1:
        return nn.AvgPool1d(k, s, p)
    conv = nn.Conv1d(1, 1, k, s, p, dilation=d, bias=False, dtype=torch.float64)
    with torch.no_grad():
        conv.weight.fill_(1.0)
    return conv


def _regions(net: nn.Sequential, length: int) -> tuple[int, list[tuple[int, int]]] | None:
    """(output length, [(first, last) input index of units j and j+1]), None if too short."""
    x = torch.ones(1, 1, length, dtype=torch.float64, requires_grad=True)
    try:
        y = net(x)
    except RuntimeError:
        if length >= _MAX_LENGTH:
            raise
        return None  # the signal is too short for these windows: try a longer one
    out_length = y.shape[-1]
    if out_length < 3:
        return None
    centre = out_length // 2
    regions = []
    for unit in (centre, centre + 1):
        (grad,) = torch.autograd.grad(y[0, 0, unit], x, retain_graph=True)
        nonzero = torch.nonzero(grad[0, 0]).flatten()
        if len(nonzero) == 0:
            return None  # the unit sees only padding: the signal is too short
        regions.append((int(nonzero[0]), int(nonzero[-1])))
    return centre, regions


def _measure(
    net: nn.Sequential, length: int
) -> tuple[int, int, int, int, list[tuple[int, int]]] | None:
    """(rf, stride, padding, centre unit, regions) at this length; None if not inside."""
    measured = _regions(net, length)
    if measured is None:
        return None
    centre, regions = measured
    if not all(0 < first and last < length - 1 for first, last in regions):
        return None
    (first, last), (next_first, _) = regions
    stride = next_first - first
    return last - first + 1, stride, centre * stride - first, centre, regions


def receptive_field(layers: str) -> Run:
    parsed = parse(layers)
    modules = [(layer, _window_module(layer)) for layer in parsed]
    net = nn.Sequential(*(m for _, m in modules if m is not None)).double()
    require(len(net) > 0, "receptive_field: no conv or pooling layer given")
    length = 64
    previous: tuple[int, int, int] | None = None
    with deterministic():
        # A unit near a border (of the input or of any padded layer on the way) sees less
        # than its full field; doubling the signal moves the centre unit away from every
        # border, so the field is taken once two lengths in a row measure the same.
        while True:
            measured = _measure(net, length)
            if measured is not None and measured[:3] == previous:
                break
            previous = measured[:3] if measured is not None else None
            length *= 2
            if length > _MAX_LENGTH:
                raise ModelError("receptive_field: the receptive field is too large to measure")
    assert measured is not None
    rf, stride, padding, centre, regions = measured
    (first, last), (next_first, next_last) = regions
    facts: dict[str, Fact] = {"rf": rf, "stride": stride, "padding": padding}
    trace = []
    size = length
    with torch.no_grad():
        x = torch.ones(1, 1, length, dtype=torch.float64)
        for layer, module in modules:
            if module is not None:
                x = module(x)
                size = x.shape[-1]
            trace.append(TraceRow(layer.describe(), (int(size),), 0))
    notes = [
        f"1-D signal of length {length}, unit weights, zero biases; pooling measured as an "
        "average (max pooling's gradient is sparse)",
        f"output unit {centre} depends on inputs {first}..{last}, unit {centre + 1} on "
        f"{next_first}..{next_last}",
    ]
    return Run("receptive_field", facts, trace=trace, notes=notes)
