"""Assembling, grading and reporting mock exams, without any UI."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizbank.blueprints import load_blueprint, parse_blueprint
from quizbank.clock import FakeClock
from quizbank.errors import UserError
from quizbank.exam import ExamLayout, _quotas, assemble
from quizbank.exam_grading import (
    RATING_FRACTIONS,
    build_report,
    expected_text,
    grade_slot,
    record_attempts,
    response_from_json,
    response_to_json,
)
from quizbank.instantiate import instantiate
from quizbank.loader import Bank, load_bank
from quizbank.store import Store

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "data" / "blueprints" / "tiny.yaml"


@pytest.fixture(scope="module")
def builtin() -> Bank:
    return load_bank()


@pytest.fixture(scope="module")
def small() -> Bank:
    return load_bank([ROOT / "tui" / "data"], builtin=False)


def synthetic(bank: Bank, size: int) -> list[Any]:
    """``size`` questions copied from ``bank`` with new ids, spread over lectures 1-12."""
    questions: list[Any] = []
    round_ = 0
    while len(questions) < size:
        for question in bank.questions:
            lecture = (round_ + question.lecture) % 12 + 1
            copy = question.model_copy(update={"id": f"{question.id}-{round_}", "lecture": lecture})
            questions.append(copy)
        round_ += 1
    return questions[:size]


# --------------------------------------------------------------------------- assembly


def test_same_blueprint_and_seed_give_the_same_exam(builtin: Bank) -> None:
    loaded = load_blueprint("i2dl-mock")
    first = assemble(loaded, builtin.questions, 42)
    again = assemble(load_blueprint("i2dl-mock"), tuple(reversed(builtin.questions)), 42)
    assert first.slots() == again.slots()  # the bank's order does not matter
    other = assemble(loaded, builtin.questions, 43)
    assert other.slots() != first.slots()
    # the same variant seed gives the same option order
    for question, seed in zip(first.questions, first.seeds, strict=True):
        if question.type in ("single", "multi"):
            shown = [o.index for o in instantiate(question, seed).parts[0].options]
            assert shown == [o.index for o in instantiate(question, seed).parts[0].options]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31))
def test_every_exam_has_the_blueprints_shape_and_no_repeats(seed: int) -> None:
    bank = load_bank()
    loaded = load_blueprint("i2dl-mock")
    plan = assemble(loaded, bank.questions, seed)
    ids = [question.id for question in plan.questions]
    assert len(ids) == len(set(ids)) == 35
    sections = Counter(plan.layout.slot_sections)
    assert sections == {0: 20, 1: 10, 2: 5}
    for question, section in zip(plan.questions, plan.layout.slot_sections, strict=True):
        assert question.type in loaded.blueprint.sections[section].types
    assert sum(plan.layout.slot_points) == 90
    for question, variant in zip(plan.questions, plan.seeds, strict=True):
        assert variant == 0 or question.is_parametric
    # sections are in blueprint order, each ordered by lecture
    for section in range(3):
        lectures = [
            q.lecture
            for q, s in zip(plan.questions, plan.layout.slot_sections, strict=True)
            if s == section
        ]
        assert lectures == sorted(lectures)


def test_questions_spread_over_lectures_by_weight() -> None:
    assert _quotas(dict.fromkeys(range(1, 5), 10), dict.fromkeys(range(1, 5), 1.0), 8) == {
        1: 2,
        2: 2,
        3: 2,
        4: 2,
    }
    assert _quotas({1: 10, 2: 10}, {1: 3.0, 2: 1.0}, 8) == {1: 6, 2: 2}
    # a lecture with too few questions gives what it has; the others make up the rest
    assert _quotas({1: 1, 2: 10, 3: 10}, {1: 5.0, 2: 1.0, 3: 1.0}, 9) == {1: 1, 2: 4, 3: 4}
    assert _quotas({1: 3, 2: 3}, {1: 0.0, 2: 1.0}, 2) == {1: 0, 2: 2}


def test_lecture_weights_shape_the_exam(builtin: Bank) -> None:
    questions = synthetic(builtin, 3000)
    text = """\
