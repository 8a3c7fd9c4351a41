"""A read-only data folder, a full disk, a damaged file: one clear line, nothing lost."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from quizbank.store import DB_NAME, Store
from tests.faults.helpers import (
    Acknowledged,
    check_database,
    cli_command,
    one_clear_line,
    run,
    unprivileged,
    writer_command,
)


def seeded_data_dir(path: Path) -> Acknowledged:
    result = run(writer_command(path, "--count", "20"))
    assert result.returncode == 0, result.stderr
    acknowledged = Acknowledged()
    acknowledged.read(result.stdout)
    return acknowledged


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    modes = {path: path.stat().st_mode for path in paths}
    try:
        for path in paths:
            path.chmod(modes[path] & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def test_a_read_only_data_dir_is_one_clear_line_and_keeps_the_data(tmp_path: Path) -> None:
    acknowledged = seeded_data_dir(tmp_path)
    with read_only(tmp_path / DB_NAME, tmp_path):
        for command in (
            writer_command(tmp_path, "--count", "5"),
            cli_command("stats", "--data-dir", str(tmp_path)),
        ):
            result = run(unprivileged(command))
            assert result.returncode == 1
            line = one_clear_line(result.stderr)
            assert "read-only" in line and "--data-dir" in line
    assert check_database(tmp_path, acknowledged) == 20


def test_a_read_only_file_in_a_writable_folder_still_refuses_writes_clearly(
    tmp_path: Path,
) -> None:
    acknowledged = seeded_data_dir(tmp_path)
    with read_only(tmp_path / DB_NAME):
        result = run(unprivileged(writer_command(tmp_path, "--count", "5")))
        assert result.returncode == 1
        assert "read-only" in one_clear_line(result.stderr)
    assert check_database(tmp_path, acknowledged) == 20


def test_a_data_dir_that_cannot_be_created_is_one_clear_line(tmp_path: Path) -> None:
    with read_only(tmp_path):
        result = run(unprivileged(writer_command(tmp_path / "dlquiz", "--count", "1")))
    assert result.returncode == 1
    assert "cannot create the data folder" in one_clear_line(result.stderr)
    assert not (tmp_path / "dlquiz").exists()


def test_a_full_disk_is_one_clear_line_and_loses_nothing_acknowledged(tmp_path: Path) -> None:
    earlier = seeded_data_dir(tmp_path)
    result = run(writer_command(tmp_path, "--page-limit", "4"))  # writes until the disk is full
    assert result.returncode == 1
    line = one_clear_line(result.stderr)
    assert "is full" in line and "progress saved earlier is safe" in line
    acknowledged = Acknowledged()
    acknowledged.read(result.stdout)
    assert acknowledged.attempts  # some answers fitted before the disk filled up
    check_database(tmp_path, earlier)
    check_database(tmp_path, acknowledged)
    with Store.open(tmp_path) as store:  # and the store still works once there is room
        assert len(store.attempts()) == 20 + len(acknowledged.attempts)


def test_a_damaged_database_is_kept_until_the_user_asks_to_reset(tmp_path: Path) -> None:
    seeded_data_dir(tmp_path)
    path = tmp_path / DB_NAME
    damaged = bytearray(path.read_bytes())
    damaged[:16] = b"not SQLite, sorry"[:16]  # the header: "file is not a database"
    path.write_bytes(bytes(damaged))
    stats = cli_command("stats", "--data-dir", str(tmp_path))

    refused = run(stats)
    assert refused.returncode == 1
    line = one_clear_line(refused.stderr)
    assert "damaged" in line and "--reset-corrupt-db" in line
    assert path.read_bytes() == bytes(damaged)
    assert not list(tmp_path.glob("*.corrupt-*"))

    reset = run([*stats, "--reset-corrupt-db"])
    assert reset.returncode == 0, reset.stderr
    assert "Traceback" not in reset.stderr and "moved" in reset.stderr
    (moved,) = [
        p for p in tmp_path.glob(f"{DB_NAME}.corrupt-*") if p.name[-4:] not in {"-wal", "-shm"}
    ]
    assert moved.read_bytes() == bytes(damaged)
    fresh = sqlite3.connect(path)
    assert fresh.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert fresh.execute("SELECT COUNT(*) FROM attempts").fetchone() == (0,)
    fresh.close()
