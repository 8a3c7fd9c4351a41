"""Resizing the terminal mid-question, down to 40×12 and back: the app keeps working.

The answer typed after (or during) the resize is graded, shown and recorded, exactly as
without a resize.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from tests.tui.conftest import SIZE, AppFactory, run
from tests.tui.helpers import (
    correct_positions,
    option_key,
    outcome_text,
    practice,
    recorded,
    submit,
    type_text,
)
from tui.screens.home import HomeScreen
from tui.session import PracticeRequest

SMALL = (40, 12)
NUMERIC = PracticeRequest("practice", types=("numeric",), lectures=(2,), seed=0, length=1)


async def _squeeze_and_restore(pilot: Any) -> None:
    await pilot.resize_terminal(*SMALL)
    assert pilot.app.size == SMALL
    await pilot.pause()
    await pilot.resize_terminal(*SIZE)
    assert pilot.app.size == SIZE


def test_answer_after_resizing_down_and_back_is_graded_and_recorded(
    new_app: AppFactory, store: Any
) -> None:
    app = new_app(NUMERIC)

    async def scenario(pilot: Any) -> None:
        screen = practice(pilot)
        await type_text(pilot, "1000/")  # half an answer, kept across the resizes
        await _squeeze_and_restore(pilot)
        assert practice(pilot) is screen
        assert screen.state == "answering"
        assert isinstance(pilot.app.focused, Input)
        await type_text(pilot, "4")
        assert "= 250" in str(screen.query_one("#preview").content)
        await submit(pilot)
        assert outcome_text(pilot).startswith("✓ Correct")
        assert recorded(store) == [("tui-numeric-lecture2", "", "correct")]

    run(app, scenario)


def test_answer_while_small_is_graded_and_the_feedback_survives_restoring(
    new_app: AppFactory, store: Any
) -> None:
    app = new_app(NUMERIC)

    async def scenario(pilot: Any) -> None:
        await pilot.resize_terminal(*SMALL)
        await type_text(pilot, "249")
        await submit(pilot)
        assert outcome_text(pilot).startswith("✗ Incorrect")
        assert recorded(store) == [("tui-numeric-lecture2", "", "incorrect")]
        await pilot.resize_terminal(*SIZE)
        assert outcome_text(pilot).startswith("✗ Incorrect")
        assert practice(pilot).state != "answering"
        assert len(recorded(store)) == 1  # a resize never records twice

    run(app, scenario)


def test_choice_question_survives_resizes_between_keys(new_app: AppFactory, store: Any) -> None:
    app = new_app(PracticeRequest("practice", types=("multi",), seed=2, length=1))

    async def scenario(pilot: Any) -> None:
        question_id = practice(pilot).session.question.id
        for position in correct_positions(pilot):
            await pilot.press(option_key(position))
            await _squeeze_and_restore(pilot)
        await submit(pilot)
        assert outcome_text(pilot).startswith("✓ Correct")
        assert recorded(store) == [(question_id, "", "correct")]

    run(app, scenario)


def test_home_screen_survives_a_tiny_terminal(new_app: AppFactory) -> None:
    app = new_app()

    async def scenario(pilot: Any) -> None:
        assert isinstance(pilot.app.screen, HomeScreen)
        await pilot.resize_terminal(*SMALL)
        await pilot.resize_terminal(20, 5)
        await pilot.resize_terminal(*SIZE)
        assert isinstance(pilot.app.screen, HomeScreen)
        assert pilot.app.is_running
        await pilot.press("p")  # still responds: the practice setup opens
        assert not isinstance(pilot.app.screen, HomeScreen)

    run(app, scenario)
