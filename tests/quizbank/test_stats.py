"""Statistics match the recorded attempts exactly; `dlquiz stats` prints them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizbank.clock import FakeClock
from quizbank.stats import compute_stats, format_stats, sparkline, stats_json
from quizbank.store import DB_NAME, Attempt, Store
from tui.cli import main


def add(store: Store, lecture: int, topic: str, outcome: str, **fields: object) -> None:
    values: dict[str, object] = {"mode": "practice", "mistake": None}
    values.update(fields)
    store.record_attempt(
        Attempt(
            question_id=f"l{lecture:02}.{topic.lower()}",
            outcome=outcome,
            score=1.0 if outcome == "correct" else 0.0,
            lecture=lecture,
            topic=topic,
            **values,  # type: ignore[arg-type]
        )
    )


def fill(store: Store, clock: FakeClock) -> int:
    """Two days of answers, two scheduled cards and a submitted exam; returns the exam id."""
    add(store, 3, "Backprop", "correct")
    add(store, 3, "Backprop", "incorrect", mistake="chain-rule-order")
    add(store, 3, "Backprop", "invalid", mistake="unreadable")  # never counted as wrong
    add(store, 9, "CNN", "correct", mode="review")
    add(store, 9, "CNN", "incorrect", mode="preview")  # an author's preview: left out
    exam = store.create_exam("endterm-a", 17, 3600, [("l09.cnn", 4)])
    clock.advance(24 * 3600)
    add(store, 9, "CNN", "incorrect", mistake="forgot-plus-one")
    add(store, 9, "CNN", "incorrect", mistake="forgot-plus-one", mode="cram")
    add(store, 9, "CNN", "correct", mode="exam")
    store.submit_exam(exam.id, "timeout", score=7.5, max_score=10)
    store.save_review("l03.backprop", "{}", clock.now() + timedelta(hours=1), 1)
    store.save_review("l09.cnn", "{}", clock.now() + timedelta(days=2), 3)
    return exam.id


def counts(correct: int, incorrect: int, invalid: int) -> dict[str, object]:
    graded = correct + incorrect
    return {
        "answers": graded + invalid,
        "graded": graded,
        "correct": correct,
        "incorrect": incorrect,
        "invalid": invalid,
        "accuracy": correct / graded if graded else None,
    }


def test_stats_json_matches_the_recorded_attempts_exactly(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))
    with Store.open(tmp_path, clock=clock) as store:
        exam_id = fill(store, clock)
        figures = stats_json(compute_stats(store, tz=UTC))
    assert figures == {
        "totals": counts(3, 3, 1),
        "by_lecture": [
            {"lecture": 3, **counts(1, 1, 1)},
            {"lecture": 9, **counts(2, 2, 0)},
        ],
        "by_topic": [
            {"topic": "Backprop", **counts(1, 1, 1)},
            {"topic": "CNN", **counts(2, 2, 0)},
        ],
        "by_day": [
            {"date": "2025-01-06", "graded": 3, "correct": 2, "accuracy": 2 / 3},
            {"date": "2025-01-07", "graded": 3, "correct": 1, "accuracy": 1 / 3},
        ],
        "mistakes": [
            {"tag": "forgot-plus-one", "count": 2},
            {"tag": "chain-rule-order", "count": 1},
        ],
        "due": [
            {"date": f"2025-01-{day:02}", "count": {7: 1, 9: 1}.get(day, 0)} for day in range(7, 14)
        ],
        "exams": [
            {
                "id": exam_id,
                "blueprint": "endterm-a",
                "seed": 17,
                "started_at": "2025-01-06T09:00:00+00:00",
                "deadline": "2025-01-06T10:00:00+00:00",
                "submitted_at": "2025-01-07T09:00:00+00:00",
                "submit_reason": "timeout",
                "score": 7.5,
                "max_score": 10.0,
            }
        ],
    }
    json.dumps(figures)  # every value is JSON-ready


def test_the_text_report_shows_every_section(tmp_path: Path) -> None:
    clock = FakeClock()
    with Store.open(tmp_path, clock=clock) as store:
        fill(store, clock)
        text = format_stats(compute_stats(store))
    for heading in ("By lecture", "By topic", "Accuracy over time", "Most frequent mistakes"):
        assert heading in text
    assert "Reviews due" in text and "(today)" in text
    assert "endterm-a" in text and "7.5/10" in text and "timeout" in text
    assert "forgot-plus-one" in text
    assert "Backprop" in text and "50%" in text


def test_sparkline_maps_accuracy_to_bar_heights() -> None:
    assert sparkline([0.0, 0.5, 1.0]) == "▁▅█"
    assert sparkline([]) == ""


# --------------------------------------------------------------------------- the command


def test_dlquiz_stats_json_prints_the_same_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FakeClock()
    with Store.open(tmp_path, clock=clock) as store:
        fill(store, clock)
    assert main(["stats", "--data-dir", str(tmp_path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    with Store.open(tmp_path) as store:
        expected = stats_json(compute_stats(store))
    assert printed == expected
    assert printed["totals"]["answers"] == 7


def test_dlquiz_stats_without_progress_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "fresh"
    assert main(["--data-dir", str(data_dir), "stats"]) == 0
    assert "No progress yet" in capsys.readouterr().out
    assert main(["stats", "--data-dir", str(data_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["answers"] == 0
    assert not data_dir.exists()


def test_dlquiz_stats_on_a_damaged_database_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / DB_NAME).write_bytes(b"not sqlite at all" * 100)
    assert main(["stats", "--data-dir", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("dlquiz: the progress database") and error.count("\n") == 1
    assert "--reset-corrupt-db" in error
