"""`dlquiz bank preview ID`: one question exactly as a student sees it, plus an author panel.

The question side is the practice screen itself (same widgets, grading and feedback); the
author panel beside it shows the seed, the drawn values, each part's computed answer and
known mistakes, and the worked solution. f2/f3 cycle seeds, f4 hides the panel (the pure
student view), f5 shows the reference model's run at any time. The session records into a
throwaway store, so previews never touch a student's progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from tui.mathtext import markdown_math_to_unicode
from tui.screens.practice import PracticeScreen
from tui.session import PracticeRequest, PracticeSession

if TYPE_CHECKING:
    from quizbank.instantiate import Instance, PartInstance
    from tui.app import DlquizApp

MAX_SEED = 10**6


class PreviewScreen(PracticeScreen):
    DEFAULT_CSS = """
    PreviewScreen #author-panel {
        dock: right;
        width: 45%;
        border-left: tall $primary;
        padding: 0 1;
    }
    PreviewScreen #author-panel.hidden { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *PracticeScreen.BINDINGS,
        Binding("f2", "seed(1)", "Next seed", id="preview.next_seed", tooltip="Same question"),
        Binding("f3", "seed(-1)", "Previous seed", id="preview.previous_seed"),
        Binding("f4", "toggle_author", "Author panel", id="preview.toggle_author"),
        Binding("f5", "show_run", "Show the run", id="preview.show_run"),
    ]

    def __init__(self, session: PracticeSession, location: str = "") -> None:
        super().__init__(session)
        self.location = location
        self._describe()

    @classmethod
    def open(cls, app: DlquizApp, question_id: str, seed: int, location: str = "") -> None:
        """Push the preview of ``question_id`` at ``seed`` (the bank must be loaded)."""
        from quizbank.instantiate import instantiate

        assert app.bank is not None
        question = app.bank.by_id[question_id]
        request = PracticeRequest(seed=seed, length=1)
        session = PracticeSession(
            request=request,
            bank=app.bank,
            store=app.store,
            clock=app.clock,
            plan=[(question, seed)],
            started=app.clock.monotonic(),
        )
        session.instance = instantiate(question, seed)
        session.part_started = app.clock.monotonic()
        app.push_screen(cls(session, location))

    def compose(self) -> ComposeResult:
        yield from super().compose()
        with VerticalScroll(id="author-panel"):
            yield Markdown("", id="author-text", open_links=False)  # bank text

    @property
    def seed(self) -> int:
        assert self.session.instance is not None
        return self.session.instance.seed

    def _describe(self) -> None:
        self.sub_title = f"Preview: {self.session.question.id}, seed {self.seed}"

    async def show_question(self) -> None:
        await super().show_question()
        self._describe()
        panel = self.query_one("#author-text", Markdown)
        await panel.update(markdown_math_to_unicode(author_markdown(self)))

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_run":  # the author may look at the run before answering
            return self._reference_model() is not None
        if action == "seed":
            return self.session.question.is_parametric
        return super().check_action(action, parameters)

    async def action_seed(self, step: int) -> None:
        """Show the same question for the next (or previous) seed."""
        from quizbank.errors import UserError
        from quizbank.instantiate import instantiate

        session = self.session
        seed = self.seed
        for _ in range(50):  # a seed whose draw fails (a solver refuses) is passed over
            seed = (seed + step) % MAX_SEED
            try:
                instance = instantiate(session.question, seed)
            except UserError:
                continue
            break
        else:
            self.notify("No other seed gives a working variant.", severity="warning")
            return
        session.plan = [(session.question, seed)]
        session.instance = instance
        session.part_index = 0
        session.answered.clear()
        session.part_started = self.quiz_app.clock.monotonic()
        await self.show_question()

    def action_toggle_author(self) -> None:
        self.query_one("#author-panel").toggle_class("hidden")

    async def action_next(self) -> None:
        if self.state in ("feedback", "rated") and not self.session.has_more_parts:
            await self.action_seed(1)  # done: on to the next variant, not to a summary
            return
        await super().action_next()

    def action_end(self) -> None:
        self.app.exit()


# --------------------------------------------------------------------------- the panel


def _value(value: Any) -> str:
    from quizbank.scaffold import answer_text

    return answer_text(value)


def _part_lines(part: PartInstance) -> list[str]:
    label = f"**({part.id})** " if part.id else ""
    if part.type in ("single", "multi"):
        letters = "ABCDEFGHIJ"
        correct = [
            f"{letters[position]} (option {option.index + 1} in the file): {option.text.strip()}"
            for position, option in enumerate(part.options)
            if option.correct
        ]
        return [f"- {label}answer: " + "; ".join(correct)]
    if part.type == "truefalse":
        return [f"- {label}answer: **{'true' if part.expected else 'false'}**"]
    if part.type == "open":
        return [f"- {label}model answer: {part.body.model_answer.strip()}"]
    unit = f" {part.body.unit}" if getattr(part.body, "unit", None) else ""
    lines = [f"- {label}answer: **`{_value(part.expected)}`**{unit}"]
    for mistake in part.mistakes:
        lines.append(f"  - mistake `{mistake.tag}`: `{_value(mistake.value)}`")
    return lines


def _reference(part: PartInstance, question: Any) -> str | None:
    model = getattr(part.body, "reference_model", None) or getattr(
        question, "reference_model", None
    )
    if model is None:
        return None
    return f"`{model.name}` observes `{model.fact}` (f5 shows the run)"


def author_markdown(screen: PreviewScreen) -> str:
    """The author panel: where the question is, its values, answers and worked solution."""
    session = screen.session
    instance: Instance | None = session.instance
    assert instance is not None
    question = session.question
    lines = [f"### Author view: `{question.id}`", ""]
    if screen.location:
        lines += [f"{screen.location}", ""]
    seed_keys = "f2/f3 change it" if question.is_parametric else "not parametric"
    lines += [f"Seed **{instance.seed}** ({seed_keys}); f4 hides this panel.", ""]
    if instance.values:
        values = ", ".join(f"{name} = {_value(value)}" for name, value in instance.values.items())
        lines += [f"**Values:** {values}", ""]
    lines += ["**Answers:**", ""]
    for part in instance.parts:
        lines += _part_lines(part)
    reference = _reference(session.part, question)
    if reference:
        lines += ["", f"**Reference model:** {reference}"]
    solution = session.part.solution
    if solution is not None and solution.steps:
        current = f" of part ({session.part.id})" if session.part.id else ""
        lines += ["", f"#### Worked solution{current}", "", solution.to_markdown()]
    return "\n".join(lines)
