"""The typed, frozen rows of the progress store and its errors (see :mod:`quizbank.store`)."""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from quizbank.clock import utc
from quizbank.errors import UserError

__all__ = [
    "DB_NAME",
    "CorruptDatabase",
    "ExamClosed",
    "NewerDatabase",
    "StoreError",
    "StoreLocked",
    "StoreUnavailable",
    "is_locked",
    "translate_error",
    "MODES",
    "OUTCOMES",
    "Attempt",
    "CardRow",
    "Exam",
    "ExamAnswer",
    "ExamSlot",
    "OutcomeCount",
    "Review",
    "Session",
    "check_attempt",
    "iso",
]

DB_NAME = "progress.sqlite"
MODES = ("practice", "review", "cram", "exam", "preview")
OUTCOMES = ("correct", "incorrect", "invalid")
_MAX_SEED = 2**63 - 1  # SQLite integers are signed 64-bit


def iso(moment: datetime) -> str:
    """The stored form of a time: UTC with microseconds, so that text order is time order."""
    return utc(moment).isoformat(timespec="microseconds")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


def _required_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Attempt:
    """One graded answer. ``id`` and ``created_at`` are filled in by the store."""

    question_id: str
    outcome: str
    score: float
    mode: str
    part_id: str = ""
    seed: int = 0
    answer: str = ""
    mistake: str | None = None
    lecture: int | None = None
    topic: str = ""
    qtype: str = ""
    seconds: float = 0.0
    session_id: int | None = None
    created_at: datetime | None = None
    id: int | None = None

    @property
    def graded(self) -> bool:
        """Whether it counts towards accuracy (an unreadable answer never counts as wrong)."""
        return self.outcome != "invalid"

    @property
    def correct(self) -> bool:
        return self.outcome == "correct"

    @classmethod
    def from_row(cls, row: Any) -> Attempt:
        (id_, question_id, part_id, seed, answer, outcome, score, mistake, lecture, topic,
         qtype, seconds, mode, session_id, created_at) = row  # fmt: skip
        return cls(
            question_id=question_id,
            outcome=outcome,
            score=float(score),
            mode=mode,
            part_id=part_id,
            seed=int(seed),
            answer=answer,
            mistake=mistake,
            lecture=lecture,
            topic=topic,
            qtype=qtype,
            seconds=float(seconds),
            session_id=session_id,
            created_at=_required_time(created_at),
            id=int(id_),
        )


def check_attempt(attempt: Attempt) -> None:
    """Reject an attempt the caller built wrongly (a bug, not the student's fault)."""
    if not attempt.question_id:
        raise ValueError("an attempt needs a question id")
    if attempt.outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {attempt.outcome!r}")
    if attempt.mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {attempt.mode!r}")
    if not (0.0 <= attempt.score <= 1.0) or math.isnan(attempt.score):
        raise ValueError(f"score must be within 0..1, not {attempt.score}")
    if not 0 <= attempt.seed <= _MAX_SEED:
        raise ValueError(f"seed must be within 0..2**63-1, not {attempt.seed}")
    if not math.isfinite(attempt.seconds) or attempt.seconds < 0:
        raise ValueError(f"seconds must be a finite number >= 0, not {attempt.seconds}")


@dataclass(frozen=True)
class Session:
    id: int
    mode: str
    started_at: datetime
    ended_at: datetime | None
    filters: dict[str, Any]

    @classmethod
    def from_row(cls, row: Any) -> Session:
        id_, mode, started_at, ended_at, filters_json = row
        return cls(id_, mode, _required_time(started_at), _time(ended_at), json.loads(filters_json))


@dataclass(frozen=True)
class OutcomeCount:
    """How often answers in one group were correct, incorrect or unreadable."""

    key: Any
    correct: int
    incorrect: int
    invalid: int

    @property
    def answers(self) -> int:
        return self.correct + self.incorrect + self.invalid

    @property
    def graded(self) -> int:
        """Answers that count towards accuracy (an unreadable one never counts as wrong)."""
        return self.correct + self.incorrect

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.graded if self.graded else None


@dataclass(frozen=True)
class CardRow:
    """A question's FSRS card (``fsrs.Card.to_json()``) and when it is due."""

    question_id: str
    card_json: str
    due: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> CardRow:
        question_id, card_json, due, updated_at = row
        return cls(question_id, card_json, _required_time(due), _required_time(updated_at))


