"""The mock-exam part of the progress store, mixed into :class:`quizbank.store.Store`.

An exam is created with its questions (slots) fixed; every answer, flag and second spent
is committed the moment it changes, so closing the terminal mid-exam loses nothing. The
exam screen finds an unfinished exam with :meth:`ExamRecords.open_exam` and submits it
with the reason ``user``, ``timeout`` or ``expired-while-closed``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Literal, TypeVar

from quizbank.clock import Clock
from quizbank.store_types import Exam, ExamAnswer, ExamClosed, ExamSlot, iso

__all__ = ["ExamRecords", "SubmitReason"]

T = TypeVar("T")
SubmitReason = Literal["user", "timeout", "expired-while-closed"]


class ExamRecords:
    """Exam methods; the store supplies the clock and the transactions."""

    clock: Clock

    def _write(self, action: str, work: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    def _query(self, sql: str, parameters: Sequence[object] = ()) -> list[Any]:
        raise NotImplementedError

    def create_exam(
        self,
        blueprint: str,
        seed: int,
        duration_s: float,
        slots: Sequence[tuple[str, int]],
        *,
        show_grades: str = "after",
        state: Mapping[str, Any] | None = None,
    ) -> Exam:
        """Start an exam now; ``slots`` are the (question id, seed) pairs in order."""
        started = self.clock.now()
        deadline = started + timedelta(seconds=duration_s)

        def work(connection: sqlite3.Connection) -> int:
            exam_id = int(
                connection.execute(
                    "INSERT INTO exams (blueprint, seed, started_at, deadline, duration_s,"
                    " show_grades, state_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (blueprint, seed, iso(started), iso(deadline), duration_s, show_grades,
                     json.dumps(dict(state or {}))),
                ).lastrowid or 0
            )  # fmt: skip
            connection.executemany(
                "INSERT INTO exam_slots (exam_id, slot, question_id, seed) VALUES (?, ?, ?, ?)",
                [(exam_id, slot, qid, qseed) for slot, (qid, qseed) in enumerate(slots)],
            )
            return exam_id

        exam = self.exam(self._write("start the exam", work))
        assert exam is not None
        return exam

    def exam(self, exam_id: int) -> Exam | None:
        rows = self._query("SELECT * FROM exams WHERE id = ?", [exam_id])
        return Exam.from_row(rows[0]) if rows else None

    def open_exam(self) -> Exam | None:
        """The most recent exam not yet submitted (it may be past its deadline)."""
        rows = self._query(
            "SELECT * FROM exams WHERE submitted_at IS NULL ORDER BY started_at DESC, id DESC"
        )
        return Exam.from_row(rows[0]) if rows else None

    def list_exams(self) -> list[Exam]:
        """Every exam, newest first."""
        rows = self._query("SELECT * FROM exams ORDER BY started_at DESC, id DESC")
        return [Exam.from_row(row) for row in rows]

    def exam_slots(self, exam_id: int) -> list[ExamSlot]:
        rows = self._query("SELECT * FROM exam_slots WHERE exam_id = ? ORDER BY slot", [exam_id])
        return [ExamSlot.from_row(row) for row in rows]

    def exam_answers(self, exam_id: int) -> list[ExamAnswer]:
        rows = self._query(
            "SELECT exam_id, slot, part_id, response_json, updated_at FROM exam_answers"
            " WHERE exam_id = ? ORDER BY slot, part_id",
            [exam_id],
        )
        return [ExamAnswer.from_row(row) for row in rows]

    def exam_self_ratings(self, exam_id: int) -> dict[tuple[int, str], str]:
        rows = self._query(
            "SELECT slot, part_id, rating FROM exam_self_ratings WHERE exam_id = ?", [exam_id]
        )
        return {(row[0], row[1]): row[2] for row in rows}

    def _exam_write(
        self, action: str, exam_id: int, sql: str, values: Sequence[object], *, open_only: bool
    ) -> None:
        def work(connection: sqlite3.Connection) -> None:
            row = connection.execute(
                "SELECT submitted_at FROM exams WHERE id = ?", (exam_id,)
            ).fetchone()
            if row is None:
                raise ValueError(f"no exam {exam_id}")
            if open_only and row[0] is not None:
                raise ExamClosed(f"exam {exam_id} was already submitted; could not {action}")
            if connection.execute(sql, values).rowcount == 0:
                raise ValueError(f"exam {exam_id} has no such slot")

        self._write(action, work)

    def save_answer(self, exam_id: int, slot: int, response: Any, part_id: str = "") -> None:
        """Save (or replace) one answer of an open exam; call it on every change."""
        sql = (
            "INSERT INTO exam_answers (exam_id, slot, part_id, response_json, updated_at)"
            " SELECT ?, ?, ?, ?, ? FROM exam_slots WHERE exam_id = ? AND slot = ?"
            " ON CONFLICT (exam_id, slot, part_id) DO UPDATE SET"
            " response_json = excluded.response_json, updated_at = excluded.updated_at"
        )
        values = (
            exam_id,
            slot,
            part_id,
            json.dumps(response),
            iso(self.clock.now()),
            exam_id,
            slot,
        )
        self._exam_write("save the answer", exam_id, sql, values, open_only=True)

    def set_flag(self, exam_id: int, slot: int, flagged: bool) -> None:
        sql = "UPDATE exam_slots SET flagged = ? WHERE exam_id = ? AND slot = ?"
        self._exam_write(
            "flag the question", exam_id, sql, (int(flagged), exam_id, slot), open_only=True
        )

    def add_time(self, exam_id: int, slot: int, seconds: float) -> None:
        """Add time spent on a slot (call it when the student leaves the question)."""
        sql = (
            "UPDATE exam_slots SET seconds_spent = seconds_spent + ? WHERE exam_id = ? AND slot = ?"
        )
        self._exam_write(
            "save the time", exam_id, sql, (max(0.0, seconds), exam_id, slot), open_only=True
        )

    def save_exam_state(self, exam_id: int, state: Mapping[str, Any]) -> None:
        sql = "UPDATE exams SET state_json = ? WHERE id = ?"
        self._exam_write(
            "save the exam", exam_id, sql, (json.dumps(dict(state)), exam_id), open_only=False
        )

    def rate_exam_answer(self, exam_id: int, slot: int, rating: str, part_id: str = "") -> None:
        """A self-rating (again/hard/good/easy) of an open question, given after the exam."""
        sql = (
            "INSERT INTO exam_self_ratings (exam_id, slot, part_id, rating, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (exam_id, slot, part_id) DO UPDATE SET"
            " rating = excluded.rating, updated_at = excluded.updated_at"
        )
        values = (exam_id, slot, part_id, rating, iso(self.clock.now()))
        self._exam_write("save the rating", exam_id, sql, values, open_only=False)

    def submit_exam(
        self,
        exam_id: int,
        reason: SubmitReason,
        *,
        score: float | None = None,
        max_score: float | None = None,
    ) -> bool:
        """Mark the exam submitted now; False if it already was (the first reason wins)."""
        sql = (
            "UPDATE exams SET submitted_at = ?, submit_reason = ?, score = ?, max_score = ?"
            " WHERE id = ? AND submitted_at IS NULL"
        )
        values = (iso(self.clock.now()), reason, score, max_score, exam_id)
        return bool(self._write("submit the exam", lambda c: c.execute(sql, values).rowcount))

    def set_exam_score(self, exam_id: int, score: float, max_score: float) -> None:
        sql = "UPDATE exams SET score = ?, max_score = ? WHERE id = ?"
        self._write("save the score", lambda c: c.execute(sql, (score, max_score, exam_id)))
