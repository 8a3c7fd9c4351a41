"""Running writer and CLI processes for the fault tests, and reading what they acknowledged."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from quizbank.store import DB_NAME

ROOT = Path(__file__).resolve().parents[2]


def writer_command(data_dir: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "tests.faults.writer", str(data_dir), *options]


def cli_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "tui.cli", *arguments]


def start(command: list[str]) -> subprocess.Popen[str]:
    pipe = subprocess.PIPE
    return subprocess.Popen(command, cwd=ROOT, stdin=pipe, stdout=pipe, stderr=pipe, text=True)


def send_line(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()


def run(command: list[str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def unprivileged(command: list[str]) -> list[str]:
    """The command without root's power to write anywhere, so file modes apply to it."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only")
    drop = "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable"
    return ["setpriv", drop, *command]


@dataclass
class Acknowledged:
    """What a writer printed as committed (complete lines only)."""

    attempts: dict[int, str] = field(default_factory=dict)  # attempt id -> answer text
    answers: dict[tuple[int, int], int] = field(default_factory=dict)  # (exam, slot) -> value
    exams: set[int] = field(default_factory=set)

    def read(self, stdout: str) -> None:
        for line in stdout.split("\n")[:-1]:  # the last piece may be a half-written line
            kind, *values = line.split()
            if kind == "ready":
                self.exams.add(int(values[0]))
            elif kind == "a":
                self.attempts[int(values[0])] = values[1]
            elif kind == "e":
                exam, slot, value = map(int, values)
                self.answers[(exam, slot)] = value


def check_database(data_dir: Path, acknowledged: Acknowledged) -> int:
    """Integrity is ok and every acknowledged write is there; returns the attempt count.

    Reads through a read-only connection, so a crashed writer's -wal is left for the next
    writer to recover, exactly as after a real crash.
    """
    uri = f"{(data_dir / DB_NAME).resolve().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "attempts" not in tables:  # killed before the first migration committed
            assert not acknowledged.attempts and not acknowledged.exams
            return 0
        stored = dict(connection.execute("SELECT id, answer FROM attempts").fetchall())
        for attempt_id, answer in acknowledged.attempts.items():
            assert stored.get(attempt_id) == answer, f"acknowledged attempt {attempt_id} lost"
        exams = {row[0] for row in connection.execute("SELECT id FROM exams")}
        assert acknowledged.exams <= exams
        saved = {
            (exam, slot): int(response)
            for exam, slot, response in connection.execute(
                "SELECT exam_id, slot, response_json FROM exam_answers"
            )
        }
        for key, value in acknowledged.answers.items():
            # a later answer to the same slot may have committed unacknowledged
            assert saved.get(key, -1) >= value, f"acknowledged answer {key}={value} lost"
        return len(stored)
    finally:
        connection.close()


def one_clear_line(stderr: str) -> str:
    """The single ``dlquiz: ...`` line a user sees; fails on a traceback or extra output."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("dlquiz: ")
    return lines[0]
