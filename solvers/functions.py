"""Activations, softmax and losses, batch-norm normalisation, dropout scaling, init scales.

Values are exact where the maths is rational (sigmoid(0) = 1/2, batch-norm of integers
with a perfect-square variance) and floats otherwise. Losses use the natural logarithm,
as ``nn.CrossEntropyLoss`` and ``nn.BCELoss`` do.
"""

from __future__ import annotations

import math
from fractions import Fraction

from solvers.support import (
    Candidate,
    Facts,
    Number,
    SolverError,
    SolverSolution,
    Step,
    build,
    exact,
    exact_sqrt,
    numbers_from_text,
    require,
    show,
)

BCE_LOG_CLAMP = -100.0  # nn.BCELoss clamps log(p) at -100


def _index(index: int, size: int) -> int:
    require(0 <= index < size, f"index must be between 0 and {size - 1}, got {index}")
    return index


def _softmax(logits: list[Number]) -> list[Number]:
    if all(z == logits[0] for z in logits):
        return [Fraction(1, len(logits))] * len(logits)
    top = max(logits)
    exps = [math.exp(float(z - top)) for z in logits]
    total = sum(exps)
    return [value / total for value in exps]


def _logits(text: str) -> list[Number]:
    values = numbers_from_text(text, "logits")
    require(len(values) >= 2, "logits: give at least two values")
    return values


def softmax(logits: str, index: int = 0) -> SolverSolution:
    """softmax(z)_i = exp(z_i) / Σ_j exp(z_j) for logits ``"2, 1, 0.1"``."""
    z = _logits(logits)
    i = _index(index, len(z))
    probs = _softmax(z)
    exps = " + ".join(f"e^{show(v)}" for v in z)
    steps = [
        Step("probability", "e^{z_i} / Σ_j e^{z_j}", f"e^{show(z[i])} / ({exps})", show(probs[i])),
        Step("all probabilities", "softmax(z)", "", show(tuple(float(p) for p in probs))),
    ]
    facts: Facts = {"prob": probs[i], "probs": tuple(float(p) for p in probs)}
    positive = all(v > 0 for v in z)
    wrong: list[Candidate] = [("softmax-no-exp", z[i] / sum(z) if positive else None)]
    return build(f"Softmax of ({logits})", steps, facts, "prob", {"prob": wrong})


def cross_entropy(logits: str, target: int) -> SolverSolution:
    """``nn.CrossEntropyLoss`` of raw logits: −z_t + log Σ_j e^{z_j}."""
    z = _logits(logits)
    t = _index(target, len(z))
    top = max(z)
    log_sum = float(top) + math.log(sum(math.exp(float(v - top)) for v in z))
    loss = log_sum - float(z[t])
    prob = _softmax(z)[t]
    steps = [
        Step("softmax of the target", "p_t = e^{z_t} / Σ e^{z_j}", "", show(prob)),
        Step(
            "loss", "−ln p_t = −z_t + ln Σ e^{z_j}", f"−{show(z[t])} + {show(log_sum)}", show(loss)
        ),
    ]
    facts: Facts = {"loss": loss, "prob": prob}
    wrong: list[Candidate] = [("log-base", loss / math.log(10)), ("log-base", loss / math.log(2))]
    return build(f"Cross-entropy of ({logits}), target {t}", steps, facts, "loss", {"loss": wrong})


def binary_cross_entropy(p: Number, y: Number) -> SolverSolution:
    """``nn.BCELoss``: −(y·ln p + (1 − y)·ln(1 − p)), with ln clamped at −100."""
    p, y = exact(p), exact(y)
    require(0 <= p <= 1, f"p must be a probability in [0, 1], got {show(p)}")
    require(0 <= y <= 1, f"y must be in [0, 1], got {show(y)}")

    def log(x: Number) -> float:
        return BCE_LOG_CLAMP if x == 0 else max(math.log(x), BCE_LOG_CLAMP)

    loss = -(float(y) * log(p) + float(1 - y) * log(1 - p))
    steps = [
        Step(
            "loss",
            "−(y·ln p + (1 − y)·ln(1 − p))",
            f"−({show(y)}·ln {show(p)} + {show(1 - y)}·ln {show(1 - p)})",
            show(loss),
        )
    ]
    wrong: list[Candidate] = [("log-base", loss / math.log(10))]
    return build("Binary cross-entropy", steps, {"loss": loss}, "loss", {"loss": wrong})


def activation(name: str, x: Number, slope: Number = Fraction(1, 100)) -> SolverSolution:
    """sigmoid, tanh, relu or leaky_relu at ``x``, and its derivative (PyTorch's at 0)."""
    x, slope = exact(x), exact(slope)
    kind = name.strip().lower().replace("-", "_")
    value: Number
    derivative: Number
    if kind == "sigmoid":
        value = Fraction(1, 2) if x == 0 else 1 / (1 + math.exp(-float(x)))
        derivative = value * (1 - value)
        formulas = ("σ(x) = 1 / (1 + e^{−x})", "σ'(x) = σ(x)(1 − σ(x))")
    elif kind == "tanh":
        value = Fraction(0) if x == 0 else math.tanh(float(x))
        derivative = 1 - value * value
        formulas = ("tanh(x)", "1 − tanh²(x)")
    elif kind == "relu":
        value = x if x > 0 else Fraction(0)
        derivative = Fraction(1 if x > 0 else 0)  # PyTorch: the gradient at 0 is 0
        formulas = ("max(0, x)", "1 if x > 0 else 0 (0 at x = 0)")
    elif kind == "leaky_relu":
        value = x if x > 0 else slope * x
        derivative = Fraction(1) if x > 0 else slope
        formulas = ("x if x > 0 else a·x", "1 if x > 0 else a")
    else:
        raise SolverError(f"name must be sigmoid, tanh, relu or leaky_relu, got {name!r}")
    steps = [
        Step(f"value at x = {show(x)}", formulas[0], "", show(value)),
        Step("derivative", formulas[1], "", show(derivative)),
    ]
    facts: Facts = {"value": value, "derivative": derivative}
    return build(f"{kind} at x = {show(x)}", steps, facts, "value")