title: Weighted
duration_minutes: 30
total_points: 24
lecture_weights: {9: 5, 1: 0}
sections:
  - {title: Choice, kind: choice, count: 24, points: 1}
"""
    plan = assemble(parse_blueprint(text), questions, 3)
    lectures = Counter(question.lecture for question in plan.questions)
    assert lectures[1] == 0
    assert lectures[9] == 8  # 5 / (5 + 10 * 1) of 24
    assert all(lectures[lec] in (1, 2) for lec in range(2, 13) if lec != 9)


def test_assembly_is_instant_on_a_large_bank(builtin: Bank) -> None:
    questions = synthetic(builtin, 10_000)
    loaded = load_blueprint("i2dl-mock")
    timings = []
    for _ in range(5):  # CPU time: other processes on a busy machine don't count
        start = time.process_time()
        plan = assemble(loaded, questions, 7)
        timings.append(time.process_time() - start)
    assert len(plan.questions) == 35
    assert min(timings) < 0.05, f"assembly took {min(timings) * 1000:.1f} ms"


def test_a_section_the_bank_cannot_fill_is_a_located_error(small: Bank) -> None:
    loaded = load_blueprint(ROOT / "data" / "blueprints" / "unfillable.yaml")
    with pytest.raises(UserError) as caught:
        assemble(loaded, small.questions, 1)
    assert str(caught.value) == (
        f"{loaded.path}:9:12: section 'Problems' needs 3 questions but the bank has only 1 "
        "matching (types problem)"
    )


def test_questions_taken_by_earlier_sections_are_named(small: Bank) -> None:
    text = """\
title: Overlap
duration_minutes: 10
total_points: 10
sections:
  - {title: Everything, kind: mixed, count: 9, points: 1}
  - {title: More, kind: choice, filter: {lectures: [9]}, count: 1, points: 1}
