"""`dlquiz exam` on the command line: errors are one clear line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizbank.clock import FakeClock
from quizbank.store import Store
from tui.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "blueprints"


def test_list_shows_the_builtin_blueprints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exam", "--list"]) == 0
    out = capsys.readouterr().out
    assert "i2dl-mock    90 min, 90 points, 35 questions: I2DL mock exam" in out
    assert "quick-20     20 min, 20 points" in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--blueprint", "nope"], "dlquiz: no blueprint 'nope': give a file or one of i2dl-mock"),
        (["--blueprint", str(DATA / "broken.yaml")], f"{DATA / 'broken.yaml'}:2:19: must be"),
        (["--minutes", "0"], "dlquiz: --minutes must be more than 0 and at most 600"),
        (["--resume", "--seed", "3"], "dlquiz: --resume continues the open exam as it was"),
        (["--resume"], "dlquiz: no exam is open; start one with `dlquiz exam`"),
        (["--report"], "dlquiz: no exam has been submitted yet"),
        (["--report", "7"], "dlquiz: there is no exam #7"),
    ],
)
def test_errors_are_one_clear_line(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["exam", "--data-dir", str(tmp_path), *arguments]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_running_exam_must_be_resumed_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(tmp_path, clock=FakeClock()) as store:
        store.create_exam("quick-20", 7, 1e9, [("q", 0)], state={})
    assert main(["exam", "--data-dir", str(tmp_path), "--blueprint", "quick-20"]) == 1
    assert "exam #1 (quick-20) is still open: continue it with `dlquiz exam --resume`" in (
        capsys.readouterr().err
    )
