"""Reading what a student typed: numbers with units and scale words, formulas, shapes, options.

Everything here only reads; :mod:`solvers.grading` compares. Every failure is an
:class:`AnswerError` (an :class:`~solvers.expr.ExprError`) whose message says what could
not be read, e.g. ``couldn't read the unit 'xy' (the answer is in MB)``.

Numbers are safe expressions (:func:`solvers.expr.parse`) followed by at most two words:

- a question in bytes (``unit`` one of B, KB, MB, GB, TB, KiB, MiB, GiB, TiB) accepts any
  byte unit, converted exactly (powers of 10 vs powers of 2), and ``k``/``M``/``G`` as
  kilo-/mega-/gigabytes;
- any other question accepts a scale word (k, thousand, M, million, Mio, B, bn, billion,
  G, Mrd, T, trillion) and its own unit word (``4.2M params``, ``4.2 GFLOPs``);
- without a unit, ``50%`` reads as 0.5.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from solvers.expr import (
    DEFAULT_LIMITS,
    ExprError,
    Node,
    Num,
    Number,
    TupleNode,
    check_symbolic_bounds,
    evaluate_number,
    format_number,
    names_in,
    parse,
    render,
)


class AnswerError(ExprError):
    """The student's answer could not be read; ``message`` says what and is shown as is."""


BYTE_UNITS: Final[dict[str, int]] = {
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_BYTE_NAMES: Final = {
    "b": "B",
    "byte": "B",
    "bytes": "B",
    "kb": "KB",
    "mb": "MB",
    "gb": "GB",
    "tb": "TB",
    "kib": "KiB",
    "mib": "MiB",
    "gib": "GiB",
    "tib": "TiB",
}
# MB <-> MiB: the unit a student may have confused with the one they meant
_OTHER_FAMILY: Final = {"kb": "kib", "mb": "mib", "gb": "gib", "tb": "tib"}
_OTHER_FAMILY.update({v: k for k, v in list(_OTHER_FAMILY.items())})

SCALES: Final[dict[str, int]] = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mio": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "g": 10**9,
    "mrd": 10**9,
    "billion": 10**9,
    "t": 10**12,
    "trillion": 10**12,
}
_SCALE_NAMES: Final = {10**3: "thousand", 10**6: "million", 10**9: "billion", 10**12: "trillion"}
_SCALE_AS_BYTES: Final = {"k": "kb", "m": "mb", "g": "gb", "t": "tb"}
_UNIT_SYNONYMS: Final = {"parameter": "param", "weight": "param"}

_LEADING_MARKS = re.compile(r"^\s*[=≈~]\s*")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_IMPLICIT_PRODUCT = re.compile(r"(?<![\w.])\d+(?:\.\d*)?\s*(?![eE][+-]?\d)[A-Za-z_(]|\)\s*[\w(]")
_TORCH_SIZE = re.compile(r"^\s*torch\.Size\s*\((.*)\)\s*$", re.DOTALL)


def is_byte_unit(unit: str | None) -> bool:
    return unit is not None and unit.lower() in BYTE_UNITS


def byte_unit_name(unit: str) -> str:
    """The conventional spelling: ``mib`` -> ``MiB``."""
    return _BYTE_NAMES.get(unit.lower(), unit)


@dataclass(frozen=True)
class NumberReading:
    """A number as read: its value in the question's unit and how it was understood.

    ``other_family`` is the value had the student's byte unit been the other kind
    (MB read as MiB and vice versa); grading uses it to name the ``mb-vs-mib`` mistake.
    """

    value: Number
    read_as: str
    other_family: Number | None = None


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise AnswerError("expected text")
    if len(text) > DEFAULT_LIMITS.max_length:
        raise AnswerError(
            f"that answer is too long (more than {DEFAULT_LIMITS.max_length} characters)"
        )
    if not text.strip():
        raise AnswerError("empty answer")
    return text


def _parse(text: str, symbols: Collection[str] = (), *, shape: bool = False) -> Node:
    """Parse with hints for the two commonest slips: a decimal comma and a missing ``*``."""
    try:
        return parse(text, symbols=frozenset(symbols), shape=shape)
    except ExprError as error:
        stripped = text.strip()
        if not shape and _DECIMAL_COMMA.fullmatch(stripped):
            raise AnswerError(
                f"couldn't read {stripped!r}: use a dot for decimals (2.5); "
                "commas only group thousands (61,100,840)",
                error.column,
            ) from None
        if "check the operators" in error.message and _IMPLICIT_PRODUCT.search(text):
            raise AnswerError(
                "couldn't read that: write multiplication with *, e.g. 2*n or (a+b)*c",
                error.column,
            ) from None
        raise AnswerError(error.message, error.column) from None


