"""The progress store: every attempt, session, review and exam answer, in SQLite.

The file is ``<data dir>/progress.sqlite`` (see :func:`quizbank.paths.resolve_data_dir`).
Tables (exact schema in :mod:`quizbank.migrations`):

- ``attempts``: one row per graded answer (each part of a problem is a row): question id,
  part id, seed, the answer text, outcome (correct/incorrect/invalid), score 0..1, the
  named mistake, the question's lecture/topic/type, seconds taken, mode
  (practice/review/cram/exam/preview), session and time.
- ``sessions``: a practice/review/cram/exam run with its filters as JSON.
- ``srs_cards``: the FSRS card of each question template (``fsrs.Card`` as JSON) and when
  it is due; ``review_log``: every review's rating (1-4), time and next due date.
- ``exams``: a mock exam (blueprint, seed, start, deadline, submission and its reason,
  ``state_json`` for the exam screen, score); ``exam_slots``: its questions in order with
  seed, flag and seconds spent; ``exam_answers``: the latest response per slot and part
  as JSON; ``exam_self_ratings``: again/hard/good/easy for open questions.

Durability: WAL journal, ``synchronous=FULL``, and every write is its own transaction
(``BEGIN IMMEDIATE`` ... ``COMMIT``); a method returns only after the commit. Another
process holding the lock is waited for (busy timeout plus retries) up to ``timeout``.

Errors are :class:`~quizbank.errors.UserError` subclasses with one-line messages:
:class:`CorruptDatabase` (the file is never touched; :meth:`Store.recover` moves it aside
only when asked), :class:`StoreUnavailable` (read-only folder, full disk, I/O error),
:class:`StoreLocked` and :class:`NewerDatabase`. Progress committed earlier is never lost.

The rows and errors live in :mod:`quizbank.store_types`, the exam methods in
:mod:`quizbank.store_exams`; import everything from here.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from quizbank.clock import Clock, SystemClock, utc
from quizbank.migrations import LATEST_VERSION, migrate, user_version
from quizbank.store_exams import ExamRecords, SubmitReason
from quizbank.store_types import (
    DB_NAME,
    MODES,
    Attempt,
    CardRow,
    CorruptDatabase,
    Exam,
    ExamAnswer,
    ExamClosed,
    ExamSlot,
    NewerDatabase,
    OutcomeCount,
    Review,
    Session,
    StoreError,
    StoreLocked,
    StoreUnavailable,
    check_attempt,
    is_locked,
    iso,
    translate_error,
)

__all__ = [
    "DB_NAME",
    "MODES",
    "Attempt",
    "CardRow",
    "CorruptDatabase",
    "Exam",
    "ExamAnswer",
    "ExamClosed",
    "ExamSlot",
    "NewerDatabase",
    "OutcomeCount",
    "Review",
    "Session",
    "Store",
    "StoreError",
    "StoreLocked",
    "StoreUnavailable",
    "SubmitReason",
    "move_aside",
    "open_store",
]

DEFAULT_TIMEOUT = 5.0
_SIDE_FILES = ("-wal", "-shm", "-journal")
T = TypeVar("T")


@dataclass
class Store(ExamRecords):
    """An open progress database. Thread-safe; use :meth:`open`, not the constructor."""

    connection: sqlite3.Connection
    path: Path | None
    clock: Clock
    timeout: float = DEFAULT_TIMEOUT
    moved_aside: Path | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # ----------------------------------------------------------------- opening and closing

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        clock: Clock | None = None,
        create: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Store:
        path = data_dir / DB_NAME
        existed = cls.exists(data_dir)
        if existed and path.is_dir():
            raise StoreUnavailable(f"{path} is a folder, not a progress database")
        if not existed:
            if not create:
                raise StoreUnavailable(f"no progress has been saved in {data_dir} yet")
            try:
                data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreUnavailable(
                    f"cannot create the data folder {data_dir} ({error.strerror}); "
                    "choose another --data-dir"
                ) from error
        if cls.exists(data_dir) and path.stat().st_size > 0:
            _check_integrity(path, timeout)
        try:
            connection = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise translate_error(error, "open the progress database", path, timeout) from error
        store = cls(connection, path, clock or SystemClock(), timeout)
        try:
            store._prepare()
        except BaseException:
            connection.close()
            raise
        return store

    @staticmethod
    def exists(data_dir: Path) -> bool:
        """Whether progress was saved in ``data_dir`` (a clear error if it cannot be read)."""
        path = data_dir / DB_NAME
        try:
            return path.exists()
        except OSError as error:  # e.g. a folder on the way that we may not enter
            raise StoreUnavailable(
                f"cannot look into {data_dir} ({error.strerror}); check its permissions or "
                "choose another --data-dir"
            ) from error

    @classmethod
    def in_memory(cls, *, clock: Clock | None = None) -> Store:
        """A throwaway store (nothing on disk): for tests and for empty statistics."""
        connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        store = cls(connection, None, clock or SystemClock())
        store._prepare()
        return store

    @classmethod
    def recover(cls, data_dir: Path, *, clock: Clock | None = None) -> Store:
        """Move a damaged database aside (never delete it) and start a fresh one.

        Call this only after the user asked for it (``--reset-corrupt-db`` or a confirmation).
        ``store.moved_aside`` says where the old file went.
        """
        clock = clock or SystemClock()
        moved = move_aside(data_dir, clock)
        store = cls.open(data_dir, clock=clock)
        store.moved_aside = moved
        return store

    def _prepare(self) -> None:
        connection = self.connection
        connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        connection.execute("PRAGMA foreign_keys = ON")
        self._retrying("open the progress database", self._set_up)

    def _set_up(self) -> None:
        connection = self.connection
        found = user_version(connection)
        if found > LATEST_VERSION:  # checked first: a newer file is left byte for byte
            raise NewerDatabase(
                f"{self.path} was written by a newer dlquiz (schema version {found}, this "
                f"dlquiz knows up to {LATEST_VERSION}); upgrade dlquiz or use another --data-dir"
            )
        if self.path is not None:
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreUnavailable(f"could not switch {self.path} to WAL mode (got {mode})")
        connection.execute("PRAGMA synchronous = FULL")
        migrate(connection)

    def close(self) -> None:
        with self._lock:
            self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------- transactions

    def _retrying(self, action: str, work: Callable[[], T]) -> T:
        deadline = time.monotonic() + self.timeout
        delay = 0.01
        while True:
            try:
                return work()
            except sqlite3.Error as error:
                # The busy handler is not called in every case (e.g. WAL recovery): retry.
                if is_locked(error) and time.monotonic() < deadline:
                    time.sleep(delay)
                    delay = min(delay * 2, 0.25)
                    continue
                raise translate_error(error, action, self.path, self.timeout) from error

    def _transaction(self, begin: str, work: Callable[[sqlite3.Connection], T]) -> T:
        connection = self.connection
        connection.execute(begin)
        try:
            result = work(connection)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                try:
                    connection.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # SQLite may already have rolled back (e.g. disk full)
            raise
        return result

    def _write(self, action: str, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return self._retrying(action, lambda: self._transaction("BEGIN IMMEDIATE", work))

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return self._retrying(
                "read the progress database", lambda: self._transaction("BEGIN", work)
            )

    def _query(self, sql: str, parameters: Sequence[object] = ()) -> list[Any]:
        return self._read(lambda connection: connection.execute(sql, parameters).fetchall())

    def set_page_limit(self, pages: int) -> None:
        """Cap the file at ``pages`` pages: how tests simulate a full disk."""
        with self._lock:
            self.connection.execute(f"PRAGMA max_page_count = {int(pages)}")

    def page_count(self) -> int:
        return int(self._query("PRAGMA page_count")[0][0])

    # ----------------------------------------------------------------- attempts and sessions

    def record_attempt(self, attempt: Attempt) -> int:
        """Save a graded answer; returns its id once it is committed to disk."""
        check_attempt(attempt)
        created = iso(attempt.created_at or self.clock.now())
        values = (
            attempt.question_id, attempt.part_id, attempt.seed, attempt.answer,
            attempt.outcome, attempt.score, attempt.mistake, attempt.lecture, attempt.topic,
            attempt.qtype, attempt.seconds, attempt.mode, attempt.session_id, created,
        )  # fmt: skip
        sql = (
            "INSERT INTO attempts (question_id, part_id, seed, answer, outcome, score, mistake,"
            " lecture, topic, qtype, seconds, mode, session_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        return self._write("save the attempt", lambda c: int(c.execute(sql, values).lastrowid or 0))

    def attempts(
        self,
        *,
        question_id: str | None = None,
        modes: Collection[str] | None = None,
        since: datetime | None = None,
        include_invalid: bool = True,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[Attempt]:
        clauses: list[str] = []
        parameters: list[object] = []
        if question_id is not None:
            clauses.append("question_id = ?")
            parameters.append(question_id)
        if modes is not None:
            clauses.append(f"mode IN ({', '.join('?' * len(modes))})")
            parameters.extend(modes)
        if since is not None:
            clauses.append("created_at >= ?")
            parameters.append(iso(since))
        if not include_invalid:
            clauses.append("outcome != 'invalid'")
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        order = " ORDER BY id DESC" if newest_first else " ORDER BY id"
        limit_sql = f" LIMIT {int(limit)}" if limit is not None else ""
        rows = self._query(f"SELECT * FROM attempts{where}{order}{limit_sql}", parameters)
        return [Attempt.from_row(row) for row in rows]

    def last_seen(self) -> dict[str, datetime]:
        """When each question was last answered (any mode)."""
        rows = self._query("SELECT question_id, MAX(created_at) FROM attempts GROUP BY 1")
        return {row[0]: datetime.fromisoformat(row[1]) for row in rows}

    def outcome_counts(
        self,
        by: Literal["lecture", "topic", "qtype", "question_id"],
        *,
        modes: Collection[str] | None = None,
    ) -> list[OutcomeCount]:
        """Correct/incorrect/invalid counts grouped by a column, ordered by that column."""
        where = f" WHERE mode IN ({', '.join('?' * len(modes))})" if modes is not None else ""
        rows = self._query(
            f"SELECT {by}, SUM(outcome = 'correct'), SUM(outcome = 'incorrect'),"
            f" SUM(outcome = 'invalid') FROM attempts{where} GROUP BY 1 ORDER BY 1",
            list(modes or ()),
        )
        return [OutcomeCount(row[0], row[1], row[2], row[3]) for row in rows]

    def mistake_counts(
        self, *, modes: Collection[str] | None = None, limit: int = 10
    ) -> list[tuple[str, int]]:
        """The most frequent named mistakes, most frequent first."""
        mode_sql = f" AND mode IN ({', '.join('?' * len(modes))})" if modes is not None else ""
        rows = self._query(
            "SELECT mistake, COUNT(*) FROM attempts WHERE mistake IS NOT NULL"
            f" AND outcome != 'invalid'{mode_sql} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
            [*(modes or ()), limit],
        )
        return [(row[0], int(row[1])) for row in rows]

    def start_session(self, mode: str, filters: Mapping[str, object] | None = None) -> int:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        values = (mode, iso(self.clock.now()), json.dumps(dict(filters or {})))
        sql = "INSERT INTO sessions (mode, started_at, filters_json) VALUES (?, ?, ?)"
        return self._write(
            "start the session", lambda c: int(c.execute(sql, values).lastrowid or 0)
        )

    def end_session(self, session_id: int) -> None:
        sql = "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL"
        values = (iso(self.clock.now()), session_id)
        self._write("end the session", lambda c: c.execute(sql, values))

    def session(self, session_id: int) -> Session | None:
        rows = self._query("SELECT * FROM sessions WHERE id = ?", [session_id])
        return Session.from_row(rows[0]) if rows else None

    # ----------------------------------------------------------------- spaced repetition

    def card(self, question_id: str) -> CardRow | None:
        rows = self._query("SELECT * FROM srs_cards WHERE question_id = ?", [question_id])
        return CardRow.from_row(rows[0]) if rows else None

    def cards(self) -> list[CardRow]:
        return [CardRow.from_row(row) for row in self._query("SELECT * FROM srs_cards ORDER BY 1")]

    def save_review(self, question_id: str, card_json: str, due: datetime, rating: int) -> None:
        """Store a question's new card and log the review, in one transaction."""
        now = iso(self.clock.now())

        def work(connection: sqlite3.Connection) -> None:
            connection.execute(
                "INSERT INTO srs_cards (question_id, card_json, due, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (question_id) DO UPDATE SET"
                " card_json = excluded.card_json, due = excluded.due,"
                " updated_at = excluded.updated_at",
                (question_id, card_json, iso(due), now),
            )
            connection.execute(
                "INSERT INTO review_log (question_id, rating, reviewed_at, due_after)"
                " VALUES (?, ?, ?, ?)",
                (question_id, int(rating), now, iso(due)),
            )

        self._write("save the review", work)

    def reviews(self, question_id: str | None = None) -> list[Review]:
        where, parameters = ("WHERE question_id = ?", [question_id]) if question_id else ("", [])
        rows = self._query(f"SELECT * FROM review_log {where} ORDER BY id", parameters)
        return [Review.from_row(row) for row in rows]

    def due_question_ids(self, until: datetime) -> list[str]:
        """Questions whose card is due at or before ``until``, most overdue first."""
        rows = self._query(
            "SELECT question_id FROM srs_cards WHERE due <= ? ORDER BY due, 1", [iso(until)]
        )
        return [row[0] for row in rows]


