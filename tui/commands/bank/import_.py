"""`dlquiz bank import --format gift FILE --lecture N [--out FILE]`: GIFT to bank YAML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizbank.errors import UserError
from tui.commands import SubParsers, subcommand


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "import",
        "convert a GIFT file (Moodle) into bank YAML; what can't be converted is listed",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the GIFT file")
    parser.add_argument("--format", required=True, choices=("gift",), help="the file format")
    parser.add_argument("--lecture", required=True, type=int, metavar="N", help="lecture 1-12")
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write a new bank file (default: print it)"
    )
    parser.add_argument("--title", help="the lecture title of the new file")
    parser.add_argument(
        "--topic", default="imported", help="topic when the GIFT category names none"
    )
    parser.epilog = (
        "Imported questions have 'TODO: explain' where GIFT has no general feedback: "
        "`dlquiz bank lint` lists them."
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from quizbank.importers.gift import bank_yaml, import_gift
    from quizbank.loader import bank_paths
    from quizbank.scaffold import check_bank_text, file_header, ids_in

    if not 1 <= args.lecture <= 12:
        raise UserError(f"invalid lecture {args.lecture}: lectures are numbered 1 to 12")
    if args.out is not None and args.out.exists():
        raise UserError(f"{args.out} exists; write to a new file and merge it by hand")
    try:
        source = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"can't read {args.file}: {error}") from None
    taken = ids_in(bank_paths(getattr(args, "banks", []), builtin=True))
    result = import_gift(
        source, args.lecture, source_name=args.file.name, topic=args.topic, taken=taken
    )
    for problem in result.problems:
        print(f"{args.file}:{problem.line}: not converted: {problem.message}", file=sys.stderr)
    if not result.questions:
        raise UserError(f"no question in {args.file} could be converted")
    folder = args.out.parent if args.out is not None else None
    schema_line = file_header(args.lecture, "-", folder).splitlines()[0] + "\n"
    title = args.title or f"Lecture {args.lecture} (imported)"
    text = bank_yaml(result, args.lecture, title, header=schema_line)
    problems = check_bank_text(text)
    if problems:  # a bug in the converter, not in the user's file
        raise UserError("the converted YAML does not validate:\n" + "\n".join(map(str, problems)))
    count = len(result.questions)
    summary = f"converted {count} question{'s' * (count != 1)}"
    if result.problems:
        summary += f"; {len(result.problems)} not converted (listed above)"
    if args.out is None:
        sys.stdout.write(text)
    else:
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UserError(f"can't write {args.out}: {error.strerror}") from None
        summary += f"; wrote {args.out}"
    print(summary, file=sys.stderr)
    return 0
