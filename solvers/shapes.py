"""Output sizes of convolutions, pooling and transposed convolutions, exactly as PyTorch
computes them (``torch.nn.Conv2d``, ``MaxPool2d``/``AvgPool2d``, ``ConvTranspose2d``).

The ``*_size`` functions are the bare integer formulas (used by the layer stack), the
``*_mistakes`` functions the typical wrong values by tag, and the solvers return a
:class:`~solvers.solution.Solution` with the worked steps. 2-D shapes are in
:mod:`solvers.shapes2d`.
"""

from __future__ import annotations

from solvers.support import (
    Candidate,
    Facts,
    SolverError,
    SolverSolution,
    Step,
    build,
    require,
    require_int,
)

CONV_FORMULA = "⌊(n + 2p − d(k−1) − 1) / s⌋ + 1"
CONVT_FORMULA = "(n − 1)·s − 2p + d(k−1) + output_padding + 1"


def _check_window(n: int, k: int, s: int, p: int, d: int) -> None:
    require_int("size", n)
    require_int("kernel", k)
    require_int("stride", s)
    require_int("padding", p, 0)
    require_int("dilation", d)


def _conv_raw(n: int, k: int, s: int, p: int, d: int) -> int | None:
    """The conv formula, or None when the window does not fit (used for wrong variants)."""
    span = n + 2 * p - d * (k - 1) - 1
    return None if span < 0 else span // s + 1


