"""The practice screen: one question at a time, an answer widget per type, rich feedback.

States: ``answering`` -> (enter) ``feedback`` -> (enter) next part or question. Open
questions: ``answering`` -> (ctrl+r) ``revealed`` -> (1-4) ``rated``. An unreadable answer
stays in ``answering`` and is not recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.screens.practice_text import (
    answered_parts_markdown,
    details_for,
    part_header,
    question_header,
    truths_for,
)
from tui.session import PracticeRequest, PracticeSession
from tui.widgets.answers import AnswerArea, answer_widget_for
from tui.widgets.feedback import FeedbackView, options_markdown
from tui.widgets.question_view import QuestionView

if TYPE_CHECKING:
    from tui.app import DlquizApp

State = Literal["answering", "feedback", "revealed", "rated"]


class PracticeScreen(Screen[None]):
    CSS_PATH = "practice.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not priority bindings: the answer inputs leave enter to the screen, so that keys
        # typed just before it reach the input first (a priority binding would overtake them).
        Binding("enter", "submit", "Submit", id="practice.submit"),
        Binding("enter", "next", "Next", id="practice.next"),
        Binding("ctrl+r", "reveal", "Reveal answer", id="practice.reveal"),
        Binding("1", "rate('again')", "Again", id="practice.rate_again"),
        Binding("2", "rate('hard')", "Hard", id="practice.rate_hard"),
        Binding("3", "rate('good')", "Good", id="practice.rate_good"),
        Binding("4", "rate('easy')", "Easy", id="practice.rate_easy"),
        Binding("n", "another", "Another like this", id="practice.another"),
        Binding("r", "show_run", "Show the run", id="practice.show_run"),
        Binding("ctrl+s", "skip", "Skip", id="practice.skip"),
        Binding("escape", "end", "End session", id="practice.end"),
    ]

    def __init__(self, session: PracticeSession) -> None:
        super().__init__()
        self.session = session
        self.state: State = "answering"
        self.sub_title = session.request.describe()

    @classmethod
    def for_request(cls, request: PracticeRequest, app: DlquizApp) -> PracticeScreen:
        assert app.bank is not None
        return cls(PracticeSession.start(request, app.bank, app.store, app.clock))

    @property
    def quiz_app(self) -> DlquizApp:
        return cast("DlquizApp", self.app)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="practice-body", can_focus=True):
            yield QuestionView(id="question")
            yield Static("", id="answer-slot")
            yield FeedbackView(id="feedback")
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_question()

    @property
    def answer(self) -> AnswerArea:
        return self.query_one(AnswerArea)

    @property
    def feedback(self) -> FeedbackView:
        return self.query_one(FeedbackView)

    async def show_question(self) -> None:
        """Show the current part of the current question, ready for an answer."""
        session = self.session
        assert session.instance is not None
        question = session.question
        view = self.query_one(QuestionView)
        lecture_title = (
            self.quiz_app.bank.lectures.get(question.lecture, "") if self.quiz_app.bank else ""
        )
        if session.is_problem:
            view.show(
                header=question_header(question, lecture_title),
                progress=session.progress_text(),
                prompt=session.instance.prompt,
                part_prompt=part_header(session.part, len(session.instance.parts)),
                parts_done=answered_parts_markdown(session),
            )
        else:
            view.show(
                header=question_header(question, lecture_title),
                progress=session.progress_text(),
                prompt=session.part.prompt or session.instance.prompt,
            )
        for old in self.query(AnswerArea):
            await old.remove()
        widget = answer_widget_for(session.part)
        await self.mount(widget, after=self.query_one("#answer-slot"))
        self.feedback.clear()
        self.set_state("answering")
        self.query_one("#practice-body", VerticalScroll).scroll_home(animate=False)
        widget.focus_input()
        if session.part.type == "expression":
            self.warm_up_sympy()

    @work(thread=True, exclusive=True, group="sympy", exit_on_error=False)
    def warm_up_sympy(self) -> None:
        """Import sympy while the student types: a cold import would delay the grade."""
        from solvers.equivalence import warm_up

        warm_up()

    def set_state(self, state: State) -> None:
        self.state = state
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.state
        done = state in ("feedback", "rated")
        is_open = self.session.part.type == "open"
        allowed = {
            "submit": state == "answering" and not is_open,
            "reveal": state == "answering" and is_open,
            "rate": state == "revealed",
            "next": done,
            "another": done and self.session.question.is_parametric,
            "show_run": done and self._reference_model() is not None,
            "skip": state == "answering",
        }
        return allowed.get(action, True)

    # ------------------------------------------------------------------ answering

    def action_submit(self) -> None:
        if self.state != "answering":
            return
        if self.session.part.type == "open":
            self.action_reveal()
            return
        response = self.answer.response()
        if response is None:
            self.notify("Enter an answer first (or ctrl+s to skip).", severity="warning")
            return
        try:
            result = self.session.grade(response, self.answer.answer_text())
        except Exception as error:  # a store failure must not lose the session
            if not _is_store_error(error):
                raise
            self.quiz_app.report_store_error(error)
            return
        part = self.session.part
        options = None
        if part.type == "multi" and isinstance(response, frozenset):
            options = options_markdown(part.options, response)
        mistake_message = next((m.message for m in part.mistakes if m.tag == result.mistake), None)
        if str(result.outcome) == "invalid":
            self.feedback.show_result(result, details_for(self.session, show=False))
            return  # let the student fix it; nothing was recorded
        self.answer.freeze(truths_for(part))
        self.feedback.show_result(
            result,
            details_for(self.session),
            mistake_message=mistake_message,
            options=options,
        )
        self.set_state("feedback")
        self._focus_feedback()

    def action_reveal(self) -> None:
        if self.state != "answering" or self.session.part.type != "open":
            return
        self.answer.freeze()
        body = self.session.part.body
        self.feedback.show_model_answer(
            body.model_answer, body.key_points, details_for(self.session)
        )
        self.set_state("revealed")
        self._focus_feedback()

    def _focus_feedback(self) -> None:
        """Keys now go to the screen (n, r, 1-4); scroll so the outcome line is visible."""
        body = self.query_one("#practice-body", VerticalScroll)
        body.focus()

        def bring_into_view() -> None:
            outcome = self.feedback.query_one("#outcome")
            if outcome.region.bottom > body.region.bottom - 2:
                body.scroll_to_widget(self.answer, top=True, animate=False)

        self.call_after_refresh(bring_into_view)

    def on_feedback_view_rated(self, event: FeedbackView.Rated) -> None:
        event.stop()
        self.action_rate(event.rating)

    def action_rate(self, rating: str) -> None:
        if self.state != "revealed":
            return
        try:
            self.session.rate_open(rating, self.answer.answer_text())
        except Exception as error:
            if not _is_store_error(error):
                raise
            self.quiz_app.report_store_error(error)
            return
        self.feedback.show_rated(rating)
        self.set_state("rated")

    # ------------------------------------------------------------------ moving on

    async def action_next(self) -> None:
        if self.state not in ("feedback", "rated"):
            return
        if self.session.has_more_parts:
            self.session.next_part()
            await self.show_question()
        elif self.session.next_question():
            await self.show_question()
        else:
            self.action_end()

    async def action_skip(self) -> None:
        if self.state != "answering":
            return
        if self.session.skip():
            self.notify("Skipped.", timeout=1.5)
            await self.show_question()
        else:
            self.action_end()

    async def action_another(self) -> None:
        if not self.session.question.is_parametric:
            return
        seed = self.session.another_like_this()
        self.notify(f"A new variant (seed {seed}).", timeout=2)
        await self.show_question()

    def action_show_run(self) -> None:
        reference = self._reference_model()
        if reference is None or self.session.instance is None:
            return
        from tui.screens.run_view import RunScreen

        self.app.push_screen(RunScreen(reference, dict(self.session.instance.values)))

    def action_end(self) -> None:
        from tui.screens.summary import SummaryScreen

        try:
            summary = self.session.finish()
        except Exception as error:
            if not _is_store_error(error):
                raise
            self.quiz_app.report_store_error(error)
            summary = self.session.summary()
        self.app.switch_screen(SummaryScreen(summary, self.session.request))

    def _reference_model(self) -> Any:
        return getattr(self.session.part.body, "reference_model", None) or getattr(
            self.session.question, "reference_model", None
        )


def _is_store_error(error: Exception) -> bool:
    from quizbank.store import StoreError

    return isinstance(error, StoreError)
