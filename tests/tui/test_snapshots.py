"""Screenshots of key screens (pytest-textual-snapshot); review the report before updating."""

from __future__ import annotations

from typing import Any

from tests.tui.conftest import AppFactory
from tui.session import PracticeRequest
from tui.widgets.answers import AnswerInput


def test_home_screen(snap_compare: Any, new_app: AppFactory) -> None:
    assert snap_compare(new_app(), terminal_size=(100, 30))


def test_numeric_question_with_feedback(snap_compare: Any, new_app: AppFactory) -> None:
    app = new_app(PracticeRequest("practice", lectures=(9,), types=("numeric",), seed=1, length=1))

    async def answer_with_the_classic_mistake(pilot: Any) -> None:
        await pilot.pause()
        mistake = pilot.app.screen.session.part.mistakes[0]
        answer_input = pilot.app.screen.query_one(AnswerInput)
        answer_input.focus()
        answer_input.insert_text_at_cursor(str(int(mistake.value)))
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=answer_with_the_classic_mistake)


def test_home_screen_at_80_by_24(snap_compare: Any, new_app: AppFactory) -> None:
    assert snap_compare(new_app(), terminal_size=(80, 24))
