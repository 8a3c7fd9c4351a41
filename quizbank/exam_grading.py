"""Grading a mock exam from what the store saved, and the report's figures.

Points: a section gives each question ``points``; a problem splits them over its parts in
proportion to the parts' own ``points`` (1 each by default). A choice part earns the
grader's partial credit, an unreadable or missing answer earns nothing, and an open part
earns the student's self-rating: again 0, hard 1/3, good 2/3, easy all of its points
(:data:`RATING_FRACTIONS`). Exam answers are saved as JSON: shown option indices as a
sorted list, true/false as a bool, text as text, ``null`` for "no answer".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from quizbank.errors import UserError
from quizbank.exam import ExamLayout

if TYPE_CHECKING:
    from quizbank.instantiate import Instance, PartInstance
    from quizbank.loader import Bank
    from quizbank.schema import Question
    from quizbank.store import Exam, Store
    from solvers.grading import GradeResult

__all__ = [
    "RATING_FRACTIONS",
    "ExamReport",
    "GroupScore",
    "PartResult",
    "SlotResult",
    "answer_text",
    "build_report",
    "expected_text",
    "grade_slot",
    "group_scores",
    "record_attempts",
    "response_from_json",
    "response_to_json",
]

RATING_FRACTIONS: Final = {"again": 0.0, "hard": 1 / 3, "good": 2 / 3, "easy": 1.0}

# --------------------------------------------------------------------------- responses


def response_to_json(response: Any) -> Any:
    """A widget's response as saved: shown option indices as a sorted list, else as is."""
    if isinstance(response, frozenset | set):
        return sorted(response)
    return response


def response_from_json(part_type: str, saved: Any) -> Any:
    """The grader's response for a saved value; None when nothing was answered."""
    if saved is None:
        return None
    if part_type in ("single", "multi"):
        if not isinstance(saved, list) or not saved:
            return None
        return frozenset(i for i in saved if isinstance(i, int) and not isinstance(i, bool))
    if part_type == "truefalse":
        return saved if isinstance(saved, bool) else None
    text = str(saved)
    return text if text.strip() else None


def answer_text(part: PartInstance, response: Any) -> str:
    """A response as the student would read it: option letters, true/false or the text."""
    if response is None:
        return ""
    if part.type in ("single", "multi"):
        return ", ".join(chr(ord("A") + i) for i in sorted(response))
    if part.type == "truefalse":
        return "true" if response else "false"
    return str(response)


def expected_text(part: PartInstance) -> str:
    """The correct answer, formatted as the grader shows it (the model answer for open)."""
    if part.type == "open":
        return str(part.body.model_answer).strip()
    if part.type == "truefalse":
        return "true" if part.expected else "false"
    from quizbank.answering import grade_part

    empty: Any = frozenset() if part.type in ("single", "multi") else ""
    return grade_part(part, empty).expected


# --------------------------------------------------------------------------- grading


@dataclass(frozen=True)
class PartResult:
    part: PartInstance
    response: Any  # as for the grader; None when not answered
    points: float  # what the part is worth
    result: GradeResult | None  # None when open or not answered
    rating: str | None = None  # open parts: again/hard/good/easy

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def needs_rating(self) -> bool:
        return self.part.type == "open" and self.answered and self.rating is None

    @property
    def fraction(self) -> float:
        """Share of the points earned (0 while an open answer is unrated)."""
        if self.part.type == "open":
            return RATING_FRACTIONS.get(self.rating or "", 0.0) if self.answered else 0.0
        if self.result is None or str(self.result.outcome) == "invalid":
            return 0.0
        return self.result.score

    @property
    def earned(self) -> float:
        return self.points * self.fraction

    @property
    def status(self) -> str:
        """correct / partial / incorrect / unreadable / unanswered / to rate."""
        if not self.answered:
            return "unanswered"
        if self.needs_rating:
            return "to rate"
        if self.result is not None and str(self.result.outcome) == "invalid":
            return "unreadable"
        if self.fraction >= 1 - 1e-9:
            return "correct"
        return "partial" if self.fraction > 0 else "incorrect"

    @property
    def answer_text(self) -> str:
        return answer_text(self.part, self.response)

    @property
    def expected_text(self) -> str:
        return expected_text(self.part)

    @property
    def mistake_message(self) -> str | None:
        tag = self.result.mistake if self.result is not None else None
        return next((m.message for m in self.part.mistakes if m.tag == tag), None)


