"""Grading a student's answer the way a good tutor would: read, compare, name the mistake.

Every grader reads the text (:mod:`solvers.answers`), compares it with the expected answer
and returns a :class:`GradeResult`. An answer that cannot be read is ``invalid``, never
wrong: its feedback starts with "Couldn't read that:" and says what could not be read.
No input string makes a grader or :func:`preview` raise.

- Numbers: equivalent forms match (``1000/4``, ``2.5e2``, ``61,100,840``, ``4.2M``,
  ``16.9 MB``). The default tolerance is exact for an integer answer and relative 1e-3
  otherwise. An incorrect value equal (within the same tolerance) to a known mistake's
  value gets that mistake's tag and message; a byte answer that is right in the other unit
  family (MB vs MiB) is the ``mb-vs-mib`` mistake.
- Formulas: compared over positive values (:mod:`solvers.equivalence`).
- Shapes: per dimension; the score is the fraction of right dimensions (0 if the number of
  dimensions differs).
- Multiple choice with several correct options (I2DL exam style): correct only for exactly
  the correct set; partial credit is ``max(0, (right picks - wrong picks) / correct
  options)``, so 2 of 3 correct options with 1 wrong pick scores 1/3. Selecting nothing is
  invalid.

Grading a number, a shape or a choice takes well under 2 ms and never imports sympy.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from solvers.answers import (
    AnswerError,
    byte_unit_name,
    is_byte_unit,
    option_label,
    parse_choice_text,
    parse_truefalse_text,
    read_expression,
    read_number,
    read_shape,
)
from solvers.equivalence import Verdict, Witness, agree, compare, find_counterexample
from solvers.expr import (
    Binary,
    BoolOp,
    Call,
    Compare,
    ExprError,
    IfElse,
    Node,
    Num,
    Number,
    Sym,
    Unary,
    evaluate_number,
    format_number,
    names_in,
    render,
)
from solvers.expr import parse as parse_expr
from solvers.mistakes import MISTAKES
from solvers.solution import KnownMistake

__all__ = [
    "AnswerError",
    "GradeResult",
    "Outcome",
    "Preview",
    "Tolerance",
    "grade_choice",
    "grade_expression",
    "grade_numeric",
    "grade_shape",
    "grade_truefalse",
    "parse_choice_text",
    "parse_truefalse_text",
    "preview",
]

MB_VS_MIB = "mb-vs-mib"
_DEFAULT_REL: Fraction = Fraction(1, 1000)
_FLOAT_NOISE: Fraction = Fraction(1, 10**12)  # sqrt(62500) may come back as 249.99999999999997
# Reading is pure Python on bounded input; these are only a last line of defence.
_READ_ERRORS = (ExprError, ArithmeticError, RecursionError, MemoryError, ValueError)


class Outcome(StrEnum):
    CORRECT = "correct"
    INCORRECT = "incorrect"
    INVALID = "invalid"  # unreadable: never counted as wrong


@dataclass(frozen=True)
class GradeResult:
    outcome: Outcome
    score: float  # 0..1
    feedback: str
    mistake: str | None
    read_as: str | None  # how the answer was understood, e.g. "1000 / 4 = 250"
    expected: str  # the correct answer, formatted for display


@dataclass(frozen=True)
class Tolerance:
    """Accept an answer within ``abs`` or within ``rel`` (a fraction of the correct value)."""

    abs: float | None = None
    rel: float | None = None


@dataclass(frozen=True)
class Preview:
    """The live line under the input: ``read as: 1000 / 4 = 250`` or why it can't be read."""

    ok: bool
    text: str


def _unreadable(error: BaseException) -> str:
    """What could not be read, without repeating "couldn't read"."""
    if not isinstance(error, ExprError):
        return "that answer is too complicated"
    for prefix in ("couldn't read that: ", "couldn't read that", "couldn't read "):
        if error.message.startswith(prefix):
            return error.message[len(prefix) :] or "that answer"
    return error.message


def _invalid(error: BaseException, expected: str) -> GradeResult:
    feedback = f"Couldn't read that: {_unreadable(error)}."
    return GradeResult(Outcome.INVALID, 0.0, feedback, None, None, expected)


# --------------------------------------------------------------------------- numbers


