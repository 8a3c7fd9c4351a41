"""Expressions and values as a student reads them: the "read as" preview and numbers."""

from __future__ import annotations

import decimal
from fractions import Fraction
from typing import Final

from solvers.expr_tree import Binary, BoolOp, Call, Compare, IfElse, Node, Num, Sym, Unary, Value

_PRECEDENCE: Final = {"+": 1, "-": 1, "*": 2, "/": 2, "//": 2, "%": 2, "**": 4}
_SHOWN_OP: Final = {"*": "·", "-": "−", "**": "^"}


def format_number(value: Value, digits: int = 6) -> str:
    """A number as a student would write it: integers plain, exact fractions as p/q."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        if value.denominator == 1 and abs(value.numerator) < _PLAIN_LIMIT:
            return str(value.numerator)
        exact = _decimal_text(value, max_digits=15)
        if exact is not None:
            return exact
        shown = _significant(value, digits)
        if value.denominator < 1000 and abs(value.numerator) < _PLAIN_LIMIT:
            return f"{value.numerator}/{value.denominator} ≈ {shown}"
        return f"≈ {shown}"
    return f"{value:.{digits}g}"


_PLAIN_LIMIT: Final = 10**21  # larger integers are shown in scientific notation


def _significant(value: Fraction, digits: int) -> str:
    """``value`` to ``digits`` significant digits, also beyond the range of a float."""
    if value == 0 or 1e-300 < abs(value) < 1e300:
        return f"{float(value):.{digits}g}"
    context = decimal.Context(prec=digits)
    quotient = context.divide(decimal.Decimal(value.numerator), decimal.Decimal(value.denominator))
    return f"{quotient.normalize(context):e}"


def _decimal_text(value: Fraction, max_digits: int | None) -> str | None:
    """The exact decimal of ``value`` if it terminates (within ``max_digits`` digits)."""
    rest = value.denominator
    for factor in (2, 5):
        while rest % factor == 0:
            rest //= factor
    if rest != 1:
        return None
    # p / (2^a 5^b) has at most digits(p) + max(a, b) significant digits, and
    # max(a, b) <= log2 of the denominator: enough precision for an exact division
    digits = len(str(abs(value.numerator))) + value.denominator.bit_length()
    context = decimal.Context(prec=digits)
    exact = context.divide(decimal.Decimal(value.numerator), decimal.Decimal(value.denominator))
    exact = exact.normalize(context)
    if max_digits is not None and len(exact.as_tuple().digits) > max_digits:
        return None
    return f"{exact:f}" if -7 <= exact.adjusted() < 21 else f"{exact:e}"


def _literal_text(value: Fraction) -> str:
    """A literal as typed: exact decimals stay exact (0.1234567 is not rounded)."""
    if value.denominator == 1 and abs(value.numerator) < _PLAIN_LIMIT:
        return str(value.numerator)
    return _decimal_text(value, None) or f"{value.numerator}/{value.denominator}"


def render(node: Node, parent: int = 0) -> str:
    """How the parser understood the text, in readable notation (the "read as" preview)."""
    if isinstance(node, Num):
        text = _literal_text(node.value)
        return f"({text})" if node.value < 0 and parent > 1 else text
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Unary):
        inner = render(node.operand, 3)
        if node.op == "not":
            return f"not {inner}"
        return f"(−{inner})" if parent > 3 else f"−{inner}"
    if isinstance(node, Binary):
        precedence = _PRECEDENCE[node.op]
        right_precedence = precedence + (0 if node.op == "**" else 1)
        left_precedence = precedence + (1 if node.op == "**" else 0)
        text = (
            f"{render(node.left, left_precedence)} {_SHOWN_OP.get(node.op, node.op)} "
            f"{render(node.right, right_precedence)}"
        )
        return f"({text})" if precedence < parent else text
    if isinstance(node, Call):
        return f"{node.func}({', '.join(render(a) for a in node.args)})"
    if isinstance(node, Compare):
        parts = [render(node.operands[0], 1)]
        for op, operand in zip(node.ops, node.operands[1:], strict=True):
            parts += [op, render(operand, 1)]
        return " ".join(parts)
    if isinstance(node, BoolOp):
        return f" {node.op} ".join(render(v, 1) for v in node.values)
    if isinstance(node, IfElse):
        return f"{render(node.then)} if {render(node.test)} else {render(node.otherwise)}"
    return "(" + ", ".join(render(item) for item in node.items) + ")"