@dataclass(frozen=True)
class SlotResult:
    slot: int
    question: Question | None  # None when the question left the bank
    question_id: str
    instance: Instance | None
    section: int
    points: float
    parts: tuple[PartResult, ...]
    seconds: float
    flagged: bool
    problem: str | None = None  # why the question could not be shown or graded

    @property
    def earned(self) -> float:
        return sum(part.earned for part in self.parts)

    @property
    def lecture(self) -> int | None:
        return self.question.lecture if self.question is not None else None

    @property
    def needs_rating(self) -> bool:
        return any(part.needs_rating for part in self.parts)

    @property
    def missed(self) -> bool:
        """Not full marks (unanswered counts): a template to practise again."""
        return self.question is not None and self.earned < self.points - 1e-9

    @property
    def status(self) -> str:
        if self.problem is not None:
            return "unavailable"
        statuses = {part.status for part in self.parts}
        if "to rate" in statuses:
            return "to rate"
        if statuses == {"unanswered"}:
            return "unanswered"
        if statuses == {"correct"}:
            return "correct"
        return "partial" if self.earned > 0 else "incorrect"


def part_points(instance: Instance, points: float) -> list[float]:
    """The question's points split over its parts in proportion to their own points."""
    weights = [part.points for part in instance.parts]
    total = sum(weights) or 1.0
    return [points * weight / total for weight in weights]


def grade_slot(
    instance: Instance,
    points: float,
    saved: Mapping[str, Any],
    ratings: Mapping[str, str] | None = None,
) -> tuple[PartResult, ...]:
    """Grade every part of one question from its saved answers (part id -> JSON value)."""
    from quizbank.answering import grade_part

    ratings = ratings or {}
    results = []
    for part, worth in zip(instance.parts, part_points(instance, points), strict=True):
        response = response_from_json(part.type, saved.get(part.id))
        result = None
        if response is not None and part.type != "open":
            result = grade_part(part, response)
        results.append(PartResult(part, response, worth, result, ratings.get(part.id)))
    return tuple(results)


@dataclass(frozen=True)
class GroupScore:
    """Points earned and possible in one section or lecture."""

    key: Any
    label: str
    earned: float
    possible: float
    questions: int
    seconds: float = 0.0
    pending: int = 0  # open answers still to rate

    @property
    def share(self) -> float | None:
        return self.earned / self.possible if self.possible else None


def group_scores(
    slots: Iterable[SlotResult], key: str, labels: Mapping[Any, str]
) -> list[GroupScore]:
    """Per section (``key="section"``) or per lecture (``key="lecture"``), in key order."""
    groups: dict[Any, list[SlotResult]] = {}
    for slot in slots:
        groups.setdefault(getattr(slot, key), []).append(slot)
    return [
        GroupScore(
            key=group_key,
            label=labels.get(group_key, "") if group_key is not None else "",
            earned=sum(s.earned for s in members),
            possible=sum(s.points for s in members if s.problem is None),
            questions=len(members),
            seconds=sum(s.seconds for s in members),
            pending=sum(p.needs_rating for s in members for p in s.parts),
        )
        for group_key, members in sorted(
            groups.items(), key=lambda item: (item[0] is None, item[0] or 0)
        )
    ]


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ExamReport:
    """Everything the report shows, computed from the store and the bank."""

    exam: Exam
    layout: ExamLayout
    slots: tuple[SlotResult, ...]
    lecture_titles: Mapping[int, str]

    @property
    def score(self) -> float:
        return sum(slot.earned for slot in self.slots)

    @property
    def max_score(self) -> float:
        return sum(slot.points for slot in self.slots if slot.problem is None)

    @property
    def pending(self) -> int:
        """Open answers the student has not rated yet; the score is final at 0."""
        return sum(part.needs_rating for slot in self.slots for part in slot.parts)

    @property
    def pending_points(self) -> float:
        return sum(p.points for slot in self.slots for p in slot.parts if p.needs_rating)

    @property
    def final(self) -> bool:
        return self.pending == 0

    def by_section(self) -> list[GroupScore]:
        labels = {index: section.title for index, section in enumerate(self.layout.sections)}
        return group_scores(self.slots, "section", labels)

    def by_lecture(self) -> list[GroupScore]:
        return group_scores(self.slots, "lecture", self.lecture_titles)

    def missed_question_ids(self) -> list[str]:
        """Templates without full marks, in exam order, each once."""
        return list(dict.fromkeys(slot.question_id for slot in self.slots if slot.missed))