def batchnorm_normalize(
    values: str,
    index: int = 0,
    eps: Number = Fraction(0),
    gamma: Number = Fraction(1),
    beta: Number = Fraction(0),
) -> SolverSolution:
    """Batch norm in training mode for one feature over a batch ``"1, 2, 3, 6"``: biased
    variance, x̂ = (x − μ)/√(σ² + eps), y = γ·x̂ + β."""
    batch = numbers_from_text(values, "values")
    require(len(batch) >= 2, "values: a batch needs at least two values")
    i = _index(index, len(batch))
    eps, gamma, beta = exact(eps), exact(gamma), exact(beta)
    require(eps >= 0, "eps must not be negative")
    n = len(batch)
    mean = sum(batch, Fraction(0)) / n
    squares = sum(((v - mean) ** 2 for v in batch), Fraction(0))
    var = squares / n
    require(var + eps > 0, "all values are equal and eps is 0: x̂ is undefined")
    x_hat = (batch[i] - mean) / exact_sqrt(var + eps)
    y = gamma * x_hat + beta
    unbiased = squares / (n - 1)
    steps = [
        Step("mean", "μ = Σx / n", f"{show(sum(batch, Fraction(0)))} / {n}", show(mean)),
        Step("variance (biased)", "σ² = Σ(x − μ)² / n", f"{show(squares)} / {n}", show(var)),
        Step(
            "normalised",
            "x̂ = (x − μ) / √(σ² + eps)",
            f"({show(batch[i])} − {show(mean)}) / √({show(var)} + {show(eps)})",
            show(x_hat),
        ),
        Step(
            "scaled and shifted",
            "y = γ·x̂ + β",
            f"{show(gamma)}·{show(x_hat)} + {show(beta)}",
            show(y),
        ),
    ]
    facts: Facts = {"mean": mean, "var": var, "x_hat": x_hat, "y": y}
    wrong_x_hat = (batch[i] - mean) / exact_sqrt(unbiased + eps)
    mistakes: dict[str, list[Candidate]] = {
        "var": [("bn-unbiased-var", unbiased)],
        "x_hat": [
            ("bn-unbiased-var", wrong_x_hat),
            ("std-vs-variance", (batch[i] - mean) / (var + eps)),
        ],
        "y": [("bn-unbiased-var", gamma * wrong_x_hat + beta)],
    }
    return build("Batch norm (training mode)", steps, facts, "mean", mistakes)


def dropout_scale(p: Number) -> SolverSolution:
    """Inverted dropout: kept activations are scaled by 1/(1 − p) in training, not at test."""
    p = exact(p)
    require(0 <= p < 1, f"p must be in [0, 1), got {show(p)}")
    scale = 1 / (1 - p)
    steps = [
        Step("training scale", "1 / (1 − p)", f"1 / (1 − {show(p)})", show(scale)),
        Step("test time", "identity (no scaling, nothing dropped)", "", "1"),
    ]
    facts: Facts = {"scale": scale, "keep": 1 - p}
    wrong: list[Candidate] = [("dropout-scale-inverted", 1 - p), ("dropout-scale-inverted", p)]
    return build(f"Dropout p = {show(p)}", steps, facts, "scale", {"scale": wrong})


def init_std(fan_in: int, fan_out: int, scheme: str = "kaiming") -> SolverSolution:
    """Std of ``xavier_normal_`` (√(2/(fan_in + fan_out))), ``kaiming_normal_`` for ReLU
    (√(2/fan_in)) or LeCun (√(1/fan_in), the lecture's simple Xavier)."""
    for label, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        require(isinstance(value, int) and value >= 1, f"{label} must be a positive whole number")
    kind = scheme.strip().lower()
    if kind in ("xavier", "glorot"):
        variance = Fraction(2, fan_in + fan_out)
        formula = "Var = 2 / (fan_in + fan_out)"
        substitution = f"2 / ({fan_in} + {fan_out})"
    elif kind in ("kaiming", "he"):
        variance = Fraction(2, fan_in)
        formula, substitution = "Var = 2 / fan_in", f"2 / {fan_in}"
    elif kind == "lecun":
        variance = Fraction(1, fan_in)
        formula, substitution = "Var = 1 / fan_in", f"1 / {fan_in}"
    else:
        raise SolverError(f"scheme must be xavier, kaiming or lecun, got {scheme!r}")
    std = exact_sqrt(variance)
    steps = [
        Step("variance", formula, substitution, show(variance)),
        Step("std", "√Var", f"√{show(variance)}", show(std)),
    ]
    facts: Facts = {"std": std, "variance": variance}
    wrong: list[Candidate] = [
        ("std-vs-variance", variance),
        (
            "xavier-fan-in-only",
            exact_sqrt(Fraction(1, fan_in)) if kind in ("xavier", "glorot") else None,
        ),
    ]
    return build(
        f"{kind} init, fan_in={fan_in}, fan_out={fan_out}", steps, facts, "std", {"std": wrong}
    )
