"""Killing a writer mid-write, and two writers at once: nothing acknowledged is ever lost."""

from __future__ import annotations

import random
import subprocess
import time
from pathlib import Path

from quizbank.store import Store
from tests.faults.helpers import Acknowledged, check_database, send_line, start, writer_command

KILL_LOOPS = 50


def test_kill_9_during_writes_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random(20250106)
    everything = Acknowledged()
    loops_with_writes = 0

    def held_writer(loop: int) -> subprocess.Popen[str]:
        # Started ahead and held before opening the store, so that its start-up overlaps
        # the previous loop and it opens the store only after the previous crash.
        return start(writer_command(tmp_path, "--hold", "--tag", f"k{loop}"))

    upcoming = held_writer(0)
    for loop in range(KILL_LOOPS):
        writer = upcoming
        send_line(writer)
        assert writer.stdout is not None
        first = writer.stdout.readline()
        assert first.startswith("ready"), first
        if loop + 1 < KILL_LOOPS:
            upcoming = held_writer(loop + 1)
        time.sleep(rng.uniform(0.02, 0.2))  # let it write, then pull the plug
        writer.kill()
        rest, stderr = writer.communicate(timeout=10)
        assert writer.returncode == -9, stderr
        acknowledged = Acknowledged()
        acknowledged.read(first + rest)
        everything.read(first + rest)
        loops_with_writes += bool(acknowledged.attempts)
        check_database(tmp_path, acknowledged)
    assert loops_with_writes >= KILL_LOOPS // 2  # the kills really did land mid-write
    # The store opens the result of 50 crashes, and every acknowledged write is still there.
    check_database(tmp_path, everything)
    with Store.open(tmp_path) as store:
        stored = {attempt.id for attempt in store.attempts()}
    assert set(everything.attempts) <= stored


def test_two_processes_recording_at_once_lose_nothing_and_never_fail(tmp_path: Path) -> None:
    per_writer = 150
    # Both start on a missing database, so they also race to create and migrate it. The
    # short pause is a very fast student; without it SQLite's lock is not fair and one
    # writer could finish before the other gets a turn.
    options = ("--count", str(per_writer), "--wait", "--pause", "0.002")
    writers = [start(writer_command(tmp_path, *options, "--tag", tag)) for tag in "xy"]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().startswith("ready")
    acknowledged = []
    for writer in writers:  # go: both write at the same time from here
        send_line(writer)
    for writer in writers:
        stdout, stderr = writer.communicate(timeout=60)
        assert writer.returncode == 0, stderr
        assert "locked" not in stderr
        assert stdout.endswith("done\n")
        acknowledged.append(Acknowledged())
        acknowledged[-1].read(stdout)
    x_ids, y_ids = (set(a.attempts) for a in acknowledged)
    assert len(x_ids) == len(y_ids) == per_writer
    assert min(y_ids) < max(x_ids) and min(x_ids) < max(y_ids)  # they really interleaved
    everything = Acknowledged()
    for one in acknowledged:
        everything.attempts.update(one.attempts)
        everything.answers.update(one.answers)
    assert check_database(tmp_path, everything) == 2 * per_writer
