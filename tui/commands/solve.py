"""`dlquiz solve ...`: the worked solution of a DL calculation, or its facts as JSON.

    dlquiz solve conv-out --size 227 --kernel 11 --stride 4
    dlquiz solve pool-out --size 112 --kernel 3 --stride 2 --ceil-mode
    dlquiz solve convt-out --size 4 --kernel 4 --stride 2 --padding 1
    dlquiz solve rf --layers "conv(k=11,s=4); pool(k=3,s=2); conv(k=5,p=2)"
    dlquiz solve params --layers "conv(in=3,out=96,k=11); bn(c=96)" [--input 3x227x227]
    dlquiz solve iterations --samples 50000 --batch 64 --drop-last --epochs 10
    dlquiz solve run adam_step w=1 grad=0.5      (any solver of `dlquiz solve list`)

With ``--json`` exactly one JSON object is printed: the solver's facts (plus ``layers``
for ``rf`` and ``params``).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from quizbank.errors import UserError
from tui.commands import SubParsers, subcommand

# command -> (solver, solver used when --input is given, help, options); an option ending
# in "?" is a flag. Kept here (not read from the registry) so `dlquiz --help` stays fast.
SHORTCUTS: dict[str, tuple[str, str | None, str, tuple[str, ...]]] = {
    "conv-out": (
        "conv_out",
        None,
        "output size of a convolution along one dimension",
        ("size", "kernel", "stride", "padding", "dilation"),
    ),
    "pool-out": (
        "pool_out",
        None,
        "output size of max/avg pooling along one dimension (stride defaults to the kernel)",
        ("size", "kernel", "stride", "padding", "dilation", "ceil_mode?"),
    ),
    "convt-out": (
        "convt_out",
        None,
        "output size of a transposed convolution along one dimension",
        ("size", "kernel", "stride", "padding", "output_padding", "dilation"),
    ),
    "rf": (
        "receptive_field",
        None,
        "receptive field, effective stride and padding of a conv/pool stack",
        ("layers",),
    ),
    "params": (
        "stack_params",
        "layer_stack",
        "parameters of layers (and their output shapes with --input)",
        ("layers", "input"),
    ),
    "iterations": (
        "iterations",
        None,
        "iterations of a DataLoader per epoch and in total",
        ("samples", "batch", "epochs", "drop_last?"),
    ),
}
HELP = {
    "size": "input size n along one dimension",
    "kernel": "kernel size k",
    "stride": "stride s",
    "padding": "padding p on each side",
    "dilation": "dilation d",
    "output_padding": "output_padding (added on one side)",
    "ceil_mode": "round up like ceil_mode=True",
    "layers": "layers in the mini-language, e.g. 'conv(k=3, s=2); pool(k=2)'",
    "input": "input shape such as 3x227x227 or N,3,227,227: also compute the shapes",
    "samples": "number of training samples",
    "batch": "batch size",
    "epochs": "number of epochs",
    "drop_last": "drop the last incomplete batch",
}


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "solve",
        "solve a deep-learning calculation step by step (conv sizes, receptive fields, ...)",
    )
    parser.set_defaults(handler=_no_solver)
    nested = parser.add_subparsers(title="calculations", metavar="CALCULATION")
    for command, (_, _, help_text, options) in SHORTCUTS.items():
        sub = nested.add_parser(command, help=help_text, description=help_text)
        for option in options:
            name = option.rstrip("?")
            if option.endswith("?"):
                sub.add_argument(_option(name), dest=name, action="store_true", help=HELP[name])
            else:
                sub.add_argument(_option(name), dest=name, metavar=name.upper(), help=HELP[name])
        sub.add_argument("--json", action="store_true", help="print the facts as one JSON object")
        sub.set_defaults(handler=run_shortcut, command=command)
    run_parser = nested.add_parser(
        "run",
        help="run any solver by name with key=value arguments",
        description="run any solver by name, e.g. dlquiz solve run adam_step w=1 grad=0.5",
    )
    run_parser.add_argument("name", metavar="NAME", help="the solver (see dlquiz solve list)")
    run_parser.add_argument("pairs", nargs="*", metavar="KEY=VALUE", help="its arguments")
    run_parser.add_argument("--json", action="store_true", help="print the facts as JSON")
    run_parser.set_defaults(handler=run_named)
    list_parser = nested.add_parser("list", help="list the solvers and their arguments")
    list_parser.set_defaults(handler=list_solvers)


def _no_solver(args: argparse.Namespace) -> int:
    names = ", ".join([*SHORTCUTS, "run", "list"])
    raise UserError(f"solve what? choose one of: {names} (dlquiz solve --help)")


def _solve(command: str, solver: str, values: dict[str, Any]) -> Any:
    from solvers.registry import SolverError, get_solver

    try:
        spec = get_solver(solver)
    except KeyError as error:
        raise UserError(str(error.args[0])) from None
    for name, arg in spec.args.items():
        if arg.required and values.get(name) is None:
            flag = _option(name) if command != "run" else f"{name}=..."
            raise UserError(f"{command}: {flag} is required ({arg.help})")
    try:
        return spec.solve(**values)
    except SolverError as error:
        raise UserError(f"{command}: {error.message}") from None


def _rows(solver: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-layer table for rf and params (already validated by the solve)."""
    if solver == "receptive_field":
        from solvers.receptive import receptive_table

        return [row.as_dict() for row in receptive_table(values["layers"])]
    from solvers.stack import stack_table

    start, rows = stack_table(values["layers"], values.get("input"))
    return [
        {
            "index": row.index,
            "layer": row.layer,
            "params": row.params,
            "output_shape": _full_shape(start, row.output_shape),
        }
        for row in rows
    ]


