"""Mock exams through the real app: answer, flag, navigate, submit, time out, report, resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Markdown, Static

from quizbank.clock import FakeClock
from quizbank.loader import Bank, load_bank
from quizbank.stats import compute_stats, stats_json
from quizbank.store import Store
from tests.tui.conftest import run
from tests.tui.helpers import type_text
from tui.app import DlquizApp, make_app
from tui.screens.exam import ExamScreen
from tui.screens.exam_modals import GoToQuestionModal, SubmitExamModal
from tui.screens.exam_report import ExamReportScreen
from tui.screens.exam_session import EXPIRED_NOTICE, ExamRequest
from tui.screens.practice import PracticeScreen
from tui.widgets.exam_navigator import ExamNavigator
from tui.widgets.exam_part import ExamPart

TINY = Path(__file__).resolve().parents[1] / "data" / "blueprints" / "tiny.yaml"


@pytest.fixture(scope="module")
def builtin() -> Bank:
    return load_bank()


def exam_screen(pilot: Any) -> ExamScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ExamScreen), f"expected the exam screen, got {screen!r}"
    return screen


def report_screen(pilot: Any) -> ExamReportScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ExamReportScreen), f"expected the report, got {screen!r}"
    return screen


def status_text(pilot: Any) -> str:
    return str(exam_screen(pilot).query_one("#exam-status", Static).content)


def notes(pilot: Any) -> list[str]:
    return [n.message for n in pilot.app._notifications]


async def settle(pilot: Any, done: Any, seconds: float = 5.0) -> None:
    """Let the app work until ``done()`` holds (a busy machine may need a few frames)."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)


def saved(store: Store, exam_id: int = 1) -> dict[tuple[int, str], Any]:
    return {(a.slot, a.part_id): a.response for a in store.exam_answers(exam_id)}


def correct_text(part: Any) -> str:
    if part.type == "numeric":
        return str(part.expected)
    components = [getattr(node, "name", None) or str(node.value) for node in part.expected]
    return "(" + ", ".join(components) + ")"


async def exam_ready(pilot: Any) -> ExamScreen:
    """The exam screen once it shows a question."""

    def shown() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, ExamScreen) and bool(screen.query(ExamPart))

    await settle(pilot, shown)
    return exam_screen(pilot)


def tiny_app(bank: Bank, store: Store, clock: FakeClock, **request: Any) -> DlquizApp:
    return make_app(
        bank=bank, store=store, clock=clock, start=ExamRequest(blueprint=TINY, seed=3, **request)
    )


