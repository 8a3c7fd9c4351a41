"""Fixtures for the TUI tests: the small bank in tests/tui/data, a temporary store, a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from quizbank.clock import FakeClock
from quizbank.loader import Bank, load_bank
from quizbank.store import Store
from tui.app import DlquizApp, make_app
from tui.session import PracticeRequest

DATA = Path(__file__).parent / "data"
SIZE = (100, 30)


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank([DATA], builtin=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path, clock: FakeClock) -> Iterator[Store]:
    store = Store.open(data_dir, clock=clock)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes snapshots flaky."""
    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)
    monkeypatch.setattr(TextArea, "cursor_blink", False, raising=False)


AppFactory = Callable[..., DlquizApp]


@pytest.fixture
def new_app(bank: Bank, store: Store, clock: FakeClock) -> AppFactory:
    def build(start: PracticeRequest | None = None, **kwargs: Any) -> DlquizApp:
        return make_app(bank=bank, store=store, clock=clock, start=start, **kwargs)

    return build


def run(app: DlquizApp, scenario: Callable[[Any], Awaitable[None]], size=SIZE) -> None:
    """Drive ``app`` with Pilot through ``scenario(pilot)`` (pytest has no asyncio plugin here)."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())
