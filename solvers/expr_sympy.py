"""The bridge to sympy for expression questions, built from the tree and never from text.

sympy is imported inside :func:`to_sympy` only: grading a number must not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from solvers.expr_eval import evaluate_number
from solvers.expr_tree import (
    DEFAULT_LIMITS,
    Binary,
    Call,
    ExprError,
    Limits,
    Node,
    Num,
    Sym,
    Unary,
    children,
    names_in,
)

if TYPE_CHECKING:
    import sympy


def check_symbolic_bounds(node: Node, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise :class:`ExprError` for a power that sympy must not be asked to build.

    A power of numbers must be within the evaluator's bounds; a formula's constant
    exponent at most ``limits.max_symbolic_exponent``.
    """
    if isinstance(node, Binary) and node.op == "**" and not names_in(node.right):
        exponent = evaluate_number(node.right, limits=limits)
        if not names_in(node.left):
            evaluate_number(node, limits=limits)
            return
        if not -limits.max_symbolic_exponent <= exponent <= limits.max_symbolic_exponent:
            raise ExprError(f"exponents in a formula are limited to {limits.max_symbolic_exponent}")
    for child in children(node):
        check_symbolic_bounds(child, limits)


def to_sympy(
    node: Node,
    symbols: Mapping[str, sympy.Symbol] | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> sympy.Expr:
    """Build a sympy expression from ``node`` directly (never via sympify or parse_expr).

    Powers are checked first, since sympy computes a number's power eagerly: a constant
    power must be within the evaluator's bounds, and a formula's exponent at most
    ``limits.max_symbolic_exponent`` (so ``(x+1)**200`` can never be expanded).
    """
    import sympy

    check_symbolic_bounds(node, limits)
    table = dict(symbols or {})

    def convert(item: Node) -> sympy.Expr:
        if isinstance(item, Num):
            return sympy.Rational(item.value.numerator, item.value.denominator)
        if isinstance(item, Sym):
            if item.name not in table:
                table[item.name] = sympy.Symbol(item.name, positive=True)
            return table[item.name]
        if isinstance(item, Unary) and item.op == "-":
            return -convert(item.operand)
        if isinstance(item, Binary):
            left, right = convert(item.left), convert(item.right)
            if item.op == "+":
                return left + right
            if item.op == "-":
                return left - right
            if item.op == "*":
                return left * right
            if item.op == "/":
                return left / right
            if item.op == "//":
                return sympy.floor(left / right)
            if item.op == "%":
                return sympy.Mod(left, right)
            return sympy.Pow(left, right)
        if isinstance(item, Call):
            args = [convert(a) for a in item.args]
            functions: dict[str, Callable[..., sympy.Expr]] = {
                "floor": sympy.floor,
                "ceil": sympy.ceiling,
                "sqrt": sympy.sqrt,
                "exp": sympy.exp,
                "abs": sympy.Abs,
                "min": sympy.Min,
                "max": sympy.Max,
                "log2": lambda x: sympy.log(x, 2),
                "log": sympy.log,
                "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
                "tanh": sympy.tanh,
                "relu": lambda x: sympy.Max(x, 0),
            }
            return functions[item.func](*args)
        raise ExprError("that expression has no symbolic form")

    return convert(node)
