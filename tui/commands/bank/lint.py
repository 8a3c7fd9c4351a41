"""`dlquiz bank lint [PATH ...]`: warnings and errors about questions that load fine."""

from __future__ import annotations

import argparse
from pathlib import Path

from quizbank.errors import UserError
from tui.commands import SubParsers, subcommand


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "lint",
        "find near-duplicates, weak explanations, untested mistake rules, failing tests, ...",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="bank files or folders to lint (default: the built-in bank and the --bank folders)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=50,
        metavar="N",
        help="seeds tried per parametric question (default 50)",
    )
    parser.add_argument(
        "--errors-only", action="store_true", help="print errors only, not warnings"
    )
    parser.epilog = "Exit status 1 when there are errors; warnings alone exit 0."
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from quizbank.lint import lint_bank
    from quizbank.loader import bank_paths, load_bank

    if args.seeds < 1:
        raise UserError("--seeds must be at least 1")
    extra = [*args.paths, *getattr(args, "banks", [])]
    checked = {path.resolve() for path in bank_paths(extra, builtin=not args.paths)}
    bank = load_bank(extra, skip_broken=True)
    broken = [problem for problem in bank.skipped if Path(problem.path).resolve() in checked]
    if broken:
        for problem in broken:
            print(problem)
        raise UserError("fix these problems first (see `dlquiz bank validate`), then lint again")
    report = lint_bank(bank, only=checked, seeds=args.seeds)
    for finding in report.errors if args.errors_only else report.findings:
        print(finding)
    print(report.summary())
    return 1 if report.errors else 0
