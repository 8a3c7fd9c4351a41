"""What every export shares: picking questions and variants, answers as text, HTML, the summary.

A parametric question is exported as a few rendered variants (seeds 0, 1, 2, ...; seeds
that render the same prompt are skipped), each with a stable key ``id@sN`` so that a
re-export updates what was imported before instead of duplicating it. Bank text is
Markdown with ``$...$`` maths; LMSs and Anki get the small HTML subset :func:`to_html`
writes (MathJax delimiters ``\\(...\\)``), which :func:`from_html` reads back.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, get_args

from quizbank.errors import UserError
from quizbank.instantiate import ConstraintsUnsatisfiable, Instance, InstanceError, PartInstance
from quizbank.templates import fill_known_values, format_value
from solvers.expr import Node, render

if TYPE_CHECKING:
    from quizbank.loader import Bank

DEFAULT_VARIANTS: Final = 3
WORKED_SOLUTION: Final = "Worked solution:"
DEFAULT_REL_TOLERANCE: Final = Fraction(1, 1000)  # what the grader accepts without one
_INLINE: Final = re.compile(
    r"(?P<code>`[^`\n]+`)|\$\$(?P<display>.+?)\$\$|\$(?P<math>[^$\n]+?)\$"
    r"|\*\*(?P<bold>[^*\n]+?)\*\*|\*(?P<italic>[^*\n]+?)\*",
    re.S,
)
_LIST_ITEM: Final = re.compile(r"^([-*+]|\d+[.)])\s")
_HTML_TOKEN: Final = re.compile(
    r"<br\s*/?>\n?|</?(?:b|strong)>|</?(?:i|em)>|<code>(?P<code>.*?)</code>|</p>|<[^>]+>"
    r"|\\\((?P<math>.+?)\\\)|\\\[(?P<display>.+?)\\\]",
    re.S | re.I,
)


@dataclass(frozen=True)
class Variant:
    """One rendered question: the instance of ``question`` for ``seed``."""

    question: Any
    seed: int
    instance: Instance
    key: str  # stable: the id, or id@sN for a variant of a parametric question

    @property
    def lecture(self) -> int:
        return int(self.question.lecture)


@dataclass
class ExportSummary:
    """What was written, and every feature that could not be carried over."""

    format: str
    written: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, question_id: str, message: str) -> None:
        line = f"{question_id}: {message}"
        if line not in self.notes:  # once per question, not per variant
            self.notes.append(line)

    def text(self) -> str:
        lines = [f"{self.format}: wrote {self.written} item{'s' * (self.written != 1)}"]
        if self.notes:
            lines.append(f"not carried over as they are ({len(self.notes)}):")
            lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)


# --------------------------------------------------------------------------- choosing


def select_questions(bank: Bank, lectures: Sequence[int] = ()) -> list[Any]:
    """The questions of ``lectures`` (all when empty), in bank order."""
    for lecture in lectures:
        if not 1 <= lecture <= 12:
            raise UserError(f"invalid lecture {lecture}: lectures are numbered 1 to 12")
    chosen = [q for q in bank.questions if not lectures or q.lecture in lectures]
    if not chosen:
        which = ", ".join(map(str, lectures))
        raise UserError(f"no questions in lecture {which}" if lectures else "the bank is empty")
    return chosen


def build_variants(questions: Iterable[Any], count: int, summary: ExportSummary) -> list[Variant]:
    """``count`` distinct variants per parametric question, one per fixed question."""
    from quizbank.instantiate import instantiate

    if count < 1:
        raise UserError("--variants must be at least 1")
    variants: list[Variant] = []
    for question in questions:
        if not question.is_parametric:
            try:
                variants.append(Variant(question, 0, instantiate(question, 0), question.id))
            except (ConstraintsUnsatisfiable, InstanceError) as error:
                summary.note(question.id, f"skipped: {error}")
            continue
        prompts: set[tuple[str, ...]] = set()
        for seed in range(4 * count):
            try:
                instance = instantiate(question, seed)
            except (ConstraintsUnsatisfiable, InstanceError) as error:
                summary.note(question.id, f"seed {seed} skipped: {error}")
                break
            shown = (instance.prompt, *(part.prompt for part in instance.parts))
            if shown in prompts:
                continue
            prompts.add(shown)
            variants.append(Variant(question, seed, instance, f"{question.id}@s{seed}"))
            if len(prompts) == count:
                break
    return variants


def lecture_label(lecture: int) -> str:
    return f"Lecture {lecture:02d}"


def category(lecture: int) -> str:
    return f"dlquiz/{lecture_label(lecture)}"


# --------------------------------------------------------------------------- answers


def number_text(value: Fraction | float | int) -> str:
    """A number as an LMS reads it: exact decimals in full, others to 12 digits."""
    if isinstance(value, Fraction) and value.denominator != 1:
        text = format_value(value)
        if Fraction(text) == value:
            return text
        return f"{float(value):.12g}"
    if isinstance(value, float):
        return f"{value:.12g}"
    return format_value(value)


def absolute_tolerance(part: PartInstance) -> Fraction:
    """The grader's tolerance as one absolute margin (abs or rel, whichever is wider)."""
    value = abs(Fraction(part.expected))
    tolerance = part.body.tolerance
    if tolerance is None:
        return Fraction(0) if value.denominator == 1 else DEFAULT_REL_TOLERANCE * value
    margins = [Fraction(0)]
    if tolerance.abs is not None:
        margins.append(Fraction(repr(tolerance.abs)))
    if tolerance.rel is not None:
        margins.append(Fraction(repr(tolerance.rel)) * value)
    return max(margins)


