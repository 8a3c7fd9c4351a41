"""Start-up: only the command being run is imported, and the store opens after the first paint."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from quizbank.clock import FakeClock
from quizbank.loader import Bank
from quizbank.store import Store, StoreUnavailable
from tests.tui.conftest import SIZE
from tui.app import make_app
from tui.cli import main, named_command

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ("bank", "exam", "practice", "run-model", "solve", "stats")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?<>$]*[A-Za-z]")


def _command_modules_after(argv: list[str]) -> list[str]:
    """The ``tui.commands`` modules a fresh interpreter imports to build the parser."""
    code = (
        "import sys\nfrom tui.cli import build_parser\n"
        f"build_parser({argv!r})\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('tui.commands.'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return [name for name in done.stdout.strip().split(",") if name]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ""),
        (["--data-dir", "d", "--reset-corrupt-db"], ""),
        (["stats", "--json"], "stats"),
        (["--bank", "b", "practice", "--lecture", "9"], "practice"),
        (["--bank=b", "--data", "d", "run-model", "x"], "run-model"),
        (["bank", "validate", "f.yaml"], "bank"),
        (["nope"], "nope"),
        (["--help"], None),
        (["stats", "--he"], None),
        (["--data-dir"], None),  # unreadable: the full parser reports it
    ],
)
def test_the_named_command_is_found_without_importing_any(
    argv: list[str], expected: str | None
) -> None:
    assert named_command(argv) == expected


def test_the_home_screen_imports_no_command_module() -> None:
    assert _command_modules_after(["--data-dir", "d"]) == []


def test_a_command_imports_only_its_own_module() -> None:
    assert _command_modules_after(["stats", "--json"]) == ["tui.commands.stats"]
    assert "tui.commands.bank.validate" in _command_modules_after(["bank", "validate"])
    assert "tui.commands.stats" not in _command_modules_after(["bank", "validate"])


def test_help_and_an_unknown_command_list_every_command() -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as helped:
        main(["--help"])
    assert helped.value.code == 0
    assert all(name in out.getvalue() for name in COMMANDS)
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as refused:
        main(["nope"])
    assert refused.value.code == 2
    assert "invalid choice: 'nope'" in err.getvalue()
    assert all(repr(name) in err.getvalue() for name in COMMANDS)


def _run(app: Any, scenario: Any) -> None:
    async def go() -> None:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await scenario(pilot)

    asyncio.run(go())


async def _until(pilot: Any, condition: Any) -> None:
    for _ in range(300):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def test_the_store_opens_in_a_worker_while_the_home_screen_is_usable(
    bank: Bank, tmp_path: Path
) -> None:
    release = threading.Event()
    opened: list[tuple[Store, bool]] = []

    def open_store() -> Store:
        release.wait(10)
        store = Store.open(tmp_path, clock=FakeClock())
        opened.append((store, threading.current_thread() is threading.main_thread()))
        return store

    app = make_app(bank=bank, clock=FakeClock(), open_store=open_store)

    async def scenario(pilot: Any) -> None:
        await pilot.pause()
        assert app.bank is None and app.opened_store is None
        with pytest.raises(RuntimeError, match="still opening"):
            _ = app.store
        await pilot.press("s")  # stats need the store: a note, not a crash
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert any("still loading" in n.message for n in app._notifications)
        release.set()
        await _until(pilot, lambda: app.bank is not None)
        await pilot.pause()
        table = app.screen.query_one("#lectures")
        assert table.row_count == 12
        assert app.store is opened[0][0]

    try:
        _run(app, scenario)
    finally:
        release.set()
        for store, _ in opened:
            store.close()
    assert [in_main for _, in_main in opened] == [False]


def test_a_store_that_does_not_open_ends_the_app_for_the_launcher(bank: Bank) -> None:
    def open_store() -> Store:
        raise StoreUnavailable("the data folder is read-only; choose another --data-dir")

    app = make_app(bank=bank, clock=FakeClock(), open_store=open_store)

    async def scenario(pilot: Any) -> None:
        await _until(pilot, lambda: not app.is_running)

    _run(app, scenario)
    assert isinstance(app.store_error, StoreUnavailable)
    assert app.return_code == 1
    assert app.bank is None


def test_an_unusable_data_dir_is_one_clear_line(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data-dir", str(not_a_folder / "data")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # Textual draws on stderr (the home screen shows until the store fails); after it
    # restores the terminal comes the one line.
    after_the_app = ANSI_ESCAPE.split(result.stderr)[-1]
    assert after_the_app.startswith("dlquiz: cannot create the data folder")
    assert after_the_app.rstrip("\n").count("\n") == 0 and "--data-dir" in after_the_app


def test_the_paused_garbage_collector_resumes_once_the_bank_is_there(
    bank: Bank, store: Store
) -> None:
    app = make_app(bank=bank, clock=FakeClock(), open_store=lambda: store, resume_gc=True)
    seen: list[bool] = []

    async def scenario(pilot: Any) -> None:
        seen.append(gc.isenabled())
        await _until(pilot, lambda: app.bank is not None)
        await _until(pilot, gc.isenabled)

    gc.disable()
    try:
        _run(app, scenario)
    finally:
        gc.enable()
    assert seen == [False]
