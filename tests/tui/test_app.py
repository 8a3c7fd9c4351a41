"""The home screen, navigation, the palette, stats and history across restarts."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from quizbank.clock import FakeClock
from quizbank.errors import UserError
from quizbank.store import Store, StoreUnavailable
from tests.tui.conftest import DATA, AppFactory, run
from tests.tui.helpers import outcome_text, practice, recorded, submit, type_text
from tui.app import make_app
from tui.palette import DlquizCommands
from tui.screens.home import HomeScreen
from tui.screens.stats import StatsScreen
from tui.session import PracticeRequest

ROOT = Path(__file__).resolve().parents[2]


def _home(pilot: Any) -> HomeScreen:
    assert isinstance(pilot.app.screen, HomeScreen)
    return pilot.app.screen


def test_home_lists_lectures_with_counts_and_mastery(new_app: AppFactory) -> None:
    async def scenario(pilot: Any) -> None:
        table = _home(pilot).query_one("#lectures", DataTable)
        assert table.row_count == 12
        row = table.get_row("9")
        assert row[1] == "Convolutional Neural Networks"
        assert row[2] == "8"
        assert "0/8" in row[3]
        assert "0 reviews due today" in str(_home(pilot).query_one("#today", Static).content)

    run(new_app(), scenario)


def test_enter_on_a_lecture_practises_it(new_app: AppFactory) -> None:
    async def scenario(pilot: Any) -> None:
        table = _home(pilot).query_one("#lectures", DataTable)
        table.move_cursor(row=1)  # lecture 2
        await pilot.press("enter")
        await pilot.pause()
        session = practice(pilot).session
        assert session.request.lectures == (2,)
        assert session.question.id == "tui-numeric-lecture2"

    run(new_app(), scenario)


def test_practice_setup_dialog_filters_by_type(new_app: AppFactory) -> None:
    async def scenario(pilot: Any) -> None:
        await pilot.press("p")
        await pilot.pause()
        types = pilot.app.screen.query_one("#setup-types")
        types.select("truefalse")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert practice(pilot).session.question.type == "truefalse"
        assert practice(pilot).session.total == 1

    run(new_app(), scenario)


def test_palette_offers_namespaced_commands(new_app: AppFactory) -> None:
    async def scenario(pilot: Any) -> None:
        provider = DlquizCommands(pilot.app.screen)
        found = [hit.text async for hit in provider.search("lecture 9")]
        assert "practice: Lecture 9 — Convolutional Neural Networks" in found
        topics = [hit.text async for hit in provider.search("receptive")]
        assert "topic: receptive field" in topics
        discovered = [hit.text async for hit in provider.discover()]
        assert {"review: due questions", "stats", "theme: toggle light/dark"} <= set(discovered)

    run(new_app(), scenario)


def test_theme_toggles_between_light_and_dark(new_app: AppFactory) -> None:
    async def scenario(pilot: Any) -> None:
        dark = pilot.app.current_theme.dark
        await pilot.press("ctrl+t")
        assert pilot.app.current_theme.dark is not dark

    run(new_app(), scenario)


def test_history_survives_a_restart_and_shows_in_stats(
    bank: Any, data_dir: Path, clock: FakeClock
) -> None:
    store = Store.open(data_dir, clock=clock)
    first = make_app(
        bank=bank,
        store=store,
        clock=clock,
        start=PracticeRequest("practice", lectures=(2,), seed=0, length=1),
    )

    async def answer(pilot: Any) -> None:
        await type_text(pilot, "250")
        await submit(pilot)
        assert outcome_text(pilot).startswith("✓ Correct")
        await pilot.press("enter")  # last question: the summary
        await pilot.pause()
        await pilot.app.action_quit()

    run(first, answer)
    store.close()

    reopened = Store.open(data_dir, clock=clock)
    assert recorded(reopened) == [("tui-numeric-lecture2", "", "correct")]

    async def look(pilot: Any) -> None:
        table = _home(pilot).query_one("#lectures", DataTable)
        assert "1/1" in table.get_row("2")[3]
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, StatsScreen)
        overview = str(pilot.app.screen.query_one("#stats-overview", Static).content)
        assert overview.startswith("1 answers · 1 graded · 1 correct · accuracy 100%")
        lectures = pilot.app.screen.query_one("#stats-lectures", DataTable)
        row = lectures.get_row_at(0)
        assert (row[0], row[1], row[-1]) == ("2", "1", "Machine Learning Basics")

    run(make_app(bank=bank, store=reopened, clock=clock), look)
    reopened.close()


def test_review_mode_brings_back_a_failed_question(new_app: AppFactory, store: Store) -> None:
    async def fail_then_review(pilot: Any) -> None:
        await type_text(pilot, "1")
        await submit(pilot)
        await pilot.press("escape")
        await pilot.pause()
        pilot.app.go_home()
        await pilot.pause()
        assert "1 review due today" in str(_home(pilot).query_one("#today", Static).content)
        await pilot.press("v")
        await pilot.pause()
        session = practice(pilot).session
        assert session.request.mode == "review"
        assert session.question.id == "tui-numeric-lecture2"

    run(new_app(PracticeRequest("practice", lectures=(2,), seed=0, length=1)), fail_then_review)


def test_cram_never_changes_the_schedule(new_app: AppFactory, store: Store) -> None:
    async def scenario(pilot: Any) -> None:
        await type_text(pilot, "1")
        await submit(pilot)
        await pilot.press("escape")
        await pilot.pause()
        pilot.app.go_home()
        await pilot.pause()
        reviews_before = store.reviews()
        await pilot.press("c")
        await pilot.pause()
        session = practice(pilot).session
        assert session.request.mode == "cram"
        await type_text(pilot, "250")
        await submit(pilot)
        assert store.attempts()[-1].mode == "cram"
        assert store.reviews() == reviews_before

    run(new_app(PracticeRequest("practice", lectures=(2,), seed=0, length=1)), scenario)


class FailingStore(Store):
    def record_attempt(self, attempt: Any) -> int:
        raise StoreUnavailable("could not save the attempt: the disk is full")


def test_a_failed_write_is_reported_not_raised(bank: Any, tmp_path: Path) -> None:
    clock = FakeClock()
    opened = Store.open(tmp_path, clock=clock)
    store = FailingStore(opened.connection, opened.path, clock)
    app = make_app(
        bank=bank, store=store, clock=clock, start=PracticeRequest("practice", lectures=(2,))
    )

    async def scenario(pilot: Any) -> None:
        await type_text(pilot, "250")
        await submit(pilot)
        messages = [n.message for n in pilot.app._notifications]
        assert any("disk is full" in message for message in messages)
        assert practice(pilot).state == "answering"  # nothing lost: they can try again

    run(app, scenario)


def test_no_matching_questions_is_a_notice(new_app: AppFactory) -> None:
    async def scenario(pilot: Any) -> None:
        pilot.app.start_practice(PracticeRequest("practice", topics=("no such topic",)))
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
        assert any("No questions match" in n.message for n in pilot.app._notifications)

    run(new_app(), scenario)


def test_the_app_starts_and_grades_without_torch(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, json, sys
        from pathlib import Path
        from quizbank.clock import FakeClock
        from quizbank.store import Store
        from tui.app import make_app
        from tui.session import PracticeRequest

        async def main():
            clock = FakeClock()
            store = Store.open(Path({str(tmp_path)!r}), clock=clock)
            app = make_app(store=store, clock=clock, extra_banks=[Path({str(DATA)!r})],
                           start=PracticeRequest("practice", types=("numeric",), seed=0))
            async with app.run_test(size=(100, 30)) as pilot:
                for _ in range(200):  # the bank loads in a worker after the first paint
                    await pilot.pause(0.05)
                    if type(app.focused).__name__ == "AnswerInput":
                        break
                app.focused.insert_text_at_cursor("250")
                await pilot.press("enter")
                await pilot.pause()
                assert store.attempts()[0].outcome in ("correct", "incorrect")
            print(json.dumps([m for m in ("torch", "sympy") if m in sys.modules]))

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_practice_command_rejects_unknown_types() -> None:
    from tui.cli import build_parser

    args = build_parser().parse_args(["practice", "--type", "essay", "--lecture", "9"])
    assert args.lectures == [9]
    with pytest.raises(UserError, match="unknown question type 'essay'"):
        args.handler(args)


def test_a_corrupt_database_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "progress.sqlite").write_bytes(b"this is not a database" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "damaged" in result.stderr and "--reset-corrupt-db" in result.stderr
    assert (tmp_path / "progress.sqlite").exists()  # never deleted without consent
