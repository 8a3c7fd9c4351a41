"""Subcommands of `dlquiz`.

Every module in this package (and in sub-packages such as :mod:`tui.commands.bank`) that
defines ``register(subparsers)`` adds its subcommand; nothing else needs editing. A module
registers the command named like itself, with ``_`` as ``-`` and a trailing ``_`` dropped
(``run_model.py`` is `run-model`, ``import_.py`` is `import`): that is how
:func:`register_all` imports only the module of the command being run.
"""

from __future__ import annotations

import argparse
import importlib
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


def command_name(module_name: str) -> str:
    """The command a module registers: ``run_model`` -> `run-model`, ``import_`` -> `import`."""
    return module_name.rstrip("_").replace("_", "-")


def _module_names(package: ModuleType) -> list[str]:
    """The command modules of ``package``, found without importing them."""
    import pkgutil

    names = (info.name for info in pkgutil.iter_modules(package.__path__))
    return sorted(name for name in names if not name.startswith("_"))


def register_all(
    subparsers: SubParsers, package: ModuleType | None = None, *, only: str | None = None
) -> None:
    """Register the commands of ``package`` (default: this one).

    With ``only``, just the module of that command is imported (each import costs start-up
    time); when no module is named after it, all are, so that argparse can list them.
    """
    import tui.commands as this_package

    package = package or this_package
    names = _module_names(package)
    if only is not None:
        names = [name for name in names if command_name(name) == only] or names
    for name in names:
        module = importlib.import_module(f"{package.__name__}.{name}")
        if hasattr(module, "register"):
            module.register(subparsers)


def run_home(args: argparse.Namespace) -> int:
    """`dlquiz` with no subcommand: open the TUI's home screen."""
    from tui.launch import launch

    return launch(args)
