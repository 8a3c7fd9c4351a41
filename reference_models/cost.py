"""Cheap upper bounds of a layer's output size and work, to decide where it runs.

Small layers run for real on the CPU. Large ones (VGG's 138M parameters, a batch of 64
AlexNet inputs) run on PyTorch's meta device, which computes shapes without data; its first
use loads about 800 modules (a few seconds), so it is kept for the cases that need it.
"""

from __future__ import annotations

import math

from torch import nn

from reference_models.common import count_params
from reference_models.layers import SequenceOutput

# Limits of one real CPU run (all layers together).
MAX_PARAMS = 5_000_000
MAX_ELEMENTS = 4_000_000
MAX_MACS = 100_000_000


def _pair(value: int | tuple[int, ...], dims: int) -> tuple[int, ...]:
    return (value,) * dims if isinstance(value, int) else tuple(value)


def layer_cost(module: nn.Module, in_shape: tuple[int, ...]) -> tuple[int, int]:
    """(output elements, multiply-adds), both at least what ``module`` needs on ``in_shape``
    (batch first)."""
    in_numel = math.prod(in_shape)
    if isinstance(module, nn.modules.conv._ConvNd):
        dims = len(in_shape) - 2
        k = _pair(module.kernel_size, dims)
        s = _pair(module.stride, dims)
        d = _pair(module.dilation, dims)
        p = _pair(module.padding, dims) if not isinstance(module.padding, str) else k
        if module.transposed:
            op = _pair(module.output_padding, dims)
            sizes = [
                max(1, (n - 1) * si + di * (ki - 1) + oi + 1)
                for n, si, di, ki, oi in zip(in_shape[2:], s, d, k, op, strict=True)
            ]
        else:
            sizes = [n + 2 * pi for n, pi in zip(in_shape[2:], p, strict=True)]
        out = in_shape[0] * module.out_channels * math.prod(sizes)
        per_output = module.in_channels // module.groups * math.prod(k)
        return out, out * per_output
    if isinstance(module, nn.modules.pooling._MaxPoolNd | nn.modules.pooling._AvgPoolNd):
        dims = len(in_shape) - 2
        k = _pair(module.kernel_size, dims)  # type: ignore[arg-type]
        p = _pair(module.padding, dims)  # type: ignore[arg-type]
        out = math.prod(in_shape[:2]) * math.prod(
            n + 2 * pi for n, pi in zip(in_shape[2:], p, strict=True)
        )
        return out, out * math.prod(k)
    if isinstance(module, nn.Linear):
        out = in_numel // max(1, module.in_features) * module.out_features
        return out, out * module.in_features
    if isinstance(module, nn.Embedding):
        out = in_numel * module.embedding_dim
        return out, out
    if isinstance(module, SequenceOutput):
        rnn = module.rnn
        steps = math.prod(in_shape[:-1])
        width = (rnn.proj_size or rnn.hidden_size) * (2 if rnn.bidirectional else 1)
        return steps * width, steps * count_params(rnn)
    return in_numel, in_numel
