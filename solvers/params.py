"""Learnable parameter counts of PyTorch layers, tensor by tensor.

Each layer is described by the tensors PyTorch creates for it (name and shape, as in
``module.named_parameters()``), and the count is their total size, so the worked solution
and the count cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Final

from solvers.support import (
    Candidate,
    Facts,
    SolverError,
    SolverSolution,
    Step,
    build,
    numbers_from_text,
    require,
    require_int,
)

Tensor = tuple[str, tuple[int, ...]]
GATES: Final = {"rnn": 1, "lstm": 4, "gru": 3}


def count(tensors: Sequence[Tensor]) -> int:
    return sum(math.prod(shape) for _, shape in tensors)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) if shape else "()"


def _tensor_steps(tensors: Sequence[Tensor]) -> list[Step]:
    return [Step(name, _shape_text(shape), "", str(math.prod(shape))) for name, shape in tensors]


# --------------------------------------------------------------------------- tensors


def linear_tensors(in_features: int, out_features: int, bias: bool = True) -> list[Tensor]:
    require_int("in_features", in_features)
    require_int("out_features", out_features)
    tensors: list[Tensor] = [("weight", (out_features, in_features))]
    return tensors + ([("bias", (out_features,))] if bias else [])


def conv_tensors(
    in_channels: int,
    out_channels: int,
    kernel: int,
    groups: int = 1,
    bias: bool = True,
    dims: int = 2,
    transposed: bool = False,
) -> list[Tensor]:
    """Conv weight (out, in/groups, k, ...) or ConvTranspose weight (in, out/groups, k, ...)."""
    require_int("in_channels", in_channels)
    require_int("out_channels", out_channels)
    require_int("kernel", kernel)
    require_int("groups", groups)
    require(1 <= dims <= 3, f"dims must be 1, 2 or 3, got {dims}")
    require(
        in_channels % groups == 0,
        f"in_channels ({in_channels}) must be divisible by groups ({groups})",
    )
    require(
        out_channels % groups == 0,
        f"out_channels ({out_channels}) must be divisible by groups ({groups})",
    )
    window = (kernel,) * dims
    if transposed:
        weight = (in_channels, out_channels // groups, *window)
    else:
        weight = (out_channels, in_channels // groups, *window)
    tensors: list[Tensor] = [("weight", weight)]
    return tensors + ([("bias", (out_channels,))] if bias else [])


def rnn_tensors(
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    bias: bool = True,
    proj_size: int = 0,
    cell: str = "lstm",
) -> list[Tensor]:
    """The tensors of ``nn.RNN``/``nn.LSTM``/``nn.GRU`` in PyTorch's order and names."""
    cell = cell.lower()
    require(cell in GATES, f"cell must be rnn, lstm or gru, got {cell!r}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        require_int(name, value)
    require_int("num_layers", num_layers)
    require_int("proj_size", proj_size, 0)
    require(proj_size == 0 or cell == "lstm", "proj_size is only supported by LSTM")
    require(proj_size < hidden_size, f"proj_size ({proj_size}) must be smaller than hidden_size")
    gates = GATES[cell] * hidden_size
    real_hidden = proj_size or hidden_size
    directions = 2 if bidirectional else 1
    tensors: list[Tensor] = []
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else real_hidden * directions
        for direction in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            tensors += [
                (f"weight_ih{suffix}", (gates, layer_input)),
                (f"weight_hh{suffix}", (gates, real_hidden)),
            ]
            if bias:
                tensors += [(f"bias_ih{suffix}", (gates,)), (f"bias_hh{suffix}", (gates,))]
            if proj_size:
                tensors.append((f"weight_hr{suffix}", (proj_size, hidden_size)))
    return tensors


# --------------------------------------------------------------------------- solvers


def linear_params(in_features: int, out_features: int, bias: bool = True) -> SolverSolution:
    tensors = linear_tensors(in_features, out_features, bias)
    total = count(tensors)
    steps = _tensor_steps(tensors) + [
        Step(
            "parameters",
            "in·out + out" if bias else "in·out",
            f"{in_features}·{out_features}" + (f" + {out_features}" if bias else ""),
            str(total),
        )
    ]
    facts: Facts = {
        "params": total,
        "weight_shape": (out_features, in_features),
        "bias_shape": (out_features,) if bias else (),
    }
    wrong: list[Candidate] = [("bias-forgotten", in_features * out_features)]
    title = f"nn.Linear({in_features}, {out_features}, bias={bias})"
    return build(title, steps, facts, "params", {"params": wrong})


def _conv_solution(
    in_channels: int,
    out_channels: int,
    kernel: int,
    groups: int,
    bias: bool,
    dims: int,
    transposed: bool,
) -> SolverSolution:
    tensors = conv_tensors(in_channels, out_channels, kernel, groups, bias, dims, transposed)
    total = count(tensors)
    window = kernel**dims
    per_group = (out_channels if transposed else in_channels) // groups
    other = in_channels if transposed else out_channels
    window_text = "·".join(["k"] * dims)
    formula = (
        f"in·(out/groups)·{window_text}" if transposed else f"out·(in/groups)·{window_text}"
    ) + (" + out" if bias else "")
    substitution = f"{other}·{per_group}·{window}" + (f" + {out_channels}" if bias else "")
    steps = _tensor_steps(tensors) + [Step("parameters", formula, substitution, str(total))]
    bias_count = out_channels if bias else 0
    facts: Facts = {
        "params": total,
        "weight_shape": tensors[0][1],
        "bias_shape": (out_channels,) if bias else (),
    }
    wrong: list[Candidate] = [
        ("bias-forgotten", total - bias_count),
        ("groups-ignored", in_channels * out_channels * window + bias_count),
        ("in-channels-ignored", out_channels * window + bias_count),
    ]
    name = "ConvTranspose" if transposed else "Conv"
    title = (
        f"nn.{name}{dims}d({in_channels}, {out_channels}, kernel_size={kernel}, "
        f"groups={groups}, bias={bias})"
    )
    return build(title, steps, facts, "params", {"params": wrong})


def conv_params(
    in_channels: int,
    out_channels: int,
    kernel: int,
    groups: int = 1,
    bias: bool = True,
    dims: int = 2,
) -> SolverSolution:
    """Parameters of ``nn.Conv{dims}d``: weight (out, in/groups, k, k) and bias (out)."""
    return _conv_solution(in_channels, out_channels, kernel, groups, bias, dims, False)


def convt_params(
    in_channels: int,
    out_channels: int,
    kernel: int,
    groups: int = 1,
    bias: bool = True,
    dims: int = 2,
) -> SolverSolution:
    """Parameters of ``nn.ConvTranspose{dims}d``: weight (in, out/groups, k, k), bias (out)."""
    return _conv_solution(in_channels, out_channels, kernel, groups, bias, dims, True)


def batchnorm_params(num_features: int, affine: bool = True) -> SolverSolution:
    """``nn.BatchNorm2d(C)``: 2C learnable (γ, β) and 2C + 1 buffer elements."""
    c = require_int("num_features", num_features)
    params = 2 * c if affine else 0
    running = 2 * c
    buffers = running + 1  # running_mean, running_var, num_batches_tracked
    steps = [
        Step("learnable γ, β", "2·C" if affine else "affine=False: none", f"2·{c}", str(params)),
        Step("running_mean + running_var", "2·C (buffers, not trained)", f"2·{c}", str(running)),
        Step("num_batches_tracked", "1 (buffer)", "", "1"),
        Step("whole state", "params + buffers", f"{params} + {buffers}", str(params + buffers)),
    ]
    facts: Facts = {
        "params": params,
        "buffers": buffers,
        "running_stats": running,
        "total_state": params + buffers,
    }
    wrong: list[Candidate] = [
        ("bn-running-stats-counted", params + running),
        ("bn-running-stats-counted", params + buffers),
    ]
    return build(f"nn.BatchNorm2d({c}, affine={affine})", steps, facts, "params", {"params": wrong})


def embedding_params(num_embeddings: int, embedding_dim: int) -> SolverSolution:
    n = require_int("num_embeddings", num_embeddings)
    d = require_int("embedding_dim", embedding_dim)
    steps = [Step("weight", "num_embeddings · embedding_dim", f"{n}·{d}", str(n * d))]
    facts: Facts = {"params": n * d, "weight_shape": (n, d)}
    return build(f"nn.Embedding({n}, {d})", steps, facts, "params")


def _rnn_total(
    gates: int,
    input_size: int,
    hidden: int,
    layers: int,
    directions: int,
    bias_vectors: int,
    proj: int,
    *,
    first_input_everywhere: bool = False,
) -> int:
    """The closed form, also for the typical wrong variants (one bias, wrong gates, ...)."""
    h_r = proj or hidden
    total = 0
    for layer in range(layers):
        layer_input = input_size if layer == 0 or first_input_everywhere else h_r * directions
        per_direction = gates * hidden * (layer_input + h_r + bias_vectors) + proj * hidden
        total += directions * per_direction
    return total


def rnn_params(
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    bias: bool = True,
    proj_size: int = 0,
    cell: str = "lstm",
) -> SolverSolution:
    """Parameters of ``nn.RNN``/``nn.LSTM``/``nn.GRU``, per PyTorch's documented shapes:
    per layer and direction g·h·in + g·h·h_r + 2·g·h (b_ih and b_hh), plus proj·h."""
    cell = cell.lower()
    tensors = rnn_tensors(input_size, hidden_size, num_layers, bidirectional, bias, proj_size, cell)
    total = count(tensors)
    g, h, proj = GATES[cell], hidden_size, proj_size
    h_r = proj or h
    directions = 2 if bidirectional else 1
    bias_text = f" + 2·{g}·{h}" if bias else ""
    proj_text = f" + {proj}·{h}" if proj else ""
    steps = [
        Step(
            "gates",
            "g = 1 (RNN), 4 (LSTM), 3 (GRU)",
            "",
            f"{g}" + (f"; projection h_r = {h_r}" if proj else ""),
        )
    ]
    per_layer: list[int] = []
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else h_r * directions
        per_direction = g * h * layer_input + g * h * h_r + (2 * g * h if bias else 0) + proj * h
        formula = "g·h·in + g·h·h_r" + (" + 2·g·h" if bias else "") + (" + proj·h" if proj else "")
        steps.append(
            Step(
                f"layer {layer}, per direction",
                formula,
                f"{g}·{h}·{layer_input} + {g}·{h}·{h_r}{bias_text}{proj_text}",
                str(per_direction),
            )
        )
        per_layer.append(directions * per_direction)
    steps.append(
        Step(
            "parameters",
            "Σ layers × directions",
            " + ".join(f"{directions}·{value // directions}" for value in per_layer),
            str(total),
        )
    )
    bias_vectors = 2 if bias else 0
    closed = (g, input_size, h, num_layers, directions)
    wrong: list[Candidate] = [
        ("one-rnn-bias", _rnn_total(*closed, 1, proj) if bias else None),
        ("bias-forgotten", _rnn_total(*closed, 0, proj) if bias else None),
        (
            "bidirectional-ignored",
            _rnn_total(g, input_size, h, num_layers, 1, bias_vectors, proj)
            if bidirectional
            else None,
        ),
        (
            "rnn-layer-input",
            _rnn_total(*closed, bias_vectors, proj, first_input_everywhere=True)
            if num_layers > 1
            else None,
        ),
    ]
    other_gates = {"lstm": (3,), "gru": (2, 4), "rnn": ()}[cell]
    for gates in other_gates:
        wrong.append(("wrong-gate-count", _rnn_total(gates, *closed[1:], bias_vectors, proj)))
    facts: Facts = {"params": total, "per_layer": tuple(per_layer), "gates": g}
    title = (
        f"nn.{cell.upper()}({input_size}, {hidden_size}, num_layers={num_layers}, "
        f"bidirectional={bidirectional}, bias={bias}"
        + (f", proj_size={proj_size})" if proj_size else ")")
    )
    return build(title, steps, facts, "params", {"params": wrong})


def mlp_params(sizes: str, bias: bool = True) -> SolverSolution:
    """A fully connected net given by its layer widths, e.g. ``"784, 100, 10"``."""
    widths: list[int] = []
    for value in numbers_from_text(sizes, "sizes"):
        if not (isinstance(value, Fraction) and value.denominator == 1 and value >= 1):
            raise SolverError(f"sizes: layer widths must be positive whole numbers, got {value}")
        widths.append(int(value))
    require(len(widths) >= 2, "sizes: give at least two widths (input and output)")
    per_layer = tuple(a * b + (b if bias else 0) for a, b in zip(widths, widths[1:], strict=False))
    steps = [
        Step(
            f"layer {index}: {a} → {b}",
            "in·out + out" if bias else "in·out",
            f"{a}·{b}" + (f" + {b}" if bias else ""),
            str(value),
        )
        for index, (a, b, value) in enumerate(zip(widths, widths[1:], per_layer, strict=False), 1)
    ]
    total = sum(per_layer)
    steps.append(Step("parameters", "sum over layers", " + ".join(map(str, per_layer)), str(total)))
    facts: Facts = {"params": total, "per_layer": per_layer}
    no_bias = sum(a * b for a, b in zip(widths, widths[1:], strict=False))
    wrong: list[Candidate] = [("bias-forgotten", no_bias if bias else None)]
    title = "MLP " + " → ".join(map(str, widths))
    return build(title, steps, facts, "params", {"params": wrong})
