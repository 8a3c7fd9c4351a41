"""`dlquiz bank stats [--json]`: questions per lecture and type, shares, topics."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tui.commands import SubParsers, subcommand


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "stats",
        "count the bank's questions per lecture and type, its topics and missing models",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="bank files or folders (default: the built-in bank and the --bank folders)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from quizbank.bankstats import bank_stats
    from quizbank.loader import load_bank

    extra = [*args.paths, *getattr(args, "banks", [])]
    bank = load_bank(extra, builtin=not args.paths)
    stats = bank_stats(bank)
    if args.json:
        print(json.dumps(stats.to_json(), indent=2, ensure_ascii=False))
    else:
        print(stats.to_text(), end="")
    return 0
