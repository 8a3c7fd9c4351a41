"""Training mechanics observed in torch: DataLoader lengths and optimizer steps."""

from __future__ import annotations

import math

import torch
from torch.utils.data import DataLoader, TensorDataset

from reference_models.common import deterministic, parse_numbers, require
from reference_models.run import Fact, Run, TraceRow

# Batches beyond this are counted with len() instead of iterating (still PyTorch's answer).
_ITERATE_LIMIT = 200_000


def dataloader_len(samples: int, batch: int, drop_last: bool, epochs: int) -> Run:
    require(samples > 0, "dataloader_len: samples must be positive")
    require(batch > 0, "dataloader_len: batch must be positive")
    require(epochs > 0, "dataloader_len: epochs must be positive")
    require(samples <= 50_000_000, "dataloader_len: at most 50,000,000 samples")
    dataset = TensorDataset(torch.zeros(samples, 1, dtype=torch.uint8))
    loader = DataLoader(dataset, batch_size=batch, shuffle=False, drop_last=drop_last)
    per_epoch = len(loader)
    notes = [
        f"len(DataLoader(TensorDataset of {samples}), batch_size={batch}, drop_last={drop_last})"
    ]
    last = 0
    if per_epoch <= _ITERATE_LIMIT:
        counted = 0
        # The batch sampler yields the index lists the loader collates: its last one is the
        # last batch, without collating a million tiny tensors.
        for indices in loader.batch_sampler:  # type: ignore[union-attr]
            counted += 1
            last = len(indices)
        require(counted == per_epoch, f"iterated {counted} batches but len() says {per_epoch}")
        notes.append(f"iterated one epoch: {counted} batches, the last with {last} samples")
    else:
        last = batch if drop_last or samples % batch == 0 else samples % batch
        notes.append("too many batches to iterate; last batch size from samples % batch")
    if per_epoch <= 1000 and samples <= 100_000:
        seen = sum(len(x) for (x,) in loader)
        expected = (per_epoch - 1) * batch + last if per_epoch else 0
        require(seen == expected, f"the loader yielded {seen} samples, expected {expected}")
    facts: dict[str, Fact] = {
        "iterations_per_epoch": per_epoch,
        "total": per_epoch * epochs,
        "last_batch_size": last,
        "samples_seen_per_epoch": (per_epoch - 1) * batch + last if per_epoch else 0,
    }
    trace = [TraceRow(f"epoch (batch_size={batch})", (per_epoch,), 0)]
    return Run("dataloader_len", facts, trace=trace, notes=notes)


def _make_optimizer(
    name: str,
    param: torch.Tensor,
    *,
    lr: float,
    momentum: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    alpha: float,
) -> torch.optim.Optimizer:
    params = [param]
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=weight_decay)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(
            params, lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay
        )
    if name == "adamw":
        return torch.optim.AdamW(
            params, lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay
        )
    return torch.optim.RMSprop(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay)


def optimizer_step(
    optimizer: str,
    w: float,
    grads: str,
    lr: float,
    momentum: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    alpha: float,
) -> Run:
    gradients = parse_numbers(grads, "optimizer_step: grads")
    require(len(gradients) <= 1000, "optimizer_step: at most 1000 gradients")
    require(lr >= 0, "optimizer_step: lr must not be negative")
    with deterministic():
        param = torch.tensor([w], dtype=torch.float64, requires_grad=True)
        opt = _make_optimizer(
            optimizer,
            param,
            lr=lr,
            momentum=momentum,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            weight_decay=weight_decay,
            alpha=alpha,
        )
        trace = []
        before = w
        for step, gradient in enumerate(gradients, 1):
            before = float(param.detach()[0])
            param.grad = torch.tensor([gradient], dtype=torch.float64)
            opt.step()
            trace.append(TraceRow(f"step {step}: grad {gradient:g} -> w", (1,), 0))
        w_new = float(param.detach()[0])
        state = opt.state[param]
    facts: dict[str, Fact] = {"w_new": w_new, "update": before - w_new, "steps": len(gradients)}
    notes = [f"torch.optim.{type(opt).__name__} on a float64 weight, {len(gradients)} step(s)"]
    if optimizer in ("adam", "adamw"):
        steps = int(float(state["step"]))
        m = float(state["exp_avg"][0])
        v = float(state["exp_avg_sq"][0])
        facts.update(m=m, v=v, m_hat=m / (1 - beta1**steps), v_hat=v / (1 - beta2**steps))
        notes.append("m, v are the optimizer state exp_avg, exp_avg_sq; hats use the step count")
    elif optimizer == "momentum":
        facts["velocity"] = float(state["momentum_buffer"][0])
        notes.append("velocity is SGD's momentum_buffer: buf = momentum*buf + grad, w -= lr*buf")
    elif optimizer == "rmsprop":
        facts["v"] = float(state["square_avg"][0])
    rows = [TraceRow(row.layer, row.output_shape, 0) for row in trace]
    return Run("optimizer_step", facts, trace=rows, notes=notes)


def weight_decay_compare(w: float, grad: float, lr: float, decay: float, optimizer: str) -> Run:
    with deterministic():
        # L2 in the loss: loss = grad*w + decay/2 * w^2, so autograd gives grad + decay*w.
        l2_param = torch.tensor([w], dtype=torch.float64, requires_grad=True)
        loss = grad * l2_param.sum() + decay / 2 * (l2_param**2).sum()
        torch.autograd.backward(loss)
        l2_gradient = float(l2_param.grad[0])  # type: ignore[index]
        if optimizer == "adam":
            torch.optim.Adam([l2_param], lr=lr).step()
        else:
            torch.optim.SGD([l2_param], lr=lr).step()
        w_l2 = float(l2_param.detach()[0])

        param = torch.tensor([w], dtype=torch.float64, requires_grad=True)
        param.grad = torch.tensor([grad], dtype=torch.float64)
        if optimizer == "adam":
            torch.optim.AdamW([param], lr=lr, weight_decay=decay).step()
            how = "AdamW(weight_decay=decay): w -= lr*decay*w apart from the Adam step"
        else:
            torch.optim.SGD([param], lr=lr).step()
            with torch.no_grad():
                param -= lr * decay * w  # decoupled: shrink the old weight on its own
            how = "SGD step on the plain gradient, then w -= lr*decay*w_old"
        w_decoupled = float(param.detach()[0])
    equal = math.isclose(w_l2, w_decoupled, rel_tol=1e-12, abs_tol=1e-15)
    notes = [
        f"L2 in the loss: gradient {grad:g} + decay*w = {l2_gradient:.10g}, then one plain step",
        f"decoupled: {how}",
        "torch's SGD(weight_decay=λ) adds λ·w to the gradient, so for SGD both are the same",
    ]
    return Run(
        "weight_decay_compare",
        {"w_l2": w_l2, "w_decoupled": w_decoupled, "equal": equal, "l2_gradient": l2_gradient},
        notes=notes,
    )
