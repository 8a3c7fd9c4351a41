"""Start the Textual app from the command line.

The home screen is drawn first; the progress store opens after it, with the bank. A
damaged, locked or read-only database ends the app and is reported here as one clear
line; for a damaged one the user is asked (on the terminal, as by `dlquiz stats`) whether
to move it aside, and the app starts again on a fresh store if they agree.
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizbank.clock import Clock
    from quizbank.store import Store
    from tui.app import DlquizApp
    from tui.session import PracticeRequest


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def open_progress_store(args: argparse.Namespace, clock: Clock) -> Store:
    """The store in ``--data-dir``; a damaged file is moved aside only if the user agrees."""
    from quizbank.paths import resolve_data_dir
    from quizbank.store import CorruptDatabase, Store, open_store

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    reset = bool(getattr(args, "reset_corrupt_db", False))
    try:
        store = open_store(data_dir, clock=clock, reset_corrupt=reset)
    except CorruptDatabase as error:
        print(f"dlquiz: {error}", file=sys.stderr)
        if not _confirm("Move the damaged file aside (it is kept) and start fresh?"):
            raise SystemExit(1) from None
        store = Store.recover(data_dir, clock=clock)
    if store.moved_aside is not None:
        print(f"dlquiz: the damaged database was moved to {store.moved_aside}", file=sys.stderr)
    return store


def _store_opener(args: argparse.Namespace, clock: Clock) -> Store:
    """Open the store in the app's worker: no questions asked, errors go to the launcher."""
    from quizbank.paths import resolve_data_dir
    from quizbank.store import open_store

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    reset = bool(getattr(args, "reset_corrupt_db", False))
    return open_store(data_dir, clock=clock, reset_corrupt=reset)


def _run(app: DlquizApp, *, report_moved: bool = True) -> DlquizApp:
    try:
        app.run()
    finally:
        store = app.opened_store
        if store is not None:
            store.close()
    if report_moved and store is not None and store.moved_aside is not None:
        print(f"dlquiz: the damaged database was moved to {store.moved_aside}", file=sys.stderr)
    return app


def launch(args: argparse.Namespace, start: PracticeRequest | None = None) -> int:
    """Run the TUI: the home screen, or straight into ``start``."""
    # Start-up allocates ~100k objects that live as long as the app: collecting them now
    # would only delay the first paint (by ~30 ms). The app resumes collection once the
    # loaded bank is on screen.
    gc.disable()
    try:
        from quizbank.clock import SystemClock
        from tui.app import make_app

        clock = SystemClock()
        banks = list(getattr(args, "banks", []) or [])

        def opener() -> Store:
            return _store_opener(args, clock)

        app = _run(
            make_app(clock=clock, start=start, extra_banks=banks, open_store=opener, resume_gc=True)
        )
    finally:
        gc.enable()
    error = app.store_error
    if error is not None:
        from quizbank.store import CorruptDatabase

        if not isinstance(error, CorruptDatabase):
            print(f"dlquiz: {error}", file=sys.stderr)
            return 1
        # Says what is wrong and asks; exits with status 1 unless the user agrees.
        store = open_progress_store(args, clock)
        app = make_app(store=store, clock=clock, start=start, extra_banks=banks)
        _run(app, report_moved=False)  # already said
    if app.fatal_message:
        print(f"dlquiz: {app.fatal_message}", file=sys.stderr)
    return app.return_code or 0
