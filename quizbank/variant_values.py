"""A variant's values: params drawn from the seeded generator, then derived values, until
the constraints hold.

Also the errors of building a variant, and the expression helpers (a cached parse,
substitution) that the answers and the bank checks share.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from typing import Any, Final, Union

from quizbank.errors import UserError
from quizbank.schema import ChoiceParam, RangeParam
from solvers.expr import (
    Binary,
    BoolOp,
    Call,
    Compare,
    ExprError,
    IfElse,
    Node,
    Num,
    Sym,
    TupleNode,
    Unary,
    evaluate,
    parse,
)

ParamValue = Union[Fraction, float, str, bool]
Loc = tuple[str | int, ...]
MAX_DRAWS: Final = 1000


class ConstraintsUnsatisfiable(UserError):
    """No draw of the params met the constraints within :data:`MAX_DRAWS` tries."""

    def __init__(self, question_id: str, detail: str = "") -> None:
        self.question_id = question_id
        self.detail = detail
        extra = f" (last draw: {detail})" if detail else ""
        super().__init__(
            f"{question_id}: no values of the params satisfy the constraints "
            f"in {MAX_DRAWS} draws{extra}"
        )


class InstanceError(UserError):
    """A variant could not be built (a solver refused the values, a template is wrong, ...).

    ``where`` is the path inside the question, e.g. ``('answer', 'args', 'k')``.
    """

    def __init__(self, question_id: str, where: Loc, message: str) -> None:
        self.question_id = question_id
        self.where = where
        self.message = message
        super().__init__(f"{question_id}: {message}")


# --------------------------------------------------------------------------- expressions


@functools.lru_cache(maxsize=8192)
def parse_cached(
    text: str, names: frozenset[str], *, logic: bool = False, shape: bool = False
) -> Node:
    """:func:`solvers.expr.parse`, cached: banks repeat the same expressions."""
    return parse(text, symbols=names, logic=logic, shape=shape)


def numeric_env(values: Mapping[str, ParamValue]) -> dict[str, Fraction | float]:
    return {name: value for name, value in values.items() if not isinstance(value, str)}


def substitute(node: Node, values: Mapping[str, Fraction | float]) -> Node:
    """``node`` with every name that has a value replaced by it (symbols such as N stay)."""
    if isinstance(node, Sym):
        value = values.get(node.name)
        if value is None or isinstance(value, bool):
            return node
        return Num(value if isinstance(value, Fraction) else Fraction(repr(value)))
    if isinstance(node, Unary):
        return replace(node, operand=substitute(node.operand, values))
    if isinstance(node, Binary):
        return replace(
            node, left=substitute(node.left, values), right=substitute(node.right, values)
        )
    if isinstance(node, Call):
        return replace(node, args=tuple(substitute(arg, values) for arg in node.args))
    if isinstance(node, Compare):
        return replace(node, operands=tuple(substitute(o, values) for o in node.operands))
    if isinstance(node, BoolOp):
        return replace(node, values=tuple(substitute(v, values) for v in node.values))
    if isinstance(node, IfElse):
        return IfElse(*(substitute(n, values) for n in (node.test, node.then, node.otherwise)))
    if isinstance(node, TupleNode):
        return TupleNode(tuple(substitute(item, values) for item in node.items))
    return node


# --------------------------------------------------------------------------- params


def _draw(param: RangeParam | ChoiceParam, rng: random.Random) -> ParamValue:
    if isinstance(param, RangeParam):
        low, high = (Fraction(str(end)) for end in param.range)
        step = Fraction(str(param.step))
        return low + step * rng.randint(0, int((high - low) // step))
    choice = rng.choice(param.choices)
    if isinstance(choice, bool | str):
        return choice
    return Fraction(choice) if isinstance(choice, int) else Fraction(str(choice))


def draw_values(question: Any, rng: random.Random) -> dict[str, ParamValue]:
    """Params, then derived values in order, until the constraints hold."""
    detail = ""
    for _ in range(MAX_DRAWS):
        values = {name: _draw(param, rng) for name, param in question.params.items()}
        try:
            for name, text in question.derived.items():
                env = numeric_env(values)
                values[name] = evaluate(parse_cached(text, frozenset(env), logic=True), env)
            env = numeric_env(values)
            if all(
                evaluate(parse_cached(text, frozenset(env), logic=True), env)
                for text in question.constraints
            ):
                return values
            detail = ""
        except ExprError as error:  # a derived value undefined for this draw rejects it
            detail = error.message
    raise ConstraintsUnsatisfiable(question.id, detail)
