"""DataLoader iterations, model memory and optimiser steps (PyTorch semantics)."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.optim import (
    adam_step,
    adam_steps,
    momentum_step,
    rmsprop_step,
    sgd_step,
    weight_decay_compare,
)
from solvers.registry import mistakes_for
from solvers.solution import Solution
from solvers.support import SolverError
from solvers.training import iterations, model_memory

F = Fraction


def mistakes_of(solution: Solution, output: str) -> dict[str, object]:
    return {m.tag: m.value for m in mistakes_for(solution, output)}


# --------------------------------------------------------------------------- iterations


def test_slides_example_2000_samples_batch_500() -> None:
    assert iterations(2000, 500).value == 4


def test_cifar_sized_dataset() -> None:
    kept = iterations(50_000, 64, epochs=10)
    assert (kept.value, kept.facts["total"], kept.facts["last_batch_size"]) == (782, 7_820, 16)
    dropped = iterations(50_000, 64, drop_last=True)
    assert (dropped.value, dropped.facts["dropped"], dropped.facts["last_batch_size"]) == (
        781,
        16,
        64,
    )
    assert mistakes_of(kept, "iterations_per_epoch") == {
        "drop-last": 781,
        "epochs-vs-iterations": 7_820,
    }
    assert mistakes_of(kept, "total") == {"drop-last": 7_810, "epochs-vs-iterations": 782}


def test_exact_division_has_no_drop_last_mistake() -> None:
    solution = iterations(2000, 500)
    assert mistakes_of(solution, "iterations_per_epoch") == {}
    assert iterations(10, 64, drop_last=True).value == 0


@settings(max_examples=50, deadline=None)
@given(samples=st.integers(1, 5000), batch=st.integers(1, 300), drop_last=st.booleans())
def test_iterations_match_batching(samples: int, batch: int, drop_last: bool) -> None:
    sizes = [min(batch, samples - start) for start in range(0, samples, batch)]
    if drop_last:
        sizes = [size for size in sizes if size == batch]
    assert iterations(samples, batch, drop_last=drop_last).value == len(sizes)


# --------------------------------------------------------------------------- memory


def test_model_memory_mb_and_mib() -> None:
    solution = model_memory(4_200_000)
    assert solution.value == F(168, 10)
    assert solution.facts["bytes"] == 16_800_000
    assert solution.facts["mib"] == F(16_800_000, 2**20)
    assert mistakes_of(solution, "memory")["mb-vs-mib"] == F(16_800_000, 2**20)
    assert mistakes_of(solution, "memory")["bytes-per-param-forgotten"] == F(42, 10)
    assert model_memory(2**20, 1, "mib").value == 1
    with pytest.raises(SolverError, match="unit must be one of"):
        model_memory(10, 4, "TB")


# --------------------------------------------------------------------------- optimisers


def test_sgd_with_weight_decay() -> None:
    solution = sgd_step(F(1), F(1, 2), F(1, 10), F(1, 100))
    assert solution.value == F(949, 1000)
    assert mistakes_of(solution, "w_new") == {
        "weight-decay-forgotten": F(95, 100),
        "gradient-ascent": F(1051, 1000),
    }


def test_momentum_matches_pytorch_two_steps() -> None:
    # torch.optim.SGD([w], lr=0.1, momentum=0.9) from w=1 with gradients 0.5 then 0.3
    first = momentum_step(F(1), F(1, 2), F(1, 10), F(9, 10))
    assert (first.facts["velocity"], first.facts["w_new"]) == (F(1, 2), F(95, 100))
    second = momentum_step(F(95, 100), F(3, 10), F(1, 10), F(9, 10), F(1, 2))
    assert (second.facts["velocity"], second.facts["w_new"]) == (F(3, 4), F(875, 1000))
    # the lecture's v = βv − αg, w = w + v gives the same step
    assert second.facts["lecture_velocity"] == F(-75, 1000)
    assert mistakes_of(second, "w_new")["momentum-ignored"] == F(95, 100) - F(3, 100)


def reference_adam(w: float, grads: list[float], lr: float = 1e-3) -> float:
    """torch.optim.Adam's documented algorithm, in floats."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    m = v = 0.0
    for t, g in enumerate(grads, 1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        w -= lr * m_hat / (math.sqrt(v_hat) + eps)
    return w


def test_adam_first_step_is_exact() -> None:
    solution = adam_step(F(1), F(1, 2))
    assert (solution.facts["m"], solution.facts["v"]) == (F(1, 20), F(1, 4000))
    assert (solution.facts["m_hat"], solution.facts["v_hat"]) == (F(1, 2), F(1, 4))
    expected = 1 - F(1, 1000) * F(1, 2) / (F(1, 2) + F(1, 10**8))
    assert solution.facts["w_new"] == expected
    no_correction = mistakes_of(solution, "w_new")["adam-no-bias-correction"]
    assert math.isclose(float(no_correction), 1 - 0.001 * 0.05 / (math.sqrt(0.00025) + 1e-8))


def test_adam_steps_match_the_algorithm() -> None:
    solution = adam_steps(F(1), "0.5, -0.1, 0.2")
    assert math.isclose(
        float(solution.facts["w_new"]), reference_adam(1.0, [0.5, -0.1, 0.2]), rel_tol=1e-12
    )
    # chaining adam_step with the returned moments gives the same weight
    w, m, v = F(1), F(0), F(0)
    for t, grad in enumerate([F(1, 2), F(-1, 10), F(2, 10)], 1):
        step = adam_step(w, grad, step=t, m=m, v=v)
        w, m, v = (Fraction(step.facts[key]) for key in ("w_new", "m", "v"))
    assert math.isclose(float(w), float(solution.facts["w_new"]), rel_tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(grad=st.integers(-1000, 1000).filter(bool).map(lambda n: F(n, 100)))
def test_first_adam_step_moves_by_about_lr(grad: Fraction) -> None:
    update = adam_step(F(0), grad, lr=F(1, 100)).facts["update"]
    assert math.isclose(abs(float(update)), 0.01, rel_tol=1e-5)
    assert (float(update) > 0) == (grad > 0)


def test_rmsprop() -> None:
    solution = rmsprop_step(F(1), F(1, 2))
    assert solution.value == F(25, 10_000)
    assert solution.facts["w_new"] == 1 - F(1, 100) * F(1, 2) / (F(1, 20) + F(1, 10**8))
    assert mistakes_of(solution, "v")["rmsprop-alpha-swapped"] == F(99, 100) * F(1, 4)


def test_weight_decay_equal_for_sgd_different_for_adam() -> None:
    sgd = weight_decay_compare(F(1), F(1, 2), F(1, 10), F(1, 100), "sgd")
    assert sgd.facts["equal"] is True
    assert sgd.facts["w_l2"] == sgd.facts["w_decoupled"] == F(949, 1000)
    adam = weight_decay_compare(F(1), F(1, 2), F(1, 10), F(1, 100), "adam")
    assert adam.facts["equal"] is False
    adamw = F(999, 1000) - F(1, 10) * F(1, 2) / (F(1, 2) + F(1, 10**8))
    assert adam.facts["w_decoupled"] == adamw
    adam_l2 = 1 - F(1, 10) * F(51, 100) / (F(51, 100) + F(1, 10**8))
    assert adam.facts["w_l2"] == adam_l2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sgd_step(F(1), F(1), F(0)), "lr must be positive"),
        (lambda: momentum_step(F(1), F(1), F(1), F(1)), r"momentum must be in \[0, 1\)"),
        (lambda: adam_step(F(1), F(1), beta2=F(1)), "beta2"),
        (lambda: adam_steps(F(1), "0.5, , 1"), "grads: give numbers"),
        (lambda: weight_decay_compare(F(1), F(1), F(1), F(0), "lion"), "optimizer must be"),
    ],
)
def test_optimiser_errors(call: Callable[[], object], message: str) -> None:
    with pytest.raises(SolverError, match=message):
        call()
