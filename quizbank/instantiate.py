"""A question template plus a seed gives one concrete variant with its computed answer.

Deterministic for (question id, seed) in every process: the random generator is seeded
with the text ``f"{id}:{seed}"``. Params are exact (``Fraction(str(step))``), so the values
shown in the prompt are the values the answer is computed from; authors choose steps and
choices that display exactly (0.1, not 1/3).

The values are drawn by :mod:`quizbank.variant_values` and the answers computed by
:mod:`quizbank.expected_answers`; this module builds the parts and re-exports both, so
``quizbank.instantiate`` stays the one import path.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from quizbank.expected_answers import compute, evaluate_argument, solve_part, solver_args
from quizbank.schema import Option, ProblemQuestion
from quizbank.templates import TemplateError, render_template
from quizbank.variant_values import (
    MAX_DRAWS,
    ConstraintsUnsatisfiable,
    InstanceError,
    Loc,
    ParamValue,
    draw_values,
    numeric_env,
    parse_cached,
    substitute,
)
from solvers.solution import KnownMistake, Solution

__all__ = [
    "ANSWER_TYPES",
    "CHOICE_TYPES",
    "MAX_DRAWS",
    "ConstraintsUnsatisfiable",
    "Instance",
    "InstanceError",
    "Loc",
    "ParamValue",
    "PartInstance",
    "ShownOption",
    "compute",
    "draw_values",
    "evaluate_argument",
    "instantiate",
    "numeric_env",
    "parse_cached",
    "render_text",
    "solver_args",
    "substitute",
]

CHOICE_TYPES: Final = frozenset({"single", "multi"})
ANSWER_TYPES: Final = frozenset({"numeric", "expression", "shape"})


@dataclass(frozen=True)
class ShownOption:
    """An option in the order shown; ``index`` is its position in the bank file."""

    index: int
    text: str
    correct: bool
    why: str
    misconception: str | None


@dataclass(frozen=True)
class PartInstance:
    """One graded part. A non-problem question has one part with ``id == ""`` and
    ``prompt == ""`` (its prompt is :attr:`Instance.prompt`).

    ``expected`` is a number (numeric), a :data:`~solvers.expr.Node` (expression), a tuple
    of Nodes (shape), the frozenset of correct *shown* indices (single, multi), a bool
    (truefalse) or None (open). A mistake's value has the same form as ``expected``.
    """

    id: str
    type: str
    prompt: str
    body: Any  # the schema object: the question itself or its Part
    expected: Any
    solution: Solution | None
    options: tuple[ShownOption, ...]
    mistakes: tuple[KnownMistake, ...]
    points: float


@dataclass(frozen=True)
class Instance:
    question: Any  # quizbank.schema.Question
    seed: int
    values: dict[str, ParamValue]
    prompt: str
    parts: tuple[PartInstance, ...]


def render_text(question: Any, text: str, values: Mapping[str, ParamValue], where: Loc) -> str:
    """A template in a parametric question; plain text (braces untouched) otherwise."""
    if not question.is_parametric:
        return text
    try:
        return render_template(text, values)
    except TemplateError as error:
        raise InstanceError(question.id, where, error.message) from None


def _options(
    question: Any, options: Sequence[Option], shuffle: bool, values: Any, rng: random.Random
) -> tuple[ShownOption, ...]:
    order = list(range(len(options)))
    if shuffle:
        rng.shuffle(order)
    return tuple(
        ShownOption(
            index=index,
            text=render_text(question, options[index].text, values, ("options", index, "text")),
            correct=options[index].correct,
            why=options[index].why,
            misconception=options[index].misconception,
        )
        for index in order
    )


def _part(question: Any, body: Any, values: Any, seed: int, where: Loc) -> PartInstance:
    part_id = getattr(body, "id", "") if body is not question else ""
    prompt = render_text(question, body.prompt, values, (*where, "prompt")) if part_id else ""
    options: tuple[ShownOption, ...] = ()
    expected: Any = None
    solution: Solution | None = None
    mistakes: list[KnownMistake] = []
    try:
        if body.type in CHOICE_TYPES:
            rng = random.Random(f"{question.id}:{seed}:options:{part_id}")
            options = _options(question, body.options, body.shuffle, values, rng)
            expected = frozenset(i for i, option in enumerate(options) if option.correct)
        elif body.type == "truefalse":
            expected = body.answer
        elif body.type in ANSWER_TYPES:
            expected, solution, mistakes = solve_part(question, body, values)
    except InstanceError as error:
        if where:  # say which part: the loc inside a part is relative to it
            raise InstanceError(question.id, (*where, *error.where), error.message) from None
        raise
    points = body.points if body.points is not None else 1.0
    return PartInstance(
        part_id, body.type, prompt, body, expected, solution, options, tuple(mistakes), points
    )


def instantiate(question: Any, seed: int) -> Instance:
    """The variant of ``question`` for ``seed`` (raises :class:`ConstraintsUnsatisfiable`
    or :class:`InstanceError`)."""
    values = draw_values(question, random.Random(f"{question.id}:{seed}"))
    prompt = render_text(question, question.prompt, values, ("prompt",))
    if isinstance(question, ProblemQuestion):
        parts = tuple(
            _part(question, part, values, seed, ("parts", index))
            for index, part in enumerate(question.parts)
        )
    else:
        parts = (_part(question, question, values, seed, ()),)
    return Instance(question, seed, values, prompt, parts)
