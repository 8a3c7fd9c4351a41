"""The layer mini-language: ``conv(in=3, out=96, k=11, s=4); pool(k=3, s=2); relu()``.

Layers are separated by ``;`` or new lines; each is ``name(key=value, ...)`` (the
parentheses may be left out when there are no keys). Values are whole numbers,
``true``/``false``, or (for dropout's ``p``) a decimal. A small regular-expression reader
does the work: nothing is ever evaluated. Every error names the layer and the key, e.g.
``layer 2 (pool): unknown key 'x'``.

Kinds and keys (defaults in brackets; ``-`` means optional without a default):

- ``conv`` / ``convt``: in[-] out[-] k s[1] p[0] d[1] groups[1] bias[true]; convt also op[0]
  (output_padding). ``in`` comes from the input shape when one is known; a grouped
  (depthwise) conv without ``out`` keeps the channel count.
- ``pool`` (= ``maxpool``) and ``avgpool``: k s[k] p[0] ceil[false]; maxpool also d[1]
- ``bn`` (= ``batchnorm``): c[-] affine[true]
- ``linear``: in[-] out bias[true]; ``embedding``: n d
- ``rnn`` / ``lstm`` / ``gru``: input[-] hidden layers[1] bidirectional[false] bias[true]
  proj[0] (proj_size, LSTM only)
- ``dropout``: p[0.5]; ``relu``, ``sigmoid``, ``tanh``, ``flatten``: no keys
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal, Union

from solvers.support import SolverError

LayerValue = Union[int, bool, Fraction, None]
KeyKind = Literal["int", "bool", "number"]

MAX_TEXT: Final = 10_000
MAX_LAYERS: Final = 300
MAX_INT: Final = 10**9


@dataclass(frozen=True)
class KeySpec:
    kind: KeyKind
    default: LayerValue = None
    required: bool = False
    minimum: int = 1


_WINDOW = {
    "k": KeySpec("int", required=True),
    "s": KeySpec("int", 1),
    "p": KeySpec("int", 0, minimum=0),
    "d": KeySpec("int", 1),
}
_CONV = {
    "in": KeySpec("int"),
    "out": KeySpec("int"),
    **_WINDOW,
    "groups": KeySpec("int", 1),
    "bias": KeySpec("bool", True),
}
_POOL = {
    "k": KeySpec("int", required=True),
    "s": KeySpec("int", None),
    "p": KeySpec("int", 0, minimum=0),
    "ceil": KeySpec("bool", False),
}
_RNN = {
    "input": KeySpec("int"),
    "hidden": KeySpec("int", required=True),
    "layers": KeySpec("int", 1),
    "bidirectional": KeySpec("bool", False),
    "bias": KeySpec("bool", True),
    "proj": KeySpec("int", 0, minimum=0),
}

LAYER_KINDS: Final[dict[str, dict[str, KeySpec]]] = {
    "conv": _CONV,
    "convt": {**_CONV, "op": KeySpec("int", 0, minimum=0)},
    "maxpool": {**_POOL, "d": KeySpec("int", 1)},
    "avgpool": _POOL,
    "bn": {"c": KeySpec("int"), "affine": KeySpec("bool", True)},
    "linear": {
        "in": KeySpec("int"),
        "out": KeySpec("int", required=True),
        "bias": KeySpec("bool", True),
    },
    "embedding": {"n": KeySpec("int", required=True), "d": KeySpec("int", required=True)},
    "rnn": _RNN,
    "lstm": _RNN,
    "gru": _RNN,
    "dropout": {"p": KeySpec("number", Fraction(1, 2), minimum=0)},
    "relu": {},
    "sigmoid": {},
    "tanh": {},
    "flatten": {},
}
ALIASES: Final = {"pool": "maxpool", "batchnorm": "bn"}
KEY_ALIASES: Final = {
    "kernel": "k",
    "stride": "s",
    "padding": "p",
    "dilation": "d",
    "output_padding": "op",
    "ceil_mode": "ceil",
}
RNN_KINDS: Final = frozenset({"rnn", "lstm", "gru"})
POOL_KINDS: Final = frozenset({"maxpool", "avgpool"})
WINDOW_KINDS: Final = frozenset({"conv", "convt", "maxpool", "avgpool"})

_LAYER = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*", re.DOTALL)
_ITEM = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S(?:.*\S)?)\s*", re.DOTALL)
_INT = re.compile(r"[+-]?\d{1,12}")
_DECIMAL = re.compile(r"\d{1,12}(?:\.\d{0,12})?|\.\d{1,12}")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


@dataclass(frozen=True)
class Layer:
    """One parsed layer. ``values`` has every key of its kind (defaults filled, None when
    optional and not given); ``given`` lists the keys that were written."""

    index: int
    kind: str
    written: str
    values: Mapping[str, LayerValue]
    given: frozenset[str]

    @property
    def where(self) -> str:
        return f"layer {self.index} ({self.written})"

    def integer(self, key: str) -> int:
        """The key's whole-number value; an error naming the layer if it was not given."""
        value = self.values.get(key)
        if value is None:
            raise SolverError(f"{self.where}: needs {key}=...")
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{key} is not an int key")
        return value

    def maybe_integer(self, key: str) -> int | None:
        return None if self.values.get(key) is None else self.integer(key)

    def flag(self, key: str) -> bool:
        return bool(self.values.get(key))

    def number(self, key: str) -> Fraction:
        value = self.values.get(key)
        if not isinstance(value, Fraction):
            raise TypeError(f"{key} is not a number key")
        return value

    def describe(self) -> str:
        """The layer as text, with the keys that were written (in the canonical order)."""
        shown = [
            f"{key}={_show(value)}"
            for key, value in self.values.items()
            if key in self.given and value is not None
        ]
        return f"{self.written}({', '.join(shown)})"


