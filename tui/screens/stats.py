"""Statistics: accuracy per lecture and topic and over time, mistakes, reviews ahead, exams."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Sparkline, Static, TabbedContent, TabPane

if TYPE_CHECKING:
    from quizbank.stats import Stats
    from tui.app import DlquizApp


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def overview_text(stats: Stats) -> str:
    totals = stats.totals
    lines = [
        f"{totals.answers} answers · {totals.graded} graded · {totals.correct} correct · "
        f"accuracy {percent(totals.accuracy)}"
        + (f" · {totals.invalid} unreadable (not counted)" if totals.invalid else ""),
    ]
    if stats.by_day:
        first, last = stats.by_day[0], stats.by_day[-1]
        days = len(stats.by_day)
        span = f"on {first.day}" if days == 1 else f"over {days} days, {first.day} to {last.day}"
        lines.append(f"Accuracy {span}; last day {percent(last.accuracy)}")
    else:
        lines.append("Accuracy over time: no graded answers yet.")
    return "\n".join(lines)


def due_text(stats: Stats) -> str:
    days = [f"{d.day.strftime('%a %d')}: {d.count}" for d in stats.due]
    total = sum(d.count for d in stats.due)
    return f"Reviews due in the next {len(stats.due)} days ({total}):\n" + "  ".join(days)


def mistakes_text(stats: Stats) -> str:
    if not stats.mistakes:
        return "Most frequent named mistakes: none yet."
    rows = [f"  {count:>3} × {tag}" for tag, count in stats.mistakes]
    return "Most frequent named mistakes:\n" + "\n".join(rows)


class StatsScreen(Screen[None]):
    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="stats.back"),
        Binding("left", "previous_tab", "Previous tab", id="stats.previous_tab"),
        Binding("right", "next_tab", "Next tab", id="stats.next_tab"),
    ]
    TABS = ("overview", "lectures", "topics", "exams")

    @property
    def quiz_app(self) -> DlquizApp:
        return cast("DlquizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="overview", id="stats-tabs"):
            with TabPane("Overview", id="overview"), VerticalScroll():
                yield Static("", id="stats-overview")
                yield Sparkline([], id="accuracy-sparkline")
                yield Static("", id="stats-due")
                yield Static("", id="stats-mistakes")
            with TabPane("Lectures", id="lectures"):
                yield DataTable(id="stats-lectures", zebra_stripes=True, cursor_type="row")
            with TabPane("Topics", id="topics"):
                yield DataTable(id="stats-topics", zebra_stripes=True, cursor_type="row")
            with TabPane("Exams", id="exams"):
                yield DataTable(id="stats-exams", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        from quizbank.stats import compute_stats

        stats = compute_stats(self.quiz_app.store)
        self.query_one("#stats-overview", Static).update(overview_text(stats))
        sparkline = self.query_one("#accuracy-sparkline", Sparkline)
        sparkline.data = [day.accuracy for day in stats.by_day]
        sparkline.display = len(stats.by_day) > 1  # one bar says nothing about a trend
        self.query_one("#stats-due", Static).update(due_text(stats))
        self.query_one("#stats-mistakes", Static).update(mistakes_text(stats))
        titles = self.quiz_app.bank.lectures if self.quiz_app.bank else {}
        self._fill(
            "#stats-lectures",
            # The long title last, so a narrow terminal clips it and not the accuracy.
            ("lecture", "answers", "graded", "correct", "accuracy", "title"),
            [(str(g.key or "—"), *_counts(g), titles.get(g.key, "")) for g in stats.by_lecture],
        )
        self._fill(
            "#stats-topics",
            ("topic", "answers", "graded", "correct", "accuracy"),
            [(str(g.key or "—"), *_counts(g)) for g in stats.by_topic],
        )
        self._fill(
            "#stats-exams",
            ("#", "blueprint", "seed", "started", "score", "submitted"),
            [
                (
                    str(exam.id),
                    exam.blueprint,
                    str(exam.seed),
                    exam.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    "—" if exam.score is None else f"{exam.score:g} / {exam.max_score or 0:g}",
                    exam.submit_reason or "open",
                )
                for exam in stats.exams
            ],
            empty="No mock exams yet.",
        )

    def _fill(
        self, selector: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = ""
    ) -> None:
        table = self.query_one(selector, DataTable)
        table.add_columns(*columns)
        for row in rows:
            table.add_row(*row)
        if not rows:
            table.add_row(*([empty or "No answers yet."] + [""] * (len(columns) - 1)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a past exam opens its report (the exam feature's screen)."""
        if event.data_table.id != "stats-exams":
            return
        number = str(event.data_table.get_row(event.row_key)[0])
        if number.isdigit():
            from tui.screens.exam_report import open_report

            open_report(self.app, int(number))

    def action_back(self) -> None:
        self.app.pop_screen()

    def _switch_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        index = self.TABS.index(tabs.active or "overview")
        tabs.active = self.TABS[(index + step) % len(self.TABS)]

    def action_previous_tab(self) -> None:
        self._switch_tab(-1)

    def action_next_tab(self) -> None:
        self._switch_tab(1)


def _counts(group: Any) -> tuple[str, str, str, str]:
    return (str(group.answers), str(group.graded), str(group.correct), percent(group.accuracy))
