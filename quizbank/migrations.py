"""The progress database's schema, as numbered migration steps.

``PRAGMA user_version`` holds the number of steps applied. Opening a database applies the
missing steps in order, all in one transaction, so a crash mid-migration leaves the old
version intact. Never edit a released step: append a new one.

Timestamps are ISO 8601 text in UTC with microseconds (``2025-01-06T09:00:00.000000+00:00``),
so they sort as text. See :mod:`quizbank.store` for what each table means.
"""

from __future__ import annotations

import sqlite3

__all__ = ["LATEST_VERSION", "MIGRATIONS", "migrate", "user_version"]

_MODES = "('practice', 'review', 'cram', 'exam', 'preview')"

# Step 1: practice attempts, sessions and the spaced-repetition schedule.
_V1 = (
    f"""CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL CHECK (mode IN {_MODES}),
        started_at TEXT NOT NULL,
        ended_at TEXT,
        filters_json TEXT NOT NULL DEFAULT '{{}}'
    )""",
    f"""CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL,
        part_id TEXT NOT NULL DEFAULT '',
        seed INTEGER NOT NULL DEFAULT 0,
        answer TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL CHECK (outcome IN ('correct', 'incorrect', 'invalid')),
        score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
        mistake TEXT,
        lecture INTEGER,
        topic TEXT NOT NULL DEFAULT '',
        qtype TEXT NOT NULL DEFAULT '',
        seconds REAL NOT NULL DEFAULT 0,
        mode TEXT NOT NULL CHECK (mode IN {_MODES}),
        session_id INTEGER REFERENCES sessions(id),
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX attempts_by_question ON attempts(question_id, created_at)",
    """CREATE TABLE srs_cards (
        question_id TEXT PRIMARY KEY,
        card_json TEXT NOT NULL,
        due TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX srs_cards_by_due ON srs_cards(due)",
    """CREATE TABLE review_log (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at TEXT NOT NULL,
        due_after TEXT NOT NULL
    )""",
)

# Step 2: mock exams. An answer is saved the moment it changes, so a crash loses nothing.
_V2 = (
    """CREATE TABLE exams (
        id INTEGER PRIMARY KEY,
        blueprint TEXT NOT NULL,
        seed INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        deadline TEXT NOT NULL,
        duration_s REAL NOT NULL,
        submitted_at TEXT,
        submit_reason TEXT CHECK (submit_reason IN ('user', 'timeout', 'expired-while-closed')),
        show_grades TEXT NOT NULL DEFAULT 'after',
        state_json TEXT NOT NULL DEFAULT '{}',
        score REAL,
        max_score REAL
    )""",
    """CREATE TABLE exam_slots (
        exam_id INTEGER NOT NULL REFERENCES exams(id),
        slot INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        seed INTEGER NOT NULL,
        flagged INTEGER NOT NULL DEFAULT 0,
        seconds_spent REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (exam_id, slot)
    )""",
    """CREATE TABLE exam_answers (
        exam_id INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        part_id TEXT NOT NULL DEFAULT '',
        response_json TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (exam_id, slot, part_id),
        FOREIGN KEY (exam_id, slot) REFERENCES exam_slots(exam_id, slot)
    )""",
    """CREATE TABLE exam_self_ratings (
        exam_id INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        part_id TEXT NOT NULL DEFAULT '',
        rating TEXT NOT NULL CHECK (rating IN ('again', 'hard', 'good', 'easy')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (exam_id, slot, part_id),
        FOREIGN KEY (exam_id, slot) REFERENCES exam_slots(exam_id, slot)
    )""",
    "CREATE INDEX exams_open ON exams(submitted_at, started_at)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2)
LATEST_VERSION = len(MIGRATIONS)


def user_version(connection: sqlite3.Connection) -> int:
    row = connection.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(connection: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Apply the missing steps up to ``target``; return the version found before.

    A database newer than ``target`` is left untouched (the caller reports it). The
    connection must be in autocommit mode (``isolation_level=None``).
    """
    found = user_version(connection)
    if found >= target:
        return found
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the write lock.
        found = user_version(connection)
        for number in range(found + 1, target + 1):
            for statement in MIGRATIONS[number - 1]:
                connection.execute(statement)
        if found < target:
            connection.execute(f"PRAGMA user_version = {int(target)}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return found