def value_text(value: Any) -> str:
    """A computed answer as a student would write it."""
    if isinstance(value, tuple):
        return "(" + ", ".join(value_text(item) for item in value) + ")"
    if isinstance(value, get_args(Node)):
        return render(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction | float | int):
        return number_text(value)
    return str(value)


def answer_markdown(part: PartInstance) -> str:
    """The correct answer of one part, in words (Markdown)."""
    body = part.body
    if part.type in ("single", "multi"):
        return "\n".join(f"- {option.text.strip()}" for option in part.options if option.correct)
    if part.type == "truefalse":
        return "True" if part.expected else "False"
    if part.type == "open":
        points = "\n".join(f"- {point}" for point in body.key_points)
        return f"{body.model_answer.strip()}\n\nKey points:\n{points}"
    unit = f" {body.unit}" if getattr(body, "unit", None) else ""
    return f"{value_text(part.expected)}{unit}"


def solution_text(part: PartInstance) -> str:
    """The worked solution of a computed part, as plain lines ('' when there is none)."""
    if part.solution is None or not part.solution.steps:
        return ""
    return part.solution.to_text().strip()


def feedback_markdown(variant: Variant, parts: Sequence[PartInstance] = ()) -> str:
    """The explanation (with this variant's numbers), the worked solutions of ``parts``."""
    pieces = [variant_text(variant, variant.question.explanation)]
    for part in parts:
        if part.body is not variant.question and getattr(part.body, "explanation", None):
            pieces.append(variant_text(variant, part.body.explanation))
        solution = solution_text(part)
        if solution:
            steps = "\n".join(f"- {line.strip()}" for line in solution.splitlines())
            pieces.append(f"{WORKED_SOLUTION}\n{steps}")
    return "\n\n".join(pieces)


def variant_text(variant: Variant, text: str) -> str:
    """A text that is not a checked template (explanation, why, mistake message) with this
    variant's values filled in leniently, as the practice screen shows it: ``{name}``
    becomes the value where there is one, anything else (LaTeX ``W_{out}``) stays."""
    values = variant.instance.values if variant.question.is_parametric else {}
    return fill_known_values(text, values).strip()


# --------------------------------------------------------------------------- LMS items

LMS_TYPES: Final = frozenset({"single", "multi", "truefalse", "numeric", "open"})
MODEL_ANSWER: Final = "Model answer:"
KEY_POINTS: Final = "Key points:"


@dataclass(frozen=True)
class LmsItem:
    """One LMS question: a whole question, or one part of a problem (with the setup)."""

    key: str
    variant: Variant
    part: PartInstance
    prompt: str  # Markdown

    @property
    def feedback(self) -> str:
        return feedback_markdown(self.variant, [self.part])


