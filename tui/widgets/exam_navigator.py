"""The exam's question list: every question with its state in a symbol and a word.

``✓ answered``, ``◐ partly`` (some parts of a problem), ``○ unanswered`` and ``⚑`` for a
flag, so nothing depends on colour. A click, or enter on the highlighted line, jumps.
The report uses the same list with each question's result instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

STATE_SYMBOLS = {
    "answered": "✓",
    "partly": "◐",
    "unanswered": "○",
    "correct": "✓",
    "partial": "◐",
    "incorrect": "✗",
    "unreadable": "?",
    "to rate": "★",
    "unavailable": "–",
}
FLAG = "⚑"
LEGEND = "✓ answered ◐ partly\n○ unanswered ⚑ flag"


@dataclass(frozen=True)
class NavigatorEntry:
    slot: int
    state: str  # a key of STATE_SYMBOLS
    flagged: bool = False
    detail: str = ""  # e.g. "1.5/1.5" in the report
    section: str | None = None  # a heading shown before this entry


def entry_label(entry: NavigatorEntry) -> Content:
    symbol = STATE_SYMBOLS.get(entry.state, "·")
    flag = f" {FLAG}" if entry.flagged else ""
    word = entry.detail or entry.state
    return Content.assemble((f"{entry.slot + 1:>2} ", "bold"), f"{symbol} {word}{flag}")


class ExamNavigator(OptionList):
    """Question numbers with their state; posts :class:`ExamNavigator.Jump`."""

    DEFAULT_CSS = """
    ExamNavigator {
        height: 1fr;
        border: round $border-blurred;
        padding: 0 0;
    }
    ExamNavigator:focus {
        border: round $border;
    }
    """
    BINDINGS = [Binding("enter", "select", "Go to question", show=False, id="navigator.go")]

    class Jump(Message):
        def __init__(self, slot: int) -> None:
            super().__init__()
            self.slot = slot

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.entries: list[NavigatorEntry] = []

    def set_entries(self, entries: Sequence[NavigatorEntry], current: int | None = None) -> None:
        """Show ``entries``; keeps the list scrolled where it was."""
        same_shape = [(e.slot, e.section) for e in entries] == [
            (e.slot, e.section) for e in self.entries
        ]
        self.entries = list(entries)
        if same_shape and self.option_count:
            for entry in entries:
                self.replace_option_prompt(f"slot-{entry.slot}", entry_label(entry))
        else:
            options: list[Option] = []
            for entry in entries:
                if entry.section:
                    options.append(Option(Content(entry.section).stylize("italic"), disabled=True))
                options.append(Option(entry_label(entry), id=f"slot-{entry.slot}"))
            self.clear_options()
            self.add_options(options)
        if current is not None:
            self.show_current(current)

    def show_current(self, slot: int) -> None:
        try:
            self.highlighted = self.get_option_index(f"slot-{slot}")
        except OptionDoesNotExist:
            return
        self.scroll_to_highlight()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("slot-"):
            self.post_message(self.Jump(int(option_id.removeprefix("slot-"))))