def _is_integer(value: Number) -> bool:
    return value == int(value)


def _close(value: Number, target: Number, tolerance: Tolerance | None) -> bool:
    """Whether ``value`` matches ``target``; the default tolerance depends on ``target``."""
    difference = abs(Fraction(value) - Fraction(target))
    if difference == 0:
        return True
    if tolerance is None:
        tolerance = Tolerance() if _is_integer(target) else Tolerance(rel=float(_DEFAULT_REL))
    allowed = [_FLOAT_NOISE * abs(Fraction(target))] if isinstance(value, float) else []
    if tolerance.abs is not None:
        allowed.append(Fraction(repr(tolerance.abs)))  # 0.001 means exactly 1/1000
    if tolerance.rel is not None:
        allowed.append(Fraction(repr(tolerance.rel)) * abs(Fraction(target)))
    return any(difference <= bound for bound in allowed)


def _exact_if_integral(value: Fraction | float | int) -> Number:
    """Integers as exact fractions, also 61100840.0 from a solver (shown as 61100840)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return Fraction(int(value))
    return Fraction(value) if isinstance(value, int) else value


def _display(value: Number, unit: str | None) -> str:
    shown = format_number(value)
    if not unit:
        return shown
    name = byte_unit_name(unit) if is_byte_unit(unit) else unit
    return f"{shown}%" if name == "%" else f"{shown} {name}"


def grade_numeric(
    text: str,
    expected: Fraction | float | int,
    *,
    tolerance: Tolerance | None = None,
    unit: str | None = None,
    mistakes: Sequence[KnownMistake] = (),
) -> GradeResult:
    """Grade a number; see the module docstring for the forms, units and tolerance."""
    target = _exact_if_integral(expected)
    shown = _display(target, unit)
    try:
        reading = read_number(text, unit)
    except _READ_ERRORS as error:
        return _invalid(error, shown)
    if _close(reading.value, target, tolerance):
        exact = _close(reading.value, target, Tolerance())
        feedback = "Correct." if exact else f"Correct (within tolerance; the answer is {shown})."
        return GradeResult(Outcome.CORRECT, 1.0, feedback, None, reading.read_as, shown)

    feedback = f"Not correct: you answered {_display(reading.value, unit)}, the answer is {shown}."
    for mistake in mistakes:
        value = mistake.value
        if isinstance(value, Num):
            value = value.value
        if not isinstance(value, int | Fraction | float) or isinstance(value, bool):
            continue  # a shape or formula rule does not apply to a number
        if _close(reading.value, _exact_if_integral(value), tolerance):
            return _incorrect(f"{feedback} {mistake.message}", mistake.tag, reading.read_as, shown)
    if reading.other_family is not None and _close(reading.other_family, target, tolerance):
        message = MISTAKES.get(MB_VS_MIB, "MB is 10^6 bytes, MiB is 2^20 = 1,048,576 bytes.")
        return _incorrect(f"{feedback} {message}", MB_VS_MIB, reading.read_as, shown)
    return _incorrect(feedback, None, reading.read_as, shown)


def _incorrect(
    feedback: str, mistake: str | None, read_as: str | None, expected: str, score: float = 0.0
) -> GradeResult:
    return GradeResult(Outcome.INCORRECT, score, feedback, mistake, read_as, expected)


# --------------------------------------------------------------------------- formulas


def _as_node(value: object, symbols: Collection[str]) -> Node | None:
    """A mistake's or an expected component's value as a formula (bank values are trusted)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Num(Fraction(value))
    if isinstance(value, float):
        return Num(Fraction(repr(value)))
    if isinstance(value, str):
        return parse_expr(value, symbols=frozenset(symbols))
    if isinstance(value, Num | Sym | Unary | Binary | Call | Compare | BoolOp | IfElse):
        return value  # any scalar node: banks may write `a if c else b`
    return None


@functools.lru_cache(maxsize=256)
def _rendered(expected: Node) -> str:
    """The expected formula as shown; it repeats across every answer to a question."""
    return render(expected)