def _full_shape(start: Any, shape: tuple[int, ...] | None) -> list[Any] | None:
    if start is None or shape is None:
        return None
    return ([start.batch] if start.batch is not None else []) + list(shape)


def _print(solution: Any, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    from solvers.solution import jsonable

    if as_json:
        payload = {name: jsonable(value) for name, value in solution.facts.items()}
        payload.update(extra or {})
        print(json.dumps(payload, ensure_ascii=False))
        return
    from solvers.support import show

    print(solution.to_text())
    print(f"answer: {show(solution.value)}")
    if solution.mistakes:
        print("typical wrong answers:")
        for mistake in solution.mistakes:
            print(f"  {show(mistake.value)}  [{mistake.tag}] {mistake.message}")


def run_shortcut(args: argparse.Namespace) -> int:
    solver, with_input, _, options = SHORTCUTS[args.command]
    if with_input and args.input is not None:
        solver = with_input
    values = {name: getattr(args, name) for name in (option.rstrip("?") for option in options)}
    # unset options and unset flags take the solver's defaults
    values = {name: value for name, value in values.items() if value not in (None, False)}
    solution = _solve(args.command, solver, values)
    extra = None
    if solver in ("receptive_field", "stack_params", "layer_stack"):
        extra = {"layers": _rows(solver, values)}
    _print(solution, args.json, extra)
    return 0


def run_named(args: argparse.Namespace) -> int:
    values: dict[str, Any] = {}
    for pair in args.pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"run: arguments are KEY=VALUE, got {pair!r}")
        if key in values:
            raise UserError(f"run: {key} is given twice")
        values[key] = value
    name = args.name.replace("-", "_")
    _print(_solve("run", name, values), args.json)
    return 0


def list_solvers(args: argparse.Namespace) -> int:
    from solvers.registry import SOLVERS

    for spec in SOLVERS.values():
        arguments = ", ".join(
            name if arg.required else f"{name}={arg.default}" for name, arg in spec.args.items()
        )
        print(f"{spec.name}({arguments})")
        print(f"    {spec.description}; facts: {', '.join(spec.outputs)}")
    return 0
