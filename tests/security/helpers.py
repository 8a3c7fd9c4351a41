"""Shared by the security tests: the corpus, its payload markers, raw-terminal checks."""

from __future__ import annotations

import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.yaml"))
PAYLOAD_MARKER = "# payload"
# What must never reach a terminal raw: C0 controls but tab/newline, DEL, C1 controls.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def payload_line(path: Path) -> int:
    """The 1-based line marked ``# payload``: where the problem must be reported."""
    lines = path.read_text(encoding="utf-8").splitlines()
    marked = [number for number, line in enumerate(lines, 1) if PAYLOAD_MARKER in line]
    assert len(marked) == 1, f"{path.name} needs exactly one '{PAYLOAD_MARKER}' line"
    return marked[0]


def canaries(folder: Path) -> list[Path]:
    """Files a payload of the corpus would have created (``touch canary-...``)."""
    return sorted(folder.glob("canary*"))
