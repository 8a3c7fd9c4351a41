"""Choose what to practise: lectures, topics and question types (nothing ticked = all)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.session import PracticeRequest
from tui.widgets.question_view import TYPE_NAMES

if TYPE_CHECKING:
    from quizbank.loader import Bank


class PracticeSetupModal(ModalScreen[PracticeRequest | None]):
    CSS_PATH = "practice_setup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start", id="setup.start"),
        Binding("escape", "cancel", "Cancel", id="setup.cancel"),
    ]

    def __init__(self, bank: Bank, *, preselected: Sequence[int] = ()) -> None:
        super().__init__()
        self.bank = bank
        self.preselected = set(preselected)

    def compose(self) -> ComposeResult:
        lecture_counts = Counter(q.lecture for q in self.bank.questions)
        type_counts: Counter[str] = Counter(q.type for q in self.bank.questions)
        topic_counts = Counter(q.topic for q in self.bank.questions)
        with Vertical(id="setup-dialog"):
            yield Static(
                "Practice — untick what you want to leave out (space); an empty list means all. "
                "[b]ctrl+s[/b] starts.",
                id="setup-title",
            )
            with Horizontal(id="setup-lists"):
                with Vertical(id="setup-left"):
                    lectures = SelectionList[int](
                        *(
                            Selection(
                                f"{n:>2} {self.bank.lectures.get(n, '')} ({lecture_counts[n]})",
                                n,
                                n in self.preselected,
                            )
                            for n in sorted(lecture_counts)
                        ),
                        id="setup-lectures",
                    )
                    lectures.border_title = "Lectures"
                    yield lectures
                    types = SelectionList[str](
                        *(
                            Selection(f"{TYPE_NAMES.get(t, t)} ({type_counts[t]})", t)
                            for t in TYPE_NAMES
                            if type_counts[t]
                        ),
                        id="setup-types",
                    )
                    types.border_title = "Types"
                    yield types
                topics = SelectionList[str](
                    *(
                        Selection(f"{topic} ({count})", topic)
                        for topic, count in sorted(
                            topic_counts.items(), key=lambda i: i[0].casefold()
                        )
                    ),
                    id="setup-topics",
                )
                topics.border_title = "Topics"
                yield topics
            with Horizontal(id="setup-buttons"):
                yield Button("Start ^s", id="setup-start", variant="primary", compact=True)
                yield Button("Cancel esc", id="setup-cancel", compact=True)
        yield Footer()

    def request(self) -> PracticeRequest:
        lectures = self.query_one("#setup-lectures", SelectionList).selected
        topics = self.query_one("#setup-topics", SelectionList).selected
        types = self.query_one("#setup-types", SelectionList).selected
        return PracticeRequest(
            "practice",
            lectures=tuple(sorted(lectures)),
            topics=tuple(topics),
            types=tuple(types),
        )

    def action_start(self) -> None:
        self.dismiss(self.request())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "setup-start":
            self.action_start()
        else:
            self.action_cancel()
