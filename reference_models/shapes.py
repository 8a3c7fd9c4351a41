"""Output sizes observed by running single conv, pool and transposed-conv layers."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from reference_models.common import deterministic, require, shape_of
from reference_models.cost import MAX_ELEMENTS, MAX_MACS, layer_cost
from reference_models.run import Fact, Run, TraceRow


def observe(
    factory: Callable[[], nn.Module], input_shape: tuple[int, ...]
) -> tuple[tuple[int, ...], list[str]]:
    """The output shape of ``factory()`` on an input of ``input_shape``: a real forward
    pass on the CPU, or on the meta device (shapes only) when the tensors are large."""
    require(all(n > 0 for n in input_shape), f"input shape {input_shape} has an empty dimension")
    with deterministic(), torch.no_grad():
        module = factory()
        elements, macs = layer_cost(module, input_shape)
        if _numel(input_shape) + elements <= MAX_ELEMENTS and macs <= MAX_MACS:
            output = shape_of(module(torch.randn(input_shape)))
            notes = []
        else:
            with torch.device("meta"):
                output = shape_of(factory()(torch.empty(input_shape)))
            notes = ["shapes from PyTorch's meta device (tensors too large to run on the CPU)"]
    require(all(n > 0 for n in output), f"the output {output} would be empty")
    return output, notes


def _numel(shape: tuple[int, ...]) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def _single(name: str, layer: str, output: tuple[int, ...], notes: list[str]) -> Run:
    return Run(
        name,
        {"size": output[-1], "shape": output},
        trace=[TraceRow(layer, output, 0)],
        notes=notes,
    )


def conv_shape(size: int, kernel: int, stride: int, padding: int, dilation: int, dims: int) -> Run:
    require(dims in (1, 2), "conv_shape: dims must be 1 or 2")
    conv = nn.Conv1d if dims == 1 else nn.Conv2d
    shape = (1, 1) + (size,) * dims
    output, notes = observe(
        lambda: conv(1, 1, kernel, stride=stride, padding=padding, dilation=dilation, bias=False),
        shape,
    )
    layer = f"Conv{dims}d(k={kernel}, s={stride}, p={padding}, d={dilation}) on {shape}"
    return _single("conv_shape", layer, output, notes)


def pool_shape(
    size: int,
    kernel: int,
    stride: int | None,
    padding: int,
    dilation: int,
    ceil_mode: bool,
    mode: str,
) -> Run:
    step = kernel if stride is None else stride
    shape = (1, 1, size, size)
    if mode == "avg":
        require(dilation == 1, "pool_shape: average pooling has no dilation")
        factory: Callable[[], nn.Module] = lambda: nn.AvgPool2d(  # noqa: E731
            kernel, step, padding, ceil_mode=ceil_mode
        )
        layer = f"AvgPool2d(k={kernel}, s={step}, p={padding}, ceil_mode={ceil_mode})"
    else:
        factory = lambda: nn.MaxPool2d(  # noqa: E731
            kernel, step, padding, dilation=dilation, ceil_mode=ceil_mode
        )
        layer = f"MaxPool2d(k={kernel}, s={step}, p={padding}, d={dilation}, ceil_mode={ceil_mode})"
    output, notes = observe(factory, shape)
    return _single("pool_shape", f"{layer} on {shape}", output, notes)


def convt_shape(
    size: int, kernel: int, stride: int, padding: int, output_padding: int, dilation: int
) -> Run:
    shape = (1, 1, size, size)
    output, notes = observe(
        lambda: nn.ConvTranspose2d(
            1, 1, kernel, stride, padding, output_padding, dilation=dilation, bias=False
        ),
        shape,
    )
    layer = (
        f"ConvTranspose2d(k={kernel}, s={stride}, p={padding}, op={output_padding}, "
        f"d={dilation}) on {shape}"
    )
    return _single("convt_shape", layer, output, notes)


def _shape_run(name: str, layer: str, output: tuple[int, ...], notes: list[str]) -> Run:
    facts: dict[str, Fact] = {"shape": output, "height": output[2], "width": output[3]}
    return Run(name, facts, trace=[TraceRow(layer, output, 0)], notes=notes)


def conv2d_shape(
    batch: int,
    out_channels: int,
    height: int,
    width: int,
    kernel: int,
    stride: int,
    padding: int,
    dilation: int,
) -> Run:
    shape = (batch, 1, height, width)
    output, notes = observe(
        lambda: nn.Conv2d(1, out_channels, kernel, stride, padding, dilation, bias=False),
        shape,
    )
    layer = f"Conv2d(1, {out_channels}, k={kernel}, s={stride}, p={padding}, d={dilation})"
    return _shape_run("conv2d_shape", f"{layer} on {shape}", output, notes)


def pool2d_shape(
    batch: int,
    channels: int,
    height: int,
    width: int,
    kernel: int,
    stride: int | None,
    padding: int,
    ceil_mode: bool,
) -> Run:
    step = kernel if stride is None else stride
    shape = (batch, channels, height, width)
    output, notes = observe(lambda: nn.MaxPool2d(kernel, step, padding, ceil_mode=ceil_mode), shape)
    layer = f"MaxPool2d(k={kernel}, s={step}, p={padding}, ceil_mode={ceil_mode})"
    return _shape_run("pool2d_shape", f"{layer} on {shape}", output, notes)


def convt2d_shape(
    batch: int,
    out_channels: int,
    height: int,
    width: int,
    kernel: int,
    stride: int,
    padding: int,
    output_padding: int,
    dilation: int,
) -> Run:
    shape = (batch, 1, height, width)
    output, notes = observe(
        lambda: nn.ConvTranspose2d(
            1, out_channels, kernel, stride, padding, output_padding, dilation=dilation, bias=False
        ),
        shape,
    )
    layer = (
        f"ConvTranspose2d(1, {out_channels}, k={kernel}, s={stride}, p={padding}, "
        f"op={output_padding}, d={dilation})"
    )
    return _shape_run("convt2d_shape", f"{layer} on {shape}", output, notes)
