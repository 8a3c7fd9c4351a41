"""A stack of layers in the mini-language: output shapes layer by layer and parameters.

Shapes are tracked per sample, as PyTorch's unbatched inputs: ``(C, H, W)`` for 2-D
convolutions, ``(C, L)`` for 1-D ones, ``(L, features)`` for RNNs, ``(features,)`` after
``flatten()``. ``linear`` acts on the last dimension, exactly like ``nn.Linear``: after
convolutions it needs an explicit ``flatten()``.

The input is written ``"3x227x227"`` (one sample), ``"N,3,227,227"`` (a named batch) or
``"8x3x227x227"`` (four numbers: a numeric batch first).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from solvers.layers import RNN_KINDS, Layer, parse_layers
from solvers.params import Tensor, conv_tensors, count, linear_tensors, rnn_tensors
from solvers.shapes import conv_size, convt_size, pool_size
from solvers.solution import Fact
from solvers.support import Candidate, SolverError, SolverSolution, Step, build, require

Shape = tuple[int, ...]
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class StackRow:
    index: int
    layer: str
    kind: str
    output_shape: Shape | None  # per sample; None when no input shape was given
    tensors: tuple[Tensor, ...]

    @property
    def params(self) -> int:
        return count(self.tensors)


@dataclass(frozen=True)
class StackInput:
    batch: int | str | None
    shape: Shape

    def full(self, shape: Shape) -> str:
        """A per-sample shape with the batch in front, e.g. ``(N, 96, 55, 55)``."""
        items = ([str(self.batch)] if self.batch is not None else []) + [str(n) for n in shape]
        return "(" + ", ".join(items) + ")"


def parse_input(text: str) -> StackInput:
    """``"3x227x227"``, ``"N,3,227,227"``, ``"(8, 3, 32, 32)"``."""
    cleaned = text.strip().strip("()[]").replace("×", "x")
    items = [item.strip() for item in re.split(r"[x,*]", cleaned)]
    if not cleaned or any(not item for item in items) or len(items) > 6:
        raise SolverError(
            f"input: couldn't read the shape {text.strip()[:40]!r}; write e.g. '3x227x227' "
            "or 'N,3,227,227'"
        )
    batch: int | str | None = None
    if _IDENTIFIER.fullmatch(items[0]):
        batch, items = items[0], items[1:]
    numbers = []
    for item in items:
        if not item.isdigit() or not 1 <= int(item) <= 10**9:
            raise SolverError(f"input: every size must be a positive whole number, got {item!r}")
        numbers.append(int(item))
    if batch is None and len(numbers) == 4:
        batch, numbers = numbers[0], numbers[1:]
    require(bool(numbers), "input: give at least one size after the batch")
    return StackInput(batch, tuple(numbers))


def _check(layer: Layer, key: str, actual: int, what: str) -> int:
    declared = layer.maybe_integer(key)
    if declared is not None and declared != actual:
        raise SolverError(f"{layer.where}: {key}={declared} but the input has {actual} {what}")
    return actual


def _needs(layer: Layer, key: str) -> int:
    value = layer.maybe_integer(key)
    if value is None:
        raise SolverError(f"{layer.where}: needs {key}=... (or give the input shape)")
    return value


def _spatial(layer: Layer, shape: Shape) -> tuple[int, Shape]:
    if not 2 <= len(shape) <= 4:
        raise SolverError(
            f"{layer.where}: expects (channels, *spatial) with 1 to 3 spatial sizes, got {shape}"
        )
    return shape[0], shape[1:]


Applied = tuple[list[Tensor], Shape | None]


def _out_channels(layer: Layer, channels: int) -> int:
    """``out``; a grouped (depthwise) conv without it keeps the channel count."""
    out = layer.maybe_integer("out")
    if out is None and layer.integer("groups") > 1:
        return channels
    return _needs(layer, "out")


def _conv(layer: Layer, shape: Shape | None) -> Applied:
    k, s, p, d = (layer.integer(key) for key in ("k", "s", "p", "d"))
    groups, bias = layer.integer("groups"), layer.flag("bias")
    transposed = layer.kind == "convt"
    if shape is None:
        channels = _needs(layer, "in")
        out = _out_channels(layer, channels)
        return conv_tensors(channels, out, k, groups, bias, 2, transposed), None
    channels, spatial = _spatial(layer, shape)
    channels = _check(layer, "in", channels, "channels")
    out = _out_channels(layer, channels)
    tensors = conv_tensors(channels, out, k, groups, bias, len(spatial), transposed)
    if transposed:
        op = layer.integer("op")
        return tensors, (out, *(convt_size(n, k, s, p, op, d) for n in spatial))
    return tensors, (out, *(conv_size(n, k, s, p, d) for n in spatial))


def _pool(layer: Layer, shape: Shape | None) -> Applied:
    if shape is None:
        return [], None
    channels, spatial = _spatial(layer, shape)
    k, s, p = (layer.integer(key) for key in ("k", "s", "p"))
    d = layer.integer("d") if "d" in layer.values else 1
    ceil = layer.flag("ceil")
    return [], (channels, *(pool_size(n, k, s, p, d, ceil) for n in spatial))


def _batchnorm(layer: Layer, shape: Shape | None) -> Applied:
    channels = _needs(layer, "c") if shape is None else _check(layer, "c", shape[0], "channels")
    tensors: list[Tensor] = [("weight", (channels,)), ("bias", (channels,))]
    return (tensors if layer.flag("affine") else []), shape


def _linear(layer: Layer, shape: Shape | None) -> Applied:
    out, bias = layer.integer("out"), layer.flag("bias")
    if shape is None:
        return linear_tensors(_needs(layer, "in"), out, bias), None
    features = shape[-1]
    declared = layer.maybe_integer("in")
    if declared is not None and declared != features:
        hint = "; add flatten() before it" if len(shape) > 1 else ""
        raise SolverError(
            f"{layer.where}: in={declared} but the last dimension of the input {shape} "
            f"is {features}{hint}"
        )
    return linear_tensors(features, out, bias), (*shape[:-1], out)


def _embedding(layer: Layer, shape: Shape | None) -> Applied:
    n, d = layer.integer("n"), layer.integer("d")
    return [("weight", (n, d))], None if shape is None else (*shape, d)


def _recurrent(layer: Layer, shape: Shape | None) -> Applied:
    hidden, layers, proj = layer.integer("hidden"), layer.integer("layers"), layer.integer("proj")
    bidirectional, bias = layer.flag("bidirectional"), layer.flag("bias")
    if shape is None:
        features = _needs(layer, "input")
    else:
        require(
            len(shape) == 2,
            f"{layer.where}: expects (sequence length, features) per sample, got {shape}",
        )
        features = _check(layer, "input", shape[1], "features")
    tensors = rnn_tensors(features, hidden, layers, bidirectional, bias, proj, layer.kind)
    width = (proj or hidden) * (2 if bidirectional else 1)
    return tensors, None if shape is None else (shape[0], width)


def _flatten(layer: Layer, shape: Shape | None) -> Applied:
    return [], None if shape is None else (math.prod(shape),)


def _unchanged(layer: Layer, shape: Shape | None) -> Applied:
    return [], shape


_APPLY: dict[str, Callable[[Layer, Shape | None], Applied]] = {
    "conv": _conv,
    "convt": _conv,
    "maxpool": _pool,
    "avgpool": _pool,
    "bn": _batchnorm,
    "linear": _linear,
    "embedding": _embedding,
    "flatten": _flatten,
    **{kind: _recurrent for kind in RNN_KINDS},
}


def _apply(layer: Layer, shape: Shape | None) -> Applied:
    """The layer's tensors and its output shape (None when the input shape is unknown)."""
    try:
        return _APPLY.get(layer.kind, _unchanged)(layer, shape)
    except SolverError as error:
        if error.message.startswith("layer "):
            raise
        raise SolverError(f"{layer.where}: {error.message}") from None


