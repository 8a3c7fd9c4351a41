"""The expression tree of :mod:`solvers.expr`: its nodes, bounds and error.

The parser makes the tree; the evaluator, the display and the sympy bridge read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Union

Number = Union[Fraction, float]
Value = Union[Fraction, float, bool]


@dataclass(frozen=True)
class Limits:
    """Hard bounds for one parse and evaluation."""

    max_length: int = 1000
    max_depth: int = 32  # parentheses and brackets
    max_tree_depth: int = 100  # operators, e.g. a chain of 100 additions; bounds recursion
    max_nodes: int = 300
    max_exponent: int = 512
    max_bits: int = 4096  # numerator/denominator size of any exact intermediate value
    max_decimal_exponent: int = 400  # the e in 1e400
    max_symbolic_exponent: int = 32  # x**32 at most before sympy sees it: it may expand


DEFAULT_LIMITS: Final = Limits()


class ExprError(ValueError):
    """The text could not be read as a safe expression. ``message`` is for the user."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


FUNCTIONS: Final[dict[str, tuple[int, int]]] = {
    # name: (min args, max args)
    "floor": (1, 1),
    "ceil": (1, 1),
    "sqrt": (1, 1),
    "log": (1, 2),
    "log2": (1, 1),
    "exp": (1, 1),
    "abs": (1, 1),
    "min": (2, 8),
    "max": (2, 8),
    "sigmoid": (1, 1),
    "tanh": (1, 1),
    "relu": (1, 1),
}


@dataclass(frozen=True)
class Num:
    value: Fraction


@dataclass(frozen=True)
class Sym:
    name: str


@dataclass(frozen=True)
class Unary:
    op: str  # "-", "+" or "not"
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    values: tuple[Node, ...]


@dataclass(frozen=True)
class IfElse:
    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class TupleNode:
    items: tuple[Node, ...]


Node = Union[Num, Sym, Unary, Binary, Call, Compare, BoolOp, IfElse, TupleNode]


def names_in(node: Node) -> frozenset[str]:
    """All symbol names that occur in ``node``."""
    if isinstance(node, Sym):
        return frozenset({node.name})
    return frozenset().union(*(names_in(child) for child in children(node)))


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of ``node``."""
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Compare):
        return node.operands
    if isinstance(node, BoolOp):
        return node.values
    if isinstance(node, IfElse):
        return (node.test, node.then, node.otherwise)
    if isinstance(node, TupleNode):
        return node.items
    return ()
