"""Exam blueprints: the built-in ones are valid, and every problem is located (line:col)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizbank.blueprints import (
    KIND_TYPES,
    blueprint_names,
    load_blueprint,
    parse_blueprint,
    resolve_blueprint,
)
from quizbank.errors import UserError, ValidationFailed

DATA = Path(__file__).resolve().parents[1] / "data" / "blueprints"

VALID = """\
title: Small
duration_minutes: 15
total_points: 6
sections:
  - title: Choice
    kind: choice
    count: 2
    points: 1.5
  - title: Open
    kind: open
    count: 1
    points: 3
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        parse_blueprint(text, Path("bp.yaml"))
    return [str(problem) for problem in caught.value.problems]


def test_builtin_blueprints_load() -> None:
    assert {"i2dl-mock", "quick-20"} <= set(blueprint_names())
    for name in blueprint_names():
        loaded = load_blueprint(name)
        assert loaded.name == name
        blueprint = loaded.blueprint
        total = sum(section.count * section.points for section in blueprint.sections)
        assert total == blueprint.total_points


def test_i2dl_mock_has_the_real_exam_shape() -> None:
    blueprint = load_blueprint("i2dl-mock").blueprint
    assert blueprint.duration_minutes == 90
    assert blueprint.total_points == 90
    assert blueprint.show_grades is False
    kinds = [section.kind for section in blueprint.sections]
    assert kinds == ["choice", "open", "calculation"]
    choice, short, problems_section = blueprint.sections
    assert set(choice.types) == {"multi", "single", "truefalse"}
    assert short.types == ("open",)
    assert problems_section.types == ("problem",)
    for section in blueprint.sections:
        assert sorted(section.filter.lectures) == list(range(1, 13))
    assert set(blueprint.lecture_weights) == set(range(1, 13))


def test_quick_20_is_short() -> None:
    blueprint = load_blueprint("quick-20").blueprint
    assert blueprint.duration_minutes == 20
    assert sum(section.count for section in blueprint.sections) <= 15
    assert {section.kind for section in blueprint.sections} == {"choice", "calculation", "open"}


def test_a_valid_blueprint_and_its_defaults() -> None:
    loaded = parse_blueprint(VALID)
    blueprint = loaded.blueprint
    assert blueprint.show_grades is False
    assert blueprint.weight(5) == 1.0
    assert blueprint.sections[0].types == KIND_TYPES["choice"]
    assert blueprint.sections[1].total_points == 3


def test_schema_errors_are_located() -> None:
    found = problems((DATA / "broken.yaml").read_text())
    assert found == [
        "bp.yaml:2:19: must be greater than 0, got -5 (at duration_minutes)",
        "bp.yaml:4:1: unknown key 'show_grade' (did you mean 'show_grades'?) (at show_grade)",
        "bp.yaml:7:11: expected 'choice', 'open', 'calculation' or 'mixed', got 'choise' "
        "(at sections[0].kind)",
        "bp.yaml:14:18: must be at most 12, got 13 (at sections[1].filter.lectures[0])",
    ]


def test_load_blueprint_names_the_file() -> None:
    with pytest.raises(ValidationFailed) as caught:
        load_blueprint(DATA / "broken.yaml")
    assert str(caught.value).splitlines()[1].startswith(f"{DATA / 'broken.yaml'}:2:19: ")


def test_points_that_do_not_add_up_are_located_at_total_points() -> None:
    text = VALID.replace("total_points: 6", "total_points: 7")
    assert problems(text) == [
        "bp.yaml:3:15: total_points is 7 but the sections add up to 6 (2 x 1.5 + 1 x 3) "
        "(at total_points)"
    ]


def test_types_must_fit_the_kind() -> None:
    text = VALID.replace(
        "    kind: open\n", "    kind: open\n    filter: {types: [open, numeric]}\n"
    )
    assert problems(text) == [
        "bp.yaml:11:28: an open section cannot hold numeric questions; use open or kind: mixed "
        "(at sections[1].filter.types[1])"
    ]


def test_yaml_syntax_and_shape_errors_are_located() -> None:
    assert problems("title: [unclosed\n")[0].startswith("bp.yaml:2:1: YAML syntax error")
    assert problems("- a list\n") == [
        "bp.yaml:1:1: expected a blueprint (title, duration_minutes, ...), got a list"
    ]
    assert problems("") == [
        "bp.yaml:1:1: expected a blueprint (title, duration_minutes, ...), got nothing"
    ]
    missing = problems("title: x\nsections: []\n")
    assert "bp.yaml:1:1: missing required field 'duration_minutes' (at duration_minutes)" in missing
    assert "bp.yaml:2:11: needs at least 1 item, got 0 (at sections)" in missing


def test_bad_lecture_weight_key_is_located() -> None:
    text = VALID.replace("sections:", "lecture_weights: {13: 2}\nsections:")
    assert problems(text) == ["bp.yaml:4:19: must be at most 12, got 13 (at lecture_weights[13])"]


def test_unknown_blueprint_lists_the_known_ones() -> None:
    with pytest.raises(UserError, match="no blueprint 'nope': give a file or one of .*quick-20"):
        resolve_blueprint("nope")
    assert resolve_blueprint("quick-20").name == "quick-20.yaml"
    assert resolve_blueprint(DATA / "tiny.yaml") == DATA / "tiny.yaml"
