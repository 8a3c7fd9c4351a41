"""`dlquiz bank new --type TYPE --lecture N`: append a commented skeleton to lectureNN.yaml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizbank.errors import UserError
from quizbank.skeletons import SKELETONS  # not quizbank.schema: pydantic slows every start
from tui.commands import SubParsers, subcommand


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "new",
        "append a commented, valid skeleton question to lectureNN.yaml in your bank folder",
    )
    parser.add_argument("--type", required=True, choices=tuple(SKELETONS), help="question type")
    parser.add_argument("--lecture", required=True, type=int, metavar="N", help="lecture 1-12")
    parser.add_argument("--id", metavar="ID", help="the question id (default: lNN-new-TYPE)")
    parser.add_argument("--title", help="the lecture title, for a new file")
    parser.add_argument(
        "--stdout", action="store_true", help="print the skeleton instead of writing a file"
    )
    parser.epilog = (
        "The file is lectureNN.yaml in the --bank folder (default: the current folder); "
        "it is created with the schema line, lecture and title if missing."
    )
    parser.set_defaults(handler=run)


def _builtin_title(lecture: int) -> str | None:
    from quizbank.loader import bank_paths
    from quizbank.yaml_loader import read_yaml

    for path in bank_paths(builtin=True):
        data = read_yaml(path).data
        if isinstance(data, dict) and data.get("lecture") == lecture:
            title = data.get("title")
            return title if isinstance(title, str) else None
    return None


def run(args: argparse.Namespace) -> int:
    from quizbank.loader import bank_paths
    from quizbank.scaffold import add_question, build_question_text, ids_in

    banks: list[Path] = list(getattr(args, "banks", []) or [])
    if len(banks) > 1:
        raise UserError("give one --bank folder to write to")
    if not 1 <= args.lecture <= 12:
        raise UserError(f"invalid lecture {args.lecture}: lectures are numbered 1 to 12")
    target = banks[0].expanduser() if banks else Path.cwd()
    taken = ids_in(bank_paths(builtin=True))
    if target.is_dir():
        taken |= ids_in(bank_paths([target], builtin=False))
    if args.stdout:
        from quizbank.scaffold import default_id

        question_id = args.id or default_id(args.type, args.lecture, taken)
        sys.stdout.write(build_question_text(args.type, args.lecture, question_id))
        return 0
    title = args.title or _builtin_title(args.lecture)
    added = add_question(
        target, args.type, args.lecture, question_id=args.id, taken=taken, title=title
    )
    verb = "created" if added.created else "appended to"
    print(f"{verb} {added.path}: {args.type} question {added.question_id}")
    print(
        f"next: edit it, then `dlquiz bank validate {added.path}`, "
        f"`dlquiz bank lint {added.path}` and `dlquiz bank preview {added.question_id}"
        f"{' --bank ' + str(banks[0]) if banks else ' --bank .'}`"
    )
    return 0
