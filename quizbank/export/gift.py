"""Export to Moodle's GIFT format (one text file, a ``$CATEGORY`` per lecture).

Text is written as ``[html]`` (see :func:`quizbank.export.common.to_html`) with the
reserved characters ``~ = # { } :`` and the backslash escaped, and line breaks as ``\\n``,
so every question is one line plus its answers. Numeric answers carry their tolerance
(``=value:margin``) and the question's mistake rules as 0% answers with their message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from quizbank.export.common import (
    ExportSummary,
    LmsItem,
    Variant,
    absolute_tolerance,
    category,
    choice_weights,
    essay_feedback,
    lms_items,
    number_text,
    numeric_mistakes,
    to_html,
    variant_text,
)

_RESERVED: Final = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)


def escape(text: str) -> str:
    """GIFT-escape plain text (a title, a number never needs it)."""
    return text.translate(_RESERVED)


def _html(markdown: str) -> str:
    return escape(to_html(markdown))


def _answers(item: LmsItem) -> list[str]:
    part = item.part
    if part.type in ("single", "multi"):
        options = sorted(part.options, key=lambda option: option.index)
        lines = []
        for option, weight in zip(options, choice_weights(part), strict=True):
            if part.type == "single":
                mark = "=" if weight == "100" else "~"
            else:
                mark = f"~%{weight}%"
            why = variant_text(item.variant, option.why)
            lines.append(f"{mark}{_html(option.text.strip())}#{_html(why)}")
        return lines
    if part.type == "numeric":
        margin = number_text(absolute_tolerance(part))
        lines = [f"={number_text(part.expected)}:{margin}#Correct."]
        for value, message in numeric_mistakes(part):
            lines.append(f"=%0%{number_text(value)}:0#{_html(variant_text(item.variant, message))}")
        return lines
    return []


def question_text(item: LmsItem) -> str:
    """One GIFT question: a comment, the title, the text and the answer block."""
    part = item.part
    head = f"// {item.key}\n::{escape(item.key)}::[html]{_html(item.prompt)}"
    feedback = f"####{_html(item.feedback)}"
    if part.type == "truefalse":
        return f"{head}{{{'TRUE' if part.expected else 'FALSE'}{feedback}}}\n"
    if part.type == "open":  # an essay: the model answer goes to the general feedback
        return f"{head}{{####{_html(essay_feedback(item))}}}\n"
    answers = _answers(item)
    opener = "{#" if part.type == "numeric" else "{"
    lines = [head + opener, *(f"\t{line}" for line in answers), f"\t{feedback}", "}"]
    return "\n".join(lines) + "\n"


def export_gift(variants: Sequence[Variant], summary: ExportSummary) -> str:
    """The GIFT text of ``variants`` (sorted by lecture, categories between lectures)."""
    out = [f"// dlquiz export: {len(variants)} questions and variants\n"]
    current: int | None = None
    for item in lms_items(sorted(variants, key=lambda v: v.lecture), summary):
        if item.variant.lecture != current:
            current = item.variant.lecture
            out.append(f"$CATEGORY: {category(current)}\n")
        out.append(question_text(item))
        summary.written += 1
    return "\n".join(out)
