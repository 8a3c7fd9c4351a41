"""FSRS scheduling per question template, with a fake clock; cramming the weakest questions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from quizbank.clock import FakeClock
from quizbank.schema import NumericQuestion
from quizbank.srs import DueDay, Scheduler, combine_ratings, rating_for, weakest
from quizbank.store import Attempt, Store

DAY = 24 * 3600


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    with Store.open(tmp_path, clock=clock) as opened:
        yield opened


def numeric(
    qid: str, topic: str = "CNN output size", mistakes: tuple[str, ...] = ()
) -> NumericQuestion:
    return NumericQuestion(
        id=qid,
        type="numeric",
        lecture=9,
        topic=topic,
        source="test",
        prompt="How many?",
        explanation="Because.",
        answer={"expr": "1"},
        mistakes=[{"tag": tag, "message": "m", "answer": {"expr": "2"}} for tag in mistakes],
    )


# --------------------------------------------------------------------------- ratings


@pytest.mark.parametrize(
    ("outcome", "seconds", "qtype", "expected"),
    [
        ("incorrect", 3, "numeric", Rating.Again),
        ("correct", 5, "numeric", Rating.Easy),
        ("correct", 60, "numeric", Rating.Good),
        ("correct", 600, "numeric", Rating.Hard),
        ("correct", 5, "truefalse", Rating.Easy),
        ("correct", 20, "truefalse", Rating.Good),
        ("correct", 31, "truefalse", Rating.Hard),
        ("correct", 5, "open", Rating.Good),
        ("invalid", 5, "numeric", None),
    ],
)
def test_rating_follows_outcome_and_time(
    outcome: str, seconds: float, qtype: str, expected: Rating | None
) -> None:
    assert rating_for(outcome, seconds, qtype) == expected


def test_open_questions_use_the_self_rating() -> None:
    assert rating_for("correct", 900, "open", self_rating="again") == Rating.Again
    assert rating_for("correct", 900, "open", self_rating="easy") == Rating.Easy
    with pytest.raises(ValueError):
        rating_for("correct", 1, "open", self_rating="meh")


def test_a_problem_is_rated_by_its_weakest_part() -> None:
    assert combine_ratings([Rating.Easy, Rating.Hard, None]) == Rating.Hard
    assert combine_ratings([None]) is None


# --------------------------------------------------------------------------- scheduling


def test_a_failed_question_comes_back_sooner_than_an_easy_one(
    store: Store, clock: FakeClock
) -> None:
    scheduler = Scheduler(store, clock)
    failed = scheduler.review("q-failed", Rating.Again)
    easy = scheduler.review("q-easy", Rating.Easy)
    assert failed.due < easy.due
    assert failed.due - clock.now() <= timedelta(minutes=10)
    assert easy.due - clock.now() >= timedelta(days=1)
    assert scheduler.due() == []
    clock.advance(failed.due.timestamp() - clock.now().timestamp())
    assert scheduler.due() == ["q-failed"]


def test_the_card_is_stored_per_template_and_each_review_is_logged(
    store: Store, clock: FakeClock
) -> None:
    Scheduler(store, clock).review("q-a", Rating.Good)
    clock.advance(DAY)
    card = Scheduler(store, clock).review("q-a", Rating.Good)  # a new scheduler, same store
    assert [r.rating for r in store.reviews("q-a")] == [3, 3]
    stored = store.card("q-a")
    assert stored is not None and stored.due == card.due
    assert Scheduler(store, clock).card("q-a") == card
    assert 0 < (Scheduler(store, clock).retrievability("q-a") or 0) <= 1


def test_repeated_success_spreads_reviews_further_apart(store: Store, clock: FakeClock) -> None:
    scheduler = Scheduler(store, clock)
    intervals = []
    for _ in range(4):
        card = scheduler.review("q-a", Rating.Good)
        intervals.append(card.due - clock.now())
        clock.advance((card.due - clock.now()).total_seconds())
    assert intervals == sorted(intervals)
    assert intervals[-1] > timedelta(days=3)


def test_due_counts_cover_seven_days_and_overdue_counts_today(
    store: Store, clock: FakeClock
) -> None:
    now = clock.now()
    for qid, due in [
        ("q-overdue", now - timedelta(days=3)),
        ("q-today", now + timedelta(hours=2)),
        ("q-tomorrow-1", now + timedelta(days=1)),
        ("q-tomorrow-2", now + timedelta(days=1, hours=3)),
        ("q-day6", now + timedelta(days=6)),
        ("q-day7", now + timedelta(days=7)),  # beyond the window
    ]:
        store.save_review(qid, "{}", due, 3)
    counts = Scheduler(store, clock).due_counts(7, tz=UTC)
    assert counts == [
        DueDay(date(2025, 1, 6), 2),
        DueDay(date(2025, 1, 7), 2),
        DueDay(date(2025, 1, 8), 0),
        DueDay(date(2025, 1, 9), 0),
        DueDay(date(2025, 1, 10), 0),
        DueDay(date(2025, 1, 11), 0),
        DueDay(date(2025, 1, 12), 1),
    ]
    assert Scheduler(store, clock).due() == ["q-overdue"]


def test_due_counts_match_the_cards_the_scheduler_made(store: Store, clock: FakeClock) -> None:
    scheduler = Scheduler(store, clock)
    cards = [scheduler.review(f"q-{i}", rating) for i, rating in enumerate(Rating)]
    counts = scheduler.due_counts(7, tz=UTC)
    expected = [0] * 7
    for card in cards:
        offset = (card.due.date() - clock.now().date()).days
        if offset < 7:
            expected[offset] += 1
    assert [day.count for day in counts] == expected
    assert sum(expected) >= 3  # Again, Hard and Good come back within the week


# --------------------------------------------------------------------------- cram weakest


def record(
    store: Store, question: NumericQuestion, correct: bool, mistake: str | None = None
) -> None:
    store.record_attempt(
        Attempt(
            question_id=question.id,
            outcome="correct" if correct else "incorrect",
            score=1.0 if correct else 0.0,
            mode="practice",
            lecture=question.lecture,
            topic=question.topic,
            mistake=mistake,
        )
    )


def test_weakest_prefers_recent_errors_weak_topics_and_frequent_mistakes(
    store: Store, clock: FakeClock
) -> None:
    shaky = numeric("l09.shaky", topic="pooling")
    unseen_same_topic = numeric("l09.unseen-pool", topic="pooling")
    solid = numeric("l09.solid", topic="cnn output size")
    recovered = numeric("l09.recovered", topic="cnn output size")
    diagnoses = numeric("l09.diagnoses", topic="batch norm", mistakes=("forgot-plus-one",))
    for _ in range(3):
        record(store, shaky, False, "forgot-plus-one")
        record(store, solid, True)
    record(store, recovered, False)
    for _ in range(5):  # only the last five answers per question count
        record(store, recovered, True)
    bank = [solid, recovered, diagnoses, unseen_same_topic, shaky]

    picked = [q.id for q in weakest(bank, store, 10)]
    # shaky: own errors + weak topic; diagnoses: can catch the most frequent mistake;
    # unseen-pool: a weak topic; recovered and solid: only an old error in their topic.
    assert picked == [
        "l09.shaky",
        "l09.diagnoses",
        "l09.unseen-pool",
        "l09.recovered",
        "l09.solid",
    ]
    assert [q.id for q in weakest(bank, store, 2)] == picked[:2]


def test_weakest_never_changes_the_schedule(store: Store, clock: FakeClock) -> None:
    question = numeric("l09.a")
    Scheduler(store, clock).review(question.id, Rating.Again)
    record(store, question, False)
    cards_before, reviews_before = store.cards(), store.reviews()
    assert weakest([question], store, 5) == [question]
    assert store.cards() == cards_before
    assert store.reviews() == reviews_before


def test_weakest_is_empty_without_errors(store: Store) -> None:
    question = numeric("l09.a")
    assert weakest([question], store, 5) == []
    record(store, question, True)
    assert weakest([question], store, 5) == []
