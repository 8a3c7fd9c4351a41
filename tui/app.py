"""The Textual application. Screens live in :mod:`tui.screens`, widgets in :mod:`tui.widgets`.

:func:`make_app` is the one factory for the command line and the tests: tests inject a
bank, a store in a temporary folder and a :class:`~quizbank.clock.FakeClock`.

Start-up draws the home screen first; the progress store and the bank then load in a
worker (``load_bank``), and ``app.bank`` is set only once both are there.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from textual.command import Provider

    from quizbank.clock import Clock
    from quizbank.errors import UserError
    from quizbank.loader import Bank
    from quizbank.store import Store
    from tui.screens.exam_session import ExamRequest
    from tui.session import PracticeRequest

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"
LOADING = "The question bank is still loading…"


def _dlquiz_commands() -> type[Provider]:
    # Imported when the palette opens: the provider and the session module slow the start.
    from tui.palette import DlquizCommands

    return DlquizCommands


class DlquizApp(App[None]):
    TITLE = "dlquiz"
    SUB_TITLE = "I2DL exam prep"
    # The home screen's styles load with the app's: loading a screen's own CSS_PATH later
    # re-parses and re-applies every style, which would slow the first paint.
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "screens/home.tcss"]
    COMMANDS = App.COMMANDS | {_dlquiz_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.toggle_theme", tooltip="Light or dark"),
    ]

    def __init__(
        self,
        *,
        bank: Bank | None,
        store: Store | None,
        clock: Clock,
        start: PracticeRequest | ExamRequest | Callable[[DlquizApp], object] | None,
        extra_banks: Sequence[Path] = (),
        open_store: Callable[[], Store] | None = None,
        resume_gc: bool = False,
    ) -> None:
        """``store``, or ``open_store`` to open it in the worker after the first paint.

        ``resume_gc``: the launcher paused the garbage collector for start-up (nearly all
        that start-up allocates lives as long as the app); it is resumed, after one full
        collection, once the loaded bank is on screen (at once if loading fails).
        """
        super().__init__()
        if store is None and open_store is None:
            raise ValueError("DlquizApp needs a store or open_store")
        self._store = store
        self._open_store = open_store
        self._given_bank = bank
        self.bank: Bank | None = None  # set once the bank and the store are both there
        self.clock = clock
        self.start_request = start
        self.extra_banks = tuple(extra_banks)
        self.fatal_message: str | None = None  # printed by the launcher after the app exits
        self.store_error: UserError | None = None  # the store did not open: the launcher says why
        self._resume_gc = resume_gc
        self.theme = DARK_THEME

    @property
    def store(self) -> Store:
        """The progress store; always there once ``bank`` is set."""
        if self._store is None:
            raise RuntimeError("the progress store is still opening (check app.bank first)")
        return self._store

    @property
    def opened_store(self) -> Store | None:
        """The store if it is open yet (for the launcher, which closes it)."""
        return self._store

    def get_default_screen(self) -> HomeScreen:
        # The home screen is the bottom of the stack (not pushed on a blank one: faster).
        return HomeScreen()

    def on_mount(self) -> None:
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self._store is not None and self._given_bank is not None:
            self._bank_ready(self._given_bank)
        else:
            self.load_bank()

    @work(thread=True, exclusive=True, group="bank", exit_on_error=False)
    def load_bank(self) -> None:
        """Open the store (if not given) and load the bank (if not given), then show them."""
        try:
            self._load_data()
        finally:
            if self._resume_gc and self.bank is None:  # failed: nothing to wait for
                self._resume_gc = False
                gc.enable()

    def _load_data(self) -> None:
        from quizbank.errors import UserError

        if self._store is None and self._open_store is not None:
            try:
                store = self._open_store()
            except UserError as error:
                self.call_from_thread(self._store_failed, error)
                return
            self.call_from_thread(self._store_opened, store)
        bank = self._given_bank
        if bank is None:
            # pydantic and the YAML files cost a few hundred ms.
            from quizbank.loader import load_bank

            try:
                bank = load_bank(self.extra_banks, skip_broken=True)
            except UserError as error:
                self.call_from_thread(self.show_fatal_error, str(error))
                return
        self.call_from_thread(self._bank_ready, bank)

    @staticmethod
    def _resume_collection() -> None:
        # Once, with the table on screen: collecting during start-up (~45 ms) would delay it.
        gc.collect()
        gc.enable()

    def _store_opened(self, store: Store) -> None:
        self._store = store
        if store.moved_aside is not None:
            self.notify(
                f"The damaged progress database was moved to {store.moved_aside}.",
                title="Started afresh",
                timeout=15,
                markup=False,
            )

    def _store_failed(self, error: UserError) -> None:
        self.store_error = error
        self.exit(return_code=1)

    def _bank_ready(self, bank: Bank) -> None:
        from quizbank.errors import inert
        from tui.session import PracticeRequest

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
        if self._resume_gc:
            self._resume_gc = False
            self.call_after_refresh(self._resume_collection)
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
            self.notify(LOADING)
            return
        from quizbank.errors import UserError
        from tui.screens.practice import PracticeScreen

        try:
            screen = PracticeScreen.for_request(request, self)
        except UserError as error:
            self.notify(str(error), title="Nothing to practise", severity="warning", markup=False)
            return
        while not isinstance(self.screen, HomeScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def show_stats(self) -> None:
        if self.bank is None:  # the store opens with the bank
            self.notify(LOADING)
            return
        from tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def go_home(self) -> None:
        while len(self.screen_stack) > 1:
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

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Never follow a link: links come from bank text, which anyone may have written.

        Markdown widgets are made with ``open_links=False``; this catches any that is not.
        """
        from quizbank.errors import inert

        self.notify(f"Links are not opened: {inert(url)}", title="Link", markup=False)

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
    open_store: Callable[[], Store] | None = None,
    resume_gc: bool = False,
) -> DlquizApp:
    """Build the app. ``start`` opens a practice session straight away, else the home screen.

    With ``open_store`` the store is opened after the first paint; a
    :class:`~quizbank.errors.UserError` from it ends the app with ``app.store_error`` set.
    Without either, the progress store in ``data_dir`` (default: the user data dir) is
    opened now, which raises a :class:`~quizbank.errors.UserError` when it is unusable.
    """
    if clock is None:
        from quizbank.clock import SystemClock

        clock = SystemClock()
    if store is None and open_store is None:
        from quizbank.paths import resolve_data_dir
        from quizbank.store import Store

        store = Store.open(resolve_data_dir(data_dir), clock=clock)
    return DlquizApp(
        bank=bank,
        store=store,
        clock=clock,
        start=start,
        extra_banks=extra_banks,
        open_store=open_store,
        resume_gc=resume_gc,
    )
