"""`dlquiz bank validate [PATH ...]`: check bank files and report every problem, located."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui.commands import SubParsers, subcommand

if TYPE_CHECKING:
    from quizbank.errors import Problem


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "validate",
        "check bank files: every problem as path:line:col: message",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="bank files or folders (default: the built-in bank and the --bank folders)",
    )
    parser.add_argument(
        "--skip-broken",
        action="store_true",
        help="report broken files but succeed with the files that load",
    )
    parser.set_defaults(handler=run)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _fail(problems: list[Problem]) -> int:
    for problem in problems:
        print(problem)
    sys.stdout.flush()
    files = len({problem.path for problem in problems})
    summary = f"{_plural(len(problems), 'problem')} in {_plural(files, 'file')}"
    print(f"dlquiz: {summary}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    # quizbank only: no textual, no torch (this runs in editors and commit hooks)
    from quizbank.errors import ValidationFailed
    from quizbank.loader import bank_paths, load_bank

    extra = [*args.paths, *getattr(args, "banks", [])]
    checked = {path.resolve() for path in bank_paths(extra, builtin=not args.paths)}
    # With PATHs, the built-in bank is loaded too (ids must not clash with it), but only
    # the problems of the given files are reported.
    try:
        bank = load_bank(extra, skip_broken=args.skip_broken or bool(args.paths), deep=True)
    except ValidationFailed as failed:
        return _fail(failed.problems)
    problems = [p for p in bank.skipped if Path(p.path).resolve() in checked]
    if problems and not args.skip_broken:
        return _fail(problems)
    for problem in problems:
        print(problem)
    questions = sum(1 for path in bank.file_of.values() if path.resolve() in checked)
    files = sum(1 for path in bank.files if path.resolve() in checked)
    skipped = len({problem.path for problem in problems})
    note = f"; skipped {_plural(skipped, 'broken file')}" if skipped else ""
    print(f"OK: {_plural(questions, 'question')} in {_plural(files, 'file')}{note}")
    return 0
