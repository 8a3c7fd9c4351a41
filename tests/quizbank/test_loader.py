"""Loading banks: the Bank object, user folders, skipping broken files, speed, the CLI."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from quizbank.errors import UserError, ValidationFailed
from quizbank.loader import bank_paths, load_bank
from quizbank.paths import BANK_SCHEMA_PATH, BUILTIN_BANK_DIR
from quizbank.schema import bank_json_schema_text
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD = ROOT / "tests" / "data" / "good"
BROKEN = ROOT / "tests" / "data" / "broken"
HAS_BUILTIN = any(BUILTIN_BANK_DIR.glob("*.yaml"))


def test_bank_holds_questions_by_id_lecture_and_topic() -> None:
    bank = load_bank([GOOD], builtin=False)
    assert bank.files == (GOOD / "basics.yaml", GOOD / "solvers.yaml")
    assert len(bank.questions) == 13
    assert set(bank.by_id) == {q.id for q in bank.questions}
    assert bank.by_id["fx-pooling"].type == "multi"
    assert dict(bank.lectures) == {9: "Fixture lecture"}
    assert bank.topics[:3] == ("activations", "conv output size", "equivariance")
    assert list(bank.topics) == sorted(set(bank.topics), key=str.casefold)
    assert bank.file_of["fx-solver-fixed"] == GOOD / "solvers.yaml"
    assert bank.skipped == []


def test_a_question_without_lecture_gets_its_files_lecture() -> None:
    bank = load_bank([GOOD / "basics.yaml"], builtin=False)
    assert bank.by_id["fx-conv-width"].lecture == 9
    assert bank.by_id["fx-lr-decay"].lecture == 7


def test_user_folders_take_yaml_and_yml_files_sorted(tmp_path: Path) -> None:
    shutil.copy(GOOD / "solvers.yaml", tmp_path / "b.yml")
    shutil.copy(GOOD / "basics.yaml", tmp_path / "a.yaml")
    (tmp_path / "notes.txt").write_text("not a bank")
    assert bank_paths([tmp_path], builtin=False) == [tmp_path / "a.yaml", tmp_path / "b.yml"]
    assert len(load_bank([tmp_path], builtin=False).questions) == 13


def test_a_missing_bank_path_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such bank file or folder"):
        load_bank([tmp_path / "nope"], builtin=False)


def test_skip_broken_loads_the_rest_and_lists_the_problems() -> None:
    broken = [BROKEN / "unknown_key.yaml", BROKEN / "tabs.yaml"]
    bank = load_bank([GOOD, *broken], builtin=False, skip_broken=True)
    assert len(bank.questions) == 13
    assert sorted({p.path for p in bank.skipped}) == sorted(str(p) for p in broken)
    with pytest.raises(ValidationFailed):
        load_bank([GOOD, *broken], builtin=False)


def test_deep_checks_only_run_when_asked() -> None:
    path = BROKEN / "unsatisfiable.yaml"
    assert len(load_bank([path], builtin=False).questions) == 1
    with pytest.raises(ValidationFailed, match="satisfies the constraints"):
        load_bank([path], builtin=False, deep=True)


def test_the_garbage_collector_is_restored_after_loading() -> None:
    assert gc.isenabled()
    load_bank([GOOD], builtin=False)
    assert gc.isenabled()
    with pytest.raises(ValidationFailed):
        load_bank([BROKEN / "tabs.yaml"], builtin=False)
    assert gc.isenabled()


@pytest.mark.skipif(not HAS_BUILTIN, reason="the built-in bank is not written yet")
def test_the_builtin_bank_validates_deeply() -> None:
    bank = load_bank(deep=True)
    assert bank.questions and bank.skipped == []
    assert set(bank.lectures) <= set(range(1, 13))


def _big_bank(folder: Path, questions: int) -> Path:
    """A bank of parametric questions, ``questions`` in one file."""
    entries = []
    for index in range(questions):
        entries.append(
            f"""  - id: big-{index:05d}
    type: numeric
    topic: conv output size
    tags: [conv, output-size]
    source: Lecture 9
    prompt: |
      Kernel {{k}}, stride {{s}} and padding {{p}} on width {{n}}. Output width?
    params:
      n: {{range: [28, 128]}}
      k: {{choices: [3, 5, 7]}}
      s: {{choices: [1, 2]}}
      p: {{range: [0, 3]}}
    constraints: ["k <= n + 2*p", "p <= k // 2"]
    answer: {{expr: "(n + 2*p - k)//s + 1"}}
    mistakes:
      - tag: forgot-plus-one
        message: The +1 counts the first window.
        answer: {{expr: "(n + 2*p - k)//s"}}
    explanation: "$W_{{out}} = (n + 2p - k)/s + 1$, floored."