def test_a_full_quick_exam(builtin: Bank, store: Store, clock: FakeClock) -> None:
    app = make_app(
        bank=builtin, store=store, clock=clock, start=ExamRequest(blueprint="quick-20", seed=7)
    )

    async def scenario(pilot: Any) -> None:
        screen = await exam_ready(pilot)
        session = screen.session
        assert session.count == 13
        assert "20:00 left" in status_text(pilot) and "question 1 of 13" in status_text(pilot)
        # a chosen option is saved at once
        await pilot.press("a")
        await pilot.pause()
        assert saved(store) == {(0, ""): [0]}
        clock.advance(30)
        await pilot.press("enter")  # next question
        await pilot.pause()
        assert session.current == 1
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert store.exam_slots(1)[1].flagged
        assert "1 flagged" in status_text(pilot)
        labels = [str(option.prompt) for option in screen.query_one(ExamNavigator).options]
        assert " 1 ✓ answered" in labels and " 2 ○ unanswered ⚑" in labels
        # go to question 9 by number and type the right answer
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(pilot.app.screen, GoToQuestionModal)
        await type_text(pilot, "9")
        await pilot.press("enter")
        await pilot.pause()
        assert session.current == 8
        part = session.instance(8).parts[0]
        await type_text(pilot, correct_text(part))
        await pilot.pause(0.5)  # typing is saved within 0.3 s
        assert saved(store)[(8, "")] == correct_text(part)
        # jump with the navigator's keys
        navigator = screen.query_one(ExamNavigator)
        navigator.focus()
        navigator.highlighted = navigator.get_option_index("slot-4")
        await pilot.press("enter")
        await pilot.pause()
        assert session.current == 4
        assert store.exam(1).state["current"] == 4  # type: ignore[union-attr]
        # submitting asks first, listing what is unanswered and flagged
        await pilot.press("ctrl+s")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, SubmitExamModal)
        summary = str(modal.query_one("#submit-summary", Static).content)
        assert "11 not (fully) answered: questions 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13" in summary
        assert "1 flagged for review: question 2." in summary
        await pilot.press("n")
        await pilot.pause()
        assert exam_screen(pilot) is screen and store.exam(1).is_open  # type: ignore[union-attr]
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        report = report_screen(pilot).report
        exam = store.exam(1)
        assert exam is not None and exam.submit_reason == "user"
        assert exam.score == pytest.approx(report.score) and exam.max_score == 20
        assert report.slots[8].status == "correct"
        text = report_screen(pilot).query_one("#report-summary", Markdown).source
        for expected in ("Points per section", "Points per lecture", "seed **7**", "Score"):
            assert expected in text
        # the Questions tab shows each question with the answer and the feedback
        await pilot.press("t")
        await pilot.pause()
        navigator = report_screen(pilot).query_one("#report-nav", ExamNavigator)
        navigator.highlighted = navigator.get_option_index("slot-8")
        await pilot.pause()
        body = report_screen(pilot).query_one("#feedback-body", Markdown).source
        assert f"**Your answer:** `{correct_text(part)}`" in body
        assert "Explanation" in body or "Worked solution" in body
        exams = stats_json(compute_stats(store))["exams"]
        assert exams[0]["blueprint"] == "quick-20" and exams[0]["seed"] == 7
        assert exams[0]["score"] == pytest.approx(report.score)

    run(app, scenario)


def test_the_exam_submits_itself_at_zero(bank: Bank, store: Store, clock: FakeClock) -> None:
    app = tiny_app(bank, store, clock)

    async def scenario(pilot: Any) -> None:
        screen = await exam_ready(pilot)
        await pilot.press("a")  # the first question is a choice question
        await pilot.pause()
        clock.advance(5 * 60 + 1)
        screen.tick()
        await pilot.pause()
        assert "5 minutes left (4:59)." in notes(pilot)
        assert "4:59 left" in status_text(pilot)
        clock.advance(4 * 60)
        screen.tick()
        await pilot.pause()
        assert "1 minute left (0:59)." in notes(pilot)
        await pilot.press("ctrl+s")  # a dialog open at 0:00 is closed
        await pilot.pause()
        clock.advance(60)
        screen.tick()
        await pilot.pause()
        report = report_screen(pilot)
        assert report.report.exam.submit_reason == "timeout"
        assert report.report.slots[0].parts[0].answered
        text = report.query_one("#report-summary", Markdown).source
        assert "Time is up; your exam was submitted with your saved answers." in text

    run(app, scenario)


def test_the_same_seed_gives_the_same_exam(bank: Bank, tmp_path: Path, clock: FakeClock) -> None:
    shown: list[list[tuple[str, int, tuple[int, ...]]]] = []
    for name in ("first", "second"):
        store = Store.open(tmp_path / name, clock=clock)

        async def scenario(pilot: Any) -> None:
            session = (await exam_ready(pilot)).session
            shown.append(
                [
                    (slot.question_id, slot.seed, tuple(o.index for o in part.options))
                    for slot in session.slots
                    for part in session.instance(slot.slot).parts  # type: ignore[union-attr]
                ]
            )

        run(tiny_app(bank, store, clock), scenario)
        store.close()
    assert shown[0] == shown[1]
    assert len({question_id for question_id, _, _ in shown[0]}) == 8


