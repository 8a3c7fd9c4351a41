"""Receptive field, effective stride and effective padding of a single-path conv net.

Follows Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill 2019 (doi:10.23915/distill.00021), eqs. for the single-path case:

- receptive field r0 = sum_l (k_l − 1) · prod_{i<l} s_i + 1, with the effective kernel
  k = d(k − 1) + 1 of a dilated layer,
- effective stride S0 = prod_l s_l,
- effective padding P0 = sum_l p_l · prod_{i<l} s_i.

Activations, batch norm and dropout pass through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from solvers.layers import Layer, parse_layers
from solvers.support import Candidate, Facts, SolverError, SolverSolution, Step, build

PASS_THROUGH = frozenset({"relu", "sigmoid", "tanh", "bn", "dropout"})
RF_KINDS = frozenset({"conv", "maxpool", "avgpool"})


@dataclass(frozen=True)
class RFRow:
    """One layer of the receptive-field table (the values *after* the layer)."""

    index: int
    layer: str
    kernel: int  # effective kernel d(k-1)+1; 1 for pass-through layers
    stride: int
    padding: int
    jump: int  # product of the strides before this layer
    rf: int
    total_stride: int
    total_padding: int

    def as_dict(self) -> dict[str, int | str]:
        return {
            "index": self.index,
            "layer": self.layer,
            "kernel": self.kernel,
            "stride": self.stride,
            "padding": self.padding,
            "jump": self.jump,
            "rf": self.rf,
            "total_stride": self.total_stride,
            "total_padding": self.total_padding,
        }


def _window(layer: Layer) -> tuple[int, int, int, int]:
    """(kernel, stride, padding, dilation) of a layer; pass-through layers are (1, 1, 0, 1)."""
    if layer.kind in PASS_THROUGH:
        return 1, 1, 0, 1
    if layer.kind not in RF_KINDS:
        raise SolverError(
            f"{layer.where}: receptive fields are computed for conv and pooling layers "
            "(with activations, bn and dropout in between)"
        )
    dilation = layer.integer("d") if "d" in layer.values else 1
    return layer.integer("k"), layer.integer("s"), layer.integer("p"), dilation


def receptive_table(layers: str) -> list[RFRow]:
    """The per-layer rows for ``layers`` in the mini-language (see :mod:`solvers.layers`)."""
    rows: list[RFRow] = []
    rf, jump, padding = 1, 1, 0
    for layer in parse_layers(layers):
        k, s, p, d = _window(layer)
        effective = d * (k - 1) + 1
        rf += (effective - 1) * jump
        padding += p * jump
        rows.append(
            RFRow(layer.index, layer.describe(), effective, s, p, jump, rf, jump * s, padding)
        )
        jump *= s
    return rows


def _wrong_rf(layers: str, rows: list[RFRow]) -> list[Candidate]:
    own = sum((row.kernel - 1) * row.total_stride for row in rows) + 1
    summed, stride_sum = 1, 0
    for row in rows:
        summed += (row.kernel - 1) * (stride_sum or 1)
        stride_sum += row.stride
    no_stride = sum(row.kernel - 1 for row in rows) + 1
    plain_kernels = sum(
        (_window(layer)[0] - 1) * row.jump
        for layer, row in zip(parse_layers(layers), rows, strict=True)
    )
    candidates: list[Candidate] = [
        (
            "rf-stride-product",
            own,
            "Multiply each layer's (k−1) by the product of the strides *before* it, not "
            "including its own stride.",
        ),
        ("rf-stride-ignored", no_stride),
        ("dilation-ignored", plain_kernels + 1),
    ]
    if any(row.stride > 1 for row in rows):  # "sum, not product" only means something then
        candidates.insert(
            1,
            (
                "rf-stride-product",
                summed,
                "The strides multiply: use the product of the previous strides, not their sum.",
            ),
        )
    return candidates


def receptive_field(layers: str) -> SolverSolution:
    """Receptive field, effective stride and padding of the last layer's output."""
    rows = receptive_table(layers)
    steps = [Step("start", "r = 1 (one output unit)", "", "1")]
    previous = 1
    for row in rows:
        if row.kernel == 1 and row.stride == 1:
            continue
        steps.append(
            Step(
                f"layer {row.index} {row.layer}",
                "r += (k_eff − 1)·∏ earlier strides",
                f"{previous} + ({row.kernel} − 1)·{row.jump}",
                str(row.rf),
            )
        )
        previous = row.rf
    last = rows[-1]
    strides = " · ".join(str(row.stride) for row in rows if row.stride != 1) or "1"
    steps.append(Step("effective stride", "∏ s_l", strides, str(last.total_stride)))
    paddings = " + ".join(f"{row.padding}·{row.jump}" for row in rows if row.padding) or "0"
    steps.append(
        Step("effective padding", "Σ p_l · ∏_{i<l} s_i", paddings, str(last.total_padding))
    )
    facts: Facts = {
        "rf": last.rf,
        "stride": last.total_stride,
        "padding": last.total_padding,
        "rf_per_layer": tuple(row.rf for row in rows),
        "stride_per_layer": tuple(row.total_stride for row in rows),
    }
    stride_sum = sum(row.stride for row in rows)
    mistakes: dict[str, list[Candidate]] = {
        "rf": _wrong_rf(layers, rows),
        "stride": [
            (
                "rf-stride-product",
                stride_sum,
                "The effective stride is the product of the strides, not their sum.",
            )
        ],
    }
    return build("Receptive field", steps, facts, "rf", mistakes)
