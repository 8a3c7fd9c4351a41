"""The command line never shows a user a traceback."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui import cli


def _parser_with(handler: Any) -> Any:
    def build(argv: Any = None) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog="dlquiz")
        parser.set_defaults(handler=handler)
        return parser

    return build


def test_an_internal_bug_is_one_line_and_a_report_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise ZeroDivisionError("\x1b[2Jboom")

    monkeypatch.setattr(cli, "build_parser", _parser_with(broken))
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "internal error" in err and "ZeroDivisionError" in err
    assert "\x1b" not in err  # the message is shown inert
    report = Path(err.split("the details are in ")[1].split(";")[0])
    try:
        assert "Traceback" in report.read_text(encoding="utf-8")
    finally:
        report.unlink()


def test_a_closed_pipe_ends_quietly() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before dlquiz writes anything (like `| head`)
    try:
        writer = subprocess.run(
            [sys.executable, "-m", "tui.cli", "bank", "stats"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in writer.stderr
    assert "BrokenPipeError" not in writer.stderr
    assert writer.returncode == 0
