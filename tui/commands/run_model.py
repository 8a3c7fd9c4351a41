"""`dlquiz run-model NAME --param key=value ...`: run a tiny PyTorch reference model."""

from __future__ import annotations

import argparse
import re
from typing import Any

from quizbank.errors import UserError
from tui.commands import SubParsers, subcommand

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "run-model",
        "run a reference model (a tiny untrained PyTorch model) and show what it observes",
        epilog="example: dlquiz run-model conv_shape --param size=227 --param kernel=11 "
        "--param stride=4",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="the model (see --list)")
    parser.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a model parameter; repeatable (numbers, true/false or text)",
    )
    parser.add_argument("--json", action="store_true", help="print the run as one JSON object")
    parser.add_argument("--list", action="store_true", help="list the models and their parameters")
    parser.set_defaults(handler=run)


def parse_value(text: str) -> Any:
    """``"3"`` -> 3, ``"0.5"`` -> 0.5, ``"true"`` -> True, anything else stays text."""
    stripped = text.strip()
    if stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    if _INT.fullmatch(stripped):
        return int(stripped)
    if _FLOAT.fullmatch(stripped):
        return float(stripped)
    return text


def parse_params(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"--param expects KEY=VALUE, got {item!r}")
        if key in params:
            raise UserError(f"parameter {key!r} is given twice")
        params[key] = parse_value(value)
    return params


def _listing() -> str:
    from reference_models.registry import MODELS

    lines = []
    for spec in MODELS.values():
        lines.append(spec.signature())
        lines.append(f"    {spec.description}")
        facts = ", ".join(spec.facts) + (", and one per graph node" if spec.dynamic_facts else "")
        lines.append(f"    facts: {facts}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.list:
        print(_listing())
        return 0
    if not args.name:
        raise UserError("give a model name (dlquiz run-model --list shows them)")
    params = parse_params(args.param)
    # Imports torch on first use (about a second): only here, never at startup.
    from reference_models.registry import ModelError, run_model

    try:
        result = run_model(args.name, **params)
    except ModelError as error:
        raise UserError(str(error)) from None
    print(result.to_json() if args.json else result.to_text())
    return 0
