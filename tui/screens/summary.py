"""After a session: score, time, mistakes by topic and the named mistakes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Markdown

from tui.session import PracticeRequest, SessionSummary

if TYPE_CHECKING:
    from tui.app import DlquizApp


def summary_markdown(summary: SessionSummary, request: PracticeRequest) -> str:
    minutes, seconds = divmod(int(round(summary.seconds)), 60)
    lines = [f"## {request.describe()} — session summary", ""]
    if summary.answered == 0:
        lines.append("No answers were graded in this session.")
    else:
        percent = summary.score / summary.answered
        lines += [
            f"- **Score:** {round(summary.score, 2):g} of {summary.answered} ({percent:.0%})",
            f"- **Correct:** {summary.correct} of {summary.answered} answers",
        ]
    lines += [
        f"- **Time:** {minutes}:{seconds:02d}",
        f"- **Skipped:** {summary.skipped}",
    ]
    wrong_topics = sorted(
        ((topic, wrong, total) for topic, (wrong, total) in summary.by_topic.items()),
        key=lambda item: (-item[1], item[0]),
    )
    if wrong_topics:
        lines += ["", "### Mistakes by topic", ""]
        lines += [f"- {topic}: {wrong} wrong of {total}" for topic, wrong, total in wrong_topics]
    if summary.mistakes:
        lines += ["", "### Named mistakes", ""]
        lines += [f"- `{tag}` × {count}" for tag, count in summary.mistakes]
    return "\n".join(lines)


class SummaryScreen(Screen[None]):
    CSS_PATH = "summary.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "home", "Home", id="summary.home"),
        Binding("a", "again", "Practise again", id="summary.again"),
        Binding("s", "stats", "Stats", id="summary.stats"),
        Binding("escape", "home", "Home", show=False, id="summary.escape"),
    ]

    def __init__(self, summary: SessionSummary, request: PracticeRequest) -> None:
        super().__init__()
        self.summary = summary
        self.request = request

    @property
    def quiz_app(self) -> DlquizApp:
        return cast("DlquizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary-body"):
            yield Markdown(
                summary_markdown(self.summary, self.request), id="summary", open_links=False
            )
            with Horizontal(id="summary-buttons"):
                yield Button("Home ⏎", id="summary-home", variant="primary", compact=True)
                yield Button("Practise again a", id="summary-again", compact=True)
                yield Button("Stats s", id="summary-stats", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#summary-home", Button).focus()

    def action_home(self) -> None:
        self.quiz_app.go_home()

    def action_again(self) -> None:
        self.quiz_app.go_home()
        self.quiz_app.start_practice(self.request)

    def action_stats(self) -> None:
        self.quiz_app.go_home()
        self.quiz_app.show_stats()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {
            "summary-home": self.action_home,
            "summary-again": self.action_again,
            "summary-stats": self.action_stats,
        }[event.button.id or "summary-home"]()