def _show(value: LayerValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else str(float(value))
    return str(value)


def _read_value(where: str, key: str, spec: KeySpec, text: str) -> LayerValue:
    if spec.kind == "bool":
        lowered = text.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise SolverError(f"{where}: {key} must be true or false, got {text!r}")
    if spec.kind == "number":
        if not _DECIMAL.fullmatch(text):
            raise SolverError(f"{where}: {key} must be a number such as 0.5, got {text!r}")
        return Fraction(text)
    if not _INT.fullmatch(text):
        raise SolverError(f"{where}: {key} must be a whole number, got {text!r}")
    value = int(text)
    if value < spec.minimum:
        bound = "positive" if spec.minimum == 1 else f"at least {spec.minimum}"
        raise SolverError(f"{where}: {key} must be {bound}, got {value}")
    if value > MAX_INT:
        raise SolverError(f"{where}: {key}={value} is too large")
    return value


def _parse_one(index: int, segment: str) -> Layer:
    match = _LAYER.fullmatch(segment)
    if not match:
        shown = segment.strip()[:60]
        raise SolverError(
            f"layer {index}: couldn't read {shown!r}; write it as name(key=value, ...)"
        )
    written, body = match.group(1).lower(), match.group(2) or ""
    kind = ALIASES.get(written, written)
    if kind not in LAYER_KINDS:
        known = ", ".join(sorted({*LAYER_KINDS, *ALIASES}))
        raise SolverError(f"layer {index}: unknown layer {written!r} (known: {known})")
    specs = LAYER_KINDS[kind]
    where = f"layer {index} ({written})"
    values: dict[str, LayerValue] = {key: spec.default for key, spec in specs.items()}
    given: set[str] = set()
    for item in body.split(",") if body.strip() else []:
        item_match = _ITEM.fullmatch(item)
        if not item_match:
            raise SolverError(f"{where}: couldn't read {item.strip()!r}; write key=value")
        key = item_match.group(1).lower()
        key = KEY_ALIASES.get(key, key)
        if key not in specs:
            keys = ", ".join(specs) or "none"
            raise SolverError(f"{where}: unknown key {key!r} (keys: {keys})")
        if key in given:
            raise SolverError(f"{where}: {key} is given twice")
        values[key] = _read_value(where, key, specs[key], item_match.group(2))
        given.add(key)
    for key, spec in specs.items():
        if spec.required and key not in given:
            raise SolverError(f"{where}: needs {key}=...")
    if kind in POOL_KINDS and values["s"] is None:
        values["s"] = values["k"]  # PyTorch: stride defaults to the kernel size
    dropout_p = values.get("p") if kind == "dropout" else None
    if isinstance(dropout_p, Fraction) and dropout_p >= 1:
        raise SolverError(f"{where}: p must be below 1, got {_show(dropout_p)}")
    return Layer(index, kind, written, values, frozenset(given))


def parse_layers(text: str) -> tuple[Layer, ...]:
    """Parse a layer list. Raises :class:`SolverError` with a one-line message."""
    if len(text) > MAX_TEXT:
        raise SolverError(f"the layer list is too long (more than {MAX_TEXT} characters)")
    segments = [part for part in re.split(r"[;\n]", text) if part.strip()]
    if not segments:
        raise SolverError("no layers given; write e.g. 'conv(k=3, s=1); relu(); pool(k=2)'")
    if len(segments) > MAX_LAYERS:
        raise SolverError(f"too many layers (at most {MAX_LAYERS})")
    return tuple(_parse_one(index, segment) for index, segment in enumerate(segments, 1))
