"""The `dlquiz` command. Subcommands live in :mod:`tui.commands`, one module each.

Heavy modules (Textual, sympy, torch) are imported inside the command that needs them,
so `dlquiz --help` and `dlquiz bank validate` stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from quizbank.errors import UserError
from tui import commands

__all__ = ["main", "build_parser"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dlquiz")
    except PackageNotFoundError:
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version``, looked up only when asked: importlib.metadata slows every start."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(f"dlquiz {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlquiz",
        description="Exam prep for Introduction to Deep Learning (I2DL), lectures 1-12.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    commands.add_common_options(parser, top_level=True)
    parser.set_defaults(handler=commands.run_home)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    commands.register_all(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.handler(args)
    except UserError as error:
        print(f"dlquiz: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dlquiz: interrupted", file=sys.stderr)
        return 130
    return int(status or 0)


if __name__ == "__main__":
    sys.exit(main())
