"""The Textual application. Screens live in :mod:`tui.screens`, widgets in :mod:`tui.widgets`.

:func:`make_app` is the one factory for the command line and the tests: tests inject a
bank, a store in a temporary folder and a :class:`~quizbank.clock.FakeClock`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from quizbank.errors import UserError, inert
from tui.palette import DlquizCommands
from tui.screens.home import HomeScreen
from tui.session import PracticeRequest

if TYPE_CHECKING:
    from quizbank.clock import Clock
    from quizbank.loader import Bank
    from quizbank.store import Store
    from tui.screens.exam_session import ExamRequest

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


class DlquizApp(App[None]):
    TITLE = "dlquiz"
    SUB_TITLE = "I2DL exam prep"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {DlquizCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.toggle_theme", tooltip="Light or dark"),
    ]

    def __init__(
        self,
        *,
        bank: Bank | None,
        store: Store,
        clock: Clock,
        start: PracticeRequest | ExamRequest | Callable[[DlquizApp], object] | None,
        extra_banks: Sequence[Path] = (),
    ) -> None:
        super().__init__()
        self.bank = bank
        self.store = store
        self.clock = clock
        self.start_request = start
        self.extra_banks = tuple(extra_banks)
        self.fatal_message: str | None = None  # printed by the launcher after the app exits
        self.theme = DARK_THEME

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self.bank is None:
            self.call_after_refresh(self.load_bank)  # after the first paint
        else:
            self.call_after_refresh(self._bank_ready, self.bank)

    @work(thread=True, exclusive=True, group="bank", exit_on_error=False)
    def load_bank(self) -> None:
        # pydantic and the YAML files cost a few hundred ms: load after the first paint.
        from quizbank.loader import load_bank

        try:
            bank = load_bank(self.extra_banks, skip_broken=True)
        except UserError as error:
            self.call_from_thread(self.show_fatal_error, str(error))
            return
        self.call_from_thread(self._bank_ready, bank)

    def _bank_ready(self, bank: Bank) -> None:
        self.bank = bank
        if bank.skipped:
            files = sorted({inert(problem.path) for problem in bank.skipped})
            self.notify(
                f"Skipped {len(files)} broken bank file(s): {', '.join(files)}. "
                "Run `dlquiz bank validate` for the details.",
                title="Bank problems",
                severity="warning",
                timeout=15,
                markup=False,  # file names are not markup: "[/]" would crash, "[@click]" act
            )
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_data()
        if self.start_request is not None:
            request, self.start_request = self.start_request, None
            if isinstance(request, PracticeRequest):
                self.start_practice(request)
            elif callable(request):  # e.g. `dlquiz bank preview` opens its own screen
                request(self)
            else:  # `dlquiz exam`: the exam feature opens its own screen
                from tui.screens.exam import start_exam

                start_exam(self, request)

    # ------------------------------------------------------------------ navigation

    def start_practice(self, request: PracticeRequest) -> None:
        """Open a practice, review or cram session (replacing any session in progress)."""
        if self.bank is None:
            self.notify("The question bank is still loading…")
            return
        from tui.screens.practice import PracticeScreen

        try:
            screen = PracticeScreen.for_request(request, self)
        except UserError as error:
            self.notify(str(error), title="Nothing to practise", severity="warning", markup=False)
            return
        while not isinstance(self.screen, HomeScreen) and len(self.screen_stack) > 2:
            self.pop_screen()
        self.push_screen(screen)

    def show_stats(self) -> None:
        from tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def go_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_data()

    def show_fatal_error(self, message: str) -> None:
        from tui.screens.error import ErrorScreen

        self.fatal_message = message
        self.push_screen(ErrorScreen(message), callback=lambda _: self.exit(return_code=1))

    def report_store_error(self, error: Exception) -> None:
        """A failed write (disk full, locked, read-only): say so, keep the session going."""
        self.notify(
            str(error), title="Progress not saved", severity="error", timeout=10, markup=False
        )

    # ------------------------------------------------------------------ actions

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME


def make_app(
    *,
    bank: Bank | None = None,
    store: Store | None = None,
    clock: Clock | None = None,
    start: PracticeRequest | ExamRequest | Callable[[DlquizApp], object] | None = None,
    data_dir: Path | None = None,
    extra_banks: Sequence[Path] = (),
) -> DlquizApp:
    """Build the app. ``start`` opens a practice session straight away, else the home screen.

    Without ``store`` the progress store in ``data_dir`` (default: the user data dir) is
    opened, which raises a :class:`~quizbank.errors.UserError` when it is unusable.
    """
    if clock is None:
        from quizbank.clock import SystemClock

        clock = SystemClock()
    if store is None:
        from quizbank.paths import resolve_data_dir
        from quizbank.store import Store

        store = Store.open(resolve_data_dir(data_dir), clock=clock)
    return DlquizApp(bank=bank, store=store, clock=clock, start=start, extra_banks=extra_banks)