def test_resume_restores_answers_flags_and_the_clock(
    bank: Bank, store: Store, clock: FakeClock
) -> None:
    async def answer(pilot: Any) -> None:
        screen = await exam_ready(pilot)
        await pilot.press("a")
        await pilot.press("ctrl+f")
        await pilot.press("ctrl+g")
        await type_text(pilot, "4")
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "250")
        assert screen.session.current == 3

    run(tiny_app(bank, store, clock), answer)  # leaving the app saves pending typing too
    first = saved(store)[(0, "")]
    assert first in ([0], True)  # "a" picks the first option (True for true/false)
    assert saved(store)[(3, "")] == "250"
    clock.advance(125)
    resumed = make_app(bank=bank, store=store, clock=clock, start=ExamRequest(resume=True))

    async def check(pilot: Any) -> None:
        await settle(pilot, lambda: notes(pilot))
        screen = await exam_ready(pilot)
        assert screen.session.current == 3
        assert "7:55 left" in status_text(pilot)
        assert "Exam resumed: 7:55 left." in notes(pilot)
        assert screen.query_one(ExamPart).query_one(Input).value == "250"
        await pilot.press("ctrl+b", "ctrl+b", "ctrl+b")
        await pilot.pause()
        part = screen.query_one(ExamPart)
        assert part.answer.response() in (frozenset({0}), True)
        assert "1 flagged" in status_text(pilot)

    run(resumed, check)


def test_time_that_ran_out_while_closed(bank: Bank, store: Store, clock: FakeClock) -> None:
    async def answer(pilot: Any) -> None:
        await exam_ready(pilot)
        await pilot.press("a")
        await pilot.pause()

    run(tiny_app(bank, store, clock), answer)
    clock.advance(11 * 60)
    resumed = make_app(bank=bank, store=store, clock=clock, start=ExamRequest(resume=True))

    async def check(pilot: Any) -> None:
        await settle(pilot, lambda: notes(pilot))
        report = report_screen(pilot)
        assert report.report.exam.submit_reason == "expired-while-closed"
        assert report.report.slots[0].parts[0].answered
        assert f"{EXPIRED_NOTICE[:1].upper()}{EXPIRED_NOTICE[1:]}." in notes(pilot)
        text = report.query_one("#report-summary", Markdown).source
        assert "Time ran out while dlquiz was closed" in text

    run(resumed, check)


def test_open_answers_are_rated_before_the_final_score(
    bank: Bank, store: Store, clock: FakeClock
) -> None:
    app = tiny_app(bank, store, clock)

    async def scenario(pilot: Any) -> None:
        session = (await exam_ready(pilot)).session
        open_slot = next(s for s in range(session.count) if session.section(s).kind == "open")
        await pilot.press("ctrl+g")
        await type_text(pilot, str(open_slot + 1))
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "It makes the maps smaller.")
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        report = report_screen(pilot)
        assert not report.report.final
        summary = report.query_one("#report-summary", Markdown).source
        assert "rate your 1 open answer" in summary
        await pilot.press("t")
        navigator = report.query_one("#report-nav", ExamNavigator)
        navigator.highlighted = navigator.get_option_index(f"slot-{open_slot}")
        await pilot.pause()
        await pilot.press("3")  # good: two thirds of the points
        await pilot.pause()
        assert report.report.final
        assert report.report.score == pytest.approx(2 * 2 / 3)
        exam = store.exam(1)
        assert exam is not None and exam.score == pytest.approx(2 * 2 / 3)
        assert any(n.startswith("Final score:") for n in notes(pilot))
        assert "Rated Good" in str(report.query_one("#outcome", Static).content)
        # practise my mistakes: every template without full marks, fresh numbers
        await pilot.press("m")
        await pilot.pause()
        practice = pilot.app.screen
        assert isinstance(practice, PracticeScreen)
        planned = {question.id for question, _ in practice.session.plan}
        assert planned == set(report.report.missed_question_ids())

    run(app, scenario)


