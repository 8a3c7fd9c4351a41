"""Practice through the real app: every question type answered correctly, wrongly, unreadably."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input

from quizbank.srs import Scheduler
from tests.tui.conftest import AppFactory, run
from tests.tui.helpers import (
    correct_positions,
    feedback_body,
    option_key,
    outcome_text,
    practice,
    recorded,
    submit,
    type_text,
)
from tui.session import PracticeRequest


def _number(pilot: Any) -> str:
    return str(int(practice(pilot).session.part.expected))


def _shape(pilot: Any, bump_last: int = 0) -> str:
    components = []
    expected = practice(pilot).session.part.expected
    for index, node in enumerate(expected):
        if hasattr(node, "name"):
            components.append(node.name)
        else:
            last = index == len(expected) - 1
            components.append(str(int(node.value) + (bump_last if last else 0)))
    return "(" + ", ".join(components) + ")"


def _wrong_position(pilot: Any) -> int:
    right = correct_positions(pilot)
    return next(p for p in range(len(practice(pilot).session.part.options)) if p not in right)


# type -> how to answer: (kind, producer) where kind is "text" (typed) or "keys" (pressed)
Answer = tuple[str, Callable[[Any], Any]]
CASES: dict[str, dict[str, Answer]] = {
    "numeric": {
        "correct": ("text", _number),
        "incorrect": ("text", lambda p: str(int(practice(p).session.part.expected) + 7)),
        "invalid": ("text", lambda p: "abc"),
    },
    "expression": {
        "correct": ("text", lambda p: "L*k - L + 1"),
        "incorrect": ("text", lambda p: "L*k"),
        "invalid": ("text", lambda p: "L + q"),
    },
    "shape": {
        "correct": ("text", _shape),
        "incorrect": ("text", lambda p: _shape(p, bump_last=1)),
        "invalid": ("text", lambda p: "(N, 8,"),
    },
    "single": {
        "correct": ("keys", lambda p: [option_key(correct_positions(p)[0])]),
        "incorrect": ("keys", lambda p: [option_key(_wrong_position(p))]),
        "invalid": ("keys", lambda p: []),  # nothing chosen: not graded
    },
    "multi": {
        "correct": ("keys", lambda p: [option_key(i) for i in correct_positions(p)]),
        "incorrect": ("keys", lambda p: [option_key(_wrong_position(p))]),
        "invalid": ("keys", lambda p: []),  # nothing ticked: "select at least one option"
    },
    "truefalse": {
        "correct": ("keys", lambda p: ["f"]),
        "incorrect": ("keys", lambda p: ["t"]),
        "invalid": ("keys", lambda p: []),
    },
}
SYMBOLS = {"correct": "✓ Correct", "incorrect": "✗ Incorrect", "invalid": "? Couldn't read that"}


async def _answer(pilot: Any, qtype: str, outcome: str) -> None:
    kind, producer = CASES[qtype][outcome]
    value = producer(pilot)
    if kind == "text":
        await type_text(pilot, value)
    else:
        await pilot.press(*value)
    await submit(pilot)


def _check_recorded(pilot: Any, store: Any, qtype: str, outcome: str) -> None:
    screen = practice(pilot)
    question_id = screen.session.question.id
    shown = outcome_text(pilot)
    assert shown.startswith(SYMBOLS[outcome]), shown
    assert recorded(store) == [(question_id, "", outcome)]
    attempt = store.attempts()[0]
    assert attempt.mode == "practice"
    assert attempt.seed == screen.session.instance.seed
    assert attempt.answer  # the answer text is kept
    assert Scheduler(store, pilot.app.clock).card(question_id) is not None
    body = feedback_body(pilot)
    assert "### Explanation" in body
    if outcome == "incorrect" and qtype in ("numeric", "shape", "single"):
        assert "the answer is" in body or "Correct answer" in body or "expected" in body


@pytest.mark.parametrize("qtype", list(CASES))
def test_every_type_invalid_then_correct(new_app: AppFactory, store: Any, qtype: str) -> None:
    """An unreadable answer is not recorded and can be fixed; the correct one then counts."""
    app = new_app(PracticeRequest("practice", lectures=(9,), types=(qtype,), seed=3, length=1))

    async def scenario(pilot: Any) -> None:
        screen = practice(pilot)
        await _answer(pilot, qtype, "invalid")
        assert recorded(store) == []
        assert screen.state == "answering"
        shown = outcome_text(pilot)
        if qtype in ("single", "truefalse"):
            assert shown == ""  # nothing chosen: not graded at all
        else:
            assert shown.startswith(SYMBOLS["invalid"]), shown
            assert "not counted" in feedback_body(pilot)
        if qtype in ("numeric", "expression", "shape"):
            screen.query_one("#answer-text", Input).value = ""
        await _answer(pilot, qtype, "correct")
        _check_recorded(pilot, store, qtype, "correct")

    run(app, scenario)


@pytest.mark.parametrize("qtype", list(CASES))
def test_every_type_incorrect(new_app: AppFactory, store: Any, qtype: str) -> None:
    app = new_app(PracticeRequest("practice", lectures=(9,), types=(qtype,), seed=3, length=1))

    async def scenario(pilot: Any) -> None:
        await _answer(pilot, qtype, "incorrect")
        _check_recorded(pilot, store, qtype, "incorrect")

    run(app, scenario)


def test_invalid_answer_can_be_fixed_then_counts_once(new_app: AppFactory, store: Any) -> None:
    app = new_app(PracticeRequest("practice", types=("numeric",), lectures=(2,), seed=0, length=1))

    async def scenario(pilot: Any) -> None:
        await type_text(pilot, "1000/")
        assert "couldn't read" in str(practice(pilot).query_one("#preview").content)
        await submit(pilot)
        assert outcome_text(pilot).startswith("? Couldn't read that")
        await type_text(pilot, "4")
        assert "= 250" in str(practice(pilot).query_one("#preview").content)
        await submit(pilot)
        assert outcome_text(pilot).startswith("✓ Correct")
        assert recorded(store) == [("tui-numeric-lecture2", "", "correct")]

    run(app, scenario)


def test_named_mistake_is_shown(new_app: AppFactory, store: Any) -> None:
    request = PracticeRequest("practice", lectures=(9,), types=("numeric",), seed=1, length=1)
    app = new_app(request)

    async def scenario(pilot: Any) -> None:
        mistake = practice(pilot).session.part.mistakes[0]
        await type_text(pilot, str(int(mistake.value)))
        await submit(pilot)
        assert outcome_text(pilot).startswith("✗ Incorrect")
        assert "forgot-plus-one" in feedback_body(pilot)
        assert store.attempts()[0].mistake == "forgot-plus-one"
        # The worked solution uses the student's numbers.
        assert "Worked solution" in feedback_body(pilot)

    run(app, scenario)


def test_multi_select_explains_every_option(new_app: AppFactory) -> None:
    app = new_app(PracticeRequest("practice", types=("multi",), seed=2, length=1))

    async def scenario(pilot: Any) -> None:
        await pilot.press(option_key(correct_positions(pilot)[0]))
        await submit(pilot)
        body = feedback_body(pilot)
        assert "correct, you picked it" in body
        assert "correct, you missed it" in body
        assert "not correct, not picked" in body
        assert "Pooling acts on each feature map on its own." in body
        # the options themselves say which right answers were left out, not only the feedback
        from tui.widgets.choice_list import ChoiceList

        choices = pilot.app.screen.query_one(ChoiceList)
        shown = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        picked, *missed = correct_positions(pilot)
        assert "✓ correct" in shown[picked] and "missed" not in shown[picked]
        assert missed and all("you missed it" in shown[index] for index in missed)

    run(app, scenario)


def test_another_like_this_gives_a_new_seed(new_app: AppFactory) -> None:
    app = new_app(PracticeRequest("practice", types=("shape",), seed=4, length=1))

    async def scenario(pilot: Any) -> None:
        screen = practice(pilot)
        first = screen.session.instance.seed
        await type_text(pilot, "(N, 1, 1, 1)")
        await submit(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert screen.session.question.id == "tui-shape-conv"
        assert screen.session.instance.seed != first
        assert screen.state == "answering"
        assert outcome_text(pilot) == ""

    run(app, scenario)


def test_open_question_is_self_rated(new_app: AppFactory, store: Any) -> None:
    app = new_app(PracticeRequest("practice", types=("open",), seed=0, length=1))

    async def scenario(pilot: Any) -> None:
        await type_text(pilot, "less computation")
        await pilot.press("enter")  # a newline in the text area, not a submission
        await type_text(pilot, "shift robustness")
        assert recorded(store) == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Model answer" in feedback_body(pilot)
        assert "some robustness to small shifts" in feedback_body(pilot)
        await pilot.press("2")
        await pilot.pause()
        attempt = store.attempts()[0]
        assert (attempt.outcome, attempt.score) == ("correct", 0.5)
        assert attempt.answer == "less computation\nshift robustness"
        assert store.reviews("tui-open-why-pool")[0].rating == 2  # hard
        assert outcome_text(pilot) == "Rated: Hard"

    run(app, scenario)


def test_problem_parts_are_graded_one_after_another(new_app: AppFactory, store: Any) -> None:
    app = new_app(PracticeRequest("practice", types=("problem",), seed=5, length=1))

    async def scenario(pilot: Any) -> None:
        screen = practice(pilot)
        assert screen.session.progress_text() == "question 1 of 1, part a"
        await type_text(pilot, _number(pilot))
        await submit(pilot)
        assert outcome_text(pilot).startswith("✓ Correct")
        await submit(pilot)  # next part
        assert screen.session.part.id == "b"
        await type_text(pilot, "(1, 2, 3)")
        await submit(pilot)
        assert outcome_text(pilot).startswith("✗ Incorrect")
        await submit(pilot)
        await pilot.press(option_key(correct_positions(pilot)[0]))
        await submit(pilot)
        assert outcome_text(pilot).startswith("✓ Correct")
        assert recorded(store) == [
            ("tui-problem-cnn", "a", "correct"),
            ("tui-problem-cnn", "b", "incorrect"),
            ("tui-problem-cnn", "c", "correct"),
        ]
        # One review for the whole problem, rated by its weakest part (again).
        assert [r.rating for r in store.reviews("tui-problem-cnn")] == [1]

    run(app, scenario)


def test_skip_records_nothing_and_quit_shows_the_summary(new_app: AppFactory, store: Any) -> None:
    app = new_app(PracticeRequest("practice", lectures=(9,), types=("numeric", "shape"), seed=0))

    async def scenario(pilot: Any) -> None:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert practice(pilot).session.position == 1
        await type_text(pilot, "12345")
        await submit(pilot)
        await pilot.press("escape")
        await pilot.pause()
        from tui.screens.summary import SummaryScreen

        assert isinstance(pilot.app.screen, SummaryScreen)
        summary = pilot.app.screen.summary
        assert (summary.answered, summary.skipped) == (1, 1)
        assert len(recorded(store)) == 1

    run(app, scenario)
