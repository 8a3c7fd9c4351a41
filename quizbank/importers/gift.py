"""`dlquiz bank import --format gift`: GIFT questions as bank YAML that validates.

Converted: multiple choice (one ``=`` answer: single; only ``~%w%`` weights: multi),
true/false, numeric (``value:margin``, ``min..max``; 0% answers with feedback become
mistake rules with a test each), short answer and essay (as self-rated open questions).
Anything else (matching, descriptions, partial credit on single choice, several correct
numbers) is reported with its line number, never guessed. Imported questions carry no
explanation of their own: it is ``TODO: explain``, which ``dlquiz bank lint`` flags,
unless the GIFT general feedback (``####``) gives one. The parsing follows Moodle's own
(``question/format/gift/format.php``): blank lines separate questions, ``//`` starts a
comment line, ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n`` are escapes.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final

from pydantic import ValidationError

from quizbank.export.common import KEY_POINTS, MODEL_ANSWER, from_html
from quizbank.schema import QUESTION_ID, BankFile

TODO_EXPLAIN: Final = "TODO: explain"
TODO_WHY: Final = "TODO: say why"
_ESCAPES: Final = {
    "\\\\": "\ue000",
    "\\:": "\ue001",
    "\\#": "\ue002",
    "\\=": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\~": "\ue006",
    "\\n": "\ue007",
}
_RESTORE: Final = str.maketrans(
    {
        "\ue000": "\\",
        "\ue001": ":",
        "\ue002": "#",
        "\ue003": "=",
        "\ue004": "{",
        "\ue005": "}",
        "\ue006": "~",
        "\ue007": "\n",
    }
)
_WEIGHT: Final = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
_FORMAT: Final = re.compile(r"^\[(html|markdown|moodle|plain)\]")
_TRUE_FALSE: Final = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    questions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


class _Skip(Exception):
    """This GIFT question cannot be converted; the message says why."""


@dataclass
class _Block:
    line: int
    text: str
    category: str | None


# --------------------------------------------------------------------------- reading


def _protect(text: str) -> str:
    for escape, placeholder in _ESCAPES.items():
        text = text.replace(escape, placeholder)
    return text


def _plain(text: str, markup: str) -> str:
    """Escapes restored; HTML (our own export's subset) back to Markdown."""
    text = text.strip()
    found = _FORMAT.match(text)
    if found:
        markup, text = found.group(1), text[found.end() :].strip()
    text = text.translate(_RESTORE)
    return from_html(text) if markup == "html" else text.strip()


def blocks(source: str) -> list[_Block]:
    """Questions separated by blank lines, without comment lines, with their first line."""
    found: list[_Block] = []
    lines: list[str] = []
    start = 0
    category: str | None = None
    for number, line in enumerate([*source.splitlines(), ""], 1):
        if line.strip().startswith("//"):
            continue
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
            continue
        if lines:
            text = _protect("\n".join(lines).strip())
            if text.startswith("$CATEGORY:"):
                head, _, rest = text.partition("\n")
                category = head.removeprefix("$CATEGORY:").strip().translate(_RESTORE)
                text, start = rest.strip(), start + 1
            if text:
                found.append(_Block(start, text, category))
            lines = []
    return found


# --------------------------------------------------------------------------- one question


def _split_feedback(text: str) -> tuple[str, str]:
    answer, _, feedback = text.partition("#")
    return answer.strip(), feedback.strip()


def _number(text: str) -> Fraction:
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise _Skip(f"not a number: {text.strip()!r}") from None


def _tag(message: str, taken: set[str]) -> str:
    words = re.findall(r"[a-z0-9]+", message.lower())[:4]
    tag = "-".join(words)[:40].strip("-") or "wrong"
    candidate, number = tag, 1
    while candidate in taken:
        number += 1
        candidate = f"{tag}-{number}"
    taken.add(candidate)
    return candidate


def _numeric(answers: str, markup: str) -> dict[str, Any]:
    answers = answers[1:].split("~", 1)[0]  # '~' starts feedback for any other answer
    correct: list[tuple[Fraction, Fraction]] = []
    mistakes: list[dict[str, Any]] = []
    tests: list[dict[str, Any]] = []
    tags: set[str] = set()
    wrong: list[Fraction] = []
    for raw in [piece.strip() for piece in answers.split("=") if piece.strip()]:
        weight = Fraction(100)
        found = _WEIGHT.match(raw)
        if found:
            weight, raw = Fraction(found.group(1)), raw[found.end() :]
        value_text, feedback = _split_feedback(raw)
        if ".." in value_text:
            low, high = (_number(end) for end in value_text.split("..", 1))
            value, margin = (low + high) / 2, (high - low) / 2
        elif ":" in value_text:
            number, margin_text = value_text.split(":", 1)
            value, margin = _number(number), abs(_number(margin_text))
        else:
            value, margin = _number(value_text), Fraction(0)
        if weight == 100:
            correct.append((value, margin))
        elif weight == 0 and feedback:
            if any(value == seen for seen in wrong):
                continue  # the first answer with a value gets the feedback, as in grading
            wrong.append(value)
            tag = _tag(_plain(feedback, markup), tags)
            number = _decimal(value)
            message = _plain(feedback, markup)
            mistakes.append({"tag": tag, "message": message, "answer": {"expr": number}})
            tests.append({"answer": number, "expect": "incorrect", "mistake": tag})
        elif weight != 0:
            raise _Skip(f"partial credit ({weight}%) on a numeric answer is not supported")
    if len(correct) != 1:
        raise _Skip(f"a numeric question needs one correct answer, found {len(correct)}")
    value, margin = correct[0]
    question: dict[str, Any] = {"type": "numeric", "answer": {"expr": _decimal(value)}}
    if margin:
        question["tolerance"] = {"abs": float(margin)}
    if mistakes:
        question["mistakes"] = mistakes
    question["tests"] = [{"answer": _decimal(value), "expect": "correct"}, *tests]
    return question


def _decimal(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.15g}"
    return text if Fraction(text) == value else f"{value.numerator}/{value.denominator}"


def _choices(answers: str, markup: str) -> dict[str, Any]:
    single = "=" in answers
    pieces = [p.strip() for p in answers.replace("=", "~=").split("~") if p.strip()]
    options = []
    for raw in pieces:
        weight = Fraction(0)
        if raw.startswith("="):
            weight, raw = Fraction(100), raw[1:]
        elif found := _WEIGHT.match(raw):
            weight, raw = Fraction(found.group(1)), raw[found.end() :]
        text, why = _split_feedback(raw)
        if single and weight not in (0, 100):
            raise _Skip(f"partial credit ({weight}%) on a single-choice option is not supported")
        option: dict[str, Any] = {"text": _plain(text, markup), "correct": weight > 0}
        option["why"] = _plain(why, markup) or TODO_WHY
        options.append(option)
    correct = sum(option["correct"] for option in options)
    if single and correct != 1:
        raise _Skip(f"a single-choice question needs one '=' answer, found {correct}")
    if not 2 <= len(options) <= 10:
        raise _Skip(f"a choice question needs 2 to 10 options, found {len(options)}")
    labels = [chr(ord("A") + i) for i, option in enumerate(options) if option["correct"]]
    test = {"answer": ", ".join(labels), "expect": "correct"}
    return {"type": "single" if single else "multi", "options": options, "tests": [test]}


def _open(answers: str, markup: str, general: str) -> dict[str, Any]:
    """Essay ('') or short answer ('=a =b'): rated by the student against a model answer."""
    accepted = [_plain(_split_feedback(p)[0], markup) for p in answers.split("=") if p.strip()]
    accepted = [_WEIGHT.sub("", text).strip() for text in accepted]
    model, points, explanation = "TODO: write a model answer", ["TODO: key point"], general
    if accepted:
        model, points = accepted[0], accepted
    elif general.startswith(MODEL_ANSWER) and f"\n\n{KEY_POINTS}\n" in general:
        model, rest = general.removeprefix(MODEL_ANSWER).split(f"\n\n{KEY_POINTS}\n", 1)
        listed, _, explanation = rest.partition("\n\n")
        points = [line.removeprefix("- ").strip() for line in listed.splitlines() if line.strip()]
    return {
        "type": "open",
        "model_answer": model.strip(),
        "key_points": points,
        "explanation": explanation.strip() or TODO_EXPLAIN,
    }


def convert_block(block: _Block) -> tuple[str | None, dict[str, Any]]:
    """(title, question fields without id/lecture/topic/source) or raise :class:`_Skip`."""
    text = block.text
    title = None
    if text.startswith("::"):
        title, separator, text = text[2:].partition("::")
        if not separator:
            raise _Skip("unclosed '::' title")
        title = title.translate(_RESTORE).strip()
        text = text.strip()
    markup = "moodle"
    found = _FORMAT.match(text)
    if found:
        markup = found.group(1)
    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        raise _Skip("a description without answers, not a question")
    if start < 0 or end < start:
        raise _Skip("unbalanced '{' and '}' (escape literal braces as \\{ and \\})")
    after = text[end + 1 :].strip()
    before = text[:start].rstrip()
    prompt = f"{before} _____ {after}".strip() if after else before  # missing-word format
    answers, _, general = text[start + 1 : end].partition("####")
    answers, general_text = answers.strip(), _plain(general, markup)
    if "->" in answers:
        raise _Skip("matching questions are not supported")
    check = _split_feedback(answers)[0]
    if answers.startswith("#"):
        question = _numeric(answers, markup)
    elif "~" in answers:
        question = _choices(answers, markup)
    elif check in _TRUE_FALSE:
        feedback = [_plain(piece, markup) for piece in answers.split("#")[1:]]
        general_text = general_text or next((t for t in reversed(feedback) if t), "")
        question = {"type": "truefalse", "answer": _TRUE_FALSE[check]}
        question["tests"] = [{"answer": str(_TRUE_FALSE[check]).lower(), "expect": "correct"}]
    else:
        question = _open(answers, markup, general_text)
    prompt_text = _plain(prompt, markup)
    if not prompt_text:
        raise _Skip("the question has no text")
    question = {"prompt": prompt_text, **question}
    question.setdefault("explanation", general_text or TODO_EXPLAIN)
    return title, question


# --------------------------------------------------------------------------- the file


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _topic(category: str | None, default: str) -> str:
    if not category:
        return default
    last = category.rstrip("/").rsplit("/", 1)[-1].strip()
    if not last or re.fullmatch(r"(?i)lecture \d+|top|\$course\$|\$system\$", last):
        return default
    return last[:80]


def import_gift(
    source: str,
    lecture: int,
    *,
    source_name: str = "a GIFT file",
    topic: str = "imported",
    taken: Collection[str] = (),
) -> ImportResult:
    """Convert GIFT text; ``taken`` ids (e.g. the bank's) are not reused."""
    result = ImportResult()
    used = set(taken)
    prefix = f"l{lecture:02d}-"
    for number, block in enumerate(blocks(source), 1):
        try:
            title, fields = convert_block(block)
        except _Skip as skip:
            result.problems.append(ImportProblem(block.line, str(skip)))
            continue
        base = re.sub(r"^l\d\d-", "", _slug(title)) if title else ""  # a bank id's lecture
        base = prefix + base if base else ""
        base = (base or f"{prefix}gift-{number:03d}")[:72].strip("-")
        question_id, count = base, 1
        while question_id in used or not re.fullmatch(QUESTION_ID, question_id):
            count += 1
            question_id = f"{base}-{count}"
        question = {
            "id": question_id,
            "type": fields.pop("type"),
            "lecture": lecture,
            "topic": _topic(block.category, topic),
            "source": f"Imported from {source_name}"[:120],
            "prompt": fields.pop("prompt"),
        }
        tests = fields.pop("tests", None)
        question.update(fields)
        question["explanation"] = question.pop("explanation")
        if tests:
            question["tests"] = tests
        problem = _invalid(question, lecture)
        if problem:
            result.problems.append(ImportProblem(block.line, problem))
            continue
        used.add(question_id)
        result.questions.append(question)
    return result


def _invalid(question: dict[str, Any], lecture: int) -> str | None:
    try:
        BankFile.model_validate({"lecture": lecture, "title": "t", "questions": [question]})
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"][2:])
        return f"the converted question is not valid ({where}: {first['msg']})"
    return None


def bank_yaml(result: ImportResult, lecture: int, title: str, header: str = "") -> str:
    """The converted questions as a bank file (``header`` first: the schema line)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    data = {"lecture": lecture, "title": title, "questions": result.questions}
    body = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body
