"""How layers behave: BatchNorm and Dropout in train vs eval, conv equivariance, edge filters."""

from __future__ import annotations

import torch
from torch import nn

from reference_models.common import deterministic, parse_numbers, require
from reference_models.run import Fact, Run, TraceRow


def _floats(tensor: torch.Tensor) -> tuple[float, ...]:
    return tuple(float(x) for x in tensor.reshape(-1))


def batchnorm_modes(values: str, eps: float, index: int) -> Run:
    batch = parse_numbers(values, "batchnorm_modes: values")
    require(len(batch) >= 2, "batchnorm_modes: a batch needs at least two values")
    require(0 <= index < len(batch), f"batchnorm_modes: index must be 0..{len(batch) - 1}")
    require(eps >= 0, "batchnorm_modes: eps must not be negative")
    require(eps > 0 or len(set(batch)) > 1, "batchnorm_modes: equal values need eps > 0")
    with deterministic(), torch.no_grad():
        x = torch.tensor(batch, dtype=torch.float64).reshape(-1, 1)
        bn = nn.BatchNorm1d(1, eps=eps, dtype=torch.float64)
        bn.train()
        train_out = bn(x)  # normalises with the batch statistics and updates the running ones
        running_mean = float(bn.running_mean[0])  # type: ignore[index]
        running_var = float(bn.running_var[0])  # type: ignore[index]

        # Affine means f(a + b) = f(a) + f(b) - f(0) for every a, b.
        other = torch.linspace(-1.0, 2.0, len(batch), dtype=torch.float64).reshape(-1, 1) ** 2
        zero = torch.zeros_like(x)

        def train_f(t: torch.Tensor) -> torch.Tensor:
            probe = nn.BatchNorm1d(1, eps=max(eps, 1e-5), dtype=torch.float64).train()
            normalised: torch.Tensor = probe(t)
            return normalised

        train_affine = torch.allclose(
            train_f(x + other), train_f(x) + train_f(other) - train_f(zero), atol=1e-9
        )
        bn.eval()
        eval_out = bn(x)
        eval_affine = torch.allclose(bn(x + other), bn(x) + bn(other) - bn(zero), atol=1e-9)
    mean = sum(batch) / len(batch)
    var = sum((v - mean) ** 2 for v in batch) / len(batch)
    facts: dict[str, Fact] = {
        "mean": mean,
        "var": var,
        "x_hat": float(train_out[index, 0]),
        "train_output": _floats(train_out),
        "eval_output": _floats(eval_out),
        "running_mean": running_mean,
        "running_var": running_var,
        "train_affine": train_affine,
        "eval_affine": eval_affine,
    }
    notes = [
        "train mode normalises with the batch mean and the biased batch variance",
        "running_mean/var after one batch: 0.9*initial + 0.1*batch (running_var uses the "
        "unbiased variance)",
        "train mode is not affine in the input (the statistics depend on the batch); eval mode, "
        "with fixed running statistics, is",
    ]
    trace = [
        TraceRow("BatchNorm1d(1).train()", (len(batch), 1), 2),
        TraceRow("BatchNorm1d(1).eval()", (len(batch), 1), 2),
    ]
    return Run("batchnorm_modes", facts, trace=trace, notes=notes)


def dropout_modes(p: float, n: int) -> Run:
    require(0 <= p < 1, "dropout_modes: p must be in [0, 1)")
    require(1 <= n <= 10_000_000, "dropout_modes: n must be 1..10,000,000")
    with deterministic(), torch.no_grad():
        x = torch.ones(n, dtype=torch.float64)
        dropout = nn.Dropout(p)
        dropout.train()
        out = dropout(x)
        kept = out[out != 0]
        scales = torch.unique(kept)
        dropout.eval()
        eval_identity = torch.equal(dropout(x), x)
    require(len(scales) <= 1, "dropout kept values with different scales")
    facts: dict[str, Fact] = {
        "train_scale": float(scales[0]) if len(scales) else 0.0,
        "expected_scale": 1 / (1 - p),
        "eval_identity": eval_identity,
        "kept_fraction": len(kept) / n,
        "train_mean": float(out.mean()),
    }
    notes = [
        "inverted dropout: at train time kept units are multiplied by 1/(1-p), so the expected "
        "activation is unchanged; at eval time dropout is the identity",
    ]
    trace = [TraceRow(f"Dropout(p={p}).train() on ones({n})", (n,), 0)]
    return Run("dropout_modes", facts, trace=trace, notes=notes)


