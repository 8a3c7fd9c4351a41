"""Shared pieces of the DL solvers: the error type, argument checks, exact arithmetic helpers
and the builder that turns candidate wrong values into :class:`KnownMistake` objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Union

from solvers.expr import ExprError, safe_eval
from solvers.mistakes import MISTAKES
from solvers.solution import Fact, KnownMistake, Solution, SolverValue, Step

Number = Union[Fraction, float]
Facts = dict[str, Fact]
# (tag, wrong value) or (tag, wrong value, message); a None value means "not applicable".
Candidate = Union[tuple[str, SolverValue | None], tuple[str, SolverValue | None, str]]

__all__ = [
    "Candidate",
    "Facts",
    "Number",
    "SolverError",
    "SolverSolution",
    "Step",
    "build",
    "exact",
    "exact_sqrt",
    "known_mistakes",
    "numbers_from_text",
    "require",
    "require_int",
    "show",
    "term",
]


def show(value: object) -> str:
    """A number for a worked solution: exact when short, else 6 significant digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "(" + ", ".join(show(item) for item in value) + ")"
    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    if isinstance(value, Fraction | float):
        return f"{float(value):.6g}"
    return str(value)


def term(value: object) -> str:
    """A number inside a formula: negatives in parentheses, so ``0.1·(-2)²`` reads right."""
    text = show(value)
    return f"({text})" if text.startswith("-") else text


class SolverError(ValueError):
    """Inputs a solver cannot work with; ``message`` is one line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SolverSolution(Solution):
    """A :class:`Solution` that also knows the typical wrong values of every output.

    ``mistakes`` holds those of ``value`` (the first output); ``output_mistakes`` maps each
    output name to its own, so a question that asks for another output gets the right ones.
    """

    output_mistakes: Mapping[str, tuple[KnownMistake, ...]] = field(default_factory=dict)


def exact(value: int | Fraction | float) -> Number:
    """Ints become Fractions so that arithmetic stays exact; floats stay floats."""
    if isinstance(value, bool):
        raise SolverError("expected a number, not true/false")
    if isinstance(value, int):
        return Fraction(value)
    return value


def exact_sqrt(value: Number) -> Number:
    """The square root, exact when ``value`` is the square of a fraction."""
    if value < 0:
        raise SolverError("square root of a negative number")
    if isinstance(value, Fraction):
        num, den = math.isqrt(value.numerator), math.isqrt(value.denominator)
        if num * num == value.numerator and den * den == value.denominator:
            return Fraction(num, den)
    return math.sqrt(value)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise SolverError(message)


def require_int(name: str, value: int, minimum: int = 1) -> int:
    """``value`` must be an integer >= ``minimum`` (1: positive, 0: non-negative)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SolverError(f"{name} must be a whole number, got {show(value)}")
    if value < minimum:
        wanted = "positive" if minimum == 1 else f"at least {minimum}"
        if minimum == 0:
            wanted = "zero or more"
        raise SolverError(f"{name} must be {wanted}, got {value}")
    return value


def numbers_from_text(text: str, what: str, *, limit: int = 1000) -> list[Number]:
    """A comma-separated list of safe expressions, e.g. ``"2, 1, 0.1"`` or ``"28*28, 10"``."""
    items = [item.strip() for item in text.replace(";", ",").split(",")]
    if not text.strip() or any(not item for item in items):
        raise SolverError(f"{what}: give numbers separated by commas, e.g. '2, 1, 0.1'")
    if len(items) > limit:
        raise SolverError(f"{what}: at most {limit} numbers")
    values: list[Number] = []
    for item in items:
        try:
            value = safe_eval(item)
        except ExprError as error:
            raise SolverError(f"{what}: couldn't read {item!r}: {error.message}") from None
        if isinstance(value, bool):
            raise SolverError(f"{what}: {item!r} is not a number")
        values.append(value)
    return values


def _same(a: SolverValue, b: SolverValue) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-15)
    return a == b


def known_mistakes(
    correct: SolverValue, candidates: Iterable[Candidate]
) -> tuple[KnownMistake, ...]:
    """The candidates whose value differs from ``correct`` and from each earlier candidate."""
    found: list[KnownMistake] = []
    for candidate in candidates:
        tag, value = candidate[0], candidate[1]
        if value is None or _same(value, correct):
            continue
        if any(_same(value, earlier.value) for earlier in found):
            continue
        if tag not in MISTAKES:
            raise KeyError(f"unknown mistake tag {tag!r}; add it to solvers.mistakes")
        message = candidate[2] if len(candidate) == 3 else MISTAKES[tag]
        found.append(KnownMistake(tag, message, value))
    return tuple(found)


def _as_value(fact: Fact) -> SolverValue | None:
    """A fact that can be a solver's value: a number or a shape of whole numbers."""
    if isinstance(fact, bool | str):
        return None
    if isinstance(fact, tuple):
        items = [item for item in fact if isinstance(item, int)]
        return tuple(items) if len(items) == len(fact) else None
    return fact


def build(
    title: str,
    steps: Sequence[Step],
    facts: Mapping[str, Fact],
    value_key: str,
    mistakes: Mapping[str, Iterable[Candidate]] | None = None,
) -> SolverSolution:
    """A solution whose value is ``facts[value_key]``, with mistakes per output."""
    value = _as_value(facts[value_key])
    if value is None:
        raise TypeError(f"the value {value_key!r} must be a number or a shape of whole numbers")
    per_output: dict[str, tuple[KnownMistake, ...]] = {}
    for output, candidates in (mistakes or {}).items():
        correct = _as_value(facts[output])
        if correct is None:
            continue
        found = known_mistakes(correct, candidates)
        if found:
            per_output[output] = found
    return SolverSolution(
        value=value,
        steps=tuple(steps),
        facts=dict(facts),
        title=title,
        mistakes=per_output.get(value_key, ()),
        output_mistakes=per_output,
    )
