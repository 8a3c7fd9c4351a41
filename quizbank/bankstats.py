"""`dlquiz bank stats`: what the bank holds, per lecture and type, as a table or JSON.

Also lists the questions that could have a reference model but have none: numeric and
shape answers computed by a solver whose result a tiny PyTorch model can observe (output
shapes, parameter counts, DataLoader iterations, optimiser steps).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from quizbank.schema import QUESTION_TYPES, SolverAnswer

if TYPE_CHECKING:
    from quizbank.loader import Bank

__all__ = ["MODEL_FITS", "BankStats", "ModelCandidate", "bank_stats"]

# solver -> what kind of fact a reference model would observe for it
MODEL_FITS: Final = {
    **dict.fromkeys(
        (
            "conv_out",
            "pool_out",
            "convt_out",
            "conv2d_shape",
            "pool2d_shape",
            "convt2d_shape",
            "receptive_field",
        ),
        "shape",
    ),
    **dict.fromkeys(
        (
            "layer_stack",
            "stack_params",
            "linear_params",
            "conv_params",
            "convt_params",
            "batchnorm_params",
            "embedding_params",
            "rnn_params",
            "mlp_params",
        ),
        "param",
    ),
    "iterations": "iteration",
    **dict.fromkeys(
        (
            "sgd_step",
            "momentum_step",
            "adam_step",
            "adam_steps",
            "rmsprop_step",
            "weight_decay_compare",
        ),
        "optimizer",
    ),
}


@dataclass(frozen=True)
class ModelCandidate:
    """A numeric or shape answer that a reference model could cross-check."""

    question_id: str
    part: str
    solver: str
    kind: str


@dataclass
class BankStats:
    questions: int = 0
    lectures: dict[int, str] = field(default_factory=dict)
    by_lecture_type: dict[int, Counter[str]] = field(default_factory=dict)
    parametric: int = 0
    with_reference_model: int = 0
    topics: Counter[str] = field(default_factory=Counter)
    model_candidates: list[ModelCandidate] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(types[kind] for types in self.by_lecture_type.values())

    def share(self, count: int) -> float:
        return round(count / self.questions, 4) if self.questions else 0.0

    def to_json(self) -> dict[str, Any]:
        by_type = {kind: self.count(kind) for kind in QUESTION_TYPES}
        return {
            "questions": self.questions,
            "by_type": by_type,
            "by_lecture": {
                str(lecture): {
                    "title": self.lectures.get(lecture, ""),
                    "total": sum(types.values()),
                    "types": {kind: types[kind] for kind in QUESTION_TYPES},
                }
                for lecture, types in sorted(self.by_lecture_type.items())
            },
            "problems_per_lecture": {
                str(lecture): types["problem"]
                for lecture, types in sorted(self.by_lecture_type.items())
            },
            "parametric": {"count": self.parametric, "share": self.share(self.parametric)},
            "multi": {"count": by_type["multi"], "share": self.share(by_type["multi"])},
            "open": {"count": by_type["open"], "share": self.share(by_type["open"])},
            "topics": dict(sorted(self.topics.items(), key=lambda item: (-item[1], item[0]))),
            "reference_models": {
                "questions_with": self.with_reference_model,
                "missing": [
                    {"id": c.question_id, "part": c.part, "solver": c.solver, "kind": c.kind}
                    for c in self.model_candidates
                ],
            },
        }

    def to_text(self) -> str:
        """A Markdown table (for the README) and the other figures below it."""
        header = ["lecture", *QUESTION_TYPES, "total"]
        rows = [header, ["---", *(["--:"] * (len(header) - 1))]]
        for lecture, types in sorted(self.by_lecture_type.items()):
            title = self.lectures.get(lecture, "")
            cells = [str(types[kind]) for kind in QUESTION_TYPES]
            rows.append([f"{lecture:2d} {title}".rstrip(), *cells, str(sum(types.values()))])
        totals = [str(self.count(kind)) for kind in QUESTION_TYPES]
        rows.append(["**all**", *totals, str(self.questions)])
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines += ["", *self._figures()]
        return "\n".join(lines) + "\n"

    def _figures(self) -> Iterator[str]:
        def percent(count: int) -> str:
            return f"{count} ({self.share(count):.0%})"

        yield f"questions: {self.questions}"
        yield f"parametric: {percent(self.parametric)}"
        yield f"multi-select: {percent(self.count('multi'))}"
        yield f"open (self-rated): {percent(self.count('open'))}"
        problems = ", ".join(
            f"L{lecture}: {types['problem']}"
            for lecture, types in sorted(self.by_lecture_type.items())
        )
        yield f"problems per lecture: {problems or 'none'}"
        yield f"with a reference model: {percent(self.with_reference_model)}"
        yield ""
        yield f"topics ({len(self.topics)}):"
        for topic, count in sorted(self.topics.items(), key=lambda item: (-item[1], item[0])):
            yield f"  {count:4d}  {topic}"
        yield ""
        yield f"could have a reference model ({len(self.model_candidates)}):"
        for candidate in self.model_candidates:
            part = f" part {candidate.part}" if candidate.part else ""
            yield f"  {candidate.question_id}{part}: {candidate.solver} ({candidate.kind})"


def _bodies(question: Any) -> Sequence[tuple[str, Any]]:
    if question.type == "problem":
        return [(part.id, part) for part in question.parts]
    return [("", question)]


def bank_stats(bank: Bank) -> BankStats:
    stats = BankStats(lectures=dict(bank.lectures))
    for question in bank.questions:
        stats.questions += 1
        stats.by_lecture_type.setdefault(question.lecture, Counter())[question.type] += 1
        stats.topics[question.topic] += 1
        stats.parametric += question.is_parametric
        bodies = _bodies(question)
        stats.with_reference_model += any(body.reference_model for _, body in bodies)
        for part, body in bodies:
            answer = getattr(body, "answer", None)
            if (
                body.type in ("numeric", "shape")
                and isinstance(answer, SolverAnswer)
                and answer.solver in MODEL_FITS
                and body.reference_model is None
            ):
                kind = MODEL_FITS[answer.solver]
                stats.model_candidates.append(
                    ModelCandidate(question.id, part, answer.solver, kind)
                )
    return stats
