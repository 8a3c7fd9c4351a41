"""Whether two formulas are the same function: random exact points first, sympy second.

1. Both formulas are evaluated with the exact evaluator of :mod:`solvers.expr` at 12
   random points: positive rationals such as 37/7, or positive integers when floor, ceil,
   ``//`` or ``%`` occur (the symbols are then sizes, and ``ceil(n/s)`` and
   ``floor(n/s) + 1`` differ exactly at the integers). A point where the expected formula
   is undefined is skipped, and so is one where float rounding could flip a floor.
   One disagreement proves the formulas different; this comes first because it is cheap.
   The points are seeded, so the expected formula's values there are computed once and
   reused for every answer compared with it (it repeats across students' answers).
2. Agreement with exact values at every point decides "equal" without sympy: for rational
   functions a random exact agreement at 12 points is a proof with overwhelming
   probability (Schwartz-Zippel), and it keeps a typical grading under a few ms.
3. When values were floats (sqrt, log, exp, ...) or too few points were usable, sympy
   checks ``a - b`` with ``expand``, ``cancel`` and ``simplify``, but only for formulas
   of at most :data:`MAX_SYMPY_OPS` operations whose expansion stays small, in a
   background thread with a time budget. If sympy cannot decide, the points do.
"""

from __future__ import annotations

import functools
import math
import random
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from solvers.expr import (
    Binary,
    Call,
    ExprError,
    Node,
    Num,
    Number,
    Sym,
    Unary,
    children,
    evaluate_number,
    names_in,
    to_sympy,
)

POINTS: Final = 12
MIN_POINTS: Final = 6  # fewer usable points than this decide nothing
MAX_SYMPY_OPS: Final = 60
MAX_EXPANDED_TERMS: Final = 2000
SYMPY_BUDGET_SECONDS: Final = 0.04  # every answer is graded within 50 ms
_SYMPY_BUSY = threading.Lock()  # at most one sympy check runs, even after a timeout
_SEED: Final = 2024
_FLOAT_REL_TOL: Final = 1e-9
_CACHED_FORMULAS: Final = 256  # expected formulas whose points and values are kept
_PROBES_PER_FORMULA: Final = 8  # (symbols, kind of draw, seed) kept per formula


class Verdict(StrEnum):
    EQUAL = "equal"
    DIFFERENT = "different"
    UNKNOWN = "unknown"  # neither the points nor sympy could decide


@dataclass(frozen=True)
class Witness:
    """A point where the formulas differ; ``answer`` is None where the answer is undefined."""

    point: Mapping[str, Fraction]
    answer: Number | None
    expected: Number


@dataclass(frozen=True)
class Comparison:
    verdict: Verdict
    exact: bool = True  # every compared value was an exact fraction
    witness: Witness | None = None


def compare(
    answer: Node,
    expected: Node,
    symbols: Collection[str],
    *,
    symbolic: bool = True,
    integer: bool | None = None,
    points: int = POINTS,
    budget: float | None = None,
) -> Comparison:
    """Compare two formulas over positive values of ``symbols`` (see the module docstring).

    ``symbolic=False`` never uses sympy; ``integer`` forces integer points (shapes);
    ``budget`` is sympy's time limit (default: the grading budget).
    """
    formula = _formula(expected)
    unknown = formula.names - set(symbols)
    if unknown:
        raise ValueError(f"expected formula uses undeclared symbols {sorted(unknown)}")
    answer_jumps = _rounding_arguments(answer)
    if integer is None:
        integer = bool(answer_jumps) or bool(formula.jumps)
    symbols = list(dict.fromkeys(symbols))  # the order given, which feedback shows
    by_points = compare_at_points(
        answer, expected, symbols, integer=integer, points=points, answer_jumps=answer_jumps
    )
    if not symbolic or by_points.verdict is Verdict.DIFFERENT:
        return by_points
    if by_points.verdict is Verdict.EQUAL and by_points.exact:
        return by_points
    thorough = by_points.verdict is Verdict.UNKNOWN  # simplify only when the points can't tell
    decided = symbolic_verdict(
        answer,
        expected,
        symbols,
        integer=integer,
        thorough=thorough,
        budget=SYMPY_BUDGET_SECONDS if budget is None else budget,
    )
    if decided is None:
        return by_points
    return Comparison(decided, exact=False, witness=None)


# --------------------------------------------------------------------------- points


def has_rounding(node: Node) -> bool:
    """Whether ``node`` uses floor, ceil, ``//`` or ``%`` (symbols are then integers)."""
    return bool(_rounding_arguments(node))


def _rounding_arguments(node: Node) -> list[Node]:
    """The arguments of every floor-like step, whose values must not sit on a jump."""
    found: list[Node] = []
    if isinstance(node, Call) and node.func in ("floor", "ceil"):
        found.append(node.args[0])
    if isinstance(node, Binary) and node.op in ("//", "%"):
        found.append(Binary("/", node.left, node.right))
    for child in children(node):
        found += _rounding_arguments(child)
    return found


