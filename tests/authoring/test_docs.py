"""docs/authoring.md: every YAML example loads and passes its tests, every command runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from quizbank.answering import run_answer_tests
from quizbank.loader import load_bank
from quizbank.scaffold import check_bank_text
from solvers.registry import SOLVERS
from tui.cli import build_parser, main

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", TEXT, re.S)
YAML = [body for language, body in BLOCKS if language == "yaml"]
COMMANDS = [
    line.strip()
    for language, body in BLOCKS
    if language == "sh"
    for line in body.splitlines()
    if line.strip().startswith("dlquiz ")
]
HEADER = "lecture: 9\ntitle: Authoring guide\nquestions:\n"


def _as_file(block: str) -> str:
    """A whole bank file as it is, or a questions: entry wrapped in a file."""
    if block.lstrip("# \n").startswith(("lecture:", "yaml-language-server")):
        return block
    return HEADER + "".join(f"  {line}\n" for line in block.splitlines())


def test_the_guide_has_examples_of_every_type() -> None:
    types = {match for block in YAML for match in re.findall(r"^\s*-? ?type: (\w+)", block, re.M)}
    assert types >= {"single", "multi", "truefalse", "numeric", "expression", "shape", "open"}
    assert "type: problem" in TEXT
    assert len(COMMANDS) >= 10


@pytest.mark.parametrize("index", range(len(YAML)))
def test_every_yaml_example_validates_and_passes_its_tests(index: int, tmp_path: Path) -> None:
    text = _as_file(YAML[index])
    assert check_bank_text(text) == []
    path = tmp_path / "example.yaml"
    path.write_text(text, encoding="utf-8")
    for question in load_bank([path], builtin=False, deep=True).questions:
        assert run_answer_tests(question) == [], question.id


def test_the_examples_have_distinct_ids(tmp_path: Path) -> None:
    for index, block in enumerate(YAML):
        (tmp_path / f"example{index:02d}.yaml").write_text(_as_file(block), encoding="utf-8")
    bank = load_bank([tmp_path], builtin=False)
    assert len(bank.questions) == len(YAML)  # one question per block, no id twice


def test_every_solver_is_documented_and_no_other() -> None:
    table = TEXT.split("| solver | computes |")[1].split("\n\n")[0]
    documented = set(re.findall(r"^\| `(\w+)` \|", table, re.M))
    assert documented == set(SOLVERS), "update the solver table in docs/authoring.md"


@pytest.mark.torch
def test_every_command_in_the_guide_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for command in COMMANDS:
        argv = shlex.split(command)[1:]
        if argv[:2] == ["bank", "preview"]:  # opens the app: tested in test_preview.py
            assert build_parser().parse_args(argv).handler is not None
            continue
        status = main(argv)
        output = capsys.readouterr()
        assert status == 0, f"{command}\n{output.out}\n{output.err}"
    assert (tmp_path / "mybank" / "lecture09.yaml").is_file()
    assert (tmp_path / "deck.apkg").is_file()
    assert load_bank([tmp_path / "imported"], builtin=False).questions
