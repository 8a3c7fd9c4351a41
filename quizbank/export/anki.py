"""Export to an Anki package (.apkg) with genanki: one subdeck per lecture.

Each note's GUID comes from the question id (and the variant's seed), and the model and
deck ids are fixed, so importing a newer export updates the cards already in Anki instead
of adding copies. The front shows the question as in dlquiz (options in file order); the
back shows the answer, why each option is right or wrong, the worked solution and the
explanation. Maths uses Anki's MathJax delimiters ``\\(...\\)``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from quizbank.export.common import (
    ExportSummary,
    Variant,
    answer_markdown,
    feedback_markdown,
    lecture_label,
    to_html,
    variant_text,
)
from quizbank.instantiate import PartInstance

MODEL_ID: Final = 1_869_417_294  # never change: Anki matches note types by id
MODEL_NAME: Final = "dlquiz question"
CSS: Final = """\
.card { font-family: sans-serif; font-size: 18px; text-align: left; }
.options { margin: 0.5em 0; }
.why { color: #666; font-size: 0.9em; }
pre, code { font-family: monospace; }
"""


def _model() -> Any:
    import genanki  # ~50 ms; only when exporting to Anki

    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": "Key"}, {"name": "Question"}, {"name": "Answer"}, {"name": "Explanation"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Question}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}<br><br>{{Explanation}}",
            }
        ],
        css=CSS,
        sort_field_index=1,
    )


def deck_id(lecture: int) -> int:
    """A fixed id per lecture deck (Anki needs 64-bit ints; stay well inside)."""
    digest = hashlib.sha1(f"dlquiz::{lecture_label(lecture)}".encode()).hexdigest()
    return 1 << 30 | int(digest[:12], 16)


def _letter(position: int) -> str:
    return "ABCDEFGHIJ"[position]


def _part_front(part: PartInstance) -> str:
    pieces = [to_html(part.prompt)] if part.prompt else []
    if part.type in ("single", "multi"):
        options = sorted(part.options, key=lambda option: option.index)
        hint = "Choose one." if part.type == "single" else "Choose all that apply."
        items = "".join(
            f"<div>{_letter(i)}. {to_html(option.text)}</div>" for i, option in enumerate(options)
        )
        pieces.append(f'<div class="options">{items}</div><i>{hint}</i>')
    elif part.type == "truefalse":
        pieces.append("<i>True or false?</i>")
    return "<br>".join(pieces)


def _part_back(variant: Variant, part: PartInstance) -> str:
    label = f"<b>({part.id})</b> " if part.id else ""
    if part.type in ("single", "multi"):
        options = sorted(part.options, key=lambda option: option.index)
        rows = []
        for i, option in enumerate(options):
            mark = "✔" if option.correct else "✘"
            rows.append(
                f"<div>{mark} {_letter(i)}. {to_html(option.text)}"
                f'<div class="why">{to_html(variant_text(variant, option.why))}</div></div>'
            )
        return label + "".join(rows)
    return label + to_html(answer_markdown(part))


def note_fields(variant: Variant) -> list[str]:
    """Key, Question, Answer, Explanation (HTML) of one variant."""
    parts = variant.instance.parts
    front = [to_html(variant.instance.prompt)]
    front += [_part_front(part) for part in parts]
    back = [_part_back(variant, part) for part in parts]
    explanation = to_html(feedback_markdown(variant, parts))
    return [variant.key, "<br>".join(p for p in front if p), "<br>".join(back), explanation]


def _tags(question: Any) -> list[str]:
    topic = re.sub(r"[^a-z0-9]+", "-", question.topic.lower()).strip("-")
    return ["dlquiz", f"lecture{question.lecture:02d}", topic, *question.tags]


def write_anki(
    variants: Sequence[Variant],
    out: Path,
    summary: ExportSummary,
    *,
    titles: Mapping[int, str] | None = None,
) -> None:
    """Write ``variants`` to the package ``out``: deck ``dlquiz::Lecture NN <title>``."""
    import genanki

    model = _model()
    decks: dict[int, Any] = {}
    for variant in variants:
        lecture = variant.lecture
        if lecture not in decks:
            title = (titles or {}).get(lecture, "")
            name = f"dlquiz::{lecture_label(lecture)}" + (f" {title}" if title else "")
            decks[lecture] = genanki.Deck(deck_id(lecture), name)
        note = genanki.Note(
            model=model,
            fields=note_fields(variant),
            guid=genanki.guid_for("dlquiz", variant.key),
            tags=_tags(variant.question),
        )
        decks[lecture].add_note(note)
        summary.written += 1
    genanki.Package([decks[lecture] for lecture in sorted(decks)]).write_to_file(str(out))
