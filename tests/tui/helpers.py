"""Pilot helpers: read the practice screen and answer its current part."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Markdown, Static, TextArea

from quizbank.store import Store
from tui.screens.practice import PracticeScreen


def practice(pilot: Any) -> PracticeScreen:
    screen = pilot.app.screen
    assert isinstance(screen, PracticeScreen), f"expected the practice screen, got {screen!r}"
    return screen


def outcome_text(pilot: Any) -> str:
    screen = practice(pilot)
    if not screen.feedback.display:
        return ""
    return str(screen.query_one("#outcome", Static).content)


def feedback_body(pilot: Any) -> str:
    return practice(pilot).query_one("#feedback-body", Markdown).source


async def type_text(pilot: Any, text: str) -> None:
    """Enter text into the focused input at once (pressing each key is slow in Pilot)."""
    focused = pilot.app.focused
    if isinstance(focused, Input):
        focused.insert_text_at_cursor(text)
    elif isinstance(focused, TextArea):
        focused.insert(text)
    else:
        raise AssertionError(f"no text input has focus: {focused!r}")
    await pilot.pause()


async def submit(pilot: Any) -> None:
    await pilot.press("enter")
    await pilot.pause()


def correct_positions(pilot: Any) -> list[int]:
    part = practice(pilot).session.part
    return [position for position, option in enumerate(part.options) if option.correct]


def option_key(position: int) -> str:
    return "abcdefghij"[position]


def recorded(store: Store) -> list[tuple[str, str, str]]:
    """(question id, part id, outcome) of every stored attempt, oldest first."""
    return [(a.question_id, a.part_id, a.outcome) for a in store.attempts()]
