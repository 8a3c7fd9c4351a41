"""Subcommands of `dlquiz`.

Every module in this package (and in sub-packages such as :mod:`tui.commands.bank`) that
defines ``register(subparsers)`` adds its subcommand; nothing else needs editing.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

SubParsers = Any  # argparse's _SubParsersAction is private


def add_common_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """`--bank DIR` (repeatable), `--data-dir DIR` and `--reset-corrupt-db`, on every command.

    Subcommands use SUPPRESS defaults so that `dlquiz --data-dir D stats` keeps D.
    """
    default_banks: Any = [] if top_level else argparse.SUPPRESS
    default_dir: Any = None if top_level else argparse.SUPPRESS
    default_flag: Any = False if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--bank",
        dest="banks",
        action="append",
        type=Path,
        metavar="DIR",
        default=default_banks,
        help="an extra bank folder (or file) beside the built-in bank; repeatable",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        default=default_dir,
        help="where progress is stored (default: the user data dir)",
    )
    parser.add_argument(
        "--reset-corrupt-db",
        action="store_true",
        default=default_flag,
        help="if the progress database is damaged, move it aside (it is kept, renamed "
        "progress.sqlite.corrupt-<time>) and start a fresh one",
    )


def subcommand(subparsers: SubParsers, name: str, help_text: str, **kwargs: Any) -> Any:
    """Add a subcommand that accepts the common options."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text, **kwargs)
    add_common_options(parser)
    return parser


def _command_modules(package: ModuleType) -> list[ModuleType]:
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, "register"):
            found.append(module)
    return found


def register_all(subparsers: SubParsers, package: ModuleType | None = None) -> None:
    import tui.commands as this_package

    for module in _command_modules(package or this_package):
        module.register(subparsers)


def run_home(args: argparse.Namespace) -> int:
    """`dlquiz` with no subcommand: open the TUI's home screen."""
    from tui.launch import launch

    return launch(args)
