"""Text the practice screen shows: header lines, explanations with the student's numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tui.widgets.feedback import FeedbackDetails
from tui.widgets.question_view import header_text

if TYPE_CHECKING:
    from quizbank.instantiate import PartInstance
    from quizbank.schema import Question
    from tui.session import PracticeSession

OUTCOME_SYMBOLS = {"correct": "✓", "incorrect": "✗", "invalid": "?"}


def question_header(question: Question, lecture_title: str = "") -> str:
    return header_text(
        lecture=question.lecture,
        topic=question.topic,
        qtype=question.type,
        difficulty=question.difficulty,
        source=question.source,
        lecture_title=lecture_title,
    )


def part_header(part: PartInstance, count: int) -> str:
    return f"**Part ({part.id})** of {count}\n\n{part.prompt}"


def render_explanation(text: str, values: Mapping[str, Any]) -> str:
    """An explanation with this variant's numbers filled in, leniently.

    Banks write LaTeX such as ``W_{out}`` in explanations of parametric questions, so only
    placeholders that name a value are replaced; anything else is shown as written.
    """
    from quizbank.templates import fill_known_values

    return fill_known_values(text, values)


def details_for(session: PracticeSession, *, show: bool = True) -> FeedbackDetails:
    """The explanation and the worked solution of the current part."""
    if not show or session.instance is None:
        return FeedbackDetails()
    question = session.question
    part = session.part
    values = dict(session.instance.values)
    explanations = []
    part_explanation = getattr(part.body, "explanation", None)
    if session.is_problem and part_explanation:
        explanations.append(part_explanation)
    if not session.is_problem or not session.has_more_parts:
        explanations.append(question.explanation)
    explanation = "\n\n".join(render_explanation(text, values) for text in explanations if text)
    solution = part.solution.to_markdown() if part.solution is not None else None
    return FeedbackDetails(explanation=explanation or None, solution=solution or None)


def truths_for(part: PartInstance) -> list[bool]:
    """For choice parts: whether each shown option is correct (true/false: [True, False])."""
    if part.type in ("single", "multi"):
        return [option.correct for option in part.options]
    if part.type == "truefalse":
        expected = bool(part.expected)
        return [expected, not expected]
    return []


def answered_parts_markdown(session: PracticeSession) -> str:
    """The earlier parts of the current problem with their outcomes, one line each."""
    if session.instance is None:
        return ""
    lines = []
    question_id = session.question.id
    recent = [a for a in session.answered if a.question_id == question_id][-session.part_index :]
    for done in recent if session.part_index else []:
        symbol = OUTCOME_SYMBOLS.get(done.outcome, "·")
        lines.append(f"({done.part_id}) {symbol} {done.outcome}")
    if lines:
        lines.insert(0, "Earlier parts:")
    return "   ".join(lines)
