"""Grading one part of an instance, and running a question's own ``tests:``.

Each answer kind has one grader in :mod:`solvers.grading`; this module only picks it and
passes what the question says (tolerance, unit, symbols, known mistakes).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from quizbank.errors import UserError
from quizbank.instantiate import ConstraintsUnsatisfiable, Instance, InstanceError, PartInstance
from quizbank.instantiate import instantiate as make_instance
from solvers import grading
from solvers.grading import GradeResult


class NotAutoGraded(UserError):
    """Open answers are rated by the student against the model answer, not graded here."""


def grade_part(part: PartInstance, response: Any) -> GradeResult:
    """Grade ``response``: text (numeric, expression, shape), a collection of *shown*
    option indices (single, multi) or a bool (truefalse)."""
    body = part.body
    if part.type == "numeric":
        tolerance = None
        if body.tolerance is not None:
            tolerance = grading.Tolerance(abs=body.tolerance.abs, rel=body.tolerance.rel)
        return grading.grade_numeric(
            str(response),
            part.expected,
            tolerance=tolerance,
            unit=body.unit,
            mistakes=part.mistakes,
        )
    if part.type == "expression":
        return grading.grade_expression(
            str(response), part.expected, symbols=body.symbols, mistakes=part.mistakes
        )
    if part.type == "shape":
        return grading.grade_shape(
            str(response), part.expected, symbols=body.symbols, mistakes=part.mistakes
        )
    if part.type in ("single", "multi"):
        selected: Collection[int] = response
        return grading.grade_choice(
            selected, part.expected, multi=part.type == "multi", n_options=len(part.options)
        )
    if part.type == "truefalse":
        return grading.grade_truefalse(bool(response), bool(part.expected))
    raise NotAutoGraded("open answers are not graded automatically: rate your answer yourself")


@dataclass(frozen=True)
class TestFailure:
    """A ``tests:`` entry whose answer did not get the expected outcome (or mistake)."""

    __test__ = False  # not a pytest test class

    question_id: str
    index: int
    part: str | None
    answer: str
    message: str

    def __str__(self) -> str:
        part = f" part {self.part}" if self.part else ""
        return f"{self.question_id} tests[{self.index}]{part} {self.answer!r}: {self.message}"


def _response(part: PartInstance, text: str) -> Any:
    """The test's answer text as the grader's response; None when it can't be read."""
    try:
        if part.type in ("single", "multi"):
            written = grading.parse_choice_text(text)  # positions in the bank file, not shown
            return {shown for shown, option in enumerate(part.options) if option.index in written}
        if part.type == "truefalse":
            return grading.parse_truefalse_text(text)
    except ValueError:
        return None
    return text


def _check(question: Any, index: int, test: Any, instance: Instance) -> TestFailure | None:
    def failure(message: str) -> TestFailure:
        return TestFailure(question.id, index, test.part, test.answer, message)

    if test.part is not None:
        part = next((p for p in instance.parts if p.id == test.part), None)
    else:
        part = instance.parts[0] if len(instance.parts) == 1 else None
    if part is None:
        return failure(f"no part {test.part!r}")
    if part.type == "open":
        return failure("open answers are rated by the student, not tested")
    response = _response(part, test.answer)
    if response is None:
        outcome, mistake = "invalid", None
    else:
        result = grade_part(part, response)
        outcome, mistake = str(result.outcome), result.mistake
    if outcome != test.expect:
        return failure(f"expected {test.expect}, got {outcome}")
    if test.mistake is not None and mistake != test.mistake:
        return failure(f"expected mistake {test.mistake}, got {mistake or 'none'}")
    return None


def run_answer_tests(question: Any) -> list[TestFailure]:
    """Run the question's ``tests:`` (seed 0 unless a test gives one)."""
    failures: list[TestFailure] = []
    instances: dict[int, Instance] = {}
    for index, test in enumerate(question.tests):
        seed = test.seed or 0
        try:
            if seed not in instances:
                instances[seed] = make_instance(question, seed)
        except (ConstraintsUnsatisfiable, InstanceError) as error:
            failures.append(TestFailure(question.id, index, test.part, test.answer, str(error)))
            continue
        found = _check(question, index, test, instances[seed])
        if found is not None:
            failures.append(found)
    return failures
