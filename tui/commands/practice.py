"""`dlquiz practice`: open the TUI straight into a practice session."""

from __future__ import annotations

import argparse

from tui.commands import SubParsers, subcommand


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "practice",
        "practise in the TUI, optionally only some lectures, topics or question types",
    )
    parser.add_argument(
        "--lecture",
        dest="lectures",
        action="append",
        type=int,
        choices=range(1, 13),
        metavar="N",
        default=[],
        help="only lecture N (1-12); repeatable",
    )
    parser.add_argument(
        "--topic",
        dest="topics",
        action="append",
        default=[],
        metavar="T",
        help="only questions whose topic or tag is T (case-insensitive); repeatable",
    )
    parser.add_argument(
        "--type",
        dest="types",
        action="append",
        default=[],
        metavar="T",
        help="only questions of type T (single, multi, truefalse, numeric, expression, "
        "shape, open, problem); repeatable",
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="fix the order and the numbers of the session"
    )
    parser.add_argument(
        "--count", type=int, default=20, metavar="N", help="questions in the session (default 20)"
    )
    parser.set_defaults(handler=run_practice)


def run_practice(args: argparse.Namespace) -> int:
    from quizbank.errors import UserError
    from quizbank.schema import QUESTION_TYPES
    from tui.launch import launch
    from tui.session import PracticeRequest

    unknown = [t for t in args.types if t not in QUESTION_TYPES]
    if unknown:
        raise UserError(
            f"unknown question type {unknown[0]!r}; expected one of {', '.join(QUESTION_TYPES)}"
        )
    if args.count < 1:
        raise UserError("--count must be at least 1")
    request = PracticeRequest(
        "practice",
        lectures=tuple(args.lectures),
        topics=tuple(args.topics),
        types=tuple(args.types),
        seed=args.seed,
        length=args.count,
    )
    return launch(args, start=request)