def test_show_grades_checks_each_question(bank: Bank, store: Store, clock: FakeClock) -> None:
    app = tiny_app(bank, store, clock, show_grades=True)

    async def scenario(pilot: Any) -> None:
        screen = await exam_ready(pilot)
        first = screen.session.instance(0).parts[0]  # type: ignore[union-attr]
        if first.type == "truefalse":
            keys, other = ["t" if first.expected else "f"], "f" if first.expected else "t"
        else:
            keys, other = ["abcdefghij"[index] for index in sorted(first.expected)], "d"
        await pilot.press(*keys)
        await pilot.pause()
        before = saved(store)[(0, "")]
        await pilot.press("enter")  # check
        await pilot.pause()
        part = screen.query_one(ExamPart)
        assert part.feedback.display
        assert "✓ Correct" in str(part.feedback.query_one("#outcome", Static).content)
        await pilot.press(other)  # a checked answer is locked
        await pilot.pause()
        assert saved(store)[(0, "")] == before
        await pilot.press("enter")  # next
        await pilot.pause()
        assert screen.session.current == 1

    run(app, scenario)


def test_leaving_keeps_the_exam_open_for_the_home_screen(
    bank: Bank, store: Store, clock: FakeClock
) -> None:
    app = tiny_app(bank, store, clock)

    async def scenario(pilot: Any) -> None:
        await exam_ready(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ExamScreen)
        assert store.open_exam() is not None
        await pilot.press("e")  # the home screen resumes the open exam
        await pilot.pause()
        assert (await exam_ready(pilot)).session.exam.id == 1

    run(app, scenario)


def test_a_blueprint_the_bank_cannot_fill_is_reported(
    bank: Bank, store: Store, clock: FakeClock
) -> None:
    app = make_app(
        bank=bank, store=store, clock=clock, start=ExamRequest(blueprint="i2dl-mock", seed=1)
    )

    async def scenario(pilot: Any) -> None:
        assert not isinstance(pilot.app.screen, ExamScreen)
        assert any("needs 20 questions but the bank has only" in n for n in notes(pilot))
        assert store.open_exam() is None

    run(app, scenario)


def test_past_exams_are_on_the_stats_screen(bank: Bank, store: Store, clock: FakeClock) -> None:
    from textual.widgets import DataTable, TabbedContent

    from quizbank.blueprints import load_blueprint
    from quizbank.exam import assemble
    from tui.screens.exam_session import ExamSession

    plan = assemble(load_blueprint(TINY), bank.questions, 5)
    ExamSession.start(store, clock, bank, plan).submit("user")
    app = make_app(bank=bank, store=store, clock=clock)

    async def scenario(pilot: Any) -> None:
        await pilot.pause()
        pilot.app.show_stats()
        await pilot.pause()
        pilot.app.screen.query_one(TabbedContent).active = "exams"
        await pilot.pause()
        table = pilot.app.screen.query_one("#stats-exams", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)][:3] == ["1", "tiny", "5"]
        table.focus()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ExamReportScreen))
        assert report_screen(pilot).report.exam.id == 1

    run(app, scenario)


def test_the_home_screen_starts_an_exam(builtin: Bank, store: Store, clock: FakeClock) -> None:
    from textual.widgets import OptionList

    from tui.screens.exam_setup import ExamSetupModal

    app = make_app(bank=builtin, store=store, clock=clock)

    async def scenario(pilot: Any) -> None:
        await pilot.pause()
        await pilot.click("#go-exam")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ExamSetupModal)
        options = modal.query_one("#setup-blueprint", OptionList)
        names = [option.id for option in options.options]
        assert {"i2dl-mock", "quick-20"} <= set(names)
        options.highlighted = names.index("quick-20")
        await pilot.press("enter")  # to the seed
        await type_text(pilot, "7")
        await pilot.press("enter")
        screen = await exam_ready(pilot)
        assert screen.session.exam.blueprint == "quick-20" and screen.session.exam.seed == 7
        await pilot.press("escape")  # leave it open: the button now resumes
        await pilot.pause()
        assert "Resume exam" in str(pilot.app.screen.query_one("#go-exam").label)

    run(app, scenario)