def _unit_key(word: str) -> str:
    key = word.lower()
    if len(key) > 3 and key.endswith("s"):
        key = key[:-1]
    return _UNIT_SYNONYMS.get(key, key)


def _unknown_unit(word: str, unit: str | None) -> AnswerError:
    if word.lower() == "e":
        return AnswerError("couldn't read the number: write 1e3 for 1000")
    if unit is None:
        hint = "this answer has no unit"
    elif is_byte_unit(unit):
        hint = f"the answer is in {byte_unit_name(unit)}"
    else:
        hint = f"the answer is in {unit}"
    return AnswerError(f"couldn't read the unit {word!r} ({hint})")


def _byte_factor(words: list[str], unit: str) -> tuple[Fraction, str, Fraction | None]:
    """(factor to the question's unit, the words as shown, factor had MB been MiB)."""
    question = Fraction(BYTE_UNITS[unit.lower()])
    keys = [word.lower() for word in words]
    if not keys:
        other = _OTHER_FAMILY.get(unit.lower())
        swapped = Fraction(BYTE_UNITS[other]) / question if other else None
        return Fraction(1), "", swapped
    if len(keys) == 1 and keys[0] in _SCALE_AS_BYTES:
        keys = [_SCALE_AS_BYTES[keys[0]]]
    if len(keys) == 1 and keys[0] in BYTE_UNITS:
        other = _OTHER_FAMILY.get(keys[0])
        swapped = Fraction(BYTE_UNITS[other]) / question if other else None
        return BYTE_UNITS[keys[0]] / question, byte_unit_name(keys[0]), swapped
    if len(keys) == 2 and keys[0] in SCALES and keys[1] in BYTE_UNITS:
        scale = SCALES[keys[0]] * BYTE_UNITS[keys[1]]
        return scale / question, f"{words[0]} {byte_unit_name(keys[1])}", None
    bad = next((w for w in words if w.lower() not in BYTE_UNITS), words[-1])
    raise _unknown_unit(bad, unit)


def _count_factor(words: list[str], unit: str | None) -> tuple[Fraction, str]:
    """(scale, the scale as shown) for a count such as params, or a unitless number."""
    if not words:
        return Fraction(1), ""
    if words == ["%"] and unit in (None, "%"):
        return (Fraction(1) if unit else Fraction(1, 100)), "%"
    scale = SCALES.get(words[0].lower(), 1)
    rest = words[1:] if scale != 1 else words
    if len(rest) > 1:
        raise _unknown_unit(rest[1], unit)
    if rest:
        word = rest[0]
        if unit is None or unit == "%":
            raise _unknown_unit(word, unit)
        if _unit_key(word) != _unit_key(unit):
            glued = _glued_scale(word, unit)
            if glued is None or scale != 1:
                raise _unknown_unit(word, unit)
            scale = glued
    return Fraction(scale), _SCALE_NAMES.get(scale, "")


def _glued_scale(word: str, unit: str) -> int | None:
    """The scale of ``4.2 GFLOPs`` or ``1.2 Mparams``: an upper-case prefix on the unit."""
    if len(word) > 1 and word[0] in "KMGTB" and _unit_key(word[1:]) == _unit_key(unit):
        return SCALES[word[0].lower()]
    return None


def _split_suffix(text: str) -> tuple[str, list[str]]:
    """Split ``4.2 million params`` into the number and its words (scanning from the end)."""
    start = len(text)
    while (
        start > 0
        and text[start - 1].isascii()
        and (text[start - 1].isalpha() or text[start - 1] in "% \t")
    ):
        start -= 1
    before, suffix = text[:start].rstrip(), text[start:].strip()
    if not suffix or not before or not (before[-1].isdigit() or before[-1] in ")."):
        return text, []
    return before, re.findall(r"%|[A-Za-z]+", suffix)


def read_number(text: str, unit: str | None = None) -> NumberReading:
    """Read a numeric answer, converted to ``unit`` (see the module docstring)."""
    text = _check_text(text)
    number_text, words = _split_suffix(_LEADING_MARKS.sub("", text))
    node = _parse(number_text)
    try:
        number = evaluate_number(node)
    except ExprError as error:
        raise AnswerError(error.message) from None
    expression = render(node)
    plain = expression == format_number(number)  # typed as a plain number

    if unit is not None and is_byte_unit(unit):
        factor, shown, swapped = _byte_factor(words, unit)
        question_unit = byte_unit_name(unit)
    else:
        factor, shown = _count_factor(words, unit)
        swapped, question_unit = None, unit or ""
    value = _scaled(number, factor)
    unit_suffix = "%" if question_unit == "%" else f" {question_unit}" if question_unit else ""
    result = f"{format_number(value)}{unit_suffix}"
    if not shown:
        read_as = result if plain else f"{expression} = {result}"
    else:
        typed = expression if isinstance(node, Num) else f"({expression})"
        typed += shown if shown == "%" else f" {shown}"
        as_is = shown == question_unit and factor == 1 and plain
        read_as = typed if as_is else f"{typed} = {result}"
    other = _scaled(number, swapped) if swapped is not None else None
    return NumberReading(value, read_as, other)


