"""Fast paths of loading: implicit YAML tags remembered per text, lone names and numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quizbank.errors import ValidationFailed
from quizbank.loader import load_bank
from quizbank.yaml_loader import parse_yaml

DOCUMENT = """
plain: [true, "true", 'true', yes, No, 1, "1", 0o7, 017, 0x1f, 1_000, 1.5, .5, 1e3, 1.0e+3,
        .inf, -.inf, ~, null, "null", '', 12:30, 190:20:30]
again: [true, "true", 1, "1", 1.5, ~]
true: "keys too"
2: two
"""


def test_tags_match_pyyaml_safe_load() -> None:
    result = parse_yaml(DOCUMENT)
    assert result.ok
    expected = yaml.load(DOCUMENT, Loader=yaml.CSafeLoader)
    assert repr(result.data) == repr(expected)  # repr: 1 and True differ, nan-free
    assert result.data["again"] == [True, "true", 1, "1", 1.5, None]
    assert result.data[True] == "keys too" and result.data[2] == "two"


def test_a_date_stays_text() -> None:
    assert parse_yaml("when: 2024-01-31\n").data == {"when": "2024-01-31"}


QUESTION = """lecture: 1
title: t
questions:
  - id: q-plain
    type: numeric
    topic: t
    source: s
    prompt: "{{{name}}}?"
    explanation: e
    params:
      {name}: {{choices: [1, 2]}}
    answer: {{expr: "{expr}"}}
"""


@pytest.mark.parametrize(
    ("name", "expr", "problem"),
    [
        ("n", "n", None),
        ("n", "10.25", None),
        ("n", "m", "unknown name 'm'"),
        ("n", "007", "can't read the expression '007'"),
        ("None", "None", "can't read the expression 'None'"),
        ("if", "if", "can't read the expression 'if'"),
    ],
)
def test_lone_names_and_numbers_are_checked_like_any_expression(
    tmp_path: Path, name: str, expr: str, problem: str | None
) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(QUESTION.format(name=name, expr=expr))
    if problem is None:
        assert load_bank([path], builtin=False, cache=False).by_id["q-plain"]
        return
    with pytest.raises(ValidationFailed) as failed:
        load_bank([path], builtin=False, cache=False)
    assert [problem in p.message for p in failed.value.problems] == [True]
