"""How a solver is described and called: :class:`ArgSpec`, :class:`SolverSpec`.

Arguments are converted by kind: ``int`` (whole numbers), ``number`` (exact Fractions, or
floats), ``bool`` and ``text``; strings given for numbers are read as safe expressions
(:mod:`solvers.expr`), so ``"2*112"`` works from the command line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final, Literal

from solvers.expr import ExprError, safe_eval
from solvers.solution import KnownMistake, Solution
from solvers.support import SolverError, SolverSolution

ArgKind = Literal["int", "number", "bool", "text"]
_TRUE: Final = frozenset({"true", "yes", "1", "on"})
_FALSE: Final = frozenset({"false", "no", "0", "off"})


@dataclass(frozen=True)
class ArgSpec:
    """One solver argument. ``default`` is used when the argument is left out (None for an
    optional argument whose default depends on others, e.g. a pool's stride)."""

    kind: ArgKind
    required: bool = False
    default: object = None
    help: str = ""
    choices: tuple[str, ...] = ()


def _number(value: object) -> Fraction | float:
    if isinstance(value, bool):
        raise SolverError("expected a number, not true/false")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SolverError(f"{value} is not a finite number")
        return value
    if isinstance(value, str):
        try:
            result = safe_eval(value)
        except ExprError as error:
            raise SolverError(f"couldn't read {value!r}: {error.message}") from None
        return _number(result)
    raise SolverError(f"expected a number, got {value!r}")


def _convert(spec: ArgSpec, value: object) -> object:
    if spec.kind == "text":
        if isinstance(value, bool) or not isinstance(value, str | int | Fraction):
            raise SolverError(f"expected text, got {value!r}")
        text = str(value).strip()
        if spec.choices:
            for choice in spec.choices:
                if choice.lower() == text.lower():
                    return choice
            raise SolverError(f"must be one of {', '.join(spec.choices)}, got {text!r}")
        return text
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise SolverError(f"must be true or false, got {value!r}")
    number = _number(value)
    if spec.kind == "number":
        return number
    if isinstance(number, float):
        if not number.is_integer():
            raise SolverError(f"must be a whole number, got {number}")
        return int(number)
    if number.denominator != 1:
        raise SolverError(f"must be a whole number, got {number}")
    return number.numerator


@dataclass(frozen=True)
class SolverSpec:
    """A solver: its function, arguments and the names of the facts it returns."""

    name: str
    func: Callable[..., SolverSolution]
    args: Mapping[str, ArgSpec]
    description: str
    outputs: tuple[str, ...]
    dynamic_outputs: bool = field(default=False)  # backprop: facts named after the graph

    def accepts_output(self, name: str) -> bool:
        """Whether ``name`` can be asked for (always true for a graph's node names)."""
        return name in self.outputs or (self.dynamic_outputs and name.isidentifier())

    def solve(self, **kwargs: object) -> Solution:
        """Check and convert ``kwargs``, fill defaults, run the solver."""
        unknown = sorted(set(kwargs) - set(self.args))
        if unknown:
            known = ", ".join(self.args)
            raise SolverError(f"{self.name} has no argument {unknown[0]!r} (arguments: {known})")
        converted: dict[str, Any] = {}
        for name, spec in self.args.items():
            value = kwargs.get(name)
            if value is None:
                if spec.required:
                    raise SolverError(f"{self.name} needs the argument {name!r} ({spec.help})")
                if spec.default is not None:
                    converted[name] = spec.default
                continue
            try:
                converted[name] = _convert(spec, value)
            except SolverError as error:
                raise SolverError(f"{name}: {error.message}") from None
        try:
            return self.func(**converted)
        except ArithmeticError as error:
            raise SolverError(f"{self.name}: the numbers are out of range ({error})") from None


def mistakes_for(solution: Solution, output: str | None) -> tuple[KnownMistake, ...]:
    """The typical wrong values for the fact ``output`` (None: the main value)."""
    if output is None:
        return solution.mistakes
    if isinstance(solution, SolverSolution):
        return solution.output_mistakes.get(output, ())
    return ()
