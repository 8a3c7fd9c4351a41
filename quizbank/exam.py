"""Mock exams without any UI: assembling an exam from a blueprint and the bank.

Assembly is pure Python over the loaded bank: the same blueprint and seed give the same
question ids, order and variant seeds (and so the same option order, which
:func:`quizbank.instantiate.instantiate` derives from the variant seed), so classmates can
share a seed. No question appears twice in one exam.

Within a section the questions are spread over the lectures in proportion to the
blueprint's ``lecture_weights`` (largest remainders, capped by what the bank has; the rest
goes to the other lectures), then ordered by lecture. Grading and the report are in
:mod:`quizbank.exam_grading`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from quizbank.blueprints import LoadedBlueprint, describe_filter
from quizbank.errors import UserError
from quizbank.sampling import MAX_SEED, PracticeFilter

if TYPE_CHECKING:
    from quizbank.schema import Question

__all__ = ["ExamLayout", "ExamPlan", "SectionInfo", "assemble"]

LAYOUT_VERSION: Final = 1


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class SectionInfo:
    title: str
    kind: str
    points: float  # per question
    instructions: str | None = None


@dataclass(frozen=True)
class ExamLayout:
    """What the exam screen and the report need besides the slots: saved with the exam,
    so that a resumed exam does not depend on the blueprint file any more."""

    title: str
    blueprint: str
    duration_minutes: float
    total_points: float
    show_grades: bool
    sections: tuple[SectionInfo, ...]
    slot_sections: tuple[int, ...]  # slot -> index into sections
    slot_points: tuple[float, ...]  # slot -> points of the question

    def to_json(self) -> dict[str, Any]:
        return {
            "version": LAYOUT_VERSION,
            "title": self.title,
            "blueprint": self.blueprint,
            "duration_minutes": self.duration_minutes,
            "total_points": self.total_points,
            "show_grades": self.show_grades,
            "sections": [
                {
                    "title": s.title,
                    "kind": s.kind,
                    "points": s.points,
                    "instructions": s.instructions,
                }
                for s in self.sections
            ],  # fmt: skip
            "slot_sections": list(self.slot_sections),
            "slot_points": list(self.slot_points),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExamLayout:
        if data.get("version") != LAYOUT_VERSION:
            raise UserError("this exam was saved by another version of dlquiz and can't be shown")
        return cls(
            title=str(data["title"]),
            blueprint=str(data["blueprint"]),
            duration_minutes=float(data["duration_minutes"]),
            total_points=float(data["total_points"]),
            show_grades=bool(data["show_grades"]),
            sections=tuple(
                SectionInfo(str(s["title"]), str(s["kind"]), float(s["points"]), s["instructions"])
                for s in data["sections"]
            ),
            slot_sections=tuple(int(i) for i in data["slot_sections"]),
            slot_points=tuple(float(p) for p in data["slot_points"]),
        )


@dataclass(frozen=True)
class ExamPlan:
    """An assembled exam: the (question, variant seed) of every slot, in order."""

    blueprint: str
    seed: int
    questions: tuple[Question, ...]
    seeds: tuple[int, ...]
    layout: ExamLayout

    def slots(self) -> list[tuple[str, int]]:
        return [(q.id, seed) for q, seed in zip(self.questions, self.seeds, strict=True)]


# --------------------------------------------------------------------------- assembly


def _quotas(
    available: Mapping[int, int], weights: Mapping[int, float], count: int
) -> dict[int, int]:
    """How many questions each lecture gives: proportional to weight (largest remainders),
    capped by what the lecture has; what a capped lecture can't give goes to the others."""
    quotas = dict.fromkeys(available, 0)
    remaining = count
    while remaining > 0:
        open_lectures = [
            lec for lec in sorted(available) if quotas[lec] < available[lec] and weights[lec] > 0
        ]
        if not open_lectures:
            break
        total = sum(weights[lec] for lec in open_lectures)
        shares = {lec: remaining * weights[lec] / total for lec in open_lectures}
        for lec in open_lectures:
            extra = min(int(shares[lec]), available[lec] - quotas[lec])
            quotas[lec] += extra
            remaining -= extra
        by_remainder = sorted(open_lectures, key=lambda lec: int(shares[lec]) - shares[lec])
        for lec in by_remainder:
            if remaining == 0:
                break
            if quotas[lec] < available[lec]:
                quotas[lec] += 1
                remaining -= 1
    return quotas


def assemble(loaded: LoadedBlueprint, questions: Sequence[Question], seed: int) -> ExamPlan:
    """The exam for ``seed``; a section the bank cannot fill raises a located UserError."""
    blueprint = loaded.blueprint
    used: set[str] = set()
    chosen: list[Question] = []
    seeds: list[int] = []
    slot_sections: list[int] = []
    slot_points: list[float] = []
    for index, section in enumerate(blueprint.sections):
        section_filter = PracticeFilter(
            lectures=section.filter.lectures, topics=section.filter.topics, types=section.types
        )
        matching = sorted((q for q in questions if section_filter.matches(q)), key=_by_id)
        candidates = [q for q in matching if q.id not in used]
        if len(candidates) < section.count:
            taken = len(matching) - len(candidates)
            earlier = f" ({taken} more are used by earlier sections)" if taken else ""
            raise UserError(
                f"{loaded.position(('sections', index, 'count'))}: section "
                f"{section.title!r} needs {section.count} questions but the bank has only "
                f"{len(candidates)} matching ({describe_filter(section)}){earlier}"
            )
        rng = random.Random(f"exam:{loaded.name}:{seed}:{index}")
        by_lecture: dict[int, list[Question]] = {}
        for question in candidates:
            by_lecture.setdefault(question.lecture, []).append(question)
        weights = {lec: blueprint.weight(lec) for lec in by_lecture}
        if sum(len(by_lecture[lec]) for lec in by_lecture if weights[lec] > 0) < section.count:
            weights = dict.fromkeys(by_lecture, 1.0)  # weights of 0 would leave it unfillable
        quotas = _quotas({lec: len(qs) for lec, qs in by_lecture.items()}, weights, section.count)
        picked: list[Question] = []
        for lecture in sorted(by_lecture):
            group = rng.sample(by_lecture[lecture], quotas[lecture])
            picked.extend(sorted(group, key=lambda q: rng.random()))
        for question in picked:
            used.add(question.id)
            chosen.append(question)
            seeds.append(rng.randrange(MAX_SEED) if question.is_parametric else 0)
            slot_sections.append(index)
            slot_points.append(section.points)
    layout = ExamLayout(
        title=blueprint.title,
        blueprint=loaded.name,
        duration_minutes=blueprint.duration_minutes,
        total_points=blueprint.total_points,
        show_grades=blueprint.show_grades,
        sections=tuple(
            SectionInfo(s.title, s.kind, s.points, s.instructions) for s in blueprint.sections
        ),
        slot_sections=tuple(slot_sections),
        slot_points=tuple(slot_points),
    )
    return ExamPlan(loaded.name, seed, tuple(chosen), tuple(seeds), layout)


def _by_id(question: Question) -> str:
    return question.id