def stack_table(
    layers: str, input_shape: str | None = None
) -> tuple[StackInput | None, list[StackRow]]:
    """Every layer's output shape and tensors; without ``input_shape`` only parameters."""
    start = parse_input(input_shape) if input_shape is not None else None
    shape = start.shape if start else None
    rows = []
    for layer in parse_layers(layers):
        tensors, shape = _apply(layer, shape)
        rows.append(StackRow(layer.index, layer.describe(), layer.kind, shape, tuple(tensors)))
    return start, rows


def _row_step(row: StackRow, start: StackInput | None) -> Step:
    label = f"{row.index}. {row.layer}"
    shown = start.full(row.output_shape) if start and row.output_shape else ""
    if not row.tensors:
        return Step(label, "no parameters; output" if shown else "no parameters", "", shown or "0")
    if len(row.tensors) > 4:  # RNNs: one sum per layer and direction instead of every tensor
        groups: dict[str, int] = {}
        for name, shape in row.tensors:
            key = name[name.index("_l") + 1 :]  # "l0_reverse" from "weight_ih_l0_reverse"
            groups[key] = groups.get(key, 0) + math.prod(shape)
        formula = f"{len(row.tensors)} tensors (W_ih, W_hh, b_ih, b_hh per layer and direction)"
        parts = " + ".join(str(value) for value in groups.values())
    else:
        formula = " + ".join(f"{name} {'×'.join(map(str, shape))}" for name, shape in row.tensors)
        parts = " + ".join(str(math.prod(shape)) for _, shape in row.tensors)
        parts = parts if len(row.tensors) > 1 else ""
    result = f"{row.params} params" + (f"; output {shown}" if shown else "")
    return Step(label, formula, parts, result)


