"""Exact evaluation of an expression tree, with every intermediate value bounded.

Values stay :class:`~fractions.Fraction` where possible and become finite floats only for
functions such as ``exp``; each result is checked against :class:`~solvers.expr_tree.Limits`
before the next step, so no input can hang the process or exhaust memory.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction

from solvers.expr_tree import (
    DEFAULT_LIMITS,
    Binary,
    BoolOp,
    Call,
    Compare,
    ExprError,
    IfElse,
    Limits,
    Node,
    Num,
    Number,
    Sym,
    Unary,
    Value,
)


def _bounded(value: Fraction, limits: Limits) -> Fraction:
    if (
        value.numerator.bit_length() > limits.max_bits
        or value.denominator.bit_length() > limits.max_bits
    ):
        raise ExprError("that number is too large")
    return value


def _finite(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise ExprError("the result is not a finite number")
    return value


def _float(value: Number) -> float:
    """``float(value)``, as a user error when an exact value is beyond the float range."""
    try:
        return _finite(float(value))
    except OverflowError:
        raise ExprError("that number is too large") from None


def _number(value: Value) -> Number:
    if isinstance(value, bool):
        raise ExprError("expected a number, got a comparison")
    return value


def _power(base: Number, exponent: Number, limits: Limits) -> Number:
    if isinstance(exponent, Fraction) and exponent.denominator == 1:
        power = exponent.numerator
        if abs(power) > limits.max_exponent:
            raise ExprError("that exponent is too large")
        if isinstance(base, Fraction):
            if base == 0 and power < 0:
                raise ExprError("division by zero")
            size = max(base.numerator.bit_length(), base.denominator.bit_length())
            if size * abs(power) > limits.max_bits:
                raise ExprError("that number is too large")
            return _bounded(base**power, limits)
        try:
            return _finite(_float(base) ** power)
        except (OverflowError, ZeroDivisionError):
            raise ExprError("that number is too large") from None
    if abs(_float(exponent)) > limits.max_exponent:
        raise ExprError("that exponent is too large")
    if base < 0:
        raise ExprError("a negative number to a fractional power is not real")
    try:
        return _finite(_float(base) ** _float(exponent))
    except (OverflowError, ZeroDivisionError):
        raise ExprError("that number is too large") from None


def _arith(op: str, left: Number, right: Number, limits: Limits) -> Number:
    if op == "**":
        return _power(left, right, limits)
    if op in ("/", "//", "%") and right == 0:
        raise ExprError("division by zero")
    if isinstance(left, Fraction) and isinstance(right, Fraction):
        if op == "+":
            return _bounded(left + right, limits)
        if op == "-":
            return _bounded(left - right, limits)
        if op == "*":
            return _bounded(left * right, limits)
        if op == "/":
            return _bounded(left / right, limits)
        if op == "//":
            return _bounded(Fraction(left // right), limits)
        return _bounded(left % right, limits)
    a, b = _float(left), _float(right)
    try:
        if op == "+":
            return _finite(a + b)
        if op == "-":
            return _finite(a - b)
        if op == "*":
            return _finite(a * b)
        if op == "/":
            return _finite(a / b)
        if op == "//":
            return _finite(float(a // b))
        return _finite(a % b)
    except (OverflowError, ZeroDivisionError):
        raise ExprError("that number is too large") from None


def _call(func: str, args: list[Number], limits: Limits) -> Number:
    if func in ("min", "max"):
        chosen: Number = min(args) if func == "min" else max(args)
        return chosen
    (x, *rest) = args
    if func == "abs":
        return -x if x < 0 else x
    if func in ("floor", "ceil"):
        if isinstance(x, float) and not math.isfinite(x):
            raise ExprError("the result is not a finite number")
        return Fraction(math.floor(x) if func == "floor" else math.ceil(x))
    if func == "sqrt":
        if x < 0:
            raise ExprError("square root of a negative number")
        if isinstance(x, Fraction):
            root_n, root_d = math.isqrt(x.numerator), math.isqrt(x.denominator)
            if root_n * root_n == x.numerator and root_d * root_d == x.denominator:
                return Fraction(root_n, root_d)
        return _finite(math.sqrt(_float(x)))
    if func == "relu":
        return max(x, Fraction(0)) if isinstance(x, Fraction) else max(x, 0.0)
    # Beyond +-700 tanh, sigmoid and exp saturate or overflow; clamp before converting.
    if func == "tanh":
        return Fraction(0) if x == 0 else math.tanh(_float(max(min(x, 700), -700)))
    if func == "sigmoid":
        if x == 0:
            return Fraction(1, 2)
        if x < -700:
            return 0.0
        return 1.0 / (1.0 + math.exp(-_float(min(x, 700))))
    if func == "exp":
        if x > 700:
            raise ExprError("that number is too large")
        return _finite(math.exp(_float(x)))
    # log, log2
    if x <= 0:
        raise ExprError("log of a non-positive number")
    if func == "log2":
        if isinstance(x, Fraction) and x.denominator == 1 and x.numerator & (x.numerator - 1) == 0:
            return Fraction(x.numerator.bit_length() - 1)
        return _natural_log(x) / math.log(2)
    if rest:
        base = rest[0]
        if base <= 0 or base == 1:
            raise ExprError("invalid logarithm base")
        return _natural_log(x) / _natural_log(base)
    return _natural_log(x)


def _natural_log(x: Number) -> float:
    """log of a positive value; exact values use ``math.log`` of ints, which cannot overflow."""
    if isinstance(x, Fraction):
        return math.log(x.numerator) - math.log(x.denominator)
    return _finite(math.log(x))


def _compare(op: str, left: Number, right: Number) -> bool:
    table: dict[str, Callable[[Number, Number], bool]] = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    return table[op](left, right)


def evaluate(
    node: Node,
    env: Mapping[str, Number] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Value:
    """Evaluate a scalar ``node`` exactly where possible (Fraction), else as a finite float."""
    env = env or {}
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Sym):
        if node.name not in env:
            raise ExprError(f"no value for {node.name!r}")
        value = env[node.name]
        return Fraction(value) if isinstance(value, int) else value
    if isinstance(node, Unary):
        operand = evaluate(node.operand, env, limits)
        if node.op == "not":
            return not operand
        return -_number(operand)
    if isinstance(node, Binary):
        left = _number(evaluate(node.left, env, limits))
        right = _number(evaluate(node.right, env, limits))
        return _arith(node.op, left, right, limits)
    if isinstance(node, Call):
        args = [_number(evaluate(arg, env, limits)) for arg in node.args]
        return _call(node.func, args, limits)
    if isinstance(node, Compare):
        values = [_number(evaluate(o, env, limits)) for o in node.operands]
        return all(
            _compare(op, a, b) for op, a, b in zip(node.ops, values, values[1:], strict=False)
        )
    if isinstance(node, BoolOp):
        if node.op == "and":
            return all(bool(evaluate(v, env, limits)) for v in node.values)
        return any(bool(evaluate(v, env, limits)) for v in node.values)
    if isinstance(node, IfElse):
        branch = node.then if evaluate(node.test, env, limits) else node.otherwise
        return evaluate(branch, env, limits)
    raise ExprError("expected a single value, not a tuple")


def evaluate_number(
    node: Node, env: Mapping[str, Number] | None = None, limits: Limits = DEFAULT_LIMITS
) -> Number:
    """Like :func:`evaluate`, but a comparison result is an error."""
    return _number(evaluate(node, env, limits))
