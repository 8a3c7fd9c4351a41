"""Small dialogs of the exam: confirm the submission, go to a question by number."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

MODAL_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 64;
    height: auto;
    max-height: 90%;
    border: thick $primary;
    background: $surface;
    padding: 1 2;
}}
{name} .modal-title {{
    text-style: bold;
    margin-bottom: 1;
}}
{name} Horizontal {{
    height: auto;
    margin-top: 1;
}}
{name} Button {{
    margin-right: 2;
}}
"""


def numbers(slots: Sequence[int]) -> str:
    """'question 3' or 'questions 2, 5' (1-based)."""
    word = "question" if len(slots) == 1 else "questions"
    return f"{word} " + ", ".join(str(slot + 1) for slot in slots)


def submit_summary(unanswered: Sequence[int], flagged: Sequence[int], time_left: str) -> str:
    lines = [f"Time left: {time_left}."]
    if unanswered:
        lines.append(f"{len(unanswered)} not (fully) answered: {numbers(unanswered)}.")
    else:
        lines.append("Every question has an answer.")
    if flagged:
        lines.append(f"{len(flagged)} flagged for review: {numbers(flagged)}.")
    lines.append("After submitting you can't change any answer.")
    return "\n".join(lines)


class SubmitExamModal(ModalScreen[bool]):
    """Submit now? Lists the unanswered and the flagged questions."""

    DEFAULT_CSS = MODAL_CSS.format(name="SubmitExamModal")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Submit", id="exam_submit.yes", tooltip="Submit the exam"),
        Binding("n,escape", "answer(False)", "Keep working", id="exam_submit.no"),
    ]

    def __init__(self, unanswered: Sequence[int], flagged: Sequence[int], time_left: str) -> None:
        super().__init__()
        self.unanswered = list(unanswered)
        self.flagged = list(flagged)
        self.time_left = time_left

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Submit the exam?", classes="modal-title")
            yield Static(
                submit_summary(self.unanswered, self.flagged, self.time_left), id="submit-summary"
            )
            with Horizontal():
                yield Button("Submit y", id="submit-yes", variant="error")
                yield Button("Keep working n", id="submit-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#submit-no", Button).focus()  # a stray enter must not submit

    def action_answer(self, submit: bool) -> None:
        self.dismiss(submit)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "submit-yes")


class GoToQuestionModal(ModalScreen[int | None]):
    """Type a question number and press enter; returns the 0-based slot."""

    DEFAULT_CSS = MODAL_CSS.format(name="GoToQuestionModal")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="exam_goto.cancel"),
    ]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Go to question (1-{self.count})", classes="modal-title")
            yield Input(placeholder="number, then enter", type="integer", id="goto-number")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            number = int(event.value)
        except ValueError:
            number = 0
        if not 1 <= number <= self.count:
            self.notify(f"Type a number from 1 to {self.count}.", severity="warning")
            return
        self.dismiss(number - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)
