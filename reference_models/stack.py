"""A stack of layers in the mini-language, built in torch: shape trace and parameter table."""

from __future__ import annotations

import re
from typing import Any

import torch
from torch import nn

from reference_models.common import (
    count_buffers,
    count_params,
    deterministic,
    param_rows,
    require,
    shape_of,
)
from reference_models.cost import MAX_ELEMENTS, MAX_MACS, MAX_PARAMS, layer_cost
from reference_models.layers import build_layer, parse
from reference_models.registry import ModelError
from reference_models.run import Fact, Run, TraceRow

_SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def read_input(text: str) -> tuple[int | str | None, tuple[int, ...]]:
    """``"3x227x227"`` -> (None, (3, 227, 227)); ``"N,3,227,227"`` -> ("N", (3, 227, 227)).

    As in ``solvers.stack``: a leading name is the batch, and so is the first of four
    numbers; otherwise the shape is one sample's.
    """
    tokens = [t for t in re.split(r"[x×*,\s()\[\]]+", text.strip()) if t]
    require(bool(tokens), f"layer_stack: couldn't read the input shape {text!r}")
    batch: int | str | None = None
    if _SYMBOL.fullmatch(tokens[0]):
        batch, tokens = tokens[0], tokens[1:]
    try:
        dims = tuple(int(t) for t in tokens)
    except ValueError:
        raise ModelError(f"layer_stack: couldn't read the input shape {text!r}") from None
    require(bool(dims) and all(d > 0 for d in dims), f"layer_stack: bad input shape {text!r}")
    if batch is None and len(dims) == 4:
        batch, dims = dims[0], dims[1:]
    require(len(dims) <= 4, f"layer_stack: too many dimensions in {text!r}")
    return batch, dims


def _input(shape: tuple[int, ...], layers: tuple[Any, ...], device: str) -> torch.Tensor:
    if layers[0].kind == "embedding":
        if device == "meta":
            return torch.empty(shape, dtype=torch.long, device="meta")
        return torch.randint(0, layers[0].integer("n"), shape)
    if device == "meta":
        return torch.empty(shape, device="meta")
    return torch.randn(shape)


def _apply(layer: Any, module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    try:
        out: torch.Tensor = module(x)
    except (RuntimeError, ValueError, IndexError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise ModelError(f"{layer.where}: {message} (input {shape_of(x)[1:]})") from None
    return out


def _run(
    layers: tuple[Any, ...], shape: tuple[int, ...], batch: int, device: str
) -> tuple[list[nn.Module], list[tuple[int, ...]]] | None:
    """Every layer built for the shape reaching it and applied: on the CPU (None when that
    would be too large) or on the meta device."""
    modules: list[nn.Module] = []
    shapes: list[tuple[int, ...]] = []
    x = _input((batch, *shape), layers, device)
    params = elements = macs = 0
    for layer in layers:
        with torch.device("meta"):  # free to build, even for 100M parameters
            module = build_layer(layer, shape_of(x)[1:]).eval()
        if device == "cpu":
            params += count_params(module)
            out_elements, layer_macs = layer_cost(module, shape_of(x))
            elements, macs = elements + out_elements, macs + layer_macs
            if params > MAX_PARAMS or elements > MAX_ELEMENTS or macs > MAX_MACS:
                return None
            module = build_layer(layer, shape_of(x)[1:]).eval()
        x = _apply(layer, module, x)
        modules.append(module)
        shapes.append(shape_of(x))
    return modules, shapes


def layer_stack(layers: str, input: str) -> Run:
    parsed = parse(layers)
    batch, shape = read_input(input)
    run_batch = batch if isinstance(batch, int) else 1
    require(run_batch <= 4096, "layer_stack: the batch is too large")
    with deterministic(), torch.no_grad():
        result = _run(parsed, shape, run_batch, "cpu")
        real = result is not None
        if result is None:
            result = _run(parsed, shape, run_batch, "meta")
    assert result is not None
    modules, shapes = result
    params = sum(count_params(m) for m in modules)
    trace = []
    table = []
    for layer, module, out in zip(parsed, modules, shapes, strict=True):
        inner = getattr(module, "rnn", module)
        shown = out if isinstance(batch, int) else out[1:]
        trace.append(TraceRow(str(inner), shown, count_params(module)))
        table += param_rows(inner, f"{layer.index}.{layer.kind}.")
    final = shapes[-1][1:]
    # Like the solver: a numeric batch is part of the shape, a named one only of the text.
    output_shape = (batch, *final) if isinstance(batch, int) else final
    shown_batch = [str(batch)] if batch is not None else []
    facts: dict[str, Fact] = {
        "params": params,
        "output_shape": output_shape,
        "output_shape_text": "(" + ", ".join(shown_batch + [str(n) for n in final]) + ")",
        "buffers": sum(count_buffers(m) for m in modules),
        "layer_params": tuple(count_params(m) for m in modules),
        "layer_shapes": tuple(s if isinstance(batch, int) else s[1:] for s in shapes),
    }
    notes = ["modules in eval mode (dropout off, batch norm with running statistics)"]
    if not real:
        notes.append("run on PyTorch's meta device: real shapes and parameter counts, no data")
    if isinstance(batch, str):
        notes.append(f"batch {batch}: run with a batch of 1, shapes shown without it")
    return Run("layer_stack", facts, trace=trace, params_table=table, notes=notes)
