"""The mock-exam screen: a countdown, a question navigator, flags, and crash-proof answers.

Every change is saved at once (typed text at most :data:`TYPING_DEBOUNCE` s later), so
closing the terminal or ``kill -9`` loses nothing; ``dlquiz exam --resume`` or the home
screen continues with the wall-clock time that remains. Warnings come at 10, 5 and 1
minutes left, and the exam submits itself at 0:00. Grades stay hidden until the report,
unless the blueprint or ``--show-grades`` asks for them per question (enter checks).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from quizbank.errors import UserError
from tui.screens.exam_session import (
    EXPIRED_NOTICE,
    TYPING_DEBOUNCE,
    ExamRequest,
    ExamSession,
)
from tui.screens.practice_text import question_header, truths_for
from tui.widgets.exam_navigator import LEGEND, ExamNavigator, NavigatorEntry
from tui.widgets.exam_part import ExamPart
from tui.widgets.exam_status import ExamStatus, clock_text
from tui.widgets.question_view import QuestionView

if TYPE_CHECKING:
    from textual.app import App

    from quizbank.store import SubmitReason
    from tui.app import DlquizApp

WARNINGS = (600, 300, 60)  # seconds left at which the student is warned
TICK = 0.5


class ExamScreen(Screen[None]):
    CSS_PATH = "exam.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "check", "Check answer", id="exam.check", tooltip="Grade this question"),
        Binding("enter", "next", "Next", id="exam.next", tooltip="The next question"),
        Binding("ctrl+n", "next", "Next", id="exam.next_key", priority=True, show=False),
        Binding("ctrl+b", "previous", "Back", id="exam.previous", priority=True),
        Binding("ctrl+f", "flag", "Flag", id="exam.flag", priority=True, tooltip="For review"),
        Binding("ctrl+g", "go_to", "Go to #", id="exam.go_to", priority=True),
        Binding("ctrl+s", "submit_exam", "Submit exam", id="exam.submit", priority=True),
        Binding("escape", "leave", "Leave", id="exam.leave", tooltip="The clock keeps running"),
    ]

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session
        self.sub_title = f"{session.layout.title} · seed {session.exam.seed}"
        left = session.remaining()
        self.warned = {limit for limit in WARNINGS if left <= limit}
        self.finished = False
        self._pending: dict[tuple[int, str], Any] = {}
        self._flush_timer: Timer | None = None

    @property
    def quiz_app(self) -> DlquizApp:
        return cast("DlquizApp", self.app)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield ExamStatus(id="exam-status")
        with Horizontal(id="exam-main"):
            with Vertical(id="exam-side"):
                yield ExamNavigator(id="exam-nav")
                yield Static(LEGEND, id="exam-legend")
            with VerticalScroll(id="exam-body"):
                yield Static("", id="section-banner")
                yield QuestionView(id="exam-question")
                yield Static("", id="exam-problem")
                yield Vertical(id="exam-parts")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#exam-nav", ExamNavigator).border_title = "Questions"
        await self.show_question(self.session.current)
        self.set_interval(TICK, self.tick)
        self.tick()

    def on_unmount(self) -> None:
        if not self.finished:  # the app quits or the student leaves: keep everything
            self.flush_typing(refresh=False)
            self._store(self.session.record_time)

    # ------------------------------------------------------------------ showing

    def navigator_entries(self) -> list[NavigatorEntry]:
        session = self.session
        entries, previous = [], None
        for slot in range(session.count):
            title = session.section(slot).title
            entries.append(
                NavigatorEntry(
                    slot,
                    session.status(slot),
                    bool(session.flags.get(slot)),
                    section=title if title != previous else None,
                )
            )
            previous = title
        return entries

    def refresh_navigator(self) -> None:
        navigator = self.query_one("#exam-nav", ExamNavigator)
        navigator.set_entries(self.navigator_entries(), self.session.current)
        self.refresh_status()

    def refresh_status(self) -> None:
        session = self.session
        self.query_one("#exam-status", ExamStatus).show(
            seconds_left=session.remaining(),
            slot=session.current,
            count=session.count,
            answered=session.count - len(session.unanswered()),
            flagged=len(session.flagged()),
            seed=session.exam.seed,
        )

    async def show_question(self, slot: int) -> None:
        """Show question ``slot`` with its saved answers, ready to type."""
        session = self.session
        self.flush_typing()
        self._store(lambda: session.go_to(slot))
        section = session.section(slot)
        points = session.points(slot)
        banner = Content.assemble(
            (section.title, "bold"),
            f" · {points:g} point{'s' * (points != 1)} per question",
            f"\n{section.instructions}" if section.instructions else "",
        )
        self.query_one("#section-banner", Static).update(banner)
        instance = session.instance(slot)
        question = session.question(slot)
        view = self.query_one("#exam-question", QuestionView)
        problem = self.query_one("#exam-problem", Static)
        parts_box = self.query_one("#exam-parts", Vertical)
        await parts_box.remove_children()
        progress = f"question {slot + 1} of {session.count}"
        if instance is None or question is None:
            view.show(header="", progress=progress, prompt="")
            problem.update(session.problem(slot) or "")
            problem.display = True
        else:
            problem.display = False
            titles = self.quiz_app.bank.lectures if self.quiz_app.bank else {}
            header = question_header(question, titles.get(question.lecture, ""))
            view.show(header=header, progress=progress, prompt=instance.prompt)
            count = len(instance.parts)
            enter = "check" if session.layout.show_grades else "next question"
            widgets = [
                ExamPart(slot, part, _part_heading(part.id, part.prompt, count), enter=enter)
                for part in instance.parts
            ]
            await parts_box.mount_all(widgets)
            for widget in widgets:
                widget.restore(session.saved(slot, widget.part.id))
            if slot in session.checked:
                self._show_grades(slot)
            elif widgets:
                widgets[0].answer.focus_input()
        body = self.query_one("#exam-body", VerticalScroll)
        body.scroll_home(animate=False)
        # Focusing the input scrolls it into view after the next refresh; keep the prompt's
        # first line visible instead.
        self.call_after_refresh(body.scroll_home, animate=False)
        self.refresh_navigator()
        self.refresh_bindings()

    def _show_grades(self, slot: int) -> None:
        from quizbank.exam_grading import SlotResult
        from tui.screens.exam_report_text import part_details, show_part_feedback

        results = self.session.check(slot)
        instance = self.session.instance(slot)
        fake_slot = SlotResult(
            slot, self.session.question(slot), self.session.slots[slot].question_id, instance,
            0, self.session.points(slot), results, 0.0, False,
        )  # fmt: skip
        for index, (widget, result) in enumerate(zip(self.query(ExamPart), results, strict=False)):
            widget.freeze(truths_for(result.part))
            widget.feedback.display = True
            show_part_feedback(widget.feedback, result, part_details(fake_slot, index))
        self.query_one("#exam-body", VerticalScroll).focus()

    # ------------------------------------------------------------------ saving

    def _store(self, work: Any) -> bool:
        """Run a store write; a failure is reported and the exam goes on."""
        from quizbank.store import StoreError

        try:
            work()
        except StoreError as error:
            self.quiz_app.report_store_error(error)
            return False
        return True

    def on_exam_part_changed(self, event: ExamPart.Changed) -> None:
        event.stop()
        if self.finished or event.slot in self.session.checked:
            return
        if event.typed:
            self._pending[(event.slot, event.part_id)] = event.response
            if self._flush_timer is None:
                self._flush_timer = self.set_timer(TYPING_DEBOUNCE, self.flush_typing)
            return
        self._store(lambda: self.session.save(event.slot, event.part_id, event.response))
        self.refresh_navigator()

    def flush_typing(self, *, refresh: bool = True) -> None:
        """Save typed answers not yet saved (at most TYPING_DEBOUNCE seconds old)."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        pending, self._pending = self._pending, {}
        changed = False
        for (slot, part_id), response in pending.items():
            changed |= self._store(partial(self.session.save, slot, part_id, response))
        if changed and refresh:
            self.refresh_navigator()

    # ------------------------------------------------------------------ the clock

    def tick(self) -> None:
        """Update the countdown; warn at 10, 5 and 1 minutes; submit at 0:00."""
        if self.finished:
            return
        left = self.session.remaining()
        crossed = [limit for limit in WARNINGS if left <= limit and limit not in self.warned]
        if crossed and left > 0:
            self.warned.update(crossed)
            minutes = min(crossed) // 60
            self.notify(
                f"{minutes} minute{'s' * (minutes != 1)} left ({clock_text(left)}).",
                title="Time",
                severity="warning" if minutes > 1 else "error",
                timeout=8,
            )
        if left <= 0:
            self.finish("timeout")
            return
        self._store(self.session.record_time_if_due)
        self.refresh_status()

    def finish(self, reason: SubmitReason, notice: str | None = None) -> None:
        """Submit now and show the report (closing any dialog on top)."""
        if self.finished:
            return
        self.flush_typing()
        self.finished = True
        try:
            report = self.session.submit(reason)
        except UserError as error:
            self.finished = False
            self.quiz_app.report_store_error(error)
            return
        from tui.screens.exam_report import ExamReportScreen

        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        if reason == "timeout":
            notice = notice or "time is up; your exam was submitted with your saved answers"
        self.app.switch_screen(ExamReportScreen(report, notice=notice))

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        grading = (
            self.session.layout.show_grades and self.session.current not in self.session.checked
        )
        if action == "check":
            return grading
        if action == "next":
            return not grading
        return True

    def action_check(self) -> None:
        self.flush_typing()
        self._show_grades(self.session.current)
        self.refresh_bindings()

    async def action_next(self) -> None:
        if self.session.current + 1 < self.session.count:
            await self.show_question(self.session.current + 1)
        else:
            self.notify("This is the last question. ctrl+s submits the exam.", timeout=4)

    async def action_previous(self) -> None:
        if self.session.current > 0:
            await self.show_question(self.session.current - 1)

    def action_flag(self) -> None:
        slot = self.session.current
        flagged = [False]

        def toggle() -> None:
            flagged[0] = self.session.toggle_flag(slot)

        if self._store(toggle):
            word = "flagged for review" if flagged[0] else "no longer flagged"
            self.notify(f"Question {slot + 1} {word}.", timeout=2)
            self.refresh_navigator()

    def action_go_to(self) -> None:
        from tui.screens.exam_modals import GoToQuestionModal

        async def chosen(slot: int | None) -> None:
            if slot is not None:
                await self.show_question(slot)

        self.app.push_screen(GoToQuestionModal(self.session.count), callback=chosen)

    async def on_exam_navigator_jump(self, event: ExamNavigator.Jump) -> None:
        event.stop()
        if event.slot != self.session.current:
            await self.show_question(event.slot)

    def action_submit_exam(self) -> None:
        from tui.screens.exam_modals import SubmitExamModal

        self.flush_typing()
        session = self.session

        def answered(submit: bool | None) -> None:
            if submit and not self.finished:
                self.finish("user")

        modal = SubmitExamModal(
            session.unanswered(), session.flagged(), clock_text(session.remaining())
        )
        self.app.push_screen(modal, callback=answered)

    def action_leave(self) -> None:
        self.flush_typing()
        self.notify(
            "Your exam is saved and the clock keeps running. Resume it with e on the home "
            "screen or `dlquiz exam --resume`.",
            title="Exam left open",
            timeout=8,
        )
        self.quiz_app.go_home()