def conv_size(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """``floor((n + 2p - d(k-1) - 1) / s) + 1``; the kernel must fit the padded input."""
    _check_window(n, k, s, p, d)
    effective = d * (k - 1) + 1
    require(
        effective <= n + 2 * p,
        f"the kernel (effective size {effective}) is larger than the padded input "
        f"({n} + 2·{p} = {n + 2 * p})",
    )
    return (n + 2 * p - effective) // s + 1


def pool_size(
    n: int, k: int, s: int | None = None, p: int = 0, d: int = 1, ceil_mode: bool = False
) -> int:
    """PyTorch's ``pooling_output_shape``: floor (or ceil) division, and with ceil_mode the
    last window is dropped if it would start in the right padding."""
    stride = k if s is None else s
    _check_window(n, k, stride, p, d)
    require(
        p <= k // 2,
        f"padding {p} is more than half the kernel size {k} (PyTorch requires p <= k/2)",
    )
    span = n + 2 * p - d * (k - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= n + p:
        out -= 1
    require(
        out >= 1,
        f"the pooling window (effective size {d * (k - 1) + 1}) is larger than the padded "
        f"input ({n + 2 * p})",
    )
    return out


def convt_size(n: int, k: int, s: int = 1, p: int = 0, output_padding: int = 0, d: int = 1) -> int:
    """``(n-1)s - 2p + d(k-1) + output_padding + 1``; output_padding < stride or dilation."""
    _check_window(n, k, s, p, d)
    require_int("output_padding", output_padding, 0)
    require(
        output_padding < s or output_padding < d,
        f"output_padding ({output_padding}) must be smaller than the stride ({s}) "
        f"or the dilation ({d})",
    )
    out = (n - 1) * s - 2 * p + d * (k - 1) + output_padding + 1
    require(out >= 1, f"the output size would be {out}: the padding is too large")
    return out


# --------------------------------------------------------------------------- candidates


def conv_mistakes(n: int, k: int, s: int, p: int, d: int) -> dict[str, int | None]:
    effective = d * (k - 1) + 1
    span = n + 2 * p - effective
    return {
        "forgot-plus-one": span // s,
        "floor-vs-ceil": -(-span // s) + 1,
        "padding-forgotten": _conv_raw(n, k, s, 0, d) if p else None,
        "padding-once": _conv_raw(n + p, k, s, 0, d) if p else None,
        "dilation-ignored": _conv_raw(n, k, s, p, 1) if d > 1 else None,
    }


def pool_mistakes(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> dict[str, int | None]:
    span = n + 2 * p - d * (k - 1) - 1
    plain_ceil = -(-span // s) + 1

    def other(n2: int, p2: int, d2: int) -> int | None:
        try:
            return pool_size(n2, k, s, p2, d2, ceil_mode)
        except SolverError:
            return None

    return {
        "floor-vs-ceil": span // s + 1 if ceil_mode else plain_ceil,
        "forgot-plus-one": (span + (s - 1 if ceil_mode else 0)) // s,
        "ceil-mode-last-window": plain_ceil if ceil_mode else None,
        "padding-forgotten": other(n, 0, d) if p else None,
        "padding-once": other(n + p, 0, d) if p else None,
        "dilation-ignored": other(n, p, 1) if d > 1 else None,
    }


def convt_mistakes(n: int, k: int, s: int, p: int, op: int, d: int) -> dict[str, int | None]:
    span = d * (k - 1) + op + 1
    return {
        "convt-formula-inverted": _conv_raw(n, k, s, p, d),
        "convt-n-times-s": n * s - 2 * p + span,
        "padding-once": (n - 1) * s - p + span if p else None,
        "padding-forgotten": (n - 1) * s + span if p else None,
        "output-padding-forgotten": (n - 1) * s - 2 * p + span - op if op else None,
        "dilation-ignored": (n - 1) * s - 2 * p + (k - 1) + op + 1 if d > 1 else None,
        "forgot-plus-one": (n - 1) * s - 2 * p + span - 1,
    }


def _candidates(wrong: dict[str, int | None]) -> list[Candidate]:
    return list(wrong.items())


# --------------------------------------------------------------------------- 1-D solvers


def _window_steps(n: int, k: int, p: int, d: int) -> list[Step]:
    steps = []
    if d > 1:
        steps.append(
            Step("effective kernel", "d(k−1) + 1", f"{d}·({k}−1) + 1", str(d * (k - 1) + 1))
        )
    if p:
        steps.append(Step("padded input", "n + 2p", f"{n} + 2·{p}", str(n + 2 * p)))
    return steps


def conv_out(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> SolverSolution:
    """Output size of a convolution along one dimension."""
    n, k, s, p, d = size, kernel, stride, padding, dilation
    out = conv_size(n, k, s, p, d)
    span = n + 2 * p - d * (k - 1) - 1
    steps = _window_steps(n, k, p, d) + [
        Step(
            "output size",
            CONV_FORMULA,
            f"⌊({n} + 2·{p} − {d}·({k}−1) − 1) / {s}⌋ + 1 = ⌊{span}/{s}⌋ + 1",
            str(out),
        )
    ]
    facts: Facts = {"size": out, "effective_kernel": d * (k - 1) + 1, "padded_size": n + 2 * p}
    title = f"Conv output size: n={n}, k={k}, s={s}, p={p}, d={d}"
    return build(title, steps, facts, "size", {"size": _candidates(conv_mistakes(n, k, s, p, d))})


def conv_same_padding(kernel: int, dilation: int = 1) -> SolverSolution:
    """The padding that keeps the size at stride 1, as PyTorch's ``padding="same"``."""
    k, d = require_int("kernel", kernel), require_int("dilation", dilation)
    total = d * (k - 1)
    left = total // 2
    right = total - left
    symmetric = left == right
    steps = [
        Step("total padding", "d(k−1)", f"{d}·({k}−1)", str(total)),
        Step("left (PyTorch)", "⌊total/2⌋", f"⌊{total}/2⌋", str(left)),
        Step("right", "total − left", f"{total} − {left}", str(right)),
    ]
    if symmetric:
        steps.append(Step("padding per side", "d(k−1)/2", f"{total}/2", str(left)))
    else:
        steps.append(
            Step(
                "padding per side",
                f"the effective kernel {total + 1} is even, so no symmetric padding keeps "
                "the size; padding='same' splits it",
                "",
                f"{left} left, {right} right",
            )
        )
    facts: Facts = {
        "padding": left,
        "total": total,
        "left": left,
        "right": right,
        "symmetric": symmetric,
    }
    wrong: list[Candidate] = [
        ("dilation-ignored", (k - 1) // 2 if d > 1 else None),
        (
            "padding-once",
            total,
            "That is the total padding; it is split over both sides, so each side gets half.",
        ),
    ]
    return build(f"'Same' padding: k={k}, d={d}", steps, facts, "padding", {"padding": wrong})


def pool_out(
    size: int,
    kernel: int,
    stride: int | None = None,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> SolverSolution:
    """Output size of max/avg pooling along one dimension (stride defaults to the kernel)."""
    n, k, p, d = size, kernel, padding, dilation
    s = k if stride is None else stride
    out = pool_size(n, k, s, p, d, ceil_mode)
    span = n + 2 * p - d * (k - 1) - 1
    rounding = "⌈" if ceil_mode else "⌊"
    closing = "⌉" if ceil_mode else "⌋"
    steps = _window_steps(n, k, p, d)
    if stride is None:
        steps.append(Step("stride", "s = k (PyTorch's default)", "", str(s)))
    first = (span + (s - 1 if ceil_mode else 0)) // s + 1
    steps.append(
        Step(
            "output size",
            f"{rounding}(n + 2p − d(k−1) − 1) / s{closing} + 1",
            f"{rounding}({n} + 2·{p} − {d}·({k}−1) − 1) / {s}{closing} + 1 = "
            f"{rounding}{span}/{s}{closing} + 1",
            str(first),
        )
    )
    if ceil_mode and first != out:
        steps.append(
            Step(
                "drop the last window",
                "(out − 1)·s ≥ n + p: the last window would start in the right padding",
                f"({first} − 1)·{s} = {(first - 1) * s} ≥ {n} + {p}",
                str(out),
            )
        )
    facts: Facts = {"size": out, "stride": s, "effective_kernel": d * (k - 1) + 1}
    title = f"Pooling output size: n={n}, k={k}, s={s}, p={p}, ceil_mode={ceil_mode}"
    wrong = pool_mistakes(n, k, s, p, d, ceil_mode)
    return build(title, steps, facts, "size", {"size": _candidates(wrong)})


def convt_out(
    size: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> SolverSolution:
    """Output size of a transposed convolution along one dimension."""
    n, k, s, p, op, d = size, kernel, stride, padding, output_padding, dilation
    out = convt_size(n, k, s, p, op, d)
    steps = [
        Step(
            "output size",
            CONVT_FORMULA,
            f"({n} − 1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1",
            str(out),
        )
    ]
    facts: Facts = {"size": out}
    title = f"Transposed conv output size: n={n}, k={k}, s={s}, p={p}, output_padding={op}"
    wrong = convt_mistakes(n, k, s, p, op, d)
    return build(title, steps, facts, "size", {"size": _candidates(wrong)})


__all__ = [
    "CONVT_FORMULA",
    "CONV_FORMULA",
    "conv_mistakes",
    "conv_out",
    "conv_same_padding",
    "conv_size",
    "convt_mistakes",
    "convt_out",
    "convt_size",
    "pool_mistakes",
    "pool_out",
    "pool_size",
]
