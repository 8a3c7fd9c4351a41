"""The report after an exam: score, points per section and lecture, time per question,
and every question with the student's answer, the correct one, the named mistake, the
explanation and the worked solution. Open answers are rated here (1-4) before the final
score is shown; ``m`` practises the templates without full marks with fresh numbers.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Footer,
    Header,
    Markdown,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)

from quizbank.errors import UserError
from tui.screens.exam_report_text import (
    part_details,
    part_heading,
    report_entries,
    show_part_feedback,
    show_rating,
    summary_markdown,
)
from tui.screens.practice_text import question_header
from tui.widgets.exam_navigator import ExamNavigator
from tui.widgets.feedback import FeedbackView
from tui.widgets.question_view import QuestionView, prompt_markdown

if TYPE_CHECKING:
    from quizbank.exam_grading import ExamReport, PartResult, SlotResult
    from tui.app import DlquizApp


class ReportPart(Vertical):
    """One part in the report: its heading (problems) and the shared feedback view."""

    DEFAULT_CSS = """
    ReportPart { height: auto; margin: 0 0 1 0; }
    ReportPart > .part-prompt { margin: 1 0 0 0; padding: 0 1; }
    """

    class Rated(Message):
        def __init__(self, slot: int, part_id: str, rating: str) -> None:
            super().__init__()
            self.slot = slot
            self.part_id = part_id
            self.rating = rating

    def __init__(self, slot: SlotResult, index: int) -> None:
        super().__init__(classes="report-part")
        self.slot = slot
        self.index = index
        self.result: PartResult = slot.parts[index]

    def compose(self) -> ComposeResult:
        if len(self.slot.parts) > 1:
            heading = part_heading(self.result, len(self.slot.parts))
            yield Markdown(prompt_markdown(heading), classes="part-prompt", open_links=False)
        yield FeedbackView()

    def on_mount(self) -> None:
        view = self.query_one(FeedbackView)
        show_part_feedback(view, self.result, part_details(self.slot, self.index))

    def on_feedback_view_rated(self, event: FeedbackView.Rated) -> None:
        event.stop()
        self.post_message(self.Rated(self.slot.slot, self.result.part.id, event.rating))


class ExamReportScreen(Screen[None]):
    CSS_PATH = "exam_report.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "rate('again')", "Again", id="report.rate_again"),
        Binding("2", "rate('hard')", "Hard", id="report.rate_hard"),
        Binding("3", "rate('good')", "Good", id="report.rate_good"),
        Binding("4", "rate('easy')", "Easy", id="report.rate_easy"),
        Binding("t", "switch_tab", "Summary/Questions", id="report.switch_tab"),
        Binding("m", "practise_mistakes", "Practise my mistakes", id="report.mistakes"),
        Binding("escape", "home", "Home", id="report.home"),
    ]

    def __init__(self, report: ExamReport, *, notice: str | None = None) -> None:
        super().__init__()
        self.report = report
        self.notice = notice
        self.current = 0
        self.sub_title = f"{report.layout.title}: report"

    @property
    def quiz_app(self) -> DlquizApp:
        return cast("DlquizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="report-summary-tab", id="report-tabs"):
            with (
                TabPane("Summary", id="report-summary-tab"),
                VerticalScroll(id="summary-scroll", can_focus=True),
            ):
                yield Markdown("", id="report-summary", open_links=False)
                with Horizontal(id="report-buttons"):
                    yield Button("Questions t", id="report-questions", variant="primary")
                    yield Button("Practise my mistakes m", id="report-mistakes")
                    yield Button("Home esc", id="report-home")
            with TabPane("Questions", id="report-questions-tab"), Horizontal():
                yield ExamNavigator(id="report-nav")
                with VerticalScroll(id="report-detail"):
                    yield QuestionView(id="report-question")
                    yield Static("", id="report-problem")
                    yield Vertical(id="report-parts")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#report-nav", ExamNavigator).border_title = "Questions"
        self.refresh_summary()
        await self.show_slot(0)
        self.query_one("#summary-scroll", VerticalScroll).focus()

    def refresh_summary(self) -> None:
        self.query_one("#report-summary", Markdown).update(
            summary_markdown(self.report, self.notice)
        )
        self.query_one("#report-nav", ExamNavigator).set_entries(
            report_entries(self.report), self.current
        )

    async def show_slot(self, slot: int) -> None:
        self.current = slot
        result = self.report.slots[slot]
        view = self.query_one("#report-question", QuestionView)
        problem = self.query_one("#report-problem", Static)
        parts = self.query_one("#report-parts", Vertical)
        await parts.remove_children()
        progress = f"question {slot + 1} of {len(self.report.slots)}"
        if result.instance is None or result.question is None:
            view.show(header=result.question_id, progress=progress, prompt="")
            problem.update(result.problem or "")
            problem.display = True
        else:
            problem.display = False
            titles = self.report.lecture_titles
            header = question_header(result.question, titles.get(result.question.lecture, ""))
            flag = " · ⚑ flagged" if result.flagged else ""
            view.show(header=header, progress=f"{progress}{flag}", prompt=result.instance.prompt)
            await parts.mount_all(ReportPart(result, index) for index in range(len(result.parts)))
        self.query_one("#report-detail", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    # ------------------------------------------------------------------ navigation

    async def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("slot-") and int(option_id[5:]) != self.current:
            await self.show_slot(int(option_id[5:]))

    async def on_exam_navigator_jump(self, event: ExamNavigator.Jump) -> None:
        event.stop()
        if event.slot != self.current:
            await self.show_slot(event.slot)
        self.query_one("#report-detail", VerticalScroll).focus()

    def action_switch_tab(self) -> None:
        tabs = self.query_one("#report-tabs", TabbedContent)
        if tabs.active != "report-questions-tab":
            tabs.active = "report-questions-tab"
            self.query_one("#report-nav", ExamNavigator).focus()
        else:  # move the focus first: a focused widget in a hidden tab would switch back
            self.query_one("#summary-scroll", VerticalScroll).focus()
            tabs.active = "report-summary-tab"
        self.refresh_bindings()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "report-questions":
            event.stop()
            self.action_switch_tab()
        elif event.button.id == "report-mistakes":
            event.stop()
            self.action_practise_mistakes()
        elif event.button.id == "report-home":
            event.stop()
            self.action_home()

    # ------------------------------------------------------------------ rating

    def _to_rate(self) -> PartResult | None:
        slot = self.report.slots[self.current]
        return next((part for part in slot.parts if part.needs_rating), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rate":
            tabs = self.query_one("#report-tabs", TabbedContent)
            return tabs.active == "report-questions-tab" and self._to_rate() is not None
        if action == "practise_mistakes":
            return bool(self.report.missed_question_ids())
        return True

    def action_rate(self, rating: str) -> None:
        part = self._to_rate()
        if part is not None:
            self.rate(self.current, part.part.id, rating)

    def on_report_part_rated(self, event: ReportPart.Rated) -> None:
        event.stop()
        self.rate(event.slot, event.part_id, rating=event.rating)

    def rate(self, slot: int, part_id: str, rating: str) -> None:
        from tui.screens.exam_session import rate_open_answer

        bank = self.quiz_app.bank
        if bank is None:
            return
        was_final = self.report.final
        try:
            self.report = rate_open_answer(
                self.quiz_app.store, bank, self.report.exam.id, slot, part_id, rating
            )
        except UserError as error:
            self.quiz_app.report_store_error(error)
            return
        fresh = self.report.slots[slot]
        for widget in self.query(ReportPart):
            if widget.slot.slot == slot and widget.result.part.id == part_id:
                widget.slot = fresh
                widget.result = next(p for p in fresh.parts if p.part.id == part_id)
                show_rating(widget.query_one(FeedbackView), widget.result)
        self.refresh_summary()
        self.refresh_bindings()
        if self.report.final and not was_final:
            score, top = self.report.score, self.report.max_score
            self.notify(f"Final score: {score:.4g} / {top:g}.", title="Exam graded", timeout=8)

    # ------------------------------------------------------------------ leaving

    def action_practise_mistakes(self) -> None:
        start_mistakes_practice(self.quiz_app, self.report)

    def action_home(self) -> None:
        self.quiz_app.go_home()


def start_mistakes_practice(app: DlquizApp, report: ExamReport) -> None:
    """A practice session on the templates without full marks, with fresh variants."""
    from quizbank.loader import Bank
    from tui.screens.practice import PracticeScreen
    from tui.session import PracticeRequest, PracticeSession

    bank = app.bank
    if bank is None:
        return
    ids = [qid for qid in report.missed_question_ids() if qid in bank.by_id]
    if not ids:
        app.notify("Nothing to practise: full marks everywhere.")
        return
    questions = tuple(bank.by_id[qid] for qid in ids)
    only_missed = Bank(
        questions=questions,
        by_id=MappingProxyType({q.id: q for q in questions}),
        files=bank.files,
        lectures=bank.lectures,
        topics=tuple(sorted({q.topic for q in questions}, key=str.casefold)),
    )
    request = PracticeRequest("practice", length=len(questions))
    try:
        session = PracticeSession.start(request, only_missed, app.store, app.clock)
    except UserError as error:
        app.notify(str(error), severity="warning", markup=False)
        return
    screen = PracticeScreen(session)
    screen.sub_title = f"Practice: my mistakes in exam #{report.exam.id}"
    app.go_home()
    app.push_screen(screen)


def open_report(app: Any, exam_id: int) -> None:
    """Show the report of a past exam (from the stats screen or `dlquiz exam --report`)."""
    from quizbank.exam_grading import build_report

    quiz_app = cast("DlquizApp", app)
    if quiz_app.bank is None:
        app.notify("The question bank is still loading…")
        return
    try:
        report = build_report(quiz_app.store, exam_id, quiz_app.bank)
    except UserError as error:
        app.notify(str(error), severity="error", markup=False)
        return
    app.push_screen(ExamReportScreen(report))