"""
    with pytest.raises(UserError) as caught:
        assemble(parse_blueprint(text), small.questions, 5)
    assert str(caught.value) == (
        "<blueprint>:6:65: section 'More' needs 1 questions but the bank has only 0 matching "
        "(types single, multi, truefalse; lectures 9) (3 more are used by earlier sections)"
    )


def test_layout_survives_json(small: Bank) -> None:
    plan = assemble(load_blueprint(TINY), small.questions, 2)
    assert ExamLayout.from_json(plan.layout.to_json()) == plan.layout
    with pytest.raises(UserError):
        ExamLayout.from_json({**plan.layout.to_json(), "version": 99})


# --------------------------------------------------------------------------- grading


def by_type(bank: Bank, qtype: str) -> Any:
    return next(question for question in bank.questions if question.type == qtype)


def test_responses_round_trip_through_json() -> None:
    assert response_to_json(frozenset({2, 0})) == [0, 2]
    assert response_from_json("multi", [0, 2]) == frozenset({0, 2})
    assert response_from_json("multi", []) is None
    assert response_from_json("truefalse", False) is False
    assert response_from_json("truefalse", "x") is None
    assert response_from_json("numeric", "  ") is None
    assert response_from_json("open", None) is None


def test_grading_choice_numeric_and_open_parts(small: Bank) -> None:
    multi = instantiate(by_type(small, "multi"), 0)
    part = multi.parts[0]
    right = sorted(part.expected)
    wrong = [i for i in range(len(part.options)) if i not in part.expected]
    (full,) = grade_slot(multi, 2.0, {"": right})
    assert full.status == "correct" and full.earned == 2.0
    (mixed,) = grade_slot(multi, 2.0, {"": [right[0], wrong[0]]})
    assert mixed.earned == pytest.approx(2.0 * max(0.0, (1 - 1) / len(right)))
    (nothing,) = grade_slot(multi, 2.0, {})
    assert nothing.status == "unanswered" and nothing.earned == 0

    numeric = instantiate(by_type(small, "numeric"), 0)
    value = numeric.parts[0].expected
    (good,) = grade_slot(numeric, 1.0, {"": str(value)})
    assert good.status == "correct"
    (unreadable,) = grade_slot(numeric, 1.0, {"": "abc"})
    assert unreadable.status == "unreadable" and unreadable.earned == 0
    assert expected_text(numeric.parts[0]) == good.result.expected  # type: ignore[union-attr]

    open_question = instantiate(by_type(small, "open"), 0)
    (unrated,) = grade_slot(open_question, 3.0, {"": "my answer"})
    assert unrated.needs_rating and unrated.status == "to rate" and unrated.earned == 0
    for rating, fraction in RATING_FRACTIONS.items():
        (rated,) = grade_slot(open_question, 3.0, {"": "my answer"}, {"": rating})
        assert rated.earned == pytest.approx(3.0 * fraction)
    (blank,) = grade_slot(open_question, 3.0, {"": "   "})
    assert blank.status == "unanswered" and not blank.needs_rating


def test_a_problems_points_are_split_over_its_parts(small: Bank) -> None:
    problem = instantiate(by_type(small, "problem"), 3)
    results = grade_slot(problem, 6.0, {})
    assert sum(result.points for result in results) == pytest.approx(6.0)
    first = problem.parts[0]
    answered = grade_slot(problem, 6.0, {first.id: str(first.expected)})
    assert answered[0].status == "correct"
    assert sum(r.earned for r in answered) == pytest.approx(answered[0].points)


# --------------------------------------------------------------------------- the report


def test_report_from_the_store(small: Bank) -> None:
    clock = FakeClock()
    store = Store.in_memory(clock=clock)
    plan = assemble(load_blueprint(TINY), small.questions, 11)
    exam = store.create_exam(
        plan.blueprint, plan.seed, 600, plan.slots(), state={"layout": plan.layout.to_json()}
    )
    numeric_slot = next(i for i, q in enumerate(plan.questions) if q.type == "numeric")
    numeric = instantiate(plan.questions[numeric_slot], plan.seeds[numeric_slot])
    store.save_answer(exam.id, numeric_slot, str(numeric.parts[0].expected))
    open_slot = next(i for i, q in enumerate(plan.questions) if q.type == "open")
    store.save_answer(exam.id, open_slot, "pooling shrinks the maps")
    store.add_time(exam.id, numeric_slot, 42)
    clock.advance(120)
    store.submit_exam(exam.id, "user")

    report = build_report(store, exam.id, small)
    assert report.max_score == 10
    assert report.score == 1  # the numeric question, worth 1 point
    assert report.pending == 1 and report.pending_points == 2 and not report.final
    sections = {group.label: group for group in report.by_section()}
    assert sections["Calculations"].earned == 1 and sections["Calculations"].possible == 3
    assert sections["Open"].pending == 1
    lectures = {group.key: group for group in report.by_lecture()}
    assert sum(group.possible for group in lectures.values()) == 10
    assert lectures[plan.questions[numeric_slot].lecture].seconds >= 42
    missed = report.missed_question_ids()
    assert plan.questions[numeric_slot].id not in missed
    assert len(missed) == len(plan.questions) - 1

    assert record_attempts(store, report) == 1  # only answered, auto-graded parts
    (attempt,) = store.attempts(modes=["exam"])
    assert attempt.outcome == "correct" and attempt.question_id == plan.questions[numeric_slot].id

    store.rate_exam_answer(exam.id, open_slot, "good")
    rated = build_report(store, exam.id, small)
    assert rated.final and rated.score == pytest.approx(1 + 2 * 2 / 3)
    assert record_attempts(store, rated, open_parts=True) == 1


def test_a_question_gone_from_the_bank_does_not_count(small: Bank) -> None:
    store = Store.in_memory(clock=FakeClock())
    plan = assemble(load_blueprint(TINY), small.questions, 11)
    slots = plan.slots()
    slots[0] = ("no-such-question", 0)
    exam = store.create_exam("tiny", 11, 600, slots, state={"layout": plan.layout.to_json()})
    report = build_report(store, exam.id, small)
    assert report.slots[0].status == "unavailable"
    assert report.max_score == 10 - plan.layout.slot_points[0]
    assert "no-such-question" not in report.missed_question_ids()
