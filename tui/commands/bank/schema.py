"""`dlquiz bank schema [--out FILE]`: the JSON Schema of bank files, for editors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizbank.errors import UserError
from tui.commands import SubParsers, subcommand


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "schema",
        "write the JSON Schema of bank files (for editor completion and checks)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from quizbank.schema import bank_json_schema_text

    text = bank_json_schema_text()
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"can't write {args.out}: {error.strerror}") from None
    print(f"wrote {args.out}")
    return 0
