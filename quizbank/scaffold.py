"""`dlquiz bank new`: a commented, valid skeleton of one question type.

The skeletons live in :mod:`quizbank.skeletons`. Their ``tests:`` hold markers for the
values of seed 0 (which depend on the id), so a skeleton is filled in three steps: put in
the id and lecture, instantiate seed 0, put in the computed answers. The result always
loads and passes its own tests; :func:`build_question_text` checks that before returning.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, get_args

from quizbank import paths
from quizbank.errors import InternalError, Problem, UserError
from quizbank.schema import QUESTION_ID, BankFile
from quizbank.skeletons import SKELETONS
from quizbank.templates import format_value
from quizbank.yaml_loader import parse_yaml
from solvers.expr import Node, render

__all__ = [
    "NewQuestion",
    "add_question",
    "build_question_text",
    "check_bank_text",
    "default_id",
    "file_header",
    "ids_in",
    "lecture_file",
]

_MARKER: Final = re.compile(r"@([a-z_:][a-z0-9_:+-]*)@")
_ID_LINE: Final = re.compile(r"^\s*(?:-\s+)?id:\s*[\"']?([A-Za-z0-9][A-Za-z0-9._-]*)", re.M)
_EMPTY_LIST: Final = re.compile(r"^questions:[ \t]*\[\][ \t]*(#.*)?$", re.M)


@dataclass(frozen=True)
class NewQuestion:
    """Where a skeleton went: the file, the question's id, whether the file is new."""

    path: Path
    question_id: str
    created: bool


# --------------------------------------------------------------------------- text


def file_header(lecture: int, title: str, folder: Path | None = None) -> str:
    """The first lines of a new bank file: the schema line (for editors), lecture, title."""
    schema = paths.BANK_SCHEMA_PATH
    reference = schema.as_uri()
    # relative inside this project (the built-in bank), absolute elsewhere: it survives moves
    if folder is not None and folder.resolve().is_relative_to(paths.PACKAGE_DIR.parent):
        reference = Path(os.path.relpath(schema, folder.resolve())).as_posix()
    return (
        f"# yaml-language-server: $schema={reference}\n"
        f"lecture: {lecture}\n"
        f"title: {_yaml_text(title)}\n"
        "questions:\n"
    )


def _yaml_text(text: str) -> str:
    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ,.()'/-]*", text) and not text.endswith(" ")
    return text if plain else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def answer_text(value: Any) -> str:
    """An expected value as a student would type it."""
    if isinstance(value, tuple):
        return "(" + ", ".join(answer_text(item) for item in value) + ")"
    if isinstance(value, bool | int | Fraction | float):
        return format_value(value)
    if isinstance(value, get_args(Node)):
        return render(value).replace("·", "*").replace("−", "-")
    return str(value)


def _values_at_seed0(question: Any) -> dict[str, str]:
    """Marker -> text for the answers, mistakes and param values of seed 0."""
    from quizbank.instantiate import instantiate

    instance = instantiate(question, 0)
    found = {name: format_value(value) for name, value in instance.values.items()}
    for part in instance.parts:
        prefix = f"{part.id}:" if part.id else ""
        if part.expected is not None and part.type in ("numeric", "shape", "expression"):
            found[f"answer:{part.id}" if part.id else "answer"] = answer_text(part.expected)
        for mistake in part.mistakes:
            found.setdefault(f"mistake:{prefix}{mistake.tag}", answer_text(mistake.value))
    return found


def _question_from_text(entry: str, lecture: int) -> Any:
    data = parse_yaml(f"lecture: {lecture}\ntitle: t\nquestions:\n{entry}").data
    return BankFile.model_validate(data).questions[0]


