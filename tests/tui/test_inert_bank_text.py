"""Bank text is inert in the TUI: markup in a prompt binds no action, a link opens nothing.

A bank may come from anyone. ``[@click=app.quit]x[/]`` in a prompt must show as those
characters and do nothing when clicked; clicking a Markdown link must not open a browser
(``App.open_url``), only say which link it was.
"""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock

from quizbank.clock import FakeClock
from quizbank.loader import load_bank
from quizbank.store import Store
from tests.tui.conftest import SIZE
from tests.tui.helpers import practice
from tui.app import make_app
from tui.session import PracticeRequest

HOSTILE = "[@click=app.quit]x[/]"
LINK = "https://example.invalid/phish"
BANK = f"""\
lecture: 7
title: Hostile text
questions:
  - id: hostile-prompt
    type: single
    lecture: 7
    topic: hostile
    source: security test
    prompt: |
      {HOSTILE} must stay text.

      [a link]({LINK}) must not open.
    options:
      - text: "yes"
        correct: true
        why: It is text.
      - text: "no"
        correct: false
        why: It is text.
    explanation: Nothing happens.
"""


def _blocks(markdown: Markdown) -> list[MarkdownBlock]:
    return list(markdown.query(MarkdownBlock))


def _click_actions(block: MarkdownBlock) -> set[str]:
    """The ``@click`` actions in a block's rendered text."""
    return {
        str(span.style.meta["@click"])
        for span in block._content.spans
        if hasattr(span.style, "meta") and "@click" in span.style.meta
    }


def test_markup_and_a_link_in_a_prompt_do_nothing_harmful(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(textwrap.dedent(BANK), encoding="utf-8")
    bank = load_bank([folder], builtin=False)
    opened: list[str] = []
    monkeypatch.setattr(App, "open_url", lambda self, url, **_: opened.append(url))
    store = Store.open(tmp_path / "data", clock=FakeClock())
    request = PracticeRequest("practice", lectures=(7,), length=1)
    app = make_app(bank=bank, store=store, clock=FakeClock(), start=request)

    async def scenario(pilot: Any) -> None:
        await pilot.pause()
        prompt = practice(pilot).query_one("#question-prompt", Markdown)
        hostile, link = _blocks(prompt)[:2]
        assert HOSTILE in str(hostile._content)  # shown as typed
        assert not _click_actions(hostile)
        assert _click_actions(link) == {f"link({LINK!r})"}

        await pilot.click(hostile, offset=(2, 0))  # on "[@click=app.quit]x[/]"
        await pilot.pause()
        assert app.is_running
        await pilot.click(link, offset=(2, 0))  # on "a link"
        await pilot.pause()
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, type(practice(pilot)))
        notes = [n.message for n in app._notifications]
        assert f"Links are not opened: {LINK}" in notes

    async def main() -> None:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await scenario(pilot)

    try:
        asyncio.run(main())
    finally:
        store.close()
    assert opened == []  # the app's own open_url stopped it; Textual's never ran
    assert app.return_code in (None, 0)
