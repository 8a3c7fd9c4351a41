"""Output shapes (N, C, H, W) of 2-D convolution, pooling and transposed convolution with
square kernels, as ``nn.Conv2d``, ``nn.MaxPool2d`` and ``nn.ConvTranspose2d`` give them."""

from __future__ import annotations

from solvers.shapes import (
    CONV_FORMULA,
    CONVT_FORMULA,
    conv_mistakes,
    conv_size,
    convt_mistakes,
    convt_size,
    pool_mistakes,
    pool_size,
)
from solvers.support import Candidate, Facts, SolverSolution, Step, build, require_int


def _shape_candidates(
    correct: tuple[int, int, int, int],
    wrong_h: dict[str, int | None],
    wrong_w: dict[str, int | None],
) -> list[Candidate]:
    batch, channels, height, width = correct
    found: list[Candidate] = []
    for tag, h in wrong_h.items():
        w = wrong_w.get(tag)
        if h is None and w is None:
            continue
        found.append(
            (tag, (batch, channels, height if h is None else h, width if w is None else w))
        )
    return found


def _shape_solution(
    title: str,
    steps: list[Step],
    shape: tuple[int, int, int, int],
    wrong_h: dict[str, int | None],
    wrong_w: dict[str, int | None],
) -> SolverSolution:
    steps.append(Step("output shape", "(N, C, H_out, W_out)", "", str(shape)))
    facts: Facts = {"shape": shape, "height": shape[2], "width": shape[3]}
    mistakes: dict[str, list[Candidate]] = {"shape": _shape_candidates(shape, wrong_h, wrong_w)}
    return build(title, steps, facts, "shape", mistakes)


def _dimension_step(name: str, n: int, k: int, s: int, p: int, d: int, out: int) -> Step:
    span = n + 2 * p - d * (k - 1) - 1
    return Step(name, CONV_FORMULA, f"⌊{span}/{s}⌋ + 1", str(out))


def conv2d_shape(
    batch: int,
    out_channels: int,
    height: int,
    width: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
) -> SolverSolution:
    """(N, C_out, H_out, W_out) of ``nn.Conv2d`` with a square kernel."""
    require_int("batch", batch)
    require_int("out_channels", out_channels)
    k, s, p, d = kernel, stride, padding, dilation
    h = conv_size(height, k, s, p, d)
    w = conv_size(width, k, s, p, d)
    steps = [
        _dimension_step("H_out", height, k, s, p, d, h),
        _dimension_step("W_out", width, k, s, p, d, w),
        Step("channels", "C_out = number of filters", "", str(out_channels)),
    ]
    title = f"Conv2d output shape: input {height}×{width}, k={k}, s={s}, p={p}, d={d}"
    return _shape_solution(
        title,
        steps,
        (batch, out_channels, h, w),
        conv_mistakes(height, k, s, p, d),
        conv_mistakes(width, k, s, p, d),
    )


def pool2d_shape(
    batch: int,
    channels: int,
    height: int,
    width: int,
    kernel: int,
    stride: int | None = None,
    padding: int = 0,
    ceil_mode: bool = False,
) -> SolverSolution:
    """(N, C, H_out, W_out) of ``nn.MaxPool2d``/``AvgPool2d``; channels are unchanged."""
    require_int("batch", batch)
    require_int("channels", channels)
    k, p = kernel, padding
    s = k if stride is None else stride
    h = pool_size(height, k, s, p, 1, ceil_mode)
    w = pool_size(width, k, s, p, 1, ceil_mode)
    left, right = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    formula = f"{left}(n + 2p − k)/s{right} + 1"
    steps = []
    for name, n, out in (("H_out", height, h), ("W_out", width, w)):
        rounded = -(-(n + 2 * p - k) // s) + 1 if ceil_mode else out
        dropped = " (its last window would start in the padding: dropped)"
        result = str(out) if rounded == out else f"{rounded} − 1 = {out}{dropped}"
        steps.append(Step(name, formula, f"{left}({n} + 2·{p} − {k})/{s}{right} + 1", result))
    steps.append(Step("channels", "pooling keeps the channels", "", str(channels)))
    title = f"Pool2d output shape: input {height}×{width}, k={k}, s={s}, p={p}"
    return _shape_solution(
        title,
        steps,
        (batch, channels, h, w),
        pool_mistakes(height, k, s, p, 1, ceil_mode),
        pool_mistakes(width, k, s, p, 1, ceil_mode),
    )


def convt2d_shape(
    batch: int,
    out_channels: int,
    height: int,
    width: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> SolverSolution:
    """(N, C_out, H_out, W_out) of ``nn.ConvTranspose2d`` with a square kernel."""
    require_int("batch", batch)
    require_int("out_channels", out_channels)
    k, s, p, op, d = kernel, stride, padding, output_padding, dilation
    h = convt_size(height, k, s, p, op, d)
    w = convt_size(width, k, s, p, op, d)
    steps = [
        Step(
            "H_out", CONVT_FORMULA, f"({height} − 1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1", str(h)
        ),
        Step("W_out", CONVT_FORMULA, f"({width} − 1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1", str(w)),
        Step("channels", "C_out", "", str(out_channels)),
    ]
    title = f"ConvTranspose2d output shape: input {height}×{width}, k={k}, s={s}, p={p}"
    return _shape_solution(
        title,
        steps,
        (batch, out_channels, h, w),
        convt_mistakes(height, k, s, p, op, d),
        convt_mistakes(width, k, s, p, op, d),
    )