def _scaled(number: Number, factor: Fraction) -> Number:
    if factor == 1:
        return number
    if isinstance(number, Fraction):
        return number * factor
    scaled = number * float(factor)
    if not math.isfinite(scaled):
        raise AnswerError("that number is too large")
    return scaled


def read_expression(text: str, symbols: Collection[str]) -> Node:
    """Read a formula over ``symbols``; bounded so that sympy may safely be given it."""
    node = _parse(_check_text(text), symbols)
    try:
        check_symbolic_bounds(node)
        if not names_in(node):  # a constant must at least have a value, e.g. not 1/0
            evaluate_number(node)
    except ExprError as error:
        raise AnswerError(error.message) from None
    return node


def read_shape(text: str, symbols: Collection[str] = ()) -> tuple[Node, ...]:
    """Read ``(N, 64, 15, 15)``, ``[N,64,15,15]``, ``N x 64 x 15 x 15`` or ``64x15x15``.

    Components without symbols are evaluated here, so ``(2, 1/0)`` is unreadable.
    """
    text = _check_text(text)
    torch_size = _TORCH_SIZE.match(text)
    if torch_size:  # pasted from PyTorch: torch.Size([8, 64, 15, 15])
        text = torch_size.group(1)
    node = _parse(text, symbols, shape=True)
    items = node.items if isinstance(node, TupleNode) else (node,)
    for item in items:
        if isinstance(item, TupleNode):
            raise AnswerError("a shape is one flat list of sizes")
        try:
            check_symbolic_bounds(item)
            if not names_in(item):
                evaluate_number(item)
        except ExprError as error:
            raise AnswerError(error.message) from None
    return items


# --------------------------------------------------------------------------- options

_OPTION_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_OPTION_TEXT = re.compile(r"[A-Za-z0-9\s,;/&+().\[\]]*")
_MAX_OPTIONS: Final = 26


def option_label(index: int) -> str:
    """The letter shown for a 0-based option index: 0 -> A."""
    return chr(ord("A") + index) if 0 <= index < _MAX_OPTIONS else str(index + 1)


def parse_choice_text(text: str) -> frozenset[int]:
    """Read ``"1,3"``, ``"1 3"``, ``"A C"``, ``"a,c"`` or ``"AC"`` as 0-based option indices."""
    if not isinstance(text, str):
        raise AnswerError("expected text")
    if len(text) > 200:
        raise AnswerError("that answer is too long")
    if not _OPTION_TEXT.fullmatch(text):
        raise AnswerError("couldn't read the options: give numbers (1, 3) or letters (A, C)")
    tokens = [t for t in _OPTION_TOKEN.findall(text) if t.lower() not in ("and", "und")]
    if not tokens:
        raise AnswerError("no option given: give numbers (1, 3) or letters (A, C)")
    if all(token.isdigit() for token in tokens):
        numbers = [int(token) for token in tokens]
        if any(not 1 <= number <= _MAX_OPTIONS for number in numbers):
            raise AnswerError(f"options are numbered from 1 to at most {_MAX_OPTIONS}")
        return frozenset(number - 1 for number in numbers)
    if all(token.isalpha() for token in tokens):
        return frozenset(ord(letter) - ord("a") for token in tokens for letter in token.lower())
    raise AnswerError("couldn't read the options: use numbers (1, 3) or letters (A, C), not both")


_TRUE_WORDS: Final = frozenset({"true", "t", "yes", "y", "1", "wahr", "ja", "richtig"})
_FALSE_WORDS: Final = frozenset({"false", "f", "no", "n", "0", "falsch", "nein"})


def parse_truefalse_text(text: str) -> bool:
    """Read ``true``/``false`` (also t/f, yes/no, 1/0) for per-question tests and the CLI."""
    if not isinstance(text, str) or len(text) > 20:
        raise AnswerError("answer true or false")
    word = text.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise AnswerError(f"couldn't read {text.strip()!r}: answer true or false")
