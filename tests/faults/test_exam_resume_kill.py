"""A mock exam survives ``kill -9``: every answer saved before the kill is there on resume,
and the clock continues from the wall-clock deadline.

A driver process builds the real app with :func:`tui.app.make_app` and a fake clock (no
environment hook needed: the driver injects the clock), answers through Pilot, reports each
answer once the exam screen has committed it, and is then SIGKILLed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from quizbank.clock import FakeClock
from quizbank.exam_grading import response_from_json
from quizbank.loader import load_bank
from quizbank.store import Store
from tests.faults.helpers import ROOT
from tui.app import make_app
from tui.screens.exam import ExamScreen
from tui.screens.exam_session import ExamRequest
from tui.widgets.exam_part import ExamPart

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

DRIVER = textwrap.dedent(
    """
    import asyncio, json, sys
    from datetime import datetime, UTC
    from pathlib import Path

    from quizbank.clock import FakeClock
    from quizbank.loader import load_bank
    from quizbank.store import Store
    from tui.app import make_app
    from tui.screens.exam_session import ExamRequest

    clock = FakeClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))
    store = Store.open(Path(sys.argv[1]), clock=clock)
    request = ExamRequest(blueprint="quick-20", seed=7)
    app = make_app(bank=load_bank(), store=store, clock=clock, start=request)


    def report(*values):
        print(json.dumps(values), flush=True)


    async def main():
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(200):
                await pilot.pause(0.05)
                if type(app.screen).__name__ == "ExamScreen" and app.screen.query("ExamPart"):
                    break
            session = app.screen.session
            for key in ("a", "b", "a"):  # the first questions are choice questions
                slot = session.current
                await pilot.press(key)
                await pilot.pause()
                report("saved", slot, session.answers[(slot, "")])
                clock.advance(20)
                await pilot.press("enter")
                await pilot.pause()
            await pilot.press("ctrl+f")
            await pilot.pause()
            report("flagged", session.current)
            await pilot.press("ctrl+g")
            await pilot.pause()
            app.focused.insert_text_at_cursor("9")
            await pilot.press("enter")
            await pilot.pause()
            app.focused.insert_text_at_cursor("12.5")
            for _ in range(40):  # typing is saved within 0.3 s
                await pilot.pause(0.05)
                if (8, "") in session.answers:
                    break
            report("saved", 8, session.answers[(8, "")])
            report("ready", session.exam.id)
            await asyncio.sleep(3600)


    asyncio.run(main())
    """
)


def _run_driver(data_dir: Path, tmp_path: Path) -> dict[str, Any]:
    script = tmp_path / "exam_driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, str(script), str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    seen: dict[str, Any] = {"saved": {}, "flagged": [], "exam": None}
    deadline = time.monotonic() + 90
    try:
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            if not line.startswith("["):
                continue
            kind, *parsed = json.loads(line)
            if kind == "saved":
                seen["saved"][parsed[0]] = parsed[1]
            elif kind == "flagged":
                seen["flagged"].append(parsed[0])
            elif kind == "ready":
                seen["exam"] = parsed[0]
                break
    finally:
        process.send_signal(signal.SIGKILL)  # like kill -9: no cleanup at all
        process.wait(timeout=30)
    stderr = process.stderr.read() if process.stderr else ""
    assert seen["exam"] is not None, f"the driver did not get ready: {stderr[-2000:]}"
    return seen


def test_kill_9_mid_exam_loses_nothing_and_resume_keeps_the_clock(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    seen = _run_driver(data_dir, tmp_path)
    assert len(seen["saved"]) == 4

    clock = FakeClock(START + timedelta(seconds=100))
    store = Store.open(data_dir, clock=clock)
    try:
        exam = store.open_exam()
        assert exam is not None and exam.id == seen["exam"]
        answers = {(a.slot, a.part_id): a.response for a in store.exam_answers(exam.id)}
        assert answers == {(slot, ""): value for slot, value in seen["saved"].items()}
        flagged = [slot.slot for slot in store.exam_slots(exam.id) if slot.flagged]
        assert flagged == seen["flagged"] == [3]
        assert exam.state["current"] == 8
        assert exam.remaining(clock.now()) == timedelta(minutes=20) - timedelta(seconds=100)

        app = make_app(bank=load_bank(), store=store, clock=clock, start=ExamRequest(resume=True))

        async def check() -> None:
            async with app.run_test(size=(100, 30)) as pilot:
                status = ""
                for _ in range(200):  # until the exam screen has drawn its countdown
                    await pilot.pause(0.05)
                    screen = app.screen
                    if isinstance(screen, ExamScreen) and screen.query(ExamPart):
                        status = str(screen.query_one("#exam-status", Static).content)
                        if status:
                            break
                assert isinstance(screen, ExamScreen)
                assert "18:20 left" in status
                assert "4 answered · 1 flagged" in status
                assert screen.session.current == 8
                assert screen.query_one(ExamPart).query_one(Input).value == "12.5"
                for slot in (0, 1, 2):
                    await screen.show_question(slot)
                    await pilot.pause()
                    part = screen.query_one(ExamPart)
                    wanted = response_from_json(part.part.type, seen["saved"][slot])
                    assert part.answer.response() == wanted

        asyncio.run(check())
    finally:
        store.close()