def _part_heading(part_id: str, prompt: str, count: int) -> str:
    return f"**Part ({part_id})** of {count}\n\n{prompt}" if part_id else ""


# ---------------------------------------------------------------------- starting


def start_exam(app: App[Any], request: ExamRequest) -> None:
    """Open the exam screen for ``request``: a new exam, or the open one with ``resume``."""
    from tui.screens.exam_report import ExamReportScreen

    quiz_app = cast("DlquizApp", app)
    bank = quiz_app.bank
    if bank is None:
        app.notify("The question bank is still loading…")
        return
    store, clock = quiz_app.store, quiz_app.clock
    if request.report_id is not None:
        from tui.screens.exam_report import open_report

        open_report(app, request.report_id)
        return
    try:
        if request.resume:
            session = ExamSession.resume(store, clock, bank)
        else:
            earlier = store.open_exam()
            if earlier is not None:
                old = ExamSession(store, clock, bank, earlier)
                if not old.expired:
                    raise UserError(
                        f"exam #{earlier.id} ({earlier.blueprint}) is still open with "
                        f"{clock_text(old.remaining())} left: resume it with `dlquiz exam "
                        "--resume` (or e on the home screen) and submit it first"
                    )
                old.submit("expired-while-closed")
                app.notify(f"Your earlier exam #{earlier.id}: {EXPIRED_NOTICE}.", timeout=10)
            session = ExamSession.start(
                store,
                clock,
                bank,
                request.build_plan(bank),
                minutes=request.minutes,
                show_grades=request.show_grades,
            )
    except UserError as error:
        app.notify(str(error), title="No exam", severity="error", timeout=12, markup=False)
        return
    if session.expired:
        report = session.submit("expired-while-closed")
        app.notify(f"{EXPIRED_NOTICE[:1].upper()}{EXPIRED_NOTICE[1:]}.", timeout=10)
        app.push_screen(ExamReportScreen(report, notice=EXPIRED_NOTICE))
        return
    if request.resume:
        app.notify(f"Exam resumed: {clock_text(session.remaining())} left.", timeout=4)
    app.push_screen(ExamScreen(session))


def open_exam(app: App[Any]) -> None:
    """The home screen's exam action: resume the open exam, or choose a new one."""
    quiz_app = cast("DlquizApp", app)
    if quiz_app.bank is None:
        app.notify("The question bank is still loading…")
        return
    if quiz_app.store.open_exam() is not None:
        start_exam(app, ExamRequest(resume=True))
        return
    from tui.screens.exam_setup import ExamSetupModal

    def chosen(request: ExamRequest | None) -> None:
        if request is not None:
            start_exam(app, request)

    app.push_screen(ExamSetupModal(), callback=chosen)
