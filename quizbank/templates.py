"""Templates in parametric questions: ``{name}`` or ``{name:format_spec}``, nothing else.

A bank file may come from anyone, so user text is never handed to :meth:`str.format`
(which would allow ``{p.__class__.__init__.__globals__}``). This small scanner accepts
plain names with an optional format spec; ``{{`` and ``}}`` are literal braces (LaTeX in a
parametric prompt writes ``\\frac{{a}}{{b}}``). Text of a question without params is not
a template: its braces are shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Union

from quizbank.locate import shown

TemplateValue = Union[Fraction, float, int, str, bool]

# Literal braces, a placeholder without braces inside, or a stray brace (an error).
_TOKEN: Final = re.compile(r"\{\{|\}\}|\{[^{}]*\}|[{}]")
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# The format-spec mini-language, with width and precision bounded (no 10**9 padding).
_SPEC: Final = re.compile(
    r"(?:[^{}]?[<>=^])?[+\- ]?z?#?0?(?P<width>\d{1,2})?[,_]?(?:\.(?P<precision>\d{1,2}))?"
    r"(?P<type>[bcdeEfFgGnosxX%])?"
)
_INTEGER_TYPES: Final = frozenset("bcdnoxX")
_FLOAT_TYPES: Final = frozenset("eEfFgG%")
MAX_DEFAULT_DIGITS: Final = 15
_BRACES: Final = "write '{{' and '}}' for literal braces"


class TemplateError(ValueError):
    """A template that cannot be read or filled in; ``offset`` is the index in the text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Placeholder:
    name: str
    spec: str
    offset: int


def parse_template(text: str) -> list[str | Placeholder]:
    """Split ``text`` into literal pieces and placeholders, or raise :class:`TemplateError`."""
    pieces: list[str | Placeholder] = []
    position = 0
    for match in _TOKEN.finditer(text):
        start, token = match.start(), match.group()
        if start > position:
            pieces.append(text[position:start])
        position = match.end()
        if token in ("{{", "}}"):
            pieces.append(token[0])
        elif token == "{":
            raise TemplateError(f"unclosed '{{' in a template ({_BRACES})", start)
        elif token == "}":
            raise TemplateError(f"single '}}' in a template ({_BRACES})", start)
        else:
            pieces.append(_placeholder(token[1:-1], start))
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def _placeholder(inner: str, offset: int) -> Placeholder:
    name, colon, spec = inner.partition(":")
    if not name:
        raise TemplateError("empty placeholder '{}': write a parameter name inside", offset)
    if not _NAME.fullmatch(name):
        raise TemplateError(
            f"only plain parameter names are allowed in templates, not {{{_shorten(inner)}}}",
            offset,
        )
    if colon and not _SPEC.fullmatch(spec):
        raise TemplateError(f"unsupported format '{_shorten(spec)}' for {{{name}}}", offset)
    return Placeholder(name, spec, offset)


def placeholder_names(text: str) -> list[Placeholder]:
    """The placeholders of ``text`` (raises :class:`TemplateError` for a malformed template)."""
    return [piece for piece in parse_template(text) if isinstance(piece, Placeholder)]


def render_template(text: str, values: Mapping[str, TemplateValue]) -> str:
    """Fill in ``text`` with ``values``; every placeholder must name one of them."""
    out: list[str] = []
    for piece in parse_template(text):
        if isinstance(piece, str):
            out.append(piece)
            continue
        if piece.name not in values:
            raise TemplateError(f"{{{piece.name}}} names no parameter", piece.offset)
        try:
            out.append(format_value(values[piece.name], piece.spec))
        except (TypeError, ValueError) as error:
            raise TemplateError(f"can't format {{{piece.name}}}: {error}", piece.offset) from None
    return "".join(out)


_LENIENT_PLACEHOLDER: Final = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}")


def fill_known_values(text: str, values: Mapping[str, TemplateValue]) -> str:
    """Fill in the placeholders of ``text`` that name one of ``values``, leniently.

    For plain text that is not a checked template (an explanation of a parametric
    question): LaTeX such as ``W_{out}`` and unknown names stay as written.
    """
    if not values:
        return text

    def replace(match: re.Match[str]) -> str:
        token, name, spec = match.group(0), match.group(1), match.group(2) or ""
        if token in ("{{", "}}"):
            return token[0]
        if name not in values:
            return token
        try:
            return format_value(values[name], spec)
        except (TypeError, ValueError):
            return token

    return _LENIENT_PLACEHOLDER.sub(replace, text)


def format_value(value: TemplateValue, spec: str = "") -> str:
    """Show a parameter value: whole numbers as integers, exact decimals without noise."""
    if isinstance(value, bool):
        return format("true" if value else "false", spec)
    if isinstance(value, str):
        return format(value, spec)
    parsed = _SPEC.fullmatch(spec)
    if parsed is None:
        raise ValueError(f"unsupported format '{spec}'")
    kind = parsed.group("type") or ""
    exact = Fraction(value) if isinstance(value, int) else value
    if isinstance(exact, Fraction) and exact.denominator == 1:
        if kind in _FLOAT_TYPES:
            return format(float(exact), spec)
        return format(exact.numerator, spec)
    if kind in _INTEGER_TYPES:
        raise ValueError(f"format '{spec}' needs a whole number, got {format_value(value)}")
    if spec:
        return format(float(exact), spec)
    return _plain_decimal(exact)


def _plain_decimal(value: Fraction | float) -> str:
    """0.1 for Fraction(1, 10); the shortest float text when the value does not terminate."""
    if isinstance(value, Fraction):
        denominator = value.denominator
        twos = fives = 0
        while denominator % 2 == 0:
            denominator //= 2
            twos += 1
        while denominator % 5 == 0:
            denominator //= 5
            fives += 1
        if denominator == 1:
            digits = max(twos, fives)
            if digits <= MAX_DEFAULT_DIGITS:
                scaled = value * 10**digits
                text = f"{abs(scaled.numerator):0{digits + 1}d}"
                sign = "-" if value < 0 else ""
                return f"{sign}{text[:-digits]}.{text[-digits:]}".rstrip("0").rstrip(".")
        return f"{float(value):.6g}"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    shortest = repr(value)
    return shortest if len(shortest) <= 12 else f"{value:.6g}"


def _shorten(text: str, limit: int = 40) -> str:
    return shown(text if len(text) <= limit else text[: limit - 1] + "…")
