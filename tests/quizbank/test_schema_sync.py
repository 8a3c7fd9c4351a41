"""The committed JSON Schema is the generated one, and bank files validate against it."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from quizbank.paths import BANK_SCHEMA_PATH, BUILTIN_BANK_DIR
from quizbank.schema import bank_json_schema, bank_json_schema_text

DATA = Path(__file__).resolve().parent.parent / "data"
BUILTIN_FILES = sorted(BUILTIN_BANK_DIR.glob("*.yaml"))
GOOD_FILES = sorted((DATA / "good").glob("*.yaml"))
SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/bank.schema.json"


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(BANK_SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _data(path: Path) -> object:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def test_committed_schema_equals_the_generated_one() -> None:
    committed = BANK_SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == bank_json_schema_text(), "run: dlquiz bank schema --out " + str(
        BANK_SCHEMA_PATH
    )
    assert json.loads(committed) == bank_json_schema()
    assert committed.endswith("}\n") and "\n  " in committed


def test_schema_text_is_sorted_and_pretty() -> None:
    text = bank_json_schema_text()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("path", GOOD_FILES, ids=lambda p: p.name)
def test_fixtures_validate_against_the_committed_schema(path: Path) -> None:
    data = _data(path)
    assert isinstance(data, dict)
    for question in data["questions"]:  # the loader fills in the file's lecture
        question.setdefault("lecture", data["lecture"])
    assert list(_validator().iter_errors(data)) == []


def test_the_schema_rejects_what_the_loader_rejects() -> None:
    data = _data(DATA / "broken" / "unknown_key.yaml")
    assert isinstance(data, dict)
    data["questions"][0]["lecture"] = 9
    errors = list(_validator().iter_errors(data))
    assert errors and "tolerence" in str(errors[0].message)


@pytest.mark.skipif(not BUILTIN_FILES, reason="the built-in bank is not written yet")
@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.name)
def test_builtin_bank_files_validate_against_the_committed_schema(path: Path) -> None:
    data = _data(path)
    assert isinstance(data, dict)
    for question in data["questions"]:
        question.setdefault("lecture", data["lecture"])
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in _validator().iter_errors(data)]
    assert errors == []


@pytest.mark.skipif(not BUILTIN_FILES, reason="the built-in bank is not written yet")
@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.name)
def test_builtin_bank_files_point_editors_at_the_schema(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_COMMENT
