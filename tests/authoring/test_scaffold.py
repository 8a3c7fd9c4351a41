"""`dlquiz bank new`: every skeleton loads, passes its own tests and lands in the right file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quizbank.answering import run_answer_tests
from quizbank.errors import UserError
from quizbank.loader import load_bank
from quizbank.paths import BUILTIN_BANK_DIR
from quizbank.scaffold import add_question, build_question_text, check_bank_text, file_header
from quizbank.schema import QUESTION_TYPES
from tui.cli import main


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_every_skeleton_validates_and_passes_its_own_tests(kind: str, tmp_path: Path) -> None:
    entry = build_question_text(kind, 9, f"l09-new-{kind}")
    assert check_bank_text(file_header(9, "CNNs") + entry) == []
    (tmp_path / "lecture09.yaml").write_text(file_header(9, "CNNs") + entry, encoding="utf-8")
    question = load_bank([tmp_path], builtin=False, deep=True).by_id[f"l09-new-{kind}"]
    assert question.type == kind
    assert question.lecture == 9
    assert run_answer_tests(question) == []
    assert question.tests or kind == "open"  # open answers are rated, not tested
    assert "@" not in entry  # every marker filled in


@pytest.mark.parametrize("kind", ["numeric", "expression", "shape", "problem"])
def test_computational_skeletons_are_parametric_with_mistake_tests(kind: str) -> None:
    entry = build_question_text(kind, 4, f"l04-new-{kind}")
    data = check_bank_text(file_header(4, "t") + entry)
    assert data == []
    assert "params:" in entry
    assert "mistake:" in entry  # each mistake rule has its test


def test_the_seed_0_answers_depend_on_the_id() -> None:
    texts = {build_question_text("numeric", 9, f"l09-conv-{n}") for n in range(6)}
    tests = {text.split("tests:")[1] for text in texts}
    assert len(tests) > 1  # the id seeds the draw, so the filled-in answers differ


def test_new_creates_the_file_with_schema_line_lecture_and_title(tmp_path: Path) -> None:
    added = add_question(tmp_path, "single", 9, title="Convolutional Neural Networks")
    assert added.created and added.path == tmp_path / "lecture09.yaml"
    text = added.path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# yaml-language-server: $schema=")
    assert lines[0].endswith("bank.schema.json")
    assert lines[1:4] == ["lecture: 9", "title: Convolutional Neural Networks", "questions:"]
    assert load_bank([tmp_path], builtin=False).by_id["l09-new-single"].type == "single"


def test_new_appends_with_fresh_ids_and_refuses_taken_ones(tmp_path: Path) -> None:
    first = add_question(tmp_path, "numeric", 9)
    second = add_question(tmp_path, "numeric", 9)
    third = add_question(tmp_path, "open", 9, question_id="l09-why-pool")
    assert (first.question_id, second.question_id) == ("l09-new-numeric", "l09-new-numeric-2")
    assert not second.created and not third.created
    bank = load_bank([tmp_path], builtin=False)
    assert [q.id for q in bank.questions] == [
        "l09-new-numeric",
        "l09-new-numeric-2",
        "l09-why-pool",
    ]
    with pytest.raises(UserError, match="already used"):
        add_question(tmp_path, "open", 9, question_id="l09-why-pool")
    with pytest.raises(UserError, match="already used"):
        add_question(tmp_path, "open", 9, question_id="l99-x", taken={"l99-x"})


@pytest.mark.parametrize(
    "existing",
    [
        "lecture: 9\ntitle: t\nquestions: []\n",
        "lecture: 9\ntitle: t\n",
        "lecture: 9\ntitle: t\nquestions:\n- id: l09-flat\n  type: truefalse\n  topic: x\n"
        "  source: Lecture 9\n  prompt: P.\n  answer: true\n  explanation: Because it is so.",
    ],
    ids=["empty-list", "no-questions-key", "unindented-list-without-final-newline"],
)
def test_new_appends_to_files_of_other_layouts(tmp_path: Path, existing: str) -> None:
    path = tmp_path / "lecture09.yaml"
    path.write_text(existing, encoding="utf-8")
    add_question(tmp_path, "truefalse", 9)
    bank = load_bank([tmp_path], builtin=False)
    assert bank.questions[-1].id == "l09-new-truefalse"


def test_new_refuses_a_file_it_cannot_append_to(tmp_path: Path) -> None:
    path = tmp_path / "lecture09.yaml"
    path.write_text("lecture: 9\ntitle: t\nquestions: [{id: l09-a}]\n", encoding="utf-8")
    with pytest.raises(UserError, match="--stdout"):
        add_question(tmp_path, "truefalse", 9)
    assert path.read_text(encoding="utf-8").endswith("[{id: l09-a}]\n")  # untouched


def test_bad_type_lecture_and_id_are_user_errors() -> None:
    with pytest.raises(UserError, match="unknown question type"):
        build_question_text("essay", 9, "l09-x-essay")
    with pytest.raises(UserError, match="lectures are numbered"):
        build_question_text("single", 13, "l13-x-single")
    with pytest.raises(UserError, match="invalid question id"):
        build_question_text("single", 9, "Bad Id")


def test_cli_new_writes_to_the_current_folder_not_the_builtin_bank(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {path: path.stat().st_mtime_ns for path in BUILTIN_BANK_DIR.glob("*.yaml")}
    monkeypatch.chdir(tmp_path)
    assert main(["bank", "new", "--type", "shape", "--lecture", "2"]) == 0
    assert "created" in capsys.readouterr().out
    assert (tmp_path / "lecture02.yaml").is_file()
    assert {path: path.stat().st_mtime_ns for path in BUILTIN_BANK_DIR.glob("*.yaml")} == before
    builtin_title = load_bank(skip_broken=True).lectures.get(2, "Lecture 2")
    assert load_bank([tmp_path], builtin=False).lectures[2] == builtin_title


def test_cli_new_with_bank_and_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mine"
    assert main(["bank", "new", "--type", "multi", "--lecture", "9", "--bank", str(folder)]) == 0
    assert (folder / "lecture09.yaml").is_file()
    capsys.readouterr()
    assert main(["bank", "new", "--type", "multi", "--lecture", "9", "--stdout"]) == 0
    printed = capsys.readouterr().out
    assert printed.lstrip().startswith("# Check it with")
    assert "type: multi" in printed
    assert main(["bank", "new", "--type", "open", "--lecture", "13", "--stdout"]) == 1
    assert "lectures are numbered 1 to 12" in capsys.readouterr().err
    assert os.listdir(folder) == ["lecture09.yaml"]


def test_the_cli_lists_the_schemas_types_and_formats() -> None:
    from quizbank.export import FORMATS
    from quizbank.skeletons import SKELETONS
    from tui.commands.bank import export

    assert tuple(SKELETONS) == QUESTION_TYPES  # `bank new --type` offers every type
    assert export.FORMATS == FORMATS


@pytest.mark.torch
def test_skeleton_answers_agree_with_their_reference_models(tmp_path: Path) -> None:
    from quizbank.check import check_bank

    for kind in QUESTION_TYPES:
        add_question(tmp_path, kind, 9)
    report = check_bank(load_bank([tmp_path], builtin=False), seeds=8)
    assert report.findings == []
    assert report.comparisons > 0