def conv_equivariance(shift: int) -> Run:
    size = 16
    require(1 <= shift <= 4, "conv_equivariance: shift must be 1..4")
    with deterministic(), torch.no_grad():
        image = torch.randn(1, 1, size, size, dtype=torch.float64)
        shifted = torch.roll(image, shifts=shift, dims=3)
        conv = nn.Conv2d(1, 4, 3, padding=1, bias=True, dtype=torch.float64)
        # Compare away from the borders, where zero padding and the wrapped columns differ.
        inner = slice(shift + 1, size - 1)
        a = torch.roll(conv(image), shifts=shift, dims=3)[..., inner]
        b = conv(shifted)[..., inner]
        equivariant = torch.allclose(a, b, atol=1e-12)
        invariant_conv = nn.Conv2d(1, 4, 3, padding=1, padding_mode="circular", dtype=torch.float64)
        invariant_conv.load_state_dict(conv.state_dict())
        gap = nn.AdaptiveAvgPool2d(1)
        gap_invariant = torch.allclose(
            gap(invariant_conv(image)), gap(invariant_conv(shifted)), atol=1e-12
        )
        flat = nn.Flatten()
        flatten_invariant = torch.allclose(
            flat(invariant_conv(image)), flat(invariant_conv(shifted)), atol=1e-12
        )
    facts: dict[str, Fact] = {
        "equivariant": equivariant,
        "gap_invariant": gap_invariant,
        "flatten_invariant": flatten_invariant,
    }
    notes = [
        f"conv(shift(x)) == shift(conv(x)) for a shift of {shift} pixels (compared away from "
        "the borders): convolution is translation equivariant, not invariant",
        "global average pooling after a (circular) conv gives the same features for a shifted "
        "image; flattening keeps the positions, so it is not invariant",
    ]
    trace = [
        TraceRow("input", (1, 1, size, size), 0),
        TraceRow("Conv2d(1, 4, k=3, p=1)", (1, 4, size, size), 40),
        TraceRow("AdaptiveAvgPool2d(1)", (1, 4, 1, 1), 0),
    ]
    return Run("conv_equivariance", facts, trace=trace, notes=notes)


def edge_filter() -> Run:
    with torch.no_grad():
        image = torch.zeros(1, 1, 6, 6)
        image[..., :3] = 10
        conv = nn.Conv2d(1, 1, 3, bias=False)
        conv.weight.copy_(torch.tensor([[1.0, 0.0, -1.0]] * 3).reshape(1, 1, 3, 3))
        out = conv(image)[0, 0]
    output = tuple(tuple(int(round(float(v))) for v in row) for row in out)
    facts: dict[str, Fact] = {"output": output, "row": output[0], "output_shape": tuple(out.shape)}
    notes = [
        "6x6 image: left three columns 10, right three 0; filter rows [1, 0, -1]",
        "nn.Conv2d computes a cross-correlation (no kernel flip): the response is large where "
        "the intensity drops from left to right, i.e. at the vertical edge",
    ]
    trace = [
        TraceRow("image", (1, 1, 6, 6), 0),
        TraceRow("Conv2d(1, 1, k=3, bias=False)", (1, 1, 4, 4), 9),
    ]
    return Run("edge_filter", facts, trace=trace, notes=notes)
