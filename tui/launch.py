"""Start the Textual app from the command line.

The progress store is opened here, before the app starts, so that a damaged, locked or
read-only database is reported as one clear line instead of inside a half-drawn screen.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizbank.clock import Clock
    from quizbank.store import Store
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


def launch(args: argparse.Namespace, start: PracticeRequest | None = None) -> int:
    """Run the TUI: the home screen, or straight into ``start``."""
    from quizbank.clock import SystemClock
    from tui.app import make_app

    clock = SystemClock()
    store = open_progress_store(args, clock)
    app = make_app(
        store=store, clock=clock, start=start, extra_banks=list(getattr(args, "banks", []) or [])
    )
    try:
        app.run()
    finally:
        store.close()
    if app.fatal_message:
        print(f"dlquiz: {app.fatal_message}", file=sys.stderr)
    return app.return_code or 0