@dataclass(frozen=True)
class Review:
    id: int
    question_id: str
    rating: int
    reviewed_at: datetime
    due_after: datetime

    @classmethod
    def from_row(cls, row: Any) -> Review:
        id_, question_id, rating, reviewed_at, due_after = row
        return cls(id_, question_id, rating, _required_time(reviewed_at), _required_time(due_after))


@dataclass(frozen=True)
class Exam:
    id: int
    blueprint: str
    seed: int
    started_at: datetime
    deadline: datetime
    duration_s: float
    submitted_at: datetime | None
    submit_reason: str | None
    show_grades: str
    state: dict[str, Any]
    score: float | None
    max_score: float | None

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    def remaining(self, now: datetime) -> timedelta:
        """Time left before the deadline (zero once it has passed)."""
        return max(self.deadline - now, timedelta(0))

    @classmethod
    def from_row(cls, row: Any) -> Exam:
        (id_, blueprint, seed, started_at, deadline, duration_s, submitted_at, submit_reason,
         show_grades, state_json, score, max_score) = row  # fmt: skip
        return cls(
            id=id_,
            blueprint=blueprint,
            seed=seed,
            started_at=_required_time(started_at),
            deadline=_required_time(deadline),
            duration_s=float(duration_s),
            submitted_at=_time(submitted_at),
            submit_reason=submit_reason,
            show_grades=show_grades,
            state=json.loads(state_json),
            score=score,
            max_score=max_score,
        )


@dataclass(frozen=True)
class ExamSlot:
    """One question of an exam, in order: which template, which variant, flag and time."""

    exam_id: int
    slot: int
    question_id: str
    seed: int
    flagged: bool
    seconds_spent: float

    @classmethod
    def from_row(cls, row: Any) -> ExamSlot:
        exam_id, slot, question_id, seed, flagged, seconds_spent = row
        return cls(exam_id, slot, question_id, seed, bool(flagged), float(seconds_spent))


@dataclass(frozen=True)
class ExamAnswer:
    """The latest response to one part of one exam slot, as saved (JSON value)."""

    exam_id: int
    slot: int
    part_id: str
    response: Any
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ExamAnswer:
        exam_id, slot, part_id, response_json, updated_at = row
        return cls(exam_id, slot, part_id, json.loads(response_json), _required_time(updated_at))


# ----------------------------------------------------------------- errors


class StoreError(UserError):
    """The progress store cannot be used; the message says why and what to do."""


class CorruptDatabase(StoreError):
    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        lines = [line.strip() for line in detail.splitlines()]
        lines = [line for line in lines if line and not line.startswith("***")]
        first = lines[0] if lines else "integrity check failed"  # one line, never a dump
        first = first if len(first) <= 100 else first[:97] + "..."
        super().__init__(
            f"the progress database {path} is damaged ({first}); run again with "
            "--reset-corrupt-db to move it aside and start fresh (nothing is deleted)"
        )


class StoreUnavailable(StoreError):
    """Read-only folder, full disk, I/O error: nothing can be saved right now."""


class StoreLocked(StoreUnavailable):
    """Another process kept the database locked for longer than the timeout."""


class NewerDatabase(StoreError):
    """The database was written by a newer dlquiz with a schema this one does not know."""


class ExamClosed(StoreError):
    """An answer arrived for an exam that was already submitted."""


def translate_error(
    error: sqlite3.Error, action: str, path: Path | None, timeout: float
) -> Exception:
    """A clear :class:`StoreError` for an SQLite error; bugs (bad SQL, constraints) stay as is."""
    if isinstance(error, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return error
    message = str(error).lower()
    where = str(path) if path else "the progress database"
    safe = "progress saved earlier is safe"
    if "locked" in message or "busy" in message:
        return StoreLocked(
            f"could not {action}: {where} is in use by another dlquiz and stayed locked for "
            f"{timeout:g} s; close the other dlquiz and try again"
        )
    if "full" in message:
        return StoreUnavailable(
            f"could not {action}: the disk holding {where} is full; free some space and try "
            f"again ({safe})"
        )
    if "readonly" in message or "read-only" in message or "unable to open" in message:
        return StoreUnavailable(
            f"could not {action}: {where} or its folder is read-only or not accessible; make "
            f"them writable or choose another --data-dir ({safe})"
        )
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return CorruptDatabase(path or Path(DB_NAME), str(error))
    return StoreUnavailable(f"could not {action}: {where}: {error}")


def is_locked(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)
