"""Single- and multi-choice answers: options labelled A, B, C... as in the grader's feedback.

Number keys 1-9 and letter keys a-j pick (toggle in multi), space toggles the highlighted
option, arrows move, and a click picks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.widgets.inline import inline_content


class ChoiceList(OptionList, inherit_bindings=False):
    """The options of a choice question; ``selected`` holds the picked indices (shown order)."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 16;
        border: round $border-blurred;
        padding: 0 1;
    }
    ChoiceList:focus {
        border: round $border;
    }
    """

    # OptionList's bindings without enter, which is left to the screen (submit).
    BINDINGS: ClassVar[list[BindingType]] = [
        *[
            binding
            for binding in OptionList.BINDINGS
            if not (isinstance(binding, Binding) and binding.key == "enter")
        ],
        Binding("space", "toggle_option", "Toggle", show=False, id="choice.toggle"),
        *[
            Binding(str(n), f"pick({n - 1})", f"Pick {n}", show=False, id=f"choice.pick{n}")
            for n in range(1, 10)
        ],
        *[
            Binding(letter, f"pick({n})", f"Pick {letter}", show=False, id=f"choice.{letter}")
            for n, letter in enumerate("abcdefghij")
        ],
    ]

    class Changed(Message):
        """The selection changed."""

        def __init__(self, selected: frozenset[int]) -> None:
            super().__init__()
            self.selected = selected

    def __init__(
        self,
        texts: Sequence[str],
        *,
        multi: bool,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        self.texts = [inline_content(text) for text in texts]
        self.multi = multi
        self.selected: set[int] = set()
        self.verdicts: dict[int, bool] = {}  # after grading: index -> was correct
        self.locked = False
        super().__init__(*self._options_now(), id=id, classes=classes)

    # ------------------------------------------------------------------ rendering

    def _marker(self, index: int) -> str:
        picked = index in self.selected
        if self.multi:
            return "[x]" if picked else "[ ]"
        return "(•)" if picked else "( )"

    def label(self, index: int) -> str:
        return chr(ord("A") + index)

    def _prompt(self, index: int) -> Content:
        label = self.label(index)
        parts: list[str | Content | tuple[str, str]] = [(f"{label} ", "bold")] if label else []
        marker = self._marker(index)
        parts.append((marker, "bold") if index in self.selected else marker)
        parts.append(" ")
        parts.append(self.texts[index])
        if index in self.verdicts:
            picked = index in self.selected
            if self.verdicts[index] and picked:
                parts.append(("  ✓ correct", "bold $text-success"))
            elif self.verdicts[index]:  # a right option the student left out
                parts.append(("  ✗ correct, you missed it", "bold $text-warning"))
            elif picked:
                parts.append(("  ✗ not correct", "bold $text-error"))
        return Content.assemble(*parts)

    def _options_now(self) -> list[Option]:
        return [
            Option(self._prompt(index), id=f"option-{index}") for index in range(len(self.texts))
        ]

    def _refresh_prompts(self) -> None:
        for index in range(len(self.texts)):
            self.replace_option_prompt_at_index(index, self._prompt(index))

    # ------------------------------------------------------------------ state

    def pick(self, index: int) -> None:
        """Choose (single) or toggle (multi) the option at ``index``, if it exists."""
        if self.locked or not 0 <= index < len(self.texts):
            return
        if self.multi:
            self.selected ^= {index}
        else:
            self.selected = {index}
        self.highlighted = index
        self._refresh_prompts()
        self.post_message(self.Changed(frozenset(self.selected)))

    def freeze(self, correct: Sequence[bool] = ()) -> None:
        """No more changes once the answer is graded; mark each option right or wrong."""
        self.locked = True
        self.verdicts = dict(enumerate(correct))
        self._refresh_prompts()

    # ------------------------------------------------------------------ actions

    def action_pick(self, index: int) -> None:
        self.pick(index)

    def action_toggle_option(self) -> None:
        if self.highlighted is not None:
            self.pick(self.highlighted)

    def action_select(self) -> None:
        # A click highlights the option and calls this: make it pick, not submit.
        self.action_toggle_option()
