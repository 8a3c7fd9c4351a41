"""Which questions to practise: filters, a seeded order, fresh seeds, unseen first."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizbank.clock import FakeClock
from quizbank.sampling import PracticeFilter, normalise_topic, practice_queue
from quizbank.schema import NumericQuestion, TrueFalseQuestion
from quizbank.store import Attempt, Store


def question(
    qid: str,
    *,
    lecture: int = 9,
    topic: str = "CNN output size",
    tags: tuple[str, ...] = (),
    parametric: bool = False,
    kind: str = "numeric",
) -> NumericQuestion | TrueFalseQuestion:
    common = {
        "id": qid,
        "lecture": lecture,
        "topic": topic,
        "tags": list(tags),
        "source": "test",
        "prompt": "?",
        "explanation": "!",
    }
    if kind == "truefalse":
        return TrueFalseQuestion(type="truefalse", answer=True, **common)
    params = {"n": {"range": [1, 9]}} if parametric else {}
    return NumericQuestion(type="numeric", answer={"expr": "1"}, params=params, **common)


BANK = [
    question("l02.a", lecture=2, topic="Linear regression", tags=("least-squares",)),
    question("l09.b", topic="Receptive fields", parametric=True),
    question("l09.c", tags=("receptive-fields", "cnn")),
    question("l09.d", topic="Pooling", kind="truefalse"),
    question("l11.e", lecture=11, topic="LSTM", tags=("rnn",), parametric=True),
]


def ids(pairs: object) -> list[str]:
    return [q.id for q, _ in pairs]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("practice_filter", "expected"),
    [
        (PracticeFilter(), {"l02.a", "l09.b", "l09.c", "l09.d", "l11.e"}),
        (PracticeFilter(lectures=(9,)), {"l09.b", "l09.c", "l09.d"}),
        (PracticeFilter(topics=("receptive FIELDS",)), {"l09.b", "l09.c"}),
        (PracticeFilter(topics=("RNN", "least squares")), {"l02.a", "l11.e"}),
        (PracticeFilter(types=("truefalse",)), {"l09.d"}),
        (PracticeFilter(lectures=(9, 11), topics=("rnn", "pooling")), {"l09.d", "l11.e"}),
        (PracticeFilter(lectures=(9,), types=("shape",)), set()),
    ],
)
def test_filters_by_lecture_topic_or_tag_and_type(
    practice_filter: PracticeFilter, expected: set[str]
) -> None:
    assert set(ids(practice_queue(BANK, practice_filter, 1))) == expected


def test_topics_compare_loosely() -> None:
    assert normalise_topic("  Receptive_Fields ") == normalise_topic("receptive-fields")
    assert normalise_topic("CNN") != normalise_topic("RNN")


def test_the_same_seed_gives_the_same_order_and_seeds() -> None:
    first = list(practice_queue(BANK, PracticeFilter(), 42))
    again = list(practice_queue(list(reversed(BANK)), PracticeFilter(), 42))
    assert [(q.id, s) for q, s in first] == [(q.id, s) for q, s in again]
    orders = {tuple(ids(practice_queue(BANK, PracticeFilter(), seed))) for seed in range(20)}
    assert len(orders) > 5


def test_parametric_questions_get_fresh_seeds_and_fixed_ones_seed_zero() -> None:
    seeds: dict[str, set[int]] = {}
    for rng_seed in range(10):
        for q, seed in practice_queue(BANK, PracticeFilter(), rng_seed):
            seeds.setdefault(q.id, set()).add(seed)
    assert seeds["l02.a"] == seeds["l09.c"] == seeds["l09.d"] == {0}
    assert len(seeds["l09.b"]) == 10
    assert len(seeds["l11.e"]) == 10


def test_unseen_questions_come_first_then_old_then_recent(tmp_path: Path) -> None:
    clock = FakeClock()
    with Store.open(tmp_path, clock=clock) as store:
        store.record_attempt(Attempt("l09.c", "correct", 1.0, "practice"))  # long ago
        clock.advance(timedelta(days=3).total_seconds())
        store.record_attempt(Attempt("l09.d", "correct", 1.0, "practice"))  # recent
        clock.advance(60)
        store.record_attempt(Attempt("l02.a", "incorrect", 0.0, "practice"))  # most recent
        for rng_seed in range(5):
            order = ids(practice_queue(BANK, PracticeFilter(), rng_seed, store=store))
            assert set(order[:2]) == {"l09.b", "l11.e"}
            assert order[2:] == ["l09.c", "l09.d", "l02.a"]


@settings(max_examples=40, deadline=None)
@given(
    lectures=st.sets(st.integers(1, 12), max_size=3),
    types=st.sets(st.sampled_from(["numeric", "truefalse", "single"]), max_size=2),
    rng_seed=st.integers(0, 2**32),
)
def test_the_queue_is_every_matching_question_exactly_once(
    lectures: set[int], types: set[str], rng_seed: int
) -> None:
    practice_filter = PracticeFilter(lectures=lectures, types=types)
    queued = ids(practice_queue(BANK, practice_filter, rng_seed))
    assert sorted(queued) == sorted(q.id for q in BANK if practice_filter.matches(q))
