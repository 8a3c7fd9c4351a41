"""The `dlquiz` command. Subcommands live in :mod:`tui.commands`, one module each.

Heavy modules (Textual, sympy, torch) are imported inside the command that needs them,
so `dlquiz --help` and `dlquiz bank validate` stay fast. :func:`main` imports only the
module of the command it runs (`dlquiz` alone imports none); help imports them all.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

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


class _ProbeParser(argparse.ArgumentParser):
    """Finds the command named in argv; raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def _asks_for_help(token: str) -> bool:
    return token == "-h" or (len(token) > 2 and "--help".startswith(token))


def named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs, "" for none (the home screen), None if all are needed.

    All are needed for help and for argv that the top-level options cannot read: the
    full parser then prints the usual help or error.
    """
    if not argv:
        return ""
    if any(_asks_for_help(token) for token in argv):
        return None
    probe = _ProbeParser(prog="dlquiz", add_help=False)
    commands.add_common_options(probe, top_level=True)
    probe.add_argument("--version", action="store_true")
    probe.add_argument("command", nargs="?")
    try:
        known, _ = probe.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return str(known.command or "")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The `dlquiz` parser; with ``argv``, only the command it names is registered."""
    only = None if argv is None else named_command(argv)
    parser = argparse.ArgumentParser(
        prog="dlquiz",
        description="Exam prep for Introduction to Deep Learning (I2DL), lectures 1-12.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    commands.add_common_options(parser, top_level=True)
    parser.set_defaults(handler=commands.run_home)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    if only != "":
        commands.register_all(subparsers, only=only)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        status = args.handler(args)
    except BrokenPipeError:
        # the reader went away (`dlquiz bank stats | head`): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        from quizbank.errors import UserError  # not before: each import slows `dlquiz`

        if not isinstance(error, UserError):
            return _internal_error(error)
        print(f"dlquiz: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dlquiz: interrupted", file=sys.stderr)
        return 130
    return int(status or 0)


def _internal_error(error: Exception) -> int:
    """A bug in dlquiz, not the user's input: one line for the user, the traceback in a file."""
    import tempfile
    import traceback

    from quizbank.errors import inert

    with tempfile.NamedTemporaryFile(
        "w", prefix="dlquiz-crash-", suffix=".txt", delete=False, encoding="utf-8"
    ) as report:
        traceback.print_exception(error, file=report)
    summary = inert(f"{type(error).__name__}: {error}")
    print(
        f"dlquiz: internal error (a bug in dlquiz, not in your input): {summary}\n"
        f"dlquiz: the details are in {report.name}; please include them in a bug report",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
