"""Untrusted names in the TUI's notifications: shown as plain, inert text.

A broken bank file is skipped with a notification naming it. Its name comes from whoever
made the folder, so it may hold Textual markup (``[a=b=c]`` is a markup error,
``[@click=app.quit]`` would bind an action) or terminal escape sequences; a topic typed on
the command line may hold markup too.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.widgets._toast import Toast

from quizbank.clock import FakeClock
from quizbank.store import Store
from tests.security.helpers import CORPUS, RAW_CONTROL
from tui.app import make_app
from tui.session import PracticeRequest

HOSTILE_NAMES = ("bad[a=b=c]name.yaml", "evil\x1b[2J[@click=app.quit]x.yaml")


def _run(app: Any, scenario: Any) -> None:
    async def main() -> None:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


def _text(toast: Toast) -> str:
    """What the toast shows (rendering it as the screen does: markup would be read here)."""
    return toast.render().plain


def _messages(app: Any) -> list[str]:
    return [notification.message for notification in app._notifications]


def test_skipped_files_with_markup_and_escapes_in_their_names(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    for name in HOSTILE_NAMES:
        (folder / name).write_bytes((CORPUS / "tag_name.yaml").read_bytes())
    store = Store.open(tmp_path / "data", clock=FakeClock())
    app = make_app(store=store, clock=FakeClock(), extra_banks=[folder])

    async def scenario(pilot: Any) -> None:
        for _ in range(200):  # the bank loads in a worker after the first paint
            if pilot.app.bank is not None:
                break
            await asyncio.sleep(0.02)
        assert pilot.app.bank is not None
        await pilot.pause()
        await pilot.pause()  # the toast is drawn
        (message,) = [m for m in _messages(pilot.app) if "Skipped 2 broken" in m]
        assert "bad[a=b=c]name.yaml" in message
        assert "evil\\x1b[2J[@click=app.quit]x.yaml" in message
        assert not RAW_CONTROL.search(message)
        toasts = [toast for toast in pilot.app.screen.query(Toast) if "Skipped" in _text(toast)]
        assert toasts, "the notification is shown"
        assert pilot.app.is_running
        assert pilot.app.bank.questions  # the built-in bank still loaded

    try:
        _run(app, scenario)
    finally:
        store.close()
    assert app.return_code in (None, 0)


def test_a_topic_with_markup_that_matches_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "data", clock=FakeClock())
    request = PracticeRequest("practice", topics=("[/][@click=app.quit]",), length=1)
    app = make_app(store=store, clock=FakeClock(), start=request)

    async def scenario(pilot: Any) -> None:
        for _ in range(200):
            if pilot.app.bank is not None:
                break
            await asyncio.sleep(0.02)
        await pilot.pause()
        await pilot.pause()
        assert any("[/][@click=app.quit]" in m for m in _messages(pilot.app))
        assert any(
            "[/][@click=app.quit]" in _text(toast) for toast in pilot.app.screen.query(Toast)
        )
        assert pilot.app.is_running

    try:
        _run(app, scenario)
    finally:
        store.close()
    assert app.return_code in (None, 0)
