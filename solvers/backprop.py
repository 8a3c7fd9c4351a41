"""Forward and backward pass through a small computational graph, as autograd does it.

The graph language has one operation per statement, separated by ``;`` or new lines::

    a = x * y; b = a + z; f = max(b, 0)

Operations: ``a + b``, ``a - b``, ``a * b``, ``max(a, b)``, ``sigmoid(a)``, ``exp(a)``,
``relu(a)``; operands are input names, earlier nodes or numbers. Each right-hand side is
read with :func:`solvers.expr.parse` and checked to be exactly one allowed operation, so
nothing is ever evaluated as Python.

Gradients follow PyTorch: ``max`` is ``torch.maximum``, whose gradient goes to the larger
input and is split 0.5/0.5 on a tie; ``relu``'s gradient at 0 is 0.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Union

from solvers.expr import Binary, Call, ExprError, Node, Num, Sym, Unary, parse, safe_eval
from solvers.support import Number, SolverError, SolverSolution, Step, build, require, show

Operand = Union[str, Fraction]  # a name, or a numeric literal
ARITY: Final = {"+": 2, "-": 2, "*": 2, "max": 2, "sigmoid": 1, "exp": 1, "relu": 1}
MAX_STATEMENTS: Final = 100
_STATEMENT = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*", re.DOTALL)
_ALLOWED = "a + b, a - b, a * b, max(a, b), sigmoid(a), exp(a) or relu(a)"


@dataclass(frozen=True)
class Statement:
    name: str
    op: str
    operands: tuple[Operand, ...]
    text: str


def _operand(node: Node) -> Operand | None:
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Num):
        return -node.operand.value
    return None


def _statement(index: int, text: str, known: set[str]) -> Statement:
    match = _STATEMENT.fullmatch(text)
    if not match:
        raise SolverError(f"statement {index}: write it as name = operation, got {text.strip()!r}")
    name, rhs = match.groups()
    where = f"statement {index} ({name})"
    if name in known:
        raise SolverError(f"{where}: {name!r} is already defined; use a new name")
    try:
        node = parse(rhs, symbols=frozenset(known))
    except ExprError as error:
        raise SolverError(f"{where}: {error.message}") from None
    parts: tuple[Node, ...]
    if isinstance(node, Binary) and node.op in ("+", "-", "*"):
        op, parts = node.op, (node.left, node.right)
    elif isinstance(node, Call) and node.func in ARITY and len(node.args) == ARITY[node.func]:
        op, parts = node.func, node.args
    else:
        raise SolverError(f"{where}: {rhs!r} must be exactly one operation: {_ALLOWED}")
    operands = tuple(_operand(part) for part in parts)
    if any(operand is None for operand in operands):
        raise SolverError(f"{where}: operands must be names or numbers, one operation each")
    return Statement(name, op, tuple(o for o in operands if o is not None), rhs)


def parse_inputs(text: str) -> dict[str, Number]:
    """``"x=1, y=-2, z=3"`` -> values (each a safe expression without names)."""
    values: dict[str, Number] = {}
    for item in re.split(r"[,;\n]", text):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise SolverError(
                f"inputs: write name=value pairs such as 'x=1, y=-2', got {item.strip()!r}"
            )
        if name in values:
            raise SolverError(f"inputs: {name} is given twice")
        try:
            number = safe_eval(value)
        except ExprError as error:
            raise SolverError(f"inputs: {name}: {error.message}") from None
        if isinstance(number, bool):
            raise SolverError(f"inputs: {name} must be a number")
        values[name] = number
    require(bool(values), "inputs: give at least one value, e.g. 'x=1, y=-2'")
    return values


def parse_graph(text: str, inputs: set[str]) -> list[Statement]:
    """The statements of ``text``; names must be inputs or earlier nodes."""
    parts = [part for part in re.split(r"[;\n]", text) if part.strip()]
    require(bool(parts), "graph: give statements such as 'a = x * y; f = max(a, 0)'")
    require(len(parts) <= MAX_STATEMENTS, f"graph: at most {MAX_STATEMENTS} statements")
    known = set(inputs)
    statements = []
    for index, part in enumerate(parts, 1):
        statement = _statement(index, part, known)
        known.add(statement.name)
        statements.append(statement)
    return statements


def _value(operand: Operand, values: dict[str, Number]) -> Number:
    return operand if isinstance(operand, Fraction) else values[operand]


def _forward(op: str, args: list[Number]) -> Number:
    if op == "+":
        return args[0] + args[1]
    if op == "-":
        return args[0] - args[1]
    if op == "*":
        return args[0] * args[1]
    if op == "max":
        return max(args[0], args[1])
    if op == "relu":
        return args[0] if args[0] > 0 else Fraction(0)
    if op == "sigmoid":
        return Fraction(1, 2) if args[0] == 0 else 1 / (1 + math.exp(-float(args[0])))
    if float(args[0]) > 700:
        raise SolverError("exp overflows for that input")
    return Fraction(1) if args[0] == 0 else math.exp(float(args[0]))


def _local(op: str, args: list[Number], out: Number) -> list[tuple[Number, str]]:
    """∂out/∂arg for each argument, with the rule in words."""
    if op == "+":
        return [(Fraction(1), "1"), (Fraction(1), "1")]
    if op == "-":
        return [(Fraction(1), "1"), (Fraction(-1), "−1")]
    if op == "*":
        return [(args[1], "the other factor"), (args[0], "the other factor")]
    if op == "max":
        a, b = args
        if a == b:
            return [(Fraction(1, 2), "tie: split"), (Fraction(1, 2), "tie: split")]
        return [(Fraction(int(a > b)), "1 if larger"), (Fraction(int(b > a)), "1 if larger")]
    if op == "relu":
        return [(Fraction(int(args[0] > 0)), "1 if input > 0")]
    if op == "sigmoid":
        return [(out * (1 - out), "σ(1 − σ)")]
    return [(out, "e^x")]


def backprop(graph: str, inputs: str, output: str = "") -> SolverSolution:
    """The output's value, every node's value and the gradient d<name> of the output."""
    values = parse_inputs(inputs)
    statements = parse_graph(graph, set(values))
    names = [*values, *(s.name for s in statements)]
    require("value" not in names, "the name 'value' is reserved; rename that node")
    for name in names:
        require(
            not (name.startswith("d") and name[1:] in names),
            f"the name {name!r} clashes with the gradient of {name[1:]!r}; rename it",
        )
    target = output.strip() or statements[-1].name
    require(
        target in names, f"output {target!r} is not a node or input (nodes: {', '.join(names)})"
    )
    steps: list[Step] = []
    for s in statements:
        args = [_value(o, values) for o in s.operands]
        values[s.name] = _forward(s.op, args)
        shown = s.text
        for operand in s.operands:
            if isinstance(operand, str):
                shown = re.sub(rf"\b{re.escape(operand)}\b", show(values[operand]), shown)
        steps.append(Step(f"forward {s.name}", s.text, shown, show(values[s.name])))
    grads: dict[str, Number] = {name: Fraction(0) for name in names}
    grads[target] = Fraction(1)
    steps.append(Step(f"d{target}", f"∂{target}/∂{target}", "", "1"))
    needed = _ancestors(statements, target)
    for s in reversed(statements):
        if s.name not in needed:
            continue
        args = [_value(o, values) for o in s.operands]
        for operand, (local, rule) in zip(
            s.operands, _local(s.op, args, values[s.name]), strict=True
        ):
            if isinstance(operand, Fraction):
                continue
            grads[operand] += grads[s.name] * local
            steps.append(
                Step(
                    f"d{operand}",
                    f"+= d{s.name} · ∂{s.name}/∂{operand} ({s.op}: {rule})",
                    f"{show(grads[s.name])} · {show(local)}",
                    show(grads[operand]),
                )
            )
    facts: dict[str, Number] = {"value": values[target]}
    facts.update({name: values[name] for name in names})
    facts.update({f"d{name}": grads[name] for name in names})
    return build(f"Backprop through {target}", steps, facts, "value")


def _ancestors(statements: list[Statement], target: str) -> set[str]:
    """The nodes the target depends on (itself included)."""
    found = {target}
    for s in reversed(statements):
        if s.name in found:
            found.update(o for o in s.operands if isinstance(o, str))
    return found
