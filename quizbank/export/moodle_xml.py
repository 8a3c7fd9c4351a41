"""Export to Moodle XML: a category per lecture, then multichoice, truefalse, numerical and
essay questions with HTML text, per-option feedback, tolerances and general feedback.

The ``idnumber`` of each question is its stable key (``id`` or ``id@sN``), so a course can
tell which bank question an imported one came from.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from fractions import Fraction

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


def _text(parent: ET.Element, tag: str, markdown: str | None = None, **attrs: str) -> ET.Element:
    """``<tag format="html"><text>...</text></tag>``, or a plain ``<tag>value</tag>``."""
    element = ET.SubElement(parent, tag, attrs)
    if markdown is not None:
        element.set("format", "html")
        ET.SubElement(element, "text").text = to_html(markdown)
    return element


def _plain(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _category(root: ET.Element, lecture: int) -> None:
    question = ET.SubElement(root, "question", {"type": "category"})
    element = ET.SubElement(question, "category")
    ET.SubElement(element, "text").text = f"$course$/top/{category(lecture)}"


def _answer(
    parent: ET.Element, fraction: str, text: str, feedback: str, *, html: bool
) -> ET.Element:
    answer = ET.SubElement(parent, "answer", {"fraction": fraction})
    if html:
        answer.set("format", "html")
        ET.SubElement(answer, "text").text = to_html(text)
    else:
        ET.SubElement(answer, "text").text = text
    if feedback:
        _text(answer, "feedback", feedback)
    return answer


_KINDS = {
    "single": "multichoice",
    "multi": "multichoice",
    "truefalse": "truefalse",
    "numeric": "numerical",
    "open": "essay",
}


def _question(root: ET.Element, item: LmsItem) -> None:
    part = item.part
    question = ET.SubElement(root, "question", {"type": _KINDS[part.type]})
    name = ET.SubElement(question, "name")
    ET.SubElement(name, "text").text = item.key
    _text(question, "questiontext", item.prompt)
    _text(question, "generalfeedback", item.feedback)
    _plain(question, "defaultgrade", number_text(Fraction(str(part.points))))
    _plain(question, "idnumber", item.key)
    if part.type in ("single", "multi"):
        _plain(question, "single", "true" if part.type == "single" else "false")
        _plain(question, "shuffleanswers", "true")
        _plain(question, "answernumbering", "ABCD")
        options = sorted(part.options, key=lambda option: option.index)
        for option, weight in zip(options, choice_weights(part), strict=True):
            _answer(
                question,
                weight,
                option.text.strip(),
                variant_text(item.variant, option.why),
                html=True,
            )
    elif part.type == "truefalse":
        for truth in (True, False):
            fraction = "100" if truth == part.expected else "0"
            _answer(question, fraction, "true" if truth else "false", "", html=False)
    elif part.type == "numeric":
        correct = _answer(question, "100", number_text(part.expected), "Correct.", html=False)
        _plain(correct, "tolerance", number_text(absolute_tolerance(part)))
        for value, message in numeric_mistakes(part):
            text = variant_text(item.variant, message)
            wrong = _answer(question, "0", number_text(value), text, html=False)
            _plain(wrong, "tolerance", "0")
        if part.body.unit:
            units = ET.SubElement(question, "units")
            unit = ET.SubElement(units, "unit")
            _plain(unit, "multiplier", "1")
            _plain(unit, "unit_name", part.body.unit)
            _plain(question, "unitgradingtype", "0")  # the unit may be left out
            _plain(question, "showunits", "3")  # no unit input: the number alone is graded
    else:  # an essay, graded by hand against the model answer
        _plain(question, "responseformat", "editor")
        _plain(question, "responserequired", "1")
        _plain(question, "responsefieldlines", "10")
        _plain(question, "attachments", "0")
        _text(question, "graderinfo", essay_feedback(item))
        _text(question, "responsetemplate", "")


def export_moodle_xml(variants: Sequence[Variant], summary: ExportSummary) -> str:
    """The Moodle XML document of ``variants`` (sorted by lecture)."""
    root = ET.Element("quiz")
    current: int | None = None
    for item in lms_items(sorted(variants, key=lambda v: v.lecture), summary):
        if item.variant.lecture != current:
            current = item.variant.lecture
            _category(root, current)
        _question(root, item)
        summary.written += 1
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
