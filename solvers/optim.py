"""One step of PyTorch's optimisers on a single weight, exact where the maths allows.

Semantics follow ``torch.optim`` (SGD with momentum and dampening 0, Adam, AdamW, RMSprop),
so a question's answer matches what a reference run prints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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
    term,
)

MAX_EXACT_POWER = 64  # beyond this, beta**t is computed in floating point
MAX_STEPS = 200


def _power(base: Number, exponent: int) -> Number:
    return base**exponent if exponent <= MAX_EXACT_POWER else float(base) ** exponent


def _numbers(**values: int | Fraction | float) -> dict[str, Number]:
    return {name: exact(value) for name, value in values.items()}


def _check_rate(lr: Number) -> None:
    require(lr > 0, f"lr must be positive, got {show(lr)}")


def _check_beta(name: str, beta: Number) -> None:
    require(0 <= beta < 1, f"{name} must be in [0, 1), got {show(beta)}")


def sgd_step(
    w: Number, grad: Number, lr: Number, weight_decay: Number = Fraction(0)
) -> SolverSolution:
    """``torch.optim.SGD``: g ← g + λ·w, then w ← w − lr·g."""
    n = _numbers(w=w, grad=grad, lr=lr, weight_decay=weight_decay)
    w, grad, lr, decay = n["w"], n["grad"], n["lr"], n["weight_decay"]
    _check_rate(lr)
    total = grad + decay * w
    w_new = w - lr * total
    steps = []
    if decay:
        steps.append(
            Step(
                "gradient + weight decay",
                "g + λ·w",
                f"{term(grad)} + {term(decay)}·{term(w)}",
                show(total),
            )
        )
    steps.append(Step("update", "w − lr·g", f"{term(w)} − {term(lr)}·{term(total)}", show(w_new)))
    facts: Facts = {"w_new": w_new, "grad_total": total}
    wrong: list[Candidate] = [
        ("weight-decay-forgotten", w - lr * grad if decay else None),
        ("gradient-ascent", w + lr * total),
    ]
    return build("SGD step", steps, facts, "w_new", {"w_new": wrong})


def momentum_step(
    w: Number, grad: Number, lr: Number, momentum: Number, velocity: Number = Fraction(0)
) -> SolverSolution:
    """``torch.optim.SGD(momentum=μ)``: buf ← μ·buf + g (buf = g on the first step, which is
    what velocity 0 gives), w ← w − lr·buf."""
    n = _numbers(w=w, grad=grad, lr=lr, momentum=momentum, velocity=velocity)
    w, grad, lr, mu, buf = n["w"], n["grad"], n["lr"], n["momentum"], n["velocity"]
    _check_rate(lr)
    _check_beta("momentum", mu)
    new_buf = mu * buf + grad
    w_new = w - lr * new_buf
    steps = [
        Step(
            "velocity (PyTorch buffer)",
            "v = μ·v + g",
            f"{term(mu)}·{term(buf)} + {term(grad)}",
            show(new_buf),
        ),
        Step("update", "w − lr·v", f"{term(w)} − {term(lr)}·{term(new_buf)}", show(w_new)),
        Step(
            "lecture form",
            "v' = β·v' − α·∇w, w = w + v' (v' = −lr·v)",
            f"−{term(lr)}·{term(new_buf)}",
            f"{term(-lr * new_buf)}: the same update",
        ),
    ]
    facts: Facts = {"velocity": new_buf, "w_new": w_new, "lecture_velocity": -lr * new_buf}
    mistakes: dict[str, list[Candidate]] = {
        "w_new": [("momentum-ignored", w - lr * grad), ("gradient-ascent", w + lr * new_buf)],
        "velocity": [("momentum-ignored", grad)],
    }
    return build("SGD with momentum, one step", steps, facts, "velocity", mistakes)


@dataclass(frozen=True)
class AdamRates:
    lr: Number
    beta1: Number
    beta2: Number
    eps: Number

    def __post_init__(self) -> None:
        _check_rate(self.lr)
        _check_beta("beta1", self.beta1)
        _check_beta("beta2", self.beta2)
        require(self.eps >= 0, f"eps must not be negative, got {show(self.eps)}")


# torch.optim.Adam's defaults for beta1, beta2, eps
PYTORCH_ADAM = (Fraction(9, 10), Fraction(999, 1000), Fraction(1, 10**8))


@dataclass(frozen=True)
class AdamState:
    m: Number
    v: Number
    m_hat: Number
    v_hat: Number
    update: Number
    w_new: Number


def adam_update(
    w: Number,
    grad: Number,
    rates: AdamRates,
    step: int,
    m: Number,
    v: Number,
    *,
    bias_correction: bool = True,
) -> AdamState:
    """One ``torch.optim.Adam`` step (denominator sqrt(v̂) + eps)."""
    m_new = rates.beta1 * m + (1 - rates.beta1) * grad
    v_new = rates.beta2 * v + (1 - rates.beta2) * grad * grad
    if bias_correction:
        m_hat = m_new / (1 - _power(rates.beta1, step))
        v_hat = v_new / (1 - _power(rates.beta2, step))
    else:
        m_hat, v_hat = m_new, v_new
    update = rates.lr * m_hat / (exact_sqrt(v_hat) + rates.eps)
    return AdamState(m_new, v_new, m_hat, v_hat, update, w - update)


def _adam_solution(
    title: str,
    w: Number,
    rates: AdamRates,
    states: tuple[AdamState, AdamState],
    t: int,
    extra: list[Step],
) -> SolverSolution:
    """``states`` is (with, without) bias correction after step ``t``; ``w`` is the weight
    before that step."""
    state, plain = states
    steps = extra + [
        Step(
            "bias-corrected m",
            "m̂ = m / (1 − β1^t)",
            f"{term(state.m)} / (1 − {term(rates.beta1)}^{t})",
            show(state.m_hat),
        ),
        Step(
            "bias-corrected v",
            "v̂ = v / (1 − β2^t)",
            f"{term(state.v)} / (1 − {term(rates.beta2)}^{t})",
            show(state.v_hat),
        ),
        Step(
            "update",
            "lr · m̂ / (√v̂ + eps)",
            f"{term(rates.lr)} · {term(state.m_hat)} / (√{term(state.v_hat)} + {term(rates.eps)})",
            show(state.update),
        ),
        Step("new weight", "w − update", f"{term(w)} − {term(state.update)}", show(state.w_new)),
    ]
    facts: Facts = {
        "m": state.m,
        "v": state.v,
        "m_hat": state.m_hat,
        "v_hat": state.v_hat,
        "update": state.update,
        "w_new": state.w_new,
    }
    mistakes: dict[str, list[Candidate]] = {
        "w_new": [
            ("adam-no-bias-correction", plain.w_new),
            ("gradient-ascent", w + state.update),
        ],
        "update": [("adam-no-bias-correction", plain.update)],
    }
    return build(title, steps, facts, "m", mistakes)


def adam_step(
    w: Number,
    grad: Number,
    lr: Number = Fraction(1, 1000),
    beta1: Number = PYTORCH_ADAM[0],
    beta2: Number = PYTORCH_ADAM[1],
    eps: Number = PYTORCH_ADAM[2],
    step: int = 1,
    m: Number = Fraction(0),
    v: Number = Fraction(0),
) -> SolverSolution:
    """One Adam step at step number ``step`` (1 = the first) from the moments ``m``, ``v``."""
    n = _numbers(w=w, grad=grad, lr=lr, beta1=beta1, beta2=beta2, eps=eps, m=m, v=v)
    rates = AdamRates(n["lr"], n["beta1"], n["beta2"], n["eps"])
    require(isinstance(step, int) and step >= 1, f"step must be 1 or more, got {step}")
    w, grad, m, v = n["w"], n["grad"], n["m"], n["v"]
    state = adam_update(w, grad, rates, step, m, v)
    plain = adam_update(w, grad, rates, step, m, v, bias_correction=False)
    b1, b2 = show(rates.beta1), show(rates.beta2)
    extra = [
        Step(
            "first moment",
            "m = β1·m + (1 − β1)·g",
            f"{b1}·{term(m)} + (1 − {b1})·{term(grad)}",
            show(state.m),
        ),
        Step(
            "second moment",
            "v = β2·v + (1 − β2)·g²",
            f"{b2}·{term(v)} + (1 − {b2})·{term(grad)}²",
            show(state.v),
        ),
    ]
    return _adam_solution(f"Adam step t={step}", w, rates, (state, plain), step, extra)


def adam_steps(
    w: Number,
    grads: str,
    lr: Number = Fraction(1, 1000),
    beta1: Number = PYTORCH_ADAM[0],
    beta2: Number = PYTORCH_ADAM[1],
    eps: Number = PYTORCH_ADAM[2],
) -> SolverSolution:
    """Adam from fresh moments over the gradients ``"0.5, -0.1, 0.2"``; facts after the last."""
    values = numbers_from_text(grads, "grads", limit=MAX_STEPS)
    n = _numbers(w=w, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    rates = AdamRates(n["lr"], n["beta1"], n["beta2"], n["eps"])
    zero = Fraction(0)
    state = plain = AdamState(zero, zero, zero, zero, zero, n["w"])
    extra: list[Step] = []
    before = n["w"]
    for t, grad in enumerate(values, 1):
        before = state.w_new
        state = adam_update(before, grad, rates, t, state.m, state.v)
        plain = adam_update(plain.w_new, grad, rates, t, plain.m, plain.v, bias_correction=False)
        extra.append(
            Step(
                f"step {t}",
                f"w after g = {show(grad)} (m = {show(state.m)}, v = {show(state.v)})",
                "",
                show(state.w_new),
            )
        )
    title = f"Adam, {len(values)} steps from w = {show(n['w'])}"
    return _adam_solution(title, before, rates, (state, plain), len(values), extra)


def rmsprop_step(
    w: Number,
    grad: Number,
    lr: Number = Fraction(1, 100),
    alpha: Number = Fraction(99, 100),
    eps: Number = Fraction(1, 10**8),
    v: Number = Fraction(0),
) -> SolverSolution:
    """``torch.optim.RMSprop``: v ← α·v + (1 − α)·g², w ← w − lr·g / (√v + eps)."""
    n = _numbers(w=w, grad=grad, lr=lr, alpha=alpha, eps=eps, v=v)
    w, grad, lr, alpha, eps, v = (n[key] for key in ("w", "grad", "lr", "alpha", "eps", "v"))
    _check_rate(lr)
    _check_beta("alpha", alpha)
    v_new = alpha * v + (1 - alpha) * grad * grad
    update = lr * grad / (exact_sqrt(v_new) + eps)
    w_new = w - update
    swapped_v = (1 - alpha) * v + alpha * grad * grad
    swapped_w = w - lr * grad / (exact_sqrt(swapped_v) + eps)
    steps = [
        Step(
            "square average",
            "v = α·v + (1 − α)·g²",
            f"{term(alpha)}·{term(v)} + (1 − {term(alpha)})·{term(grad)}²",
            show(v_new),
        ),
        Step(
            "update",
            "lr·g / (√v + eps)",
            f"{term(lr)}·{term(grad)} / (√{term(v_new)} + {term(eps)})",
            show(update),
        ),
        Step("new weight", "w − update", f"{term(w)} − {term(update)}", show(w_new)),
    ]
    facts: Facts = {"v": v_new, "w_new": w_new, "update": update}
    mistakes: dict[str, list[Candidate]] = {
        "v": [("rmsprop-alpha-swapped", swapped_v)],
        "w_new": [("rmsprop-alpha-swapped", swapped_w), ("gradient-ascent", w + update)],
    }
    return build("RMSprop step", steps, facts, "v", mistakes)


def weight_decay_compare(
    w: Number, grad: Number, lr: Number, decay: Number, optimizer: str = "sgd"
) -> SolverSolution:
    """L2 via ``weight_decay=λ`` (λ·w added to the gradient, i.e. (λ/2)·‖w‖² in the loss)
    versus decoupled weight decay (w ← w − lr·λ·w beside the step; AdamW for Adam).
    Adam is compared on its first step from fresh moments with PyTorch's default betas."""
    n = _numbers(w=w, grad=grad, lr=lr, decay=decay)
    w, grad, lr, decay = n["w"], n["grad"], n["lr"], n["decay"]
    _check_rate(lr)
    require(decay >= 0, f"decay must not be negative, got {show(decay)}")
    kind = optimizer.strip().lower()
    l2_grad = grad + decay * w
    if kind == "sgd":
        w_l2 = w - lr * l2_grad
        w_decoupled = w - lr * decay * w - lr * grad
        steps = [
            Step(
                "L2 (weight_decay=λ)",
                "w − lr·(g + λ·w)",
                f"{term(w)} − {term(lr)}·({term(grad)} + {term(decay)}·{term(w)})",
                show(w_l2),
            ),
            Step(
                "decoupled",
                "w − lr·λ·w − lr·g",
                f"{term(w)} − {term(lr)}·{term(decay)}·{term(w)} − {term(lr)}·{term(grad)}",
                show(w_decoupled),
            ),
        ]
    elif kind == "adam":
        rates = AdamRates(lr, *PYTORCH_ADAM)
        zero = Fraction(0)
        w_l2 = adam_update(w, l2_grad, rates, 1, zero, zero).w_new
        shrunk = w * (1 - lr * decay)
        w_decoupled = adam_update(shrunk, grad, rates, 1, zero, zero).w_new
        steps = [
            Step(
                "Adam + L2: gradient",
                "g + λ·w",
                f"{term(grad)} + {term(decay)}·{term(w)}",
                show(l2_grad),
            ),
            Step("Adam + L2: first step", "w − lr·ĝ/(|ĝ| + eps)", "", show(w_l2)),
            Step(
                "AdamW: shrink",
                "w·(1 − lr·λ)",
                f"{term(w)}·(1 − {term(lr)}·{term(decay)})",
                show(shrunk),
            ),
            Step("AdamW: Adam step with g", "w' − lr·g/(|g| + eps)", "", show(w_decoupled)),
        ]
    else:
        raise SolverError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    equal = math.isclose(float(w_l2), float(w_decoupled), rel_tol=1e-12, abs_tol=1e-15)
    verdict = (
        "equal: L2 and weight decay coincide for SGD"
        if equal
        else "different: Adam rescales the L2 term, AdamW does not"
    )
    steps.append(Step("compare", "L2 vs decoupled", "", verdict))
    facts: Facts = {
        "w_l2": w_l2,
        "w_decoupled": w_decoupled,
        "equal": equal,
        "difference": w_l2 - w_decoupled,
    }
    return build(f"Weight decay vs L2 with {kind.upper()}", steps, facts, "w_l2")
