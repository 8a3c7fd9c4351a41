"""The home screen: lectures 1-12 with question counts and mastery, reviews due, actions.

Its first frame is light, as it is what start-up waits for: the lecture table is mounted,
and the counts filled in, when the bank and the store arrive (:meth:`refresh_data`).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, LoadingIndicator, Static

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from quizbank.loader import Bank
    from quizbank.store import Store
    from tui.app import DlquizApp
    from tui.session import PracticeRequest

LECTURES = range(1, 13)
BAR_WIDTH = 10
SIDE_PANEL_WIDTH = 26


@dataclass(frozen=True)
class LectureRow:
    lecture: int
    title: str
    questions: int
    mastered: int  # questions whose latest readable answer was correct
    attempted: int


def mastery_bar(mastered: int, total: int) -> str:
    if total == 0:
        return ""
    filled = round(BAR_WIDTH * mastered / total)
    return f"{'█' * filled}{'░' * (BAR_WIDTH - filled)} {mastered}/{total}"


def lecture_rows(bank: Bank, store: Store) -> list[LectureRow]:
    latest: dict[tuple[str, str], str] = {}  # (question, part) -> latest readable outcome
    for attempt in store.attempts(include_invalid=False):
        latest[(attempt.question_id, attempt.part_id)] = attempt.outcome
    by_question: dict[str, list[str]] = {}
    for (question_id, _), outcome in latest.items():
        by_question.setdefault(question_id, []).append(outcome)
    mastered_ids = {qid for qid, outcomes in by_question.items() if "incorrect" not in outcomes}
    rows = []
    for lecture in LECTURES:
        ids = [q.id for q in bank.questions if q.lecture == lecture]
        rows.append(
            LectureRow(
                lecture=lecture,
                title=bank.lectures.get(lecture, ""),
                questions=len(ids),
                mastered=sum(qid in mastered_ids for qid in ids),
                attempted=sum(qid in by_question for qid in ids),
            )
        )
    return rows


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class HomeScreen(Screen[None]):
    """The first screen, at the bottom of the stack; ``home.tcss`` loads with the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "practice_lecture", "Practise lecture", id="home.practice_lecture"),
        Binding(
            "p",
            "practice",
            "Practice…",
            id="home.practice",
            tooltip="Choose lectures, topics, types",
        ),
        Binding("v", "review", "Review due", id="home.review"),
        Binding("c", "cram", "Cram weakest", id="home.cram"),
        Binding("e", "exam", "Exam", id="home.exam"),
        Binding("s", "stats", "Stats", id="home.stats"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    @property
    def quiz_app(self) -> DlquizApp:
        return cast("DlquizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-body"):
            yield LoadingIndicator(id="loading")  # the lecture table replaces it
            with Vertical(id="side-panel"):
                yield Static("Loading the question bank…", id="today")
                yield Button("Practice… p", id="go-practice", variant="primary", compact=True)
                yield Button("Review due v", id="go-review", compact=True)
                yield Button("Cram weakest c", id="go-cram", compact=True)
                yield Button("Mock exam e", id="go-exam", compact=True)
                yield Button("Stats s", id="go-stats", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#side-panel").border_title = "Today"
        self.refresh_data()

    def _lecture_table(self) -> DataTable[str]:
        """The lecture table, mounted in place of the loading indicator on first use."""
        from textual.widgets import DataTable

        found = self.query("#lectures")
        if found:
            return cast("DataTable[str]", found.first(DataTable))
        table: DataTable[str] = DataTable(id="lectures", cursor_type="row", zebra_stripes=True)
        table.border_title = "Lectures"
        table.add_column("#", key="lecture")
        table.add_column("Lecture", key="title")
        table.add_column("Qs", key="questions")
        table.add_column("Mastery", key="mastery")
        self.query_one("#home-body").mount(table, before="#side-panel")
        self.query_one("#loading").remove()
        return table

    def _title_width(self) -> int:
        # The other columns with their padding (31 cells) and the side panel.
        side = self.query_one("#side-panel").outer_size.width or SIDE_PANEL_WIDTH
        return max(12, self.size.width - side - 32)

    def on_resize(self) -> None:
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        bank = self.quiz_app.bank
        if bank is None:
            return
        table = self._lecture_table()
        cursor = table.cursor_row
        table.clear()
        for row in lecture_rows(bank, self.quiz_app.store):
            table.add_row(
                str(row.lecture),
                _fit(row.title or "—", self._title_width()),
                str(row.questions),
                mastery_bar(row.mastered, row.questions),
                key=str(row.lecture),
            )
        table.move_cursor(row=max(0, min(cursor, table.row_count - 1)))
        self.query_one("#today", Static).update(self._today_text(bank))
        exam_open = self.quiz_app.store.open_exam() is not None  # the exam feature's resume
        self.query_one("#go-exam", Button).label = "Resume exam e" if exam_open else "Mock exam e"
        table.focus()

    def _today_text(self, bank: Bank) -> Content:
        from tui.session import due_today

        app = self.quiz_app
        due = len(due_today(app.store, app.clock))
        answered = app.store.attempts(include_invalid=False)
        correct = sum(a.outcome == "correct" for a in answered)
        accuracy = f"{correct / len(answered):.0%}" if answered else "—"
        return Content.assemble(
            (str(due), "bold"),
            f" review{'s' if due != 1 else ''} due today\n",
            f"{len(bank.questions)} questions\n",
            f"{len(answered)} answers, {accuracy} correct",
        )

    # ------------------------------------------------------------------ actions

    def _selected_lecture(self) -> int | None:
        from textual.coordinate import Coordinate

        if self.quiz_app.bank is None:
            return None
        table = self._lecture_table()
        if table.row_count == 0:
            return None
        return (
            int(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value or 0)
            or None
        )

    def action_practice_lecture(self) -> None:
        from tui.session import PracticeRequest

        lecture = self._selected_lecture()
        if lecture is not None:
            self.quiz_app.start_practice(PracticeRequest("practice", lectures=(lecture,)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_practice_lecture()

    def action_practice(self) -> None:
        if self.quiz_app.bank is None:
            self.notify("The question bank is still loading…")
            return
        from tui.screens.practice_setup import PracticeSetupModal

        lecture = self._selected_lecture()
        self.app.push_screen(
            PracticeSetupModal(self.quiz_app.bank, preselected=(lecture,) if lecture else ()),
            callback=self._setup_done,
        )

    def _setup_done(self, request: PracticeRequest | None) -> None:
        if request is not None:
            self.quiz_app.start_practice(request)

    def action_review(self) -> None:
        from tui.session import PracticeRequest

        self.quiz_app.start_practice(PracticeRequest("review"))

    def action_cram(self) -> None:
        from tui.session import PracticeRequest

        self.quiz_app.start_practice(PracticeRequest("cram"))

    def action_exam(self) -> None:
        if importlib.util.find_spec("tui.screens.exam") is None:
            self.notify("Mock exams are coming with the exam feature.", title="Not yet")
            return
        # The exam feature provides `tui.screens.exam.open_exam(app)`.
        importlib.import_module("tui.screens.exam").open_exam(self.app)

    def action_stats(self) -> None:
        self.quiz_app.show_stats()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "go-practice": self.action_practice,
            "go-review": self.action_review,
            "go-cram": self.action_cram,
            "go-exam": self.action_exam,
            "go-stats": self.action_stats,
        }
        if event.button.id in actions:
            event.stop()
            actions[event.button.id]()
