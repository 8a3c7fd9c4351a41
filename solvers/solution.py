"""The result of every solver: a value together with the worked solution that produced it.

Keeping both in one object means the answer key and the explanation a student reads can
never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Union

from solvers.expr import format_number

# A solver's value: an exact number, a float where the maths is irrational, or a shape.
SolverValue = Union[int, Fraction, float, tuple[int, ...]]
Fact = Union[int, Fraction, float, bool, str, tuple[int, ...], tuple[float, ...]]


@dataclass(frozen=True)
class Step:
    """One line of a worked solution: what is computed, how, and with which numbers."""

    label: str
    formula: str
    substitution: str
    result: str

    def to_markdown(self) -> str:
        parts = [f"**{self.label}**"] if self.label else []
        if self.formula:
            parts.append(f"`{self.formula}`")
        if self.substitution:
            parts.append(f"`= {self.substitution}`")
        parts.append(f"**{_equals(self.result)}**")
        return " ".join(parts)


def _equals(result: str) -> str:
    """``= 55``, but ``≈ 4.12311`` rather than ``= ≈ 4.12311`` for rounded values."""
    return result if result.startswith("≈") else f"= {result}"


@dataclass(frozen=True)
class KnownMistake:
    """A typical wrong answer for these inputs, e.g. the size without the +1."""

    tag: str
    message: str
    value: SolverValue


@dataclass(frozen=True)
class Solution:
    """A solver's answer.

    ``value`` is the main answer; ``facts`` names every figure the solver computed (the
    keys ``dlquiz solve --json`` prints and reference models are compared with).
    """

    value: SolverValue
    steps: tuple[Step, ...]
    facts: Mapping[str, Fact] = field(default_factory=dict)
    title: str = ""
    mistakes: tuple[KnownMistake, ...] = ()

    def fact(self, name: str | None) -> Fact:
        """The named fact, or the main value when ``name`` is None."""
        if name is None:
            return self.value
        if name not in self.facts:
            known = ", ".join(sorted(self.facts)) or "none"
            raise KeyError(f"no fact {name!r} (known: {known})")
        return self.facts[name]

    def to_markdown(self) -> str:
        lines = [f"#### {self.title}"] if self.title else []
        lines += [f"{index}. {step.to_markdown()}" for index, step in enumerate(self.steps, 1)]
        return "\n".join(lines)

    def to_text(self) -> str:
        lines = [self.title] if self.title else []
        for step in self.steps:
            line = f"  {step.label}: " if step.label else "  "
            if step.formula:
                line += f"{step.formula}"
            if step.substitution:
                line += f" = {step.substitution}"
            line += f" {_equals(step.result)}"
            lines.append(line)
        return "\n".join(lines)


def show(value: object) -> str:
    """Format a value for a worked solution."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction | float):
        return format_number(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(show(item) for item in value) + ")"
    return str(value)


def jsonable(value: object) -> object:
    """Facts as JSON values: exact integers stay integers, fractions become floats."""
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, float):
        return value
    if isinstance(value, tuple | list):
        return [jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    return str(value)
