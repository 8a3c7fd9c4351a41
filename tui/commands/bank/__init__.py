"""`dlquiz bank ...`: validate, check, inspect and author question banks."""

from __future__ import annotations

import argparse
import sys

from tui.commands import SubParsers, register_all, subcommand


def register(subparsers: SubParsers) -> None:
    parser = subcommand(subparsers, "bank", "validate, check and author question banks")
    parser.set_defaults(handler=lambda args: _usage(parser))
    bank_subparsers = parser.add_subparsers(title="bank commands", metavar="BANK_COMMAND")
    register_all(bank_subparsers, sys.modules[__name__])


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 1
