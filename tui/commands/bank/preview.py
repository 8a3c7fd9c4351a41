"""`dlquiz bank preview ID [--seed S]`: one question in the app, as a student sees it."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from quizbank.errors import UserError
from tui.commands import SubParsers, subcommand

if TYPE_CHECKING:
    from quizbank.loader import Bank
    from tui.app import DlquizApp


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "preview",
        "open one question in the app as a student sees it, with an author panel",
    )
    parser.add_argument("question_id", metavar="ID", help="the question's id")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="the variant (default 0)")
    parser.epilog = (
        "Keys: f2/f3 next/previous seed, f4 author panel, f5 show the reference model's run, "
        "escape quits. Answers are not recorded in your progress."
    )
    parser.set_defaults(handler=run)


def find_question(bank: Bank, question_id: str) -> str:
    """The question's location as ``path:line``; a clear error for an unknown id."""
    if question_id not in bank.by_id:
        import difflib

        close = difflib.get_close_matches(question_id, list(bank.by_id), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UserError(f"no question {question_id!r} in the bank{hint}")
    from quizbank.lint import Locator

    path, line, _ = Locator(bank).position(question_id)
    return f"{path}:{line}"


def preview_app(bank: Bank, question_id: str, seed: int, data_dir: Path) -> DlquizApp:
    """The app opening straight into the preview; progress goes to ``data_dir``."""
    from quizbank.clock import SystemClock
    from quizbank.store import Store
    from tui.app import make_app
    from tui.screens.preview import PreviewScreen

    location = find_question(bank, question_id)
    clock = SystemClock()
    store = Store.open(data_dir, clock=clock)

    def open_preview(app: DlquizApp) -> None:
        PreviewScreen.open(app, question_id, seed, location)

    return make_app(bank=bank, store=store, clock=clock, start=open_preview)


def run(args: argparse.Namespace) -> int:
    from quizbank.instantiate import instantiate
    from quizbank.loader import load_bank

    if args.seed < 0:
        raise UserError("--seed must be at least 0")
    bank = load_bank(getattr(args, "banks", []))
    find_question(bank, args.question_id)
    instantiate(bank.by_id[args.question_id], args.seed)  # a broken variant: one clear line
    with tempfile.TemporaryDirectory(prefix="dlquiz-preview-") as scratch:
        app = preview_app(bank, args.question_id, args.seed, Path(scratch))
        try:
            app.run()
        finally:
            app.store.close()
    return app.return_code or 0