def _wrong_totals(rows: Sequence[StackRow], total: int) -> list[Candidate]:
    def size(predicate: str, kinds: frozenset[str]) -> int:
        return sum(
            math.prod(shape)
            for row in rows
            if row.kind in kinds
            for name, shape in row.tensors
            if name.startswith(predicate)
        )

    biased = frozenset({"conv", "convt", "linear", *RNN_KINDS})
    running = 2 * sum(row.tensors[0][1][0] for row in rows if row.kind == "bn" and row.tensors)
    rnn_bias = size("bias", frozenset(RNN_KINDS))
    return [
        ("bias-forgotten", total - size("bias", biased)),
        ("bn-running-stats-counted", total + running if running else None),
        ("one-rnn-bias", total - rnn_bias // 2 if rnn_bias else None),
    ]


def _solution(title: str, start: StackInput | None, rows: list[StackRow]) -> SolverSolution:
    total = sum(row.params for row in rows)
    steps = [_row_step(row, start) for row in rows]
    steps.append(
        Step(
            "parameters",
            "Σ layers",
            " + ".join(str(row.params) for row in rows if row.params) or "0",
            str(total),
        )
    )
    facts: dict[str, Fact] = {"params": total, "layer_params": tuple(row.params for row in rows)}
    if start is not None:
        final = rows[-1].output_shape or start.shape
        full = (start.batch, *final) if isinstance(start.batch, int) else final
        facts["output_shape"] = full
        facts["output_shape_text"] = start.full(final)
        steps.append(Step("output shape", "after the last layer", "", start.full(final)))
    mistakes: dict[str, list[Candidate]] = {"params": _wrong_totals(rows, total)}
    return build(title, steps, facts, "params", mistakes)


def layer_stack(layers: str, input: str) -> SolverSolution:
    """Shapes and parameters of ``layers`` applied to an input of shape ``input``."""
    start, rows = stack_table(layers, input)
    return _solution(
        f"Layer stack on input {start.full(start.shape) if start else input}", start, rows
    )


def stack_params(layers: str) -> SolverSolution:
    """Parameters of ``layers`` from their declared sizes (conv/linear need in=...)."""
    _, rows = stack_table(layers)
    return _solution("Parameters of the layers", None, rows)