"""
        )
    path = folder / "big.yaml"
    path.write_text("lecture: 9\ntitle: Big\nquestions:\n" + "".join(entries))
    return path


@pytest.mark.slow
def test_loading_costs_about_as_much_as_bare_yaml(tmp_path: Path) -> None:
    """The whole load (YAML, schema, semantic checks) against bare CSafeLoader."""
    path = _big_bank(tmp_path, 1000)
    assert path.stat().st_size < 2 * 1024 * 1024

    def bare() -> None:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    def ours() -> None:
        load_bank([path], builtin=False)

    def best(function: object) -> float:
        times = []
        for _ in range(2):
            start = time.perf_counter()
            function()  # type: ignore[operator]
            times.append(time.perf_counter() - start)
        return min(times)

    assert best(ours) <= 1.2 * best(bare)


# --------------------------------------------------------------------------- the commands


def test_validate_prints_ok_for_good_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "validate", str(GOOD)]) == 0
    assert capsys.readouterr().out == "OK: 13 questions in 2 files\n"


def test_validate_prints_every_problem_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(BROKEN / "unknown_key.yaml"), str(BROKEN / "many_problems.yaml")]
    assert main(["bank", "validate", *paths]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 5
    assert lines[-1] == (
        f"{BROKEN / 'unknown_key.yaml'}:10:5: unknown key 'tolerence' "
        "(did you mean 'tolerance'?) (at questions[0].tolerence)"
    )
    assert captured.err == "dlquiz: 5 problems in 2 files\n"


def test_validate_skip_broken_reports_and_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "validate", str(GOOD), str(BROKEN / "tabs.yaml"), "--skip-broken"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{BROKEN / 'tabs.yaml'}:5:1: tab character: indent with spaces, not tabs",
        "OK: 13 questions in 2 files; skipped 1 broken file",
    ]


def test_validate_reports_an_id_clash_with_the_builtin_bank(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not HAS_BUILTIN:
        pytest.skip("the built-in bank is not written yet")
    builtin_id = load_bank().questions[0].id
    text = (BROKEN / "duplicate_ids_a.yaml").read_text().replace("br-same-id", builtin_id)
    (tmp_path / "mine.yaml").write_text(text)
    assert main(["bank", "validate", str(tmp_path)]) == 1
    assert f"duplicate question id '{builtin_id}'" in capsys.readouterr().out


def test_schema_command_writes_the_committed_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schema.json"
    assert main(["bank", "schema", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == BANK_SCHEMA_PATH.read_text(encoding="utf-8")
    assert main(["bank", "schema"]) == 0
    assert capsys.readouterr().out.endswith(bank_json_schema_text())


def test_validate_imports_neither_torch_nor_textual() -> None:
    code = (
        "import sys, contextlib, io\nfrom tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['bank', 'validate', {str(GOOD)!r}])\n"
        "print(','.join(sorted(sys.modules)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    loaded = set(output.strip().split(","))
    assert "quizbank.loader" in loaded
    assert {"torch", "textual", "reference_models"}.isdisjoint(loaded)


def test_a_builtin_file_named_again_is_loaded_once() -> None:
    from quizbank.loader import bank_paths
    from quizbank.paths import BUILTIN_BANK_DIR

    builtin = sorted(BUILTIN_BANK_DIR.glob("*.yaml"))
    assert builtin, "the built-in bank has files"
    listed = bank_paths([builtin[0], BUILTIN_BANK_DIR])
    assert len(listed) == len(builtin)
    assert len({path.resolve() for path in listed}) == len(listed)
