"""Exports of the bank to the tools a course already uses: Anki, GIFT, Moodle XML.

:func:`export_bank` picks the questions, renders the variants and writes one file; what a
format cannot hold is listed in the returned :class:`~quizbank.export.common.ExportSummary`,
never dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from quizbank.errors import UserError
from quizbank.export.common import (
    DEFAULT_VARIANTS,
    ExportSummary,
    build_variants,
    select_questions,
)

if TYPE_CHECKING:
    from quizbank.loader import Bank

__all__ = ["DEFAULT_VARIANTS", "FORMATS", "ExportSummary", "export_bank"]

FORMATS: Final = ("anki", "gift", "moodle-xml")


def export_bank(
    bank: Bank,
    fmt: str,
    out: Path,
    *,
    variants: int = DEFAULT_VARIANTS,
    lectures: Sequence[int] = (),
) -> ExportSummary:
    """Write the questions of ``lectures`` (all when empty) to ``out`` in format ``fmt``."""
    if fmt not in FORMATS:
        raise UserError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    summary = ExportSummary(fmt)
    chosen = build_variants(select_questions(bank, lectures), variants, summary)
    try:
        if fmt == "anki":
            from quizbank.export.anki import write_anki

            write_anki(chosen, out, summary, titles=dict(bank.lectures))
            return summary
        if fmt == "gift":
            from quizbank.export.gift import export_gift

            text = export_gift(chosen, summary)
        else:
            from quizbank.export.moodle_xml import export_moodle_xml

            text = export_moodle_xml(chosen, summary)
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"can't write {out}: {error.strerror}") from None
    return summary