def build_question_text(kind: str, lecture: int, question_id: str) -> str:
    """The skeleton of ``kind`` as one ``questions:`` entry (indented by two spaces)."""
    if kind not in SKELETONS:
        raise UserError(f"unknown question type {kind!r}; expected one of {', '.join(SKELETONS)}")
    if not 1 <= lecture <= 12:
        raise UserError(f"invalid lecture {lecture}: lectures are numbered 1 to 12")
    if not re.fullmatch(QUESTION_ID, question_id):
        raise UserError(
            f"invalid question id {question_id!r}: use 3 to 80 lowercase letters, digits, "
            "'.', '_' or '-', starting with a letter or digit"
        )
    entry = SKELETONS[kind].replace("@ID@", question_id).replace("@TYPE@", kind)
    entry = entry.replace("@LECTURE@", str(lecture))
    values = _values_at_seed0(_question_from_text(entry, lecture))

    def fill(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            raise InternalError(f"skeleton {kind}: no value for marker {match.group()}")
        return values[match.group(1)]

    entry = _MARKER.sub(fill, entry)
    _self_check(entry, lecture)
    return entry


def _self_check(entry: str, lecture: int) -> None:
    from quizbank.answering import run_answer_tests

    question = _question_from_text(entry, lecture)
    failures = run_answer_tests(question)
    if failures:
        raise InternalError(f"skeleton {question.type} fails its own test: {failures[0]}")


# --------------------------------------------------------------------------- ids


def ids_in(files: Iterable[Path]) -> set[str]:
    """Every ``id:`` written in these files (question and part ids; broken files too)."""
    found: set[str] = set()
    for path in files:
        try:
            found.update(_ID_LINE.findall(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    return found


def default_id(kind: str, lecture: int, taken: Collection[str]) -> str:
    """``l09-new-numeric``, or ``l09-new-numeric-2`` etc. when that is taken."""
    base = f"l{lecture:02d}-new-{kind}"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


# --------------------------------------------------------------------------- files


def lecture_file(folder: Path, lecture: int) -> Path:
    """``folder/lectureNN.yaml``; a path that is already a file is used as it is."""
    if folder.is_file():
        return folder
    return folder / f"lecture{lecture:02d}.yaml"


def check_bank_text(text: str) -> list[Problem]:
    """Every located problem (schema and semantic) of a bank file's text."""
    from quizbank.loader import load_file

    with tempfile.TemporaryDirectory(prefix="dlquiz-") as folder:
        path = Path(folder) / "bank.yaml"
        path.write_text(text, encoding="utf-8")
        problems = load_file(path).problems
    return [Problem("<text>", p.line, p.column, p.message, p.where) for p in sorted(problems)]


def _last_question_id(text: str) -> str | None:
    data = parse_yaml(text).data
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, list) or not questions or not isinstance(questions[-1], dict):
        return None
    last = questions[-1].get("id")
    return last if isinstance(last, str) else None


def _appended(text: str, entry: str, question_id: str, path: Path) -> str:
    """``text`` with ``entry`` at the end of its ``questions:`` list."""
    data = parse_yaml(text).data
    if not isinstance(data, dict):
        raise UserError(f"{path} is not a bank file (expected lecture:, title:, questions:)")
    if not text.endswith("\n"):
        text += "\n"
    if "questions" not in data:
        text += "questions:\n"
    elif data["questions"] in ([], None):
        text = _EMPTY_LIST.sub("questions:", text)
    for indent in (2, 0):  # lists in our files are indented by two; some editors write none
        shifted = entry if indent == 2 else re.sub(r"^  ", "", entry, flags=re.M)
        candidate = text + shifted
        if _last_question_id(candidate) == question_id:
            return candidate
    raise UserError(
        f"can't append to {path}: its questions: list has an unusual layout; "
        "print the skeleton with --stdout and paste it in"
    )


def add_question(
    target: Path,
    kind: str,
    lecture: int,
    *,
    question_id: str | None = None,
    taken: Collection[str] = (),
    title: str | None = None,
) -> NewQuestion:
    """Append a skeleton to ``target`` (a file, or a folder: its ``lectureNN.yaml``),
    creating the file with its header if it is missing."""
    path = lecture_file(target, lecture)
    if path.parent.exists() and not path.parent.is_dir():
        raise UserError(f"{path.parent} is not a folder")
    taken = set(taken) | ids_in([path] if path.exists() else [])
    if question_id is None:
        question_id = default_id(kind, lecture, taken)
    elif question_id in taken:
        raise UserError(f"the id {question_id!r} is already used; choose another with --id")
    entry = build_question_text(kind, lecture, question_id)
    created = not path.exists()
    try:
        if created:
            path.parent.mkdir(parents=True, exist_ok=True)
            text = file_header(lecture, title or f"Lecture {lecture}", path.parent) + entry
        else:
            text = _appended(path.read_text(encoding="utf-8"), entry, question_id, path)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"can't write {path}: {error.strerror}") from None
    return NewQuestion(path, question_id, created)
