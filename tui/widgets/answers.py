"""One input widget per answer type; each says what the student answered.

Enter is never bound here: the practice screen binds it (submit, then next).

- :class:`ChoiceAnswer`: single, multi and true/false (number keys, space, t/f, click).
- :class:`TextAnswer`: numeric, expression and shape, with a live "read as: ..." line.
- :class:`OpenAnswer`: a text area for an open question, self-rated after the reveal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Literal, Union, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static, TextArea

from tui.widgets.choice_list import ChoiceList

if TYPE_CHECKING:
    from quizbank.instantiate import PartInstance

Response = Union[str, frozenset[int], bool]
PreviewKind = Literal["numeric", "expression", "shape"]


class AnswerArea(Vertical):
    """Base of the answer widgets: the practice screen only talks to this interface."""

    DEFAULT_CSS = """
    AnswerArea {
        height: auto;
    }
    """

    def response(self) -> Response | None:
        """What to grade, or None when nothing has been entered yet."""
        raise NotImplementedError

    def answer_text(self) -> str:
        """The answer as text, for the progress store."""
        response = self.response()
        if isinstance(response, frozenset):
            return ",".join(str(index + 1) for index in sorted(response))
        return "" if response is None else str(response).lower()

    def focus_input(self) -> None:
        self.query(".answer-input").first().focus()

    def freeze(self, correct_options: Sequence[bool] = ()) -> None:
        """No more edits: the answer has been graded."""
        for widget in self.query(".answer-input"):
            widget.disabled = True


class ChoiceAnswer(AnswerArea):
    """Single or multi choice; true/false is a two-option single choice with t/f keys."""

    def __init__(self, texts: Sequence[str], *, multi: bool, truefalse: bool = False) -> None:
        super().__init__(classes="answer choice-answer")
        self.truefalse = truefalse
        self.multi = multi
        self.texts = list(texts)

    def compose(self) -> ComposeResult:
        count = min(len(self.texts), 9)
        keys = f"a-{chr(ord('a') + count - 1)} or 1-{count}" if count > 1 else "a or 1"
        hint = (
            "t true · f false · enter submit"
            if self.truefalse
            else f"Tick all that apply: {keys} toggle, space toggles the highlighted one · "
            "enter submits"
            if self.multi
            else f"{keys} to choose · arrows and space also work · enter submits"
        )
        list_class = TrueFalseList if self.truefalse else ChoiceList
        yield list_class(self.texts, multi=self.multi, classes="answer-input", id="choices")
        yield Static(hint, classes="answer-hint")

    @property
    def choices(self) -> ChoiceList:
        return self.query_one("#choices", ChoiceList)

    def response(self) -> Response | None:
        selected = frozenset(self.choices.selected)
        if self.truefalse:
            return None if not selected else 0 in selected
        return selected if selected or self.multi else None

    def answer_text(self) -> str:
        if self.truefalse:
            response = self.response()
            return "" if response is None else ("true" if response else "false")
        return super().answer_text()

    def freeze(self, correct_options: Sequence[bool] = ()) -> None:
        self.choices.freeze(correct_options)


class TrueFalseList(ChoiceList):
    """True/false: t or 1 picks True, f or 2 picks False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "pick(0)", "True", show=False, id="truefalse.true"),
        Binding("f", "pick(1)", "False", show=False, id="truefalse.false"),
    ]

    def label(self, index: int) -> str:
        return ""


class AnswerInput(Input, inherit_bindings=False):
    """An Input that leaves enter to the screen, so the footer shows what enter does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        binding
        for binding in Input.BINDINGS
        if not (isinstance(binding, Binding) and binding.key == "enter")
    ]


class TextAnswer(AnswerArea):
    """A one-line answer with a live preview of how dlquiz reads it."""

    PLACEHOLDERS: ClassVar[dict[str, str]] = {
        "numeric": "a number, e.g. 1000/4, 2.5e2 or 61,100,840",
        "expression": "a formula, e.g. 1 + L*(k - 1)",
        "shape": "a shape, e.g. (N, 64, 15, 15) or 64x15x15",
    }

    def __init__(
        self, kind: PreviewKind, *, symbols: Sequence[str] = (), unit: str | None = None
    ) -> None:
        super().__init__(classes="answer text-answer")
        self.kind: PreviewKind = kind
        self.symbols = tuple(symbols)
        self.unit = unit

    def compose(self) -> ComposeResult:
        placeholder = self.PLACEHOLDERS[self.kind]
        if self.kind != "numeric" and self.symbols:
            placeholder += f" — symbols: {', '.join(self.symbols)}"
        elif self.unit:
            placeholder += f" (in {self.unit})"
        yield AnswerInput(placeholder=placeholder, classes="answer-input", id="answer-text")
        yield Static("", classes="preview", id="preview")

    @property
    def input(self) -> Input:
        return self.query_one("#answer-text", Input)

    def response(self) -> Response | None:
        text = self.input.value.strip()
        return text or None

    def show_preview(self, text: str) -> None:
        preview_line = self.query_one("#preview", Static)
        if not text.strip():
            preview_line.update("")
            preview_line.set_classes("preview")
            return
        from solvers.grading import preview

        shown = preview(text, self.kind, symbols=self.symbols, unit=self.unit)
        preview_line.update(Content(shown.text if shown.ok else f"? {shown.text}"))
        preview_line.set_classes("preview -ok" if shown.ok else "preview -unreadable")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show_preview(event.value)


class OpenAnswer(AnswerArea):
    """Write an answer, reveal the model answer, then rate yourself."""

    def compose(self) -> ComposeResult:
        yield TextArea(
            "",
            soft_wrap=True,
            tab_behavior="focus",
            placeholder="Write your answer here, then press ctrl+r to reveal the model answer.",
            classes="answer-input",
            id="answer-open",
        )

    def __init__(self) -> None:
        super().__init__(classes="answer open-answer")

    def response(self) -> Response | None:
        return self.query_one("#answer-open", TextArea).text

    def answer_text(self) -> str:
        return str(self.response() or "")

    def freeze(self, correct_options: Sequence[bool] = ()) -> None:
        self.query_one("#answer-open", TextArea).read_only = True


def answer_widget_for(part: PartInstance) -> AnswerArea:
    """The input widget for one part of an instantiated question."""
    body = part.body
    if part.type in ("single", "multi"):
        return ChoiceAnswer([option.text for option in part.options], multi=part.type == "multi")
    if part.type == "truefalse":
        return ChoiceAnswer(["True", "False"], multi=False, truefalse=True)
    if part.type == "open":
        return OpenAnswer()
    kind = cast(PreviewKind, part.type)
    return TextAnswer(
        kind,
        symbols=tuple(getattr(body, "symbols", ()) or ()),
        unit=getattr(body, "unit", None),
    )
