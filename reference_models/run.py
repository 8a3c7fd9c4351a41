"""What a reference model reports: observed facts, a shape trace and a parameter table.

This module does not import torch, so the TUI and `bank check` can handle runs (and
their text and JSON forms) without loading it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Union

# An observed value: a size, a count, a float, a flag, a label, a shape or a small table.
Fact = Union[int, float, bool, str, tuple[Any, ...]]


@dataclass(frozen=True)
class TraceRow:
    """One layer of a forward pass: its description, the output shape and its parameters."""

    layer: str
    output_shape: tuple[int, ...]
    params: int


@dataclass(frozen=True)
class ParamRow:
    """One tensor of a module's state: a learnable parameter or a buffer."""

    name: str
    shape: tuple[int, ...]
    count: int
    trainable: bool


@dataclass(frozen=True)
class Run:
    """The result of running one reference model."""

    name: str
    facts: dict[str, Fact]
    trace: list[TraceRow] = field(default_factory=list)
    params_table: list[ParamRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    args: dict[str, Any] = field(default_factory=dict)

    def fact(self, name: str) -> Fact:
        if name not in self.facts:
            known = ", ".join(sorted(self.facts)) or "none"
            raise KeyError(f"model {self.name!r} observed no fact {name!r} (known: {known})")
        return self.facts[name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "args": {key: jsonable(value) for key, value in self.args.items()},
            "facts": {key: jsonable(value) for key, value in self.facts.items()},
            "trace": [
                {"layer": row.layer, "output_shape": list(row.output_shape), "params": row.params}
                for row in self.trace
            ],
            "params_table": [
                {
                    "name": row.name,
                    "shape": list(row.shape),
                    "count": row.count,
                    "trainable": row.trainable,
                }
                for row in self.params_table
            ],
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def to_text(self) -> str:
        heading = self.name
        if self.args:
            heading += "(" + ", ".join(f"{k}={show(v)}" for k, v in self.args.items()) + ")"
        blocks = [heading]
        if self.trace:
            blocks.append(
                "Shape trace\n"
                + _table(
                    ("#", "layer", "output shape", "params"),
                    [
                        (str(i), row.layer, show_shape(row.output_shape), f"{row.params:,}")
                        for i, row in enumerate(self.trace, 1)
                    ],
                    right=(0, 3),
                )
            )
        if self.params_table:
            trainable = sum(row.count for row in self.params_table if row.trainable)
            buffers = sum(row.count for row in self.params_table if not row.trainable)
            rows = [
                (
                    row.name,
                    show_shape(row.shape),
                    f"{row.count:,}",
                    "yes" if row.trainable else "no",
                )
                for row in self.params_table
            ]
            footer = f"learnable: {trainable:,}"
            if buffers:
                footer += f"   buffers: {buffers:,}"
            blocks.append(
                "Parameters\n"
                + _table(("tensor", "shape", "count", "learnable"), rows, right=(2,))
                + "\n"
                + footer
            )
        if self.facts:
            width = max(len(name) for name in self.facts)
            blocks.append(
                "Observed facts\n"
                + "\n".join(
                    f"  {name.ljust(width)}  {show(value)}" for name, value in self.facts.items()
                )
            )
        if self.notes:
            blocks.append("Notes\n" + "\n".join(f"  - {note}" for note in self.notes))
        return "\n\n".join(blocks)


def show_shape(shape: tuple[int, ...]) -> str:
    if not shape:
        return "-"  # a scalar, or a row without a tensor (one layer's parameter count)
    return "(" + ", ".join(str(n) for n in shape) + ")"


def show(value: Any) -> str:
    """A compact, readable form of a fact: floats with up to 10 significant digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):.10g}"
    if isinstance(value, tuple | list):
        return "(" + ", ".join(show(item) for item in value) + ")"
    return str(value)


def jsonable(value: Any) -> Any:
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, tuple | list):
        return [jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    return value


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: tuple[int, ...]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        padded = [
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  " + "  ".join(padded).rstrip()

    rule = "  " + "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
