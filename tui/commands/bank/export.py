"""`dlquiz bank export --format anki|gift|moodle-xml --out FILE`: share the bank."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.commands import SubParsers, subcommand

FORMATS = ("anki", "gift", "moodle-xml")  # as quizbank.export.FORMATS (not imported: startup)


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "export",
        "export questions to an Anki deck, a GIFT file or Moodle XML",
    )
    parser.add_argument("--format", required=True, choices=FORMATS, help="the file format")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write")
    parser.add_argument(
        "--variants",
        type=int,
        default=3,
        metavar="N",
        help="rendered variants per parametric question (default 3)",
    )
    parser.add_argument(
        "--lecture",
        type=int,
        nargs="+",
        default=[],
        metavar="N",
        help="only these lectures (default: all)",
    )
    parser.epilog = (
        "Re-exporting keeps each question's identity (Anki GUIDs, Moodle idnumbers), so "
        "importing again updates instead of duplicating. Anything a format cannot hold is "
        "listed at the end."
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from quizbank.export import export_bank
    from quizbank.loader import load_bank

    bank = load_bank(getattr(args, "banks", []))
    summary = export_bank(
        bank, args.format, args.out, variants=args.variants, lectures=args.lecture
    )
    print(summary.text())
    print(f"wrote {args.out}")
    sys.stdout.flush()
    return 0
