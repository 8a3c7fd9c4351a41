"""`dlquiz bank preview`: the question as a student sees it, answerable, with an author panel."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Markdown, Static

from quizbank.loader import Bank, load_bank
from tui.cli import main
from tui.commands.bank.preview import preview_app
from tui.screens.preview import PreviewScreen

ROUNDTRIP = Path(__file__).parent / "data" / "roundtrip.yaml"


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank([ROUNDTRIP], builtin=False)


def _drive(app: Any, scenario: Callable[[Any], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())
    app.store.close()


def _screen(pilot: Any) -> PreviewScreen:
    screen = pilot.app.screen
    assert isinstance(screen, PreviewScreen), screen
    return screen


def _panel(pilot: Any) -> str:
    return _screen(pilot).query_one("#author-text", Markdown).source


async def _type(pilot: Any, text: str) -> None:
    focused = pilot.app.focused
    assert isinstance(focused, Input)
    focused.value = ""
    focused.insert_text_at_cursor(text)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def test_preview_shows_the_question_and_the_author_panel(bank: Bank, tmp_path: Path) -> None:
    app = preview_app(bank, "rt-numeric-param", 3, tmp_path)

    async def scenario(pilot: Any) -> None:
        screen = _screen(pilot)
        assert screen.seed == 3
        assert screen.session.question.id == "rt-numeric-param"
        panel = _panel(pilot)
        expected = int(screen.session.part.expected)
        assert f"answer: **`{expected}`**" in panel
        assert "mistake `kernel-ignored`" in panel
        assert f"{ROUNDTRIP}:" in panel  # where the question is
        values = screen.session.instance.values
        assert f"n = {int(values['n'])}" in panel
        # the student side: the prompt with this variant's numbers
        assert f"width {int(values['n'])}" in screen.session.instance.prompt
        await _type(pilot, str(expected))
        outcome = str(screen.query_one("#outcome", Static).content)
        assert outcome.startswith("✓ Correct")
        assert screen.state == "feedback"

    _drive(app, scenario)


def test_seeds_cycle_with_f2_and_f3(bank: Bank, tmp_path: Path) -> None:
    app = preview_app(bank, "rt-numeric-param", 5, tmp_path)

    async def scenario(pilot: Any) -> None:
        screen = _screen(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert screen.seed == 6
        assert "Seed **6**" in _panel(pilot)
        assert "seed 6" in screen.sub_title
        await pilot.press("f3", "f3")
        await pilot.pause()
        assert screen.seed == 4
        # after the answer, enter moves on to the next seed rather than ending
        await _type(pilot, "abc")
        assert screen.state == "answering"  # unreadable: try again
        await _type(pilot, "1")
        assert screen.state == "feedback"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.seed == 5 and screen.state == "answering"

    _drive(app, scenario)


def test_author_panel_toggles_and_escape_quits(bank: Bank, tmp_path: Path) -> None:
    app = preview_app(bank, "rt-problem", 0, tmp_path)

    async def scenario(pilot: Any) -> None:
        screen = _screen(pilot)
        panel = screen.query_one("#author-panel")
        assert panel.display
        for line in ("**(a)** answer: **`448`**", "**(b)** answer: **`(16, 16, 16)`**"):
            assert line in _panel(pilot)
        assert "**(c)** answer: **false**" in _panel(pilot)
        assert "not parametric" in _panel(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert not panel.display
        await pilot.press("escape")
        await pilot.pause()

    _drive(app, scenario)
    assert app.return_code == 0


def test_answers_go_to_a_scratch_store(bank: Bank, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    app = preview_app(bank, "rt-single", 0, scratch)

    async def scenario(pilot: Any) -> None:
        screen = _screen(pilot)
        position = next(i for i, option in enumerate(screen.session.part.options) if option.correct)
        await pilot.press("abcdefghij"[position], "enter")
        await pilot.pause()
        assert str(screen.query_one("#outcome", Static).content).startswith("✓ Correct")
        assert "Sigmoid" in _panel(pilot)
        assert [a.question_id for a in pilot.app.store.attempts()] == ["rt-single"]

    _drive(app, scenario)
    assert (scratch / "progress.sqlite").is_file()


def test_cli_never_opens_the_students_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.app import DlquizApp

    opened: list[DlquizApp] = []

    def fake_run(self: DlquizApp, *args: Any, **kwargs: Any) -> None:
        opened.append(self)

    monkeypatch.setattr(DlquizApp, "run", fake_run)
    student = tmp_path / "student"
    argv = ["bank", "preview", "rt-open", "--bank", str(ROUNDTRIP), "--data-dir", str(student)]
    assert main(argv) == 0
    assert len(opened) == 1
    assert not student.exists()


@pytest.mark.torch
def test_f5_shows_the_reference_models_run_before_answering(tmp_path: Path) -> None:
    from quizbank.scaffold import add_question
    from tui.screens.run_view import RunScreen

    added = add_question(tmp_path / "bank", "numeric", 9)
    bank = load_bank([added.path], builtin=False)
    app = preview_app(bank, added.question_id, 2, tmp_path / "scratch")

    async def scenario(pilot: Any) -> None:
        assert "**Reference model:** `conv_shape` observes `size`" in _panel(pilot)
        assert _screen(pilot).state == "answering"
        await pilot.press("f5")
        await pilot.pause()
        run = pilot.app.screen
        assert isinstance(run, RunScreen)
        for _ in range(240):  # torch loads in a thread: wait for the result
            if run.query_one("#run-result").display:
                break
            await pilot.pause(0.25)
        facts = str(run.query_one("#run-facts", Static).content)
        assert f"size = {int(_screen_below(pilot).session.part.expected)}" in facts
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PreviewScreen)

    _drive(app, scenario)


def _screen_below(pilot: Any) -> PreviewScreen:
    screen = pilot.app.screen_stack[-2]
    assert isinstance(screen, PreviewScreen)
    return screen


def test_cli_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "preview", "rt-nope", "--bank", str(ROUNDTRIP)]) == 1
    assert "no question 'rt-nope' in the bank (did you mean" in capsys.readouterr().err
    assert main(["bank", "preview", "rt-single", "--seed", "-1", "--bank", str(ROUNDTRIP)]) == 1
    assert "--seed must be at least 0" in capsys.readouterr().err