def _check_integrity(path: Path, timeout: float) -> None:
    """Raise :class:`CorruptDatabase` if ``PRAGMA quick_check`` finds damage.

    A read-only connection does it: closing it never checkpoints into, or deletes, the
    -wal file of a damaged database, which may hold the latest answers.
    """
    try:
        checker = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
        try:
            rows = checker.execute("PRAGMA quick_check").fetchall()
        finally:
            checker.close()
    except sqlite3.Error as error:
        raise translate_error(error, "open the progress database", path, timeout) from error
    if [row[0] for row in rows] != ["ok"]:
        raise CorruptDatabase(path, str(rows[0][0]))


def move_aside(data_dir: Path, clock: Clock) -> Path:
    """Rename ``progress.sqlite`` (and its -wal/-shm) to ``progress.sqlite.corrupt-<time>``."""
    path = data_dir / DB_NAME
    stamp = utc(clock.now()).strftime("%Y%m%dT%H%M%SZ")
    target = data_dir / f"{DB_NAME}.corrupt-{stamp}"
    counter = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", *_SIDE_FILES)):
        counter += 1
        target = data_dir / f"{DB_NAME}.corrupt-{stamp}-{counter}"
    try:
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                side.rename(f"{target}{suffix}")
        if path.exists():
            path.rename(target)
    except OSError as error:
        raise StoreUnavailable(
            f"could not move the damaged {path} aside ({error.strerror}); move it yourself "
            "and start dlquiz again"
        ) from error
    return target


def open_store(data_dir: Path, *, clock: Clock | None = None, reset_corrupt: bool = False) -> Store:
    """Open the store; with ``reset_corrupt`` a damaged file is moved aside and replaced."""
    try:
        return Store.open(data_dir, clock=clock)
    except CorruptDatabase:
        if not reset_corrupt:
            raise
        return Store.recover(data_dir, clock=clock)
