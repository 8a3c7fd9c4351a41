"""A large generated bank: the built-in questions copied under new ids, written as YAML.

Copies keep everything that makes loading cost what it costs (params, derived values,
constraints, solver answers, mistakes, tests, problems), so a 10,000-question bank is a
realistic mix. Files hold at most :data:`PER_FILE` questions (a bank file is at most
2 MB).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

PER_FILE = 400


def builtin_questions() -> list[dict[str, Any]]:
    """Every question of the built-in files that load, as plain data with its lecture."""
    from quizbank.loader import load_bank

    questions: list[dict[str, Any]] = []
    for path in load_bank(skip_broken=True).files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for question in data["questions"]:
            questions.append({"lecture": data["lecture"], **question})
    return questions


def write_bank(folder: Path, size: int) -> list[Path]:
    """Write ``size`` questions into ``folder`` (created); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    source = builtin_questions()
    copies = []
    for number in range(size):
        question = copy.deepcopy(
            source[number % len(source)]
        )  # shared objects would dump as aliases
        question["id"] = f"g{number:05d}-{question['id']}"[:80]
        copies.append(question)
    files = []
    for start in range(0, size, PER_FILE):
        chunk = copies[start : start + PER_FILE]
        path = folder / f"generated{start // PER_FILE:03d}.yaml"
        document = {"lecture": chunk[0]["lecture"], "title": "Generated", "questions": chunk}
        text = yaml.dump(
            document, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100
        )
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files
