"""Softmax/cross-entropy and small computational graphs run through torch.autograd."""

from __future__ import annotations

import re

import torch
from torch.nn import functional as F

from reference_models.common import deterministic, parse_numbers, require
from reference_models.registry import ModelError
from reference_models.run import Fact, Run, TraceRow


def softmax_ce(logits: str, target: int) -> Run:
    values = parse_numbers(logits, "softmax_ce: logits")
    require(len(values) >= 2, "softmax_ce: give at least two logits")
    require(0 <= target < len(values), f"softmax_ce: target must be 0..{len(values) - 1}")
    with deterministic():
        z = torch.tensor([values], dtype=torch.float64, requires_grad=True)
        probs = torch.softmax(z, dim=1)
        loss = F.cross_entropy(z, torch.tensor([target]))
        torch.autograd.backward(loss)
        grad = z.grad[0]  # type: ignore[index]
    prob_values = tuple(float(p) for p in probs.detach()[0])
    facts: dict[str, Fact] = {
        "probs": prob_values,
        "prob": prob_values[target],
        "loss": float(loss.detach()),
        "grad_logits": tuple(float(g) for g in grad),
    }
    notes = [
        "nn.CrossEntropyLoss takes raw logits: loss = -log softmax(z)[target] (natural log)",
        "d loss / d logits = softmax(z) - onehot(target)",
    ]
    trace = [TraceRow("logits", (1, len(values)), 0), TraceRow("softmax", (1, len(values)), 0)]
    return Run("softmax_ce", facts, trace=trace, notes=notes)


_STATEMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$", re.DOTALL)
_UNARY_TORCH = {
    "sigmoid": torch.sigmoid,
    "exp": torch.exp,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
}


def _read_inputs(inputs: str) -> dict[str, float]:
    from solvers.expr import ExprError, evaluate_number, parse

    values: dict[str, float] = {}
    for item in re.split(r"[,;\n]", inputs):
        if not item.strip():
            continue
        match = _STATEMENT.match(item)
        if not match:
            raise ModelError(f"autograd_graph: inputs: expected name=value, got {item.strip()!r}")
        name, text = match.groups()
        try:
            values[name] = float(evaluate_number(parse(text)))
        except ExprError as error:
            raise ModelError(f"autograd_graph: input {name}: {error.message}") from None
    require(bool(values), "autograd_graph: give the inputs, e.g. x=1, y=-2")
    return values


def _statements(graph: str) -> list[tuple[str, str]]:
    result = []
    for raw in re.split(r"[;\n]", graph):
        if not raw.strip():
            continue
        match = _STATEMENT.match(raw)
        if not match:
            raise ModelError(f"autograd_graph: expected 'name = expression', got {raw.strip()!r}")
        result.append((match.group(1), match.group(2)))
    require(bool(result), "autograd_graph: the graph is empty")
    require(len(result) <= 100, "autograd_graph: at most 100 statements")
    return result


def _to_torch(node: object, env: dict[str, torch.Tensor]) -> torch.Tensor:
    from solvers import expr

    if isinstance(node, expr.Num):
        return torch.tensor(float(node.value), dtype=torch.float64)
    if isinstance(node, expr.Sym):
        return env[node.name]
    if isinstance(node, expr.Unary):
        return -_to_torch(node.operand, env)
    if isinstance(node, expr.Binary):
        left, right = _to_torch(node.left, env), _to_torch(node.right, env)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        if node.op == "/":
            return left / right
        if node.op == "**":
            return left**right
        raise ModelError(f"autograd_graph: operator {node.op!r} is not differentiable here")
    if isinstance(node, expr.Call):
        args = [_to_torch(arg, env) for arg in node.args]
        if node.func in ("max", "min"):
            combine = torch.maximum if node.func == "max" else torch.minimum
            result = args[0]
            for arg in args[1:]:
                result = combine(result, arg)
            return result
        if node.func in _UNARY_TORCH and len(args) == 1:
            return _UNARY_TORCH[node.func](args[0])
        raise ModelError(f"autograd_graph: function {node.func!r} is not supported here")
    raise ModelError("autograd_graph: only arithmetic and max, sigmoid, exp, relu are allowed")


def autograd_graph(graph: str, inputs: str) -> Run:
    from solvers.expr import ExprError, parse

    values = _read_inputs(inputs)
    statements = _statements(graph)
    with deterministic():
        env: dict[str, torch.Tensor] = {
            name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
            for name, value in values.items()
        }
        order = list(values)
        for name, text in statements:
            require(name not in values, f"autograd_graph: {name} is an input and a node")
            try:
                node = parse(text, symbols=frozenset(env))
            except ExprError as error:
                raise ModelError(f"autograd_graph: {name} = {text}: {error.message}") from None
            tensor = _to_torch(node, env)
            if tensor.requires_grad:
                tensor.retain_grad()
            env[name] = tensor
            if name not in order:
                order.append(name)
        output_name = statements[-1][0]
        output = env[output_name]
        require(output.requires_grad, "autograd_graph: the output does not depend on the inputs")
        torch.autograd.backward(output)
    facts: dict[str, Fact] = {"value": float(output.detach()), "output": output_name}
    trace = []
    for name in order:
        tensor = env[name]
        facts[name] = float(tensor.detach())
        grad = tensor.grad
        facts["d" + name] = float(grad) if grad is not None else 0.0
        trace.append(
            TraceRow(
                f"{name} = {facts[name]:.6g}   d{output_name}/d{name} = {facts['d' + name]:.6g}",
                (),
                0,
            )
        )
    notes = [
        f"forward through the graph, then {output_name}.backward(); max uses torch.maximum "
        "(a tie splits the gradient equally)",
    ]
    return Run("autograd_graph", facts, trace=trace, notes=notes)
