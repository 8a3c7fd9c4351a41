"""LaTeX-style math in Markdown -> readable Unicode, for a terminal that cannot typeset.

``$...$`` and ``$$...$$`` spans are converted with pylatexenc's ``LatexNodes2Text``;
code spans and fenced code blocks are left alone. A few macros get better text than the
defaults (``\\frac`` keeps its grouping, ``\\ne`` is not dropped), and simple sub- and
superscripts become Unicode (``x^2`` -> ``x²``, ``x_{t-1}`` -> ``x_(t-1)``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

__all__ = ["latex_to_unicode", "markdown_math_to_unicode"]

_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUPERSCRIPT_CHARS = set("0123456789+-=()ni")
_SUBSCRIPT_CHARS = set("0123456789+-=()aeijklmnoprstuvx")

# ``^{...}``/``_{...}`` with no nested braces, or a single character / macro-free token.
_SCRIPT = re.compile(r"(?P<mark>[\^_])(?:\{(?P<group>[^{}]*)\}|(?P<single>[A-Za-z0-9]))")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|])")
# Fenced code blocks and inline code spans are never touched.
_CODE = re.compile(r"(^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$|`[^`\n]*`)", re.S | re.M)
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
# Pandoc's rule: no space just inside the dollars, and no digit right after the closing one
# (so "costs $5 and $6" stays text).
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])((?:\\\$|[^$\n])+?)(?<=[^\s\\])\$(?!\d)")


def _frac(node: Any, l2tobj: Any) -> str:
    numerator, denominator = (
        l2tobj.nodelist_to_text([arg]).strip() for arg in node.nodeargd.argnlist[-2:]
    )
    return f"{_grouped(numerator)}/{_grouped(denominator)}"


def _grouped(text: str) -> str:
    needs_parentheses = re.search(r"[-+−*/·×=<>,]", text) and not re.fullmatch(r"\(.*\)", text)
    return f"({text})" if needs_parentheses else text


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    # pylatexenc costs ~10 ms to import: only pay for it when math is shown.
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    context = get_default_latex_context_db()
    context.add_context_category(
        "dlquiz",
        macros=[
            MacroTextSpec("frac", simplify_repl=_frac),
            MacroTextSpec("dfrac", simplify_repl=_frac),
            MacroTextSpec("tfrac", simplify_repl=_frac),
            MacroTextSpec("ne", "≠"),
            MacroTextSpec("neq", "≠"),
            MacroTextSpec("odot", "⊙"),
            MacroTextSpec("lVert", "‖"),
            MacroTextSpec("rVert", "‖"),
        ],
        prepend=True,
    )
    return LatexNodes2Text(
        latex_context=context, math_mode="text", strict_latex_spaces="based-on-source"
    )


def _scripts(latex: str) -> str:
    """Simple sub/superscripts to Unicode before conversion; others keep explicit grouping."""

    def replace(match: re.Match[str]) -> str:
        mark = match["mark"]
        body = match["group"] if match["group"] is not None else match["single"]
        allowed, table = (
            (_SUPERSCRIPT_CHARS, _SUPERSCRIPTS) if mark == "^" else (_SUBSCRIPT_CHARS, _SUBSCRIPTS)
        )
        if body and set(body) <= allowed:
            # `{}` ends a preceding macro name: `\sum_i` must not become the macro `\sumᵢ`.
            return "{}" + body.translate(table)
        if match["group"] is not None and len(body) > 1:
            return f"{mark}({body})"
        return match.group(0)

    return _SCRIPT.sub(replace, latex)


def latex_to_unicode(latex: str) -> str:
    """One math formula (without dollars) as readable Unicode text."""
    # A prime would otherwise become an accent on the next character.
    source = _scripts(latex.replace("'", "′"))
    try:
        text = _converter().latex_to_text(source)
    except Exception:  # pylatexenc raises assorted errors on malformed input: show it raw
        return latex
    text = re.sub(r"[ \t]+", " ", text).strip()
    # pylatexenc drops the space between two macros (`\cdot \alpha`): keep operators spaced
    # evenly when they were spaced on one side.
    text = re.sub(r"(?<=\S) ([·×≤≥≠≈→∈±⊙])(?=\S)", r" \1 ", text)
    return re.sub(r"(?<=\S)([·×≤≥≠≈→∈±⊙]) (?=\S)", r" \1 ", text)


def _escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def _convert_prose(text: str) -> str:
    def display(match: re.Match[str]) -> str:
        return f"\n\n> {_escape_markdown(latex_to_unicode(match[1]))}\n\n"

    def inline(match: re.Match[str]) -> str:
        return _escape_markdown(latex_to_unicode(match[1].replace(r"\$", "$")))

    text = _DISPLAY_MATH.sub(display, text)
    return _INLINE_MATH.sub(inline, text)


def markdown_math_to_unicode(markdown: str) -> str:
    """Markdown with every ``$...$``/``$$...$$`` outside code converted to Unicode."""
    if "$" not in markdown:
        return markdown
    pieces = _CODE.split(markdown)
    # re.split with one group alternates prose, code, prose, ...
    converted = [
        piece if index % 2 else _convert_prose(piece) for index, piece in enumerate(pieces)
    ]
    return re.sub(r"\n{3,}", "\n\n", "".join(converted)).strip("\n") + (
        "\n" if markdown.endswith("\n") else ""
    )