Draw = Callable[[random.Random, Sequence[str]], dict[str, Fraction]]


def _draw_rational(rng: random.Random, symbols: Sequence[str]) -> dict[str, Fraction]:
    return {
        name: Fraction(rng.randint(1, 97), rng.choice((1, 1, 2, 3, 4, 5, 7, 11, 13)))
        for name in symbols
    }


def _draw_integer(rng: random.Random, symbols: Sequence[str]) -> dict[str, Fraction]:
    # mostly small sizes, so that divisibility and equal values happen
    return {
        name: Fraction(rng.randint(1, 12) if rng.random() < 0.75 else rng.randint(13, 100))
        for name in symbols
    }


def _draw_small(rng: random.Random, symbols: Sequence[str]) -> dict[str, Fraction]:
    return {name: Fraction(rng.randint(1, 9)) for name in symbols}


@dataclass(frozen=True)
class _Sample:
    """One seeded point and the expected formula there."""

    point: Mapping[str, Fraction]  # read-only: it is shared by every comparison
    value: Number | None  # None where the expected formula is undefined
    on_jump: bool  # an argument of one of its floors sits on a float rounding jump


class _Probe:
    """The expected formula at its seeded points, each drawn and evaluated once.

    The points depend only on the seed, the symbols and the kind of draw, so every answer
    compared with one formula meets the same points; they are drawn as far as needed.
    """

    def __init__(self, formula: _Formula, symbols: Sequence[str], draw: Draw, seed: int) -> None:
        self._formula = formula
        self._symbols = symbols
        self._draw = draw
        self._rng = random.Random(seed)
        self._samples: list[_Sample] = []
        self._lock = threading.Lock()  # graders may run in worker threads

    def sample(self, index: int) -> _Sample:
        samples = self._samples
        if index < len(samples):
            return samples[index]
        with self._lock:
            while len(samples) <= index:
                point = self._draw(self._rng, self._symbols)
                try:
                    value: Number | None = evaluate_number(self._formula.node, point)
                except ExprError:
                    value = None
                jumps = self._formula.jumps
                on_jump = bool(jumps) and _on_a_jump(jumps, point)
                samples.append(_Sample(MappingProxyType(point), value, on_jump))
            return samples[index]


class _Formula:
    """What depends on an expected formula alone: its names, floors and probes."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.names = names_in(node)
        self.jumps = tuple(_rounding_arguments(node))
        self._probes: dict[tuple[tuple[str, ...], Draw, int], _Probe] = {}

    def probe(self, symbols: tuple[str, ...], draw: Draw, seed: int) -> _Probe:
        key = (symbols, draw, seed)
        found = self._probes.get(key)
        if found is None:
            found = _Probe(self, symbols, draw, seed)
            if len(self._probes) < _PROBES_PER_FORMULA:  # a race only builds one twice
                found = self._probes.setdefault(key, found)
        return found


# The expected formula repeats across every student's answer to a question, so what
# depends on it alone is computed once (a bounded cache; frozen nodes are their own keys).
@functools.lru_cache(maxsize=_CACHED_FORMULAS)
def _formula(expected: Node) -> _Formula:
    return _Formula(expected)


def _on_a_jump(arguments: Sequence[Node], point: Mapping[str, Fraction]) -> bool:
    """Whether a float argument of a floor is so close to an integer that rounding decides."""
    for argument in arguments:
        try:
            value = evaluate_number(argument, point)
        except ExprError:
            continue
        if isinstance(value, float) and abs(value - round(value)) < 1e-9:
            return True
    return False


def agree(a: Number, b: Number) -> bool:
    """Equal exactly for fractions, to a relative 1e-9 once a float is involved."""
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    try:
        return math.isclose(float(a), float(b), rel_tol=_FLOAT_REL_TOL, abs_tol=1e-12)
    except OverflowError:
        return False


def compare_at_points(
    answer: Node,
    expected: Node,
    symbols: Collection[str],
    *,
    integer: bool,
    points: int = POINTS,
    seed: int = _SEED,
    answer_jumps: Sequence[Node] | None = None,
) -> Comparison:
    """Evaluate both formulas at ``points`` random points where the expected one is defined.

    ``answer_jumps`` are the answer's floor arguments, if the caller has them already.
    """
    if answer_jumps is None:
        answer_jumps = _rounding_arguments(answer)
    draw = _draw_integer if integer else _draw_rational
    probe = _formula(expected).probe(tuple(symbols), draw, seed)
    agreed, undefined, exact = 0, 0, True
    first_undefined: Witness | None = None
    for attempt in range(points * 5):
        if agreed >= points:
            break
        sample = probe.sample(attempt)
        point, expected_value = sample.point, sample.value
        if sample.on_jump or (answer_jumps and _on_a_jump(answer_jumps, point)):
            continue
        if expected_value is None:
            continue
        try:
            answer_value = evaluate_number(answer, point)
        except ExprError:
            undefined += 1
            first_undefined = first_undefined or Witness(point, None, expected_value)
            continue
        if not agree(answer_value, expected_value):
            return Comparison(
                Verdict.DIFFERENT, exact, Witness(point, answer_value, expected_value)
            )
        exact = (
            exact and isinstance(answer_value, Fraction) and isinstance(expected_value, Fraction)
        )
        agreed += 1
    if first_undefined is not None and undefined * 4 >= agreed + undefined:
        return Comparison(Verdict.DIFFERENT, exact, first_undefined)
    if agreed < min(MIN_POINTS, points):
        return Comparison(Verdict.UNKNOWN, exact)
    return Comparison(Verdict.EQUAL, exact)


def find_counterexample(
    answer: Node, expected: Node, symbols: Collection[str], tries: int = 40
) -> Witness | None:
    """A point with small integers (1-9) where both are defined and differ, for feedback."""
    probe = _formula(expected).probe(tuple(dict.fromkeys(symbols)), _draw_small, _SEED + 1)
    for attempt in range(tries):
        sample = probe.sample(attempt)
        if sample.value is None:
            continue
        try:
            answer_value = evaluate_number(answer, sample.point)
        except ExprError:
            continue
        if not agree(answer_value, sample.value):
            return Witness(sample.point, answer_value, sample.value)
    return None


# --------------------------------------------------------------------------- sympy


def operation_count(node: Node) -> int:
    return 1 + sum(operation_count(child) for child in children(node))


def expanded_terms(node: Node, cap: int = MAX_EXPANDED_TERMS + 1) -> int:
    """An upper bound of the number of terms sympy's expand or cancel could produce."""
    if isinstance(node, Num | Sym):
        return 1
    if isinstance(node, Unary):
        return expanded_terms(node.operand, cap)
    if isinstance(node, Binary):
        left, right = expanded_terms(node.left, cap), expanded_terms(node.right, cap)
        if node.op in ("+", "-"):
            return min(cap, left + right)
        if node.op == "**" and isinstance(node.right, Num):
            power = abs(node.right.value)
            if power.denominator == 1:  # multinomial: terms of (t terms) ** e
                return min(cap, math.comb(int(power) + left - 1, left - 1))
        return min(cap, left * right)
    if isinstance(node, Call):
        return min(cap, sum(expanded_terms(arg, cap) for arg in node.args))
    return cap


