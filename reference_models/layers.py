"""Torch modules from the layer mini-language of :mod:`solvers.layers`.

Missing input sizes (``in=`` of a conv or linear, ``c=`` of a batch norm, ``input=`` of an
RNN) are taken from the shape that reaches the layer, as a reader of the stack would.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from reference_models.registry import ModelError

_RNN_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
_CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
_CONVT = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
_MAXPOOL = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}
_AVGPOOL = {1: nn.AvgPool1d, 2: nn.AvgPool2d, 3: nn.AvgPool3d}
_BATCHNORM = {1: nn.BatchNorm1d, 2: nn.BatchNorm2d, 3: nn.BatchNorm3d}


def parse(text: str) -> tuple[Any, ...]:
    """The parsed layers (``solvers.layers.Layer``); errors become :class:`ModelError`."""
    from solvers.layers import parse_layers
    from solvers.support import SolverError

    try:
        return parse_layers(text)
    except SolverError as error:
        raise ModelError(error.message) from None


class SequenceOutput(nn.Module):
    """An RNN whose output sequence (not its final state) feeds the next layer."""

    def __init__(self, rnn: nn.RNNBase) -> None:
        super().__init__()
        self.rnn = rnn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(x)
        return output  # type: ignore[no-any-return]


def _given_or(layer: Any, key: str, inferred: int | None, what: str) -> int:
    value = layer.maybe_integer(key)
    if value is not None:
        return int(value)
    if inferred is None:
        raise ModelError(f"{layer.where}: give {key}=... ({what} cannot be inferred here)")
    return inferred


def build_layer(layer: Any, shape: tuple[int, ...] | None) -> nn.Module:
    """One layer as a module, for an input of ``shape`` (without batch; None: unknown)."""
    kind = layer.kind
    spatial = len(shape) - 1 if shape else 2
    channels = shape[0] if shape else None
    if kind in ("conv", "convt", "maxpool", "avgpool") and shape and not 1 <= spatial <= 3:
        raise ModelError(f"{layer.where}: expects (C, L), (C, H, W) or (C, D, H, W), got {shape}")
    if kind in ("conv", "convt"):
        c_in = _given_or(layer, "in", channels, "the input channels")
        c_out = _given_or(layer, "out", c_in if layer.integer("groups") > 1 else None, "out")
        common: dict[str, Any] = {
            "stride": layer.integer("s"),
            "padding": layer.integer("p"),
            "dilation": layer.integer("d"),
            "groups": layer.integer("groups"),
            "bias": layer.flag("bias"),
        }
        kernel = layer.integer("k")
        if kind == "conv":
            return _CONV[spatial](c_in, c_out, kernel, **common)
        return _CONVT[spatial](c_in, c_out, kernel, output_padding=layer.integer("op"), **common)
    if kind == "maxpool":
        return _MAXPOOL[spatial](
            layer.integer("k"),
            layer.integer("s"),
            layer.integer("p"),
            dilation=layer.integer("d"),
            ceil_mode=layer.flag("ceil"),
        )
    if kind == "avgpool":
        pool: nn.Module = _AVGPOOL[spatial](
            layer.integer("k"), layer.integer("s"), layer.integer("p"), ceil_mode=layer.flag("ceil")
        )
        return pool
    if kind == "bn":
        c = _given_or(layer, "c", channels, "the channels")
        dims = max(1, len(shape) - 1) if shape else 2
        return _BATCHNORM[dims](c, affine=layer.flag("affine"))
    if kind == "linear":
        c_in = _given_or(layer, "in", shape[-1] if shape else None, "the input features")
        return nn.Linear(c_in, layer.integer("out"), bias=layer.flag("bias"))
    if kind == "embedding":
        # Initialised here: nn.init.normal_ on the meta device would load torch._dynamo.
        weight = torch.empty(layer.integer("n"), layer.integer("d"))
        if weight.device.type != "meta":
            nn.init.normal_(weight)
        return nn.Embedding(layer.integer("n"), layer.integer("d"), _weight=weight)
    if kind in _RNN_CLASSES:
        size = _given_or(layer, "input", shape[-1] if shape else None, "the input size")
        proj = layer.integer("proj")
        if proj and kind != "lstm":
            raise ModelError(f"{layer.where}: proj is only for lstm")
        extra = {"proj_size": proj} if kind == "lstm" else {}
        rnn = _RNN_CLASSES[kind](
            size,
            layer.integer("hidden"),
            num_layers=layer.integer("layers"),
            bias=layer.flag("bias"),
            batch_first=True,
            bidirectional=layer.flag("bidirectional"),
            **extra,
        )
        return SequenceOutput(rnn)
    if kind == "dropout":
        return nn.Dropout(float(layer.number("p")))
    simple: dict[str, type[nn.Module]] = {
        "relu": nn.ReLU,
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "flatten": nn.Flatten,
    }
    if kind in simple:
        return simple[kind]()
    raise ModelError(f"{layer.where}: layer kind {kind!r} is not supported by the reference models")


def describe(layer: Any, module: nn.Module) -> str:
    inner = module.rnn if isinstance(module, SequenceOutput) else module
    return f"{layer.describe()}  ->  {inner}"