def _witness_text(witness: Witness) -> str:
    point = ", ".join(f"{name} = {format_number(value)}" for name, value in witness.point.items())
    where = f"with {point}, " if point else ""
    if witness.answer is None:
        return (
            f"{where}your formula is undefined but the answer is {format_number(witness.expected)}"
        )
    return (
        f"{where}your formula gives {format_number(witness.answer)} "
        f"but the answer gives {format_number(witness.expected)}"
    )


def grade_expression(
    text: str,
    expected: Node,
    *,
    symbols: Sequence[str],
    mistakes: Sequence[KnownMistake] = (),
) -> GradeResult:
    """Grade a formula over ``symbols`` by equivalence (see :mod:`solvers.equivalence`)."""
    shown = _rendered(expected)
    try:
        answer = read_expression(text, symbols)
    except _READ_ERRORS as error:
        return _invalid(error, shown)
    read_as = render(answer)
    comparison = compare(answer, expected, symbols)
    if comparison.verdict is Verdict.EQUAL:
        return GradeResult(Outcome.CORRECT, 1.0, "Correct.", None, read_as, shown)
    if comparison.verdict is Verdict.UNKNOWN:
        reason = "couldn't check that formula at enough points; try writing it more simply"
        return _invalid(AnswerError(reason), shown)

    witness = find_counterexample(answer, expected, symbols) or comparison.witness
    feedback = "Not equivalent to the answer"
    feedback += f": {_witness_text(witness)}." if witness else "."
    for mistake in mistakes:
        node = _as_node(mistake.value, symbols)
        if node is None:
            continue
        if compare(answer, node, symbols, symbolic=False).verdict is Verdict.EQUAL:
            return _incorrect(f"{feedback} {mistake.message}", mistake.tag, read_as, shown)
    return _incorrect(feedback, None, read_as, shown)


# --------------------------------------------------------------------------- shapes


def _component_text(node: Node) -> str:
    """A dimension as shown: constants by value, formulas as written."""
    if names_in(node):
        return render(node)
    return format_number(evaluate_number(node))


def _same_dimension(answer: Node, expected: Node, symbols: Collection[str]) -> bool:
    if not names_in(answer) and not names_in(expected):
        return agree(evaluate_number(answer), evaluate_number(expected))
    verdict = compare(answer, expected, symbols, symbolic=False, integer=True).verdict
    return verdict is Verdict.EQUAL


def _shape_nodes(values: Sequence[object], symbols: Collection[str]) -> tuple[Node, ...] | None:
    nodes = []
    for value in values:
        node = _as_node(value, symbols)
        if node is None:
            return None
        nodes.append(node)
    return tuple(nodes)


def grade_shape(
    text: str,
    expected: tuple[Node, ...],
    *,
    symbols: Sequence[str] = (),
    mistakes: Sequence[KnownMistake] = (),
) -> GradeResult:
    """Grade a tensor shape per dimension; partial credit is the fraction of right ones."""
    wanted = _shape_nodes(expected, symbols)
    if wanted is None:
        raise ValueError(f"expected shape has a component that is not a formula: {expected!r}")
    shown = "(" + ", ".join(_component_text(node) for node in wanted) + ")"
    try:
        items = read_shape(text, symbols)
        given = [_component_text(node) for node in items]
    except _READ_ERRORS as error:
        return _invalid(error, shown)
    read_as = "(" + ", ".join(given) + ")"
    if len(items) != len(wanted):
        feedback = (
            f"Not correct: you gave {len(items)} dimension{'s' * (len(items) != 1)}, "
            f"the shape has {len(wanted)}: {shown}."
        )
        feedback, tag = _with_shape_mistake(feedback, items, symbols, mistakes)
        return _incorrect(feedback, tag, read_as, shown)
    wrong = [
        index
        for index, (item, target) in enumerate(zip(items, wanted, strict=True))
        if not _same_dimension(item, target, symbols)
    ]
    if not wrong:
        return GradeResult(Outcome.CORRECT, 1.0, "Correct.", None, read_as, shown)
    score = (len(wanted) - len(wrong)) / len(wanted)
    details = "; ".join(
        f"dimension {i + 1}: you wrote {given[i]}, expected {_component_text(wanted[i])}"
        for i in wrong
    )
    feedback = (
        f"Not correct ({len(wanted) - len(wrong)} of {len(wanted)} dimensions right): {details}."
    )
    feedback, tag = _with_shape_mistake(feedback, items, symbols, mistakes)
    return _incorrect(feedback, tag, read_as, shown, score)