def lms_items(variants: Iterable[Variant], summary: ExportSummary) -> list[LmsItem]:
    """The variants as GIFT / Moodle questions. Expression and shape answers have no
    LMS equivalent and are left out; problems are split into one question per part;
    open questions become essays graded by hand. Each case is noted in ``summary``."""
    items: list[LmsItem] = []
    for variant in variants:
        question = variant.question
        parts = variant.instance.parts
        if question.type == "problem":
            kept = [part for part in parts if part.type in LMS_TYPES]
            for part in parts:
                if part.type not in LMS_TYPES:
                    summary.note(question.id, f"part {part.id} ({part.type} answer) left out")
            if kept:
                count = f"{len(kept)} question{'s' * (len(kept) != 1)}"
                summary.note(question.id, f"problem split into {count}, one per part")
            for part in kept:
                prompt = (
                    f"{variant.instance.prompt.strip()}\n\n**({part.id})** {part.prompt.strip()}"
                )
                items.append(LmsItem(f"{variant.key}-{part.id}", variant, part, prompt))
            continue
        part = parts[0]
        if part.type not in LMS_TYPES:
            summary.note(question.id, f"{part.type} answers are not supported: left out")
            continue
        if part.type == "open":
            summary.note(question.id, "self-rated open question exported as an essay")
        if part.type == "numeric" and part.body.unit:
            summary.note(question.id, f"unit {part.body.unit}: the LMS checks the number only")
        items.append(LmsItem(variant.key, variant, part, variant.instance.prompt.strip()))
    return items


def essay_feedback(item: LmsItem) -> str:
    """An open question's model answer, key points and explanation, for the grader."""
    body = item.part.body
    points = "\n".join(f"- {point}" for point in body.key_points)
    return (
        f"{MODEL_ANSWER}\n{body.model_answer.strip()}\n\n{KEY_POINTS}\n{points}\n\n{item.feedback}"
    )


def numeric_mistakes(part: PartInstance) -> list[tuple[Fraction | float, str]]:
    """(value, message) of the part's numeric mistakes, the first of each value only (the
    grader stops at the first match, and an LMS wants each answer once)."""
    found: list[tuple[Fraction | float, str]] = []
    for mistake in part.mistakes:
        value = mistake.value
        if isinstance(value, bool) or not isinstance(value, Fraction | float | int):
            continue  # a shape or formula mistake has no numeric form
        if all(value != seen for seen, _ in found):
            found.append((Fraction(value) if isinstance(value, int) else value, mistake.message))
    return found


def choice_weights(part: PartInstance) -> list[str]:
    """Per option (file order), a Moodle percentage: the grader's partial credit, where a
    wrong pick costs as much as a right one gains and the total is clamped at 0."""
    options = sorted(part.options, key=lambda option: option.index)
    if part.type == "single":
        return ["100" if option.correct else "0" for option in options]
    correct = sum(option.correct for option in options)
    share = _percent(Fraction(100, correct))
    return [share if option.correct else "-" + share for option in options]


def _percent(value: Fraction) -> str:
    return f"{float(value):.5f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- HTML


def _unwrap(markdown: str) -> str:
    """Markdown's line breaks: a single newline inside a paragraph is a space, except
    around list items; paragraphs stay apart."""
    paragraphs = []
    for paragraph in re.split(r"\n[ \t]*\n", markdown.strip()):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        merged: list[str] = []
        for line in lines:
            listed = _LIST_ITEM.match(line) is not None
            if merged and not listed and not _LIST_ITEM.match(merged[-1]):
                merged[-1] += " " + line
            else:
                merged.append(line)
        paragraphs.append("\n".join(merged))
    return "\n\n".join(paragraphs)


def to_html(markdown: str) -> str:
    """Bank Markdown as a small HTML subset: code, bold, italic, maths, line breaks."""
    text = _unwrap(markdown)
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[position : match.start()], quote=False))
        position = match.end()
        kind = match.lastgroup
        inner = html.escape(match.group(kind) if kind else "", quote=False)
        if kind == "code":
            out.append(f"<code>{inner[1:-1]}</code>")
        elif kind == "display":
            out.append(f"\\[{inner}\\]")
        elif kind == "math":
            out.append(f"\\({inner}\\)")
        elif kind == "bold":
            out.append(f"<b>{inner}</b>")
        else:
            out.append(f"<i>{inner}</i>")
    out.append(html.escape(text[position:], quote=False))
    return "".join(out).replace("\n", "<br>")


def from_html(text: str) -> str:
    """The inverse of :func:`to_html`; other tags are dropped, entities decoded."""

    def replace(match: re.Match[str]) -> str:
        token = match.group().lower()
        if match.group("code") is not None:
            return f"`{match.group('code')}`"
        if match.group("math") is not None:
            return f"${match.group('math')}$"
        if match.group("display") is not None:
            return f"$${match.group('display')}$$"
        if token.startswith("<br"):
            return "\n"
        if token in ("<b>", "</b>", "<strong>", "</strong>"):
            return "**"
        if token in ("<i>", "</i>", "<em>", "</em>"):
            return "*"
        if token == "</p>":
            return "\n\n"
        return ""

    return html.unescape(_HTML_TOKEN.sub(replace, text)).strip()
