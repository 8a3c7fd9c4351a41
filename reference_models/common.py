"""Helpers shared by the model modules: determinism, parameter tables, number lists.

Imports torch: only the model modules (loaded lazily by the registry) import this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

from reference_models.registry import ModelError
from reference_models.run import ParamRow


@contextmanager
def deterministic() -> Iterator[None]:
    """Seed 0, one thread (restored afterwards: the TUI shares the process)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def shape_of(tensor: torch.Tensor) -> tuple[int, ...]:
    return tuple(int(n) for n in tensor.shape)


def param_rows(module: nn.Module, prefix: str = "") -> list[ParamRow]:
    """Every learnable parameter and every buffer (running stats), in registration order."""
    rows = [
        ParamRow(prefix + name, shape_of(p), p.numel(), p.requires_grad)
        for name, p in module.named_parameters()
    ]
    rows += [
        ParamRow(prefix + name, shape_of(b), b.numel(), False) for name, b in module.named_buffers()
    ]
    return rows


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def count_buffers(module: nn.Module) -> int:
    return sum(b.numel() for b in module.buffers())


def parse_numbers(text: str, what: str) -> list[float]:
    """ "0.5, -0.1, 2e-3" -> floats, each read by the safe expression parser."""
    from solvers.expr import ExprError, evaluate_number, parse

    items = [item.strip() for item in text.replace(";", ",").split(",")]
    if not items or any(not item for item in items):
        raise ModelError(f"{what}: expected numbers separated by commas, got {text!r}")
    try:
        return [float(evaluate_number(parse(item))) for item in items]
    except ExprError as error:
        raise ModelError(f"{what}: {error.message}") from None


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ModelError(message)
