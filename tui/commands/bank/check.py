"""`dlquiz bank check [PATH ...]`: cross-check answer keys against reference models."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from quizbank.errors import UserError
from tui.commands import SubParsers, subcommand


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "check",
        "instantiate every question for many seeds, run its reference model and its tests",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="bank files or folders to check (default: the built-in bank and the --bank folders)",
    )
    parser.add_argument(
        "--seeds", type=int, default=20, metavar="N", help="seeds 0..N-1 per question (default 20)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        metavar="J",
        help="worker processes for the model runs (default: up to 2)",
    )
    parser.set_defaults(handler=run)


class ProgressBar:
    """``checking [#####.....] 120/400`` on stderr: redrawn in place on a terminal, a few
    plain lines otherwise (logs)."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.live = stream.isatty()
        self.last_step: dict[str, int] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        filled = self.width * done // max(total, 1)
        line = f"{label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if self.live:
            end = "\n" if done >= total else ""
            self.stream.write(f"\r{line}{end}")
        else:
            step = 4 * done // max(total, 1)  # quarters
            if self.last_step.get(label) == step:
                return
            self.last_step[label] = step
            self.stream.write(line + "\n")
        self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from quizbank.check import check_bank  # model runs import torch only inside
    from quizbank.loader import load_bank

    if args.seeds < 1:
        raise UserError("--seeds must be at least 1")
    if args.jobs < 1:
        raise UserError("--jobs must be at least 1")
    extra = [*args.paths, *getattr(args, "banks", [])]
    bank = load_bank(extra, builtin=not args.paths)
    report = check_bank(bank, seeds=args.seeds, jobs=args.jobs, progress=ProgressBar(sys.stderr))
    for finding in report.findings:
        print(finding)
    print(report.summary())
    return 0 if report.ok else 1