def symbolic_verdict(
    answer: Node,
    expected: Node,
    symbols: Collection[str],
    *,
    integer: bool = False,
    thorough: bool = True,
    budget: float = SYMPY_BUDGET_SECONDS,
) -> Verdict | None:
    """EQUAL if sympy reduces ``answer - expected`` to 0, DIFFERENT if to a nonzero number.

    ``expand`` and ``cancel`` are tried, then ``simplify`` if ``thorough``. None when the
    formulas are too large, sympy fails, another check is still running, or the budget
    runs out (the daemon thread then finishes in the background and no new one starts
    until it has).
    """
    nodes = (answer, expected)
    if any(operation_count(n) > MAX_SYMPY_OPS for n in nodes):
        return None
    if any(expanded_terms(n) > MAX_EXPANDED_TERMS for n in nodes):
        return None
    import sympy  # noqa: F401  (imported here, not in the budget: the first import takes ~0.5 s)

    if not _SYMPY_BUSY.acquire(blocking=False):
        return None
    outcome: list[Verdict | None] = []

    def work() -> None:
        try:
            outcome.append(_sympy_reduce(answer, expected, symbols, integer, thorough))
        except Exception:  # sympy raises many kinds on odd input; the points then decide
            outcome.append(None)
        finally:
            _SYMPY_BUSY.release()

    thread = threading.Thread(target=work, name="dlquiz-sympy-check", daemon=True)
    thread.start()
    thread.join(budget)
    return outcome[0] if outcome else None


def _sympy_reduce(
    answer: Node, expected: Node, symbols: Collection[str], integer: bool, thorough: bool
) -> Verdict | None:
    import sympy  # only expression questions pay for sympy

    table = {
        name: sympy.Symbol(name, positive=True, integer=True)
        if integer
        else sympy.Symbol(name, positive=True)
        for name in symbols
    }
    difference = to_sympy(answer, table) - to_sympy(expected, table)
    steps = (
        (sympy.expand, sympy.cancel, sympy.simplify) if thorough else (sympy.expand, sympy.cancel)
    )
    for reduce in steps:
        reduced = reduce(difference)
        if reduced == 0:
            return Verdict.EQUAL
        if reduced.is_number and reduced.is_zero is False:
            return Verdict.DIFFERENT
    return None


def warm_up() -> None:
    """Import sympy and fill its caches (about 0.5 s), e.g. in a worker before a formula."""
    import sympy

    x = sympy.Symbol("x", positive=True)
    sympy.simplify(sympy.cancel((x**2 - 1) / (x - 1)) - x)
