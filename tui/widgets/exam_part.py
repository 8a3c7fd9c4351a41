"""One answerable part of an exam question: the practice screen's answer widget, wrapped.

The wrapper restores a saved answer and reports every change with
:class:`ExamPart.Changed`: a chosen option at once, typing as it happens (the exam screen
debounces the saving of typed text).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Markdown, Static, TextArea

from tui.widgets.answers import AnswerArea, ChoiceAnswer, OpenAnswer, TextAnswer, answer_widget_for
from tui.widgets.choice_list import ChoiceList
from tui.widgets.feedback import FeedbackView
from tui.widgets.question_view import prompt_markdown

if TYPE_CHECKING:
    from quizbank.instantiate import PartInstance


class ExamPart(Vertical):
    DEFAULT_CSS = """
    ExamPart {
        height: auto;
        margin: 0 0 1 0;
    }
    ExamPart > .part-prompt {
        margin: 1 0 0 0;
        padding: 0 1;
    }
    ExamPart #answer-open {
        height: 8;
    }
    ExamPart > FeedbackView {
        display: none;
    }
    """

    class Changed(Message):
        """The answer of a part changed; ``typed`` when it came from the keyboard."""

        def __init__(self, slot: int, part_id: str, response: Any, *, typed: bool) -> None:
            super().__init__()
            self.slot = slot
            self.part_id = part_id
            self.response = response
            self.typed = typed

    def __init__(
        self, slot: int, part: PartInstance, heading: str = "", *, enter: str = "next question"
    ) -> None:
        super().__init__(classes="exam-part")
        self.slot = slot
        self.part = part
        self.heading = heading
        self.enter = enter  # what enter does on the exam screen
        self.answer: AnswerArea = answer_widget_for(part)

    def compose(self) -> ComposeResult:
        if self.heading:
            yield Markdown(prompt_markdown(self.heading), classes="part-prompt")
        yield self.answer
        yield FeedbackView(classes="part-feedback")

    @property
    def feedback(self) -> FeedbackView:
        return self.query_one(FeedbackView)

    def on_mount(self) -> None:
        if isinstance(self.answer, TextAnswer):
            self.watch(self.answer.input, "value", self._typed, init=False)
        # The practice widgets' hints say what enter does there; in an exam it moves on.
        for hint in self.answer.query(".answer-hint").results(Static):
            text = str(hint.content)
            hint.update(re.sub(r"enter submits?", f"saved at once · enter: {self.enter}", text))
        if isinstance(self.answer, OpenAnswer):
            area = self.answer.query_one(TextArea)
            area.placeholder = "Write your answer here: it is saved as you type. ctrl+n: next."

    # ------------------------------------------------------------------ saved answers

    def restore(self, saved: Any) -> None:
        """Show a saved answer (JSON value) in the input."""
        if saved is None:
            return
        answer = self.answer
        if isinstance(answer, ChoiceAnswer):
            picks = [0 if saved else 1] if answer.truefalse else list(saved or [])
            for index in picks:
                if isinstance(index, int) and index not in answer.choices.selected:
                    answer.choices.pick(index)
        elif isinstance(answer, TextAnswer):
            answer.input.value = str(saved)
            answer.input.cursor_position = len(answer.input.value)
        elif isinstance(answer, OpenAnswer):
            area = answer.query_one(TextArea)
            area.load_text(str(saved))
            area.move_cursor(area.document.end)

    # ------------------------------------------------------------------ changes

    def _report(self, *, typed: bool) -> None:
        self.post_message(
            self.Changed(self.slot, self.part.id, self.answer.response(), typed=typed)
        )

    def on_choice_list_changed(self, event: ChoiceList.Changed) -> None:
        event.stop()
        self._report(typed=False)

    def _typed(self, value: str) -> None:
        self._report(typed=True)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._report(typed=True)

    def on_input_changed(self, event: Input.Changed) -> None:  # TextAnswer stops it first
        event.stop()

    def freeze(self, truths: list[bool]) -> None:
        self.answer.freeze(truths)
