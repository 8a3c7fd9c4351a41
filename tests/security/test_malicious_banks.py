"""Malicious bank files are refused quickly with a located error, and nothing in them runs.

Every file of ``corpus/`` marks the line of its payload with ``# payload``; loading it
as ``dlquiz bank validate`` does (``deep=True``) must report a problem on that line, in
the file, within 2 s. Payloads that would run a command ``touch`` a canary file in the
working directory, so a canary left behind proves that one ran. The biggest inputs (a
50 MB file, nesting 10,000 deep, a 1.9 MB string) are generated here, not committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizbank.errors import ValidationFailed
from quizbank.loader import load_bank
from tests.security.helpers import CORPUS, CORPUS_FILES, RAW_CONTROL, canaries, payload_line

BOUND_SECONDS = 2.0
ROOT = Path(__file__).resolve().parents[2]
# Run through the real command line: interpreter start-up and the built-in bank's deep
# check (which `validate PATH` also loads, for duplicate ids) come on top of the 2 s.
CLI_FILES = (
    "tag_object_apply.yaml",
    "tag_object_new.yaml",
    "alias_bomb.yaml",
    "escape_clear_screen_id.yaml",
    "escape_osc52_clipboard.yaml",
    "template_globals.yaml",
)
CLI_BOUND_SECONDS = 15.0
RAW_BYTES = (b"\x1b", b"\x07", b"\x00", b"\xc2\x9b")


def _rejection(paths: list[Path]) -> tuple[ValidationFailed, float]:
    started = time.perf_counter()
    with pytest.raises(ValidationFailed) as caught:
        load_bank(paths, builtin=False, deep=True)
    return caught.value, time.perf_counter() - started


def test_the_corpus_is_large_and_every_file_is_described() -> None:
    assert len(CORPUS_FILES) >= 20
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    described = {line.split("`")[1] for line in readme.splitlines() if line.startswith("- `")}
    assert described == {path.name for path in CORPUS_FILES}


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])
def test_malicious_file_is_refused_at_its_payload_and_nothing_runs(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where a payload's `touch canary-...` would land
    failed, seconds = _rejection([path])
    assert seconds < BOUND_SECONDS
    assert failed.problems
    assert {problem.path for problem in failed.problems} == {str(path)}
    line = payload_line(path)
    assert line in {problem.line for problem in failed.problems}, str(failed)
    assert all(problem.column >= 1 for problem in failed.problems)
    assert not RAW_CONTROL.search(str(failed)), "control characters must be shown escaped"
    assert canaries(tmp_path) == [] and canaries(ROOT) == []


@pytest.mark.parametrize("name", CLI_FILES)
def test_bank_validate_refuses_it_in_a_subprocess(name: str, tmp_path: Path) -> None:
    path = CORPUS / name
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "bank", "validate", str(path)],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 1, done.stderr.decode(errors="replace")
    assert seconds < CLI_BOUND_SECONDS
    stdout = done.stdout.decode("utf-8")
    assert f"{path}:{payload_line(path)}:" in stdout
    assert "problem" in done.stderr.decode("utf-8")
    assert "Traceback" not in done.stderr.decode("utf-8")
    for raw in RAW_BYTES:
        assert raw not in done.stdout and raw not in done.stderr
    assert canaries(tmp_path) == []


def test_the_payloads_are_live_so_the_canary_means_something(tmp_path: Path) -> None:
    """An unsafe loader does run them: without this, a missing canary would prove nothing.

    Only in a child process, in a temporary folder, and only these two files, whose whole
    effect is ``touch canary-...``.
    """
    live = {
        "tag_object_apply.yaml": "canary-object-apply",
        "tag_object_new.yaml": "canary-object-new",
    }
    for name, canary in live.items():
        assert canary in (CORPUS / name).read_text(encoding="utf-8")
        code = "import sys, yaml\nyaml.unsafe_load(open(sys.argv[1], encoding='utf-8'))\n"
        subprocess.run([sys.executable, "-c", code, str(CORPUS / name)], cwd=tmp_path, check=True)
        assert (tmp_path / canary).exists(), f"{name} did not run under an unsafe loader"


# --------------------------------------------------------------------------- generated


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


QUESTION = """\
lecture: 9
title: Generated
questions:
  - id: sec-generated
    type: truefalse
    topic: security
    source: generated
    prompt: {prompt}
    answer: false
    explanation: Generated.
"""


def test_a_50_megabyte_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as file:
        file.write(QUESTION.format(prompt="big"))
        line = "# " + "x" * 1021 + "\n"
        for _ in range(50 * 1024):
            file.write(line)
    assert path.stat().st_size >= 50 * 1024 * 1024
    failed, seconds = _rejection([path])
    assert seconds < BOUND_SECONDS
    (problem,) = failed.problems
    assert (problem.line, problem.column) == (1, 1)
    assert "too large" in problem.message


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("[", "]"), ("{a: ", "}")],
    ids=["sequences", "mappings"],
)
def test_nesting_10000_deep_is_refused_with_a_location(
    tmp_path: Path, opening: str, closing: str
) -> None:
    deep = opening * 10_000 + "1" + closing * 10_000
    path = _write(tmp_path / "deep.yaml", QUESTION.format(prompt="deep") + f"deep: {deep}\n")
    failed, seconds = _rejection([path])
    assert seconds < BOUND_SECONDS
    assert any("nested too deeply" in problem.message for problem in failed.problems)
    assert all(problem.line == 11 for problem in failed.problems)


def test_a_huge_string_is_refused_at_its_line(tmp_path: Path) -> None:
    prompt = "x" * (1024 * 1024 + 900 * 1024)  # 1.9 MB: just under the 2 MB file limit
    path = _write(tmp_path / "long.yaml", QUESTION.format(prompt=prompt))
    failed, seconds = _rejection([path])
    assert seconds < BOUND_SECONDS
    (problem,) = failed.problems
    assert problem.line == 8
    assert "too long" in problem.message
    assert len(str(problem)) < 300  # the message names the length, not the text


def test_a_hundred_thousand_aliases_are_reported_briefly(tmp_path: Path) -> None:
    aliases = ", ".join(["*a"] * 100_000)
    text = f"a: &a x\nb: [{aliases}]\n" + QUESTION.format(prompt="aliases")
    path = _write(tmp_path / "aliases.yaml", text)
    failed, seconds = _rejection([path])
    assert seconds < BOUND_SECONDS
    assert len(failed.problems) <= 11
    assert "more aliases" in failed.problems[-1].message


def test_a_file_name_with_escape_sequences_is_shown_inert(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    name = "evil\x1b[2J\x1b]52;c;eA==\x07.yaml"
    path = folder / name
    path.write_bytes((CORPUS / "tag_name.yaml").read_bytes())
    failed, _ = _rejection([folder])
    assert failed.problems[0].path == str(path)  # kept as given, to match the file
    assert not RAW_CONTROL.search(str(failed))
    assert "evil\\x1b[2J\\x1b]52;c;eA==\\x07.yaml" in str(failed)
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "bank", "validate", str(folder)],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 1
    for raw in RAW_BYTES:
        assert raw not in done.stdout and raw not in done.stderr
    assert b"evil\\x1b[2J" in done.stdout