def build_report(store: Store, exam_id: int, bank: Bank) -> ExamReport:
    """Grade a (submitted or open) exam from what the store saved."""
    from quizbank.instantiate import instantiate

    exam = store.exam(exam_id)
    if exam is None:
        raise UserError(f"there is no exam #{exam_id}")
    layout = ExamLayout.from_json(exam.state["layout"])
    saved: dict[int, dict[str, Any]] = {}
    for answer in store.exam_answers(exam_id):
        saved.setdefault(answer.slot, {})[answer.part_id] = answer.response
    ratings: dict[int, dict[str, str]] = {}
    for (slot_index, part_id), rating in store.exam_self_ratings(exam_id).items():
        ratings.setdefault(slot_index, {})[part_id] = rating
    slots = []
    for slot in store.exam_slots(exam_id):
        question = bank.by_id.get(slot.question_id)
        section = layout.slot_sections[slot.slot]
        points = layout.slot_points[slot.slot]
        instance: Instance | None = None
        problem = None
        parts: tuple[PartResult, ...] = ()
        if question is None:
            problem = "this question is no longer in the bank; it does not count"
        else:
            try:
                instance = instantiate(question, slot.seed)
            except UserError as error:
                problem = f"this question could not be built ({error}); it does not count"
        if instance is not None:
            parts = grade_slot(
                instance, points, saved.get(slot.slot, {}), ratings.get(slot.slot, {})
            )
        slots.append(
            SlotResult(
                slot=slot.slot,
                question=question,
                question_id=slot.question_id,
                instance=instance,
                section=section,
                points=points,
                parts=parts,
                seconds=slot.seconds_spent,
                flagged=slot.flagged,
                problem=problem,
            )
        )
    return ExamReport(exam, layout, tuple(slots), dict(bank.lectures))


def record_attempts(store: Store, report: ExamReport, *, open_parts: bool = False) -> int:
    """Save the exam's answers as attempts (mode ``exam``) so statistics count them.

    Auto-graded parts are recorded at submission; an open part when it is rated
    (``open_parts=True`` records the rated open parts only). Unanswered parts are skipped.
    """
    from quizbank.store import Attempt

    count = 0
    for slot in report.slots:
        if slot.question is None or slot.instance is None:
            continue
        for part in slot.parts:
            if not part.answered or (part.part.type == "open") != open_parts:
                continue
            if open_parts:
                if part.rating is None:
                    continue
                outcome, score, mistake = (
                    "incorrect" if part.rating == "again" else "correct",
                    part.fraction,
                    None,
                )
            else:
                assert part.result is not None
                outcome, score = str(part.result.outcome), part.result.score
                mistake = part.result.mistake
            store.record_attempt(
                Attempt(
                    question_id=slot.question.id,
                    part_id=part.part.id,
                    seed=slot.instance.seed,
                    answer=part.answer_text,
                    outcome=outcome,
                    score=score,
                    mistake=mistake,
                    lecture=slot.question.lecture,
                    topic=slot.question.topic,
                    qtype=part.part.type,
                    seconds=slot.seconds / max(1, len(slot.parts)),
                    mode="exam",
                )
            )
            count += 1
    return count
