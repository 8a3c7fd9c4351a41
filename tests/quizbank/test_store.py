"""The progress store: round trips, migrations, exams, and clear errors."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizbank.clock import FakeClock
from quizbank.errors import UserError
from quizbank.migrations import LATEST_VERSION, migrate, user_version
from quizbank.store import (
    DB_NAME,
    Attempt,
    CorruptDatabase,
    ExamClosed,
    NewerDatabase,
    Store,
    StoreLocked,
    StoreUnavailable,
    open_store,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    with Store.open(tmp_path, clock=clock) as opened:
        yield opened


def attempt(question_id: str = "l03.cnn-out", **fields: object) -> Attempt:
    values: dict[str, object] = {"outcome": "correct", "score": 1.0, "mode": "practice"}
    values.update(fields)
    return Attempt(question_id=question_id, **values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- attempts


def test_an_attempt_round_trips_with_every_field(store: Store, clock: FakeClock) -> None:
    session = store.start_session("practice", {"lectures": [9]})
    recorded = attempt(
        part_id="b",
        seed=123456789,
        answer="(32 - 3)//1 + 1",
        outcome="incorrect",
        score=0.0,
        mistake="forgot-plus-one",
        lecture=9,
        topic="CNN output size",
        qtype="numeric",
        seconds=42.5,
        session_id=session,
    )
    attempt_id = store.record_attempt(recorded)
    (loaded,) = store.attempts()
    assert loaded == Attempt(**{**recorded.__dict__, "id": attempt_id, "created_at": clock.now()})


def test_attempts_filter_by_question_mode_time_and_validity(store: Store, clock: FakeClock) -> None:
    first = store.record_attempt(attempt("q-a"))
    clock.advance(3600)
    second = store.record_attempt(attempt("q-b", mode="review", outcome="invalid", score=0.0))
    third = store.record_attempt(attempt("q-a", mode="cram"))
    assert [a.id for a in store.attempts(question_id="q-a")] == [first, third]
    assert [a.id for a in store.attempts(modes=["review", "cram"])] == [second, third]
    assert [a.id for a in store.attempts(since=clock.now())] == [second, third]
    assert [a.id for a in store.attempts(include_invalid=False)] == [first, third]
    assert [a.id for a in store.attempts(newest_first=True, limit=2)] == [third, second]
    assert store.last_seen() == {"q-a": clock.now(), "q-b": clock.now()}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answer=st.text(max_size=200),
    seed=st.integers(0, 2**63 - 1),
    score=st.floats(0, 1),
    seconds=st.floats(0, 1e6),
    topic=st.text(max_size=40),
)
def test_any_answer_text_and_numbers_survive_a_round_trip(
    store: Store, answer: str, seed: int, score: float, seconds: float, topic: str
) -> None:
    attempt_id = store.record_attempt(
        attempt(answer=answer, seed=seed, score=score, seconds=seconds, topic=topic)
    )
    (loaded,) = [a for a in store.attempts() if a.id == attempt_id]
    assert (loaded.answer, loaded.seed, loaded.score, loaded.seconds, loaded.topic) == (
        answer,
        seed,
        score,
        seconds,
        topic,
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"outcome": "wrong"},
        {"mode": "homework"},
        {"score": 1.5},
        {"seed": -1},
        {"seconds": float("nan")},
        {"question_id": ""},
    ],
)
def test_a_malformed_attempt_is_rejected_before_it_is_written(
    store: Store, fields: dict[str, object]
) -> None:
    values = {"question_id": "q-a", **fields}
    with pytest.raises(ValueError):
        store.record_attempt(attempt(**values))  # type: ignore[arg-type]
    assert store.attempts() == []


def test_a_session_records_its_mode_filters_and_end(store: Store, clock: FakeClock) -> None:
    session_id = store.start_session("review", {"topics": ["rnn"]})
    clock.advance(600)
    store.end_session(session_id)
    session = store.session(session_id)
    assert session is not None
    assert (session.mode, session.filters) == ("review", {"topics": ["rnn"]})
    assert session.ended_at is not None
    assert session.ended_at - session.started_at == timedelta(seconds=600)


def test_outcome_and_mistake_counts(store: Store) -> None:
    store.record_attempt(attempt(lecture=3, outcome="incorrect", score=0, mistake="floor-ceil"))
    store.record_attempt(attempt(lecture=3, outcome="incorrect", score=0, mistake="floor-ceil"))
    store.record_attempt(attempt(lecture=3, mistake="one-bias"))
    store.record_attempt(attempt(lecture=4, outcome="invalid", score=0, mistake="ignored"))
    counts = {c.key: (c.correct, c.incorrect, c.invalid) for c in store.outcome_counts("lecture")}
    assert counts == {3: (1, 2, 0), 4: (0, 0, 1)}
    assert store.mistake_counts() == [("floor-ceil", 2), ("one-bias", 1)]


# --------------------------------------------------------------------------- the file


def test_the_file_is_in_wal_mode_with_full_sync_and_foreign_keys(store: Store) -> None:
    pragma = store.connection.execute
    assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert pragma("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert pragma("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.path is not None and store.path.name == DB_NAME


def test_data_survives_closing_and_reopening(tmp_path: Path, clock: FakeClock) -> None:
    with Store.open(tmp_path, clock=clock) as store:
        attempt_id = store.record_attempt(attempt())
    with Store.open(tmp_path, clock=clock) as store:
        assert [a.id for a in store.attempts()] == [attempt_id]


def test_an_empty_file_is_migrated_to_the_latest_version(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).touch()
    with Store.open(tmp_path) as store:
        assert user_version(store.connection) == LATEST_VERSION
        assert store.list_exams() == []


def test_a_version_1_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    assert migrate(connection, target=1) == 0
    connection.execute(
        "INSERT INTO attempts (question_id, outcome, score, mode, created_at)"
        " VALUES ('l01.old', 'correct', 1, 'practice', '2024-12-01T10:00:00.000000+00:00')"
    )
    assert user_version(connection) == 1
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "exams" not in tables
    connection.close()

    with Store.open(tmp_path, clock=FakeClock()) as store:
        assert user_version(store.connection) == LATEST_VERSION
        assert [a.question_id for a in store.attempts()] == ["l01.old"]
        exam = store.create_exam("mock", 1, 60, [("l01.old", 0)])
        assert store.open_exam() == exam


def test_a_database_from_a_newer_dlquiz_is_refused_untouched(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / DB_NAME)
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    connection.close()
    before = (tmp_path / DB_NAME).read_bytes()
    with pytest.raises(NewerDatabase, match="newer dlquiz") as error:
        Store.open(tmp_path)
    assert isinstance(error.value, UserError)
    assert "\n" not in str(error.value)
    assert (tmp_path / DB_NAME).read_bytes() == before


def test_a_file_that_is_not_a_database_is_reported_and_kept(tmp_path: Path) -> None:
    garbage = b"this is my thesis draft, not a database\n" * 200
    (tmp_path / DB_NAME).write_bytes(garbage)
    with pytest.raises(CorruptDatabase, match="--reset-corrupt-db") as error:
        Store.open(tmp_path)
    assert "\n" not in str(error.value)
    assert (tmp_path / DB_NAME).read_bytes() == garbage


def test_a_damaged_page_is_found_by_the_check_on_opening(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        for number in range(300):
            store.record_attempt(attempt(f"q-{number:03}", answer="x" * 100))
    path = tmp_path / DB_NAME
    data = bytearray(path.read_bytes())
    data[3 * 4096 : 4 * 4096] = b"\xa5" * 4096  # a b-tree page of the attempts table
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabase) as error:
        Store.open(tmp_path)
    assert "\n" not in str(error.value)
    assert path.read_bytes() == bytes(data)


def test_recover_moves_the_damaged_file_aside_and_starts_fresh(
    tmp_path: Path, clock: FakeClock
) -> None:
    garbage = b"\x00garbage" * 1000
    (tmp_path / DB_NAME).write_bytes(garbage)
    (tmp_path / f"{DB_NAME}-wal").write_bytes(b"wal bytes")
    with pytest.raises(CorruptDatabase):
        open_store(tmp_path, clock=clock)
    with open_store(tmp_path, clock=clock, reset_corrupt=True) as store:
        moved = store.moved_aside
        assert moved is not None
        assert moved.name == f"{DB_NAME}.corrupt-20250106T090000Z"
        assert moved.read_bytes() == garbage
        assert Path(f"{moved}-wal").read_bytes() == b"wal bytes"
        store.record_attempt(attempt())
        assert len(store.attempts()) == 1
    # A second recovery in the same second never overwrites the first.
    (tmp_path / DB_NAME).write_bytes(garbage)
    with Store.recover(tmp_path, clock=clock) as store:
        assert store.moved_aside is not None
        assert store.moved_aside.name.endswith("-2")
    assert moved.read_bytes() == garbage


def test_a_full_disk_is_a_clear_error_and_loses_nothing_saved(
    tmp_path: Path, clock: FakeClock
) -> None:
    with Store.open(tmp_path, clock=clock) as store:
        saved = [store.record_attempt(attempt(answer="x" * 500)) for _ in range(3)]
        store.set_page_limit(store.page_count())
        with pytest.raises(StoreUnavailable, match="disk .* is full") as error:
            for _ in range(100):
                saved.append(store.record_attempt(attempt(answer="x" * 500)))
        assert "\n" not in str(error.value)
    with Store.open(tmp_path, clock=clock) as store:
        assert [a.id for a in store.attempts()] == saved


def test_a_lock_held_past_the_timeout_is_a_clear_error(tmp_path: Path) -> None:
    with Store.open(tmp_path, timeout=0.2) as store:
        other = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreLocked, match="in use by another dlquiz"):
            store.record_attempt(attempt())
        other.execute("ROLLBACK")
        other.close()
        store.record_attempt(attempt())
        assert len(store.attempts()) == 1


def test_a_data_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="cannot create the data folder"):
        Store.open(blocker / "data")


# --------------------------------------------------------------------------- exams


def test_an_exam_keeps_every_answer_flag_and_second(store: Store, clock: FakeClock) -> None:
    exam = store.create_exam(
        "endterm-a", 7, 90 * 60, [("q-a", 11), ("q-b", 12)], state={"order": [0, 1]}
    )
    assert exam.deadline - exam.started_at == timedelta(minutes=90)
    assert store.open_exam() == exam
    store.save_answer(exam.id, 0, "3")
    clock.advance(5)
    store.save_answer(exam.id, 0, "4")  # replaced the moment it changes
    store.save_answer(exam.id, 1, [0, 2], part_id="a")
    store.set_flag(exam.id, 1, True)
    store.add_time(exam.id, 1, 30)
    store.add_time(exam.id, 1, 12.5)
    answers = {(a.slot, a.part_id): a.response for a in store.exam_answers(exam.id)}
    assert answers == {(0, ""): "4", (1, "a"): [0, 2]}
    slots = store.exam_slots(exam.id)
    assert [(s.question_id, s.seed, s.flagged, s.seconds_spent) for s in slots] == [
        ("q-a", 11, False, 0.0),
        ("q-b", 12, True, 42.5),
    ]
    assert store.exam(exam.id) is not None and store.exam(exam.id).state == {"order": [0, 1]}


def test_submitting_closes_the_exam_and_the_first_reason_wins(
    store: Store, clock: FakeClock
) -> None:
    exam = store.create_exam("mock", 1, 60, [("q-a", 0)])
    clock.advance(61)
    assert exam.remaining(clock.now()) == timedelta(0)
    assert store.submit_exam(exam.id, "timeout", score=3, max_score=5)
    assert not store.submit_exam(exam.id, "user")
    submitted = store.exam(exam.id)
    assert submitted is not None
    assert (submitted.submit_reason, submitted.score, submitted.max_score) == ("timeout", 3, 5)
    assert submitted.submitted_at == clock.now()
    assert store.open_exam() is None
    with pytest.raises(ExamClosed):
        store.save_answer(exam.id, 0, "late")
    store.rate_exam_answer(exam.id, 0, "hard")
    assert store.exam_self_ratings(exam.id) == {(0, ""): "hard"}


def test_exams_are_listed_newest_first_and_the_open_one_is_found(
    store: Store, clock: FakeClock
) -> None:
    first = store.create_exam("a", 1, 60, [("q-a", 0)])
    store.submit_exam(first.id, "user")
    clock.advance(3600)
    second = store.create_exam("b", 2, 60, [("q-a", 0)])
    assert [e.id for e in store.list_exams()] == [second.id, first.id]
    assert store.open_exam() == second
    assert second.started_at == datetime(2025, 1, 6, 10, 0, tzinfo=UTC)


def test_an_unknown_slot_is_a_bug_not_silence(store: Store) -> None:
    exam = store.create_exam("a", 1, 60, [("q-a", 0)])
    with pytest.raises(ValueError):
        store.save_answer(exam.id, 5, "x")
    with pytest.raises(ValueError):
        store.set_flag(exam.id + 1, 0, True)