def _with_shape_mistake(
    feedback: str,
    items: Sequence[Node],
    symbols: Collection[str],
    mistakes: Sequence[KnownMistake],
) -> tuple[str, str | None]:
    for mistake in mistakes:
        if not isinstance(mistake.value, tuple) or len(mistake.value) != len(items):
            continue
        nodes = _shape_nodes(mistake.value, symbols)
        if nodes is not None and all(
            _same_dimension(item, node, symbols) for item, node in zip(items, nodes, strict=True)
        ):
            return f"{feedback} {mistake.message}", mistake.tag
    return feedback, None


# --------------------------------------------------------------------------- choices


def _labels(indices: Collection[int]) -> str:
    return ", ".join(option_label(index) for index in sorted(indices)) or "nothing"


def grade_choice(
    selected: Collection[int], correct: Collection[int], *, multi: bool, n_options: int
) -> GradeResult:
    """Grade shown option indices (0-based). See the module docstring for partial credit."""
    right_set = frozenset(correct)
    shown = _labels(right_set)
    try:
        chosen = frozenset(selected)
        readable = all(isinstance(i, int) and not isinstance(i, bool) for i in chosen)
    except TypeError:  # not a collection of hashable values
        readable = False
    if not readable:
        return _invalid(AnswerError("couldn't read the selection"), shown)
    missing = sorted(index for index in chosen if not 0 <= index < n_options)
    if missing:
        return _invalid(AnswerError(f"there is no option {option_label(missing[0])}"), shown)
    if not chosen:
        reason = "select at least one option" if multi else "select an option"
        return _invalid(AnswerError(reason), shown)
    read_as = _labels(chosen)
    if not multi:
        if len(chosen) > 1:
            return _invalid(AnswerError("select only one option"), shown)
        if chosen == right_set:
            return GradeResult(Outcome.CORRECT, 1.0, "Correct.", None, read_as, shown)
        return _incorrect(
            f"Not correct: you chose {read_as}, the answer is {shown}.", None, read_as, shown
        )

    right, wrong = len(chosen & right_set), len(chosen - right_set)
    if chosen == right_set:
        return GradeResult(Outcome.CORRECT, 1.0, "Correct.", None, read_as, shown)
    score = max(0.0, (right - wrong) / len(right_set))
    picks = f"{wrong} wrong pick{'s' * (wrong != 1)}"
    verdict = "Partly right" if score > 0 else "Not correct"
    feedback = (
        f"{verdict}: {right} of {len(right_set)} correct options, {picks} "
        f"(score {score:.0%}). The correct options are {shown}."
    )
    return _incorrect(feedback, None, read_as, shown, score)


def grade_truefalse(answer: bool, expected: bool) -> GradeResult:
    shown = "true" if expected else "false"
    if not isinstance(answer, bool):
        return _invalid(AnswerError("answer true or false"), shown)
    read_as = "true" if answer else "false"
    if answer == expected:
        return GradeResult(Outcome.CORRECT, 1.0, "Correct.", None, read_as, shown)
    return _incorrect(f"Not correct: the statement is {shown}.", None, read_as, shown)


# --------------------------------------------------------------------------- preview


def preview(
    text: str,
    kind: Literal["numeric", "expression", "shape"],
    *,
    symbols: Sequence[str] = (),
    unit: str | None = None,
) -> Preview:
    """How the answer will be read, for the live line under the input (never uses sympy).

    Blank text gives ``Preview(False, "")``: nothing to say yet.
    """
    if kind not in ("numeric", "expression", "shape"):
        raise ValueError(f"no preview for answer kind {kind!r}")
    if not isinstance(text, str) or not text.strip():
        return Preview(False, "")
    try:
        if kind == "numeric":
            return Preview(True, f"read as: {read_number(text, unit).read_as}")
        if kind == "expression":
            return Preview(True, f"read as: {render(read_expression(text, symbols))}")
        items = read_shape(text, symbols)
        return Preview(True, "read as: (" + ", ".join(_component_text(i) for i in items) + ")")
    except _READ_ERRORS as error:
        return Preview(False, f"couldn't read that: {_unreadable(error)}")
