"""A validated cache of bank files, so that a bank loads without YAML the second time.

After a file passes every check, its validated content is written as JSON to
``user_cache_dir("dlquiz")/banks`` (or ``$DLQUIZ_CACHE_DIR/banks``), one entry per file
path. The entry's first line holds the file's path, the SHA-256 of its bytes and a
fingerprint of the code that checked them (the sources of ``quizbank`` and ``solvers``,
the versions of Python and pydantic), so an edited file or a changed checker never
matches an old entry: such a file is read from YAML with every check, as at first.

An entry is untrusted input like a bank file: it is JSON (never pickle), read with
pydantic's ``model_validate_json``, and any problem with it (missing, stale, corrupt,
unreadable, too large) falls back to the YAML path silently. An entry is written only if
its JSON reads back as the same model, and only for files of at least
:data:`MIN_CACHED_BYTES` (small files load fast anyway). Entries of deleted files are
dropped, and at most :data:`MAX_ENTRIES` are kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Final

from quizbank.schema import BankFile

CACHE_DIR_ENV: Final = "DLQUIZ_CACHE_DIR"
FORMAT: Final = 1
MIN_CACHED_BYTES: Final = 16 * 1024
MAX_ENTRIES: Final = 64
MAX_ENTRY_BYTES: Final = 16 * 1024 * 1024  # a bank file has at most 2 MB of YAML
_SUFFIX: Final = ".json"


def default_cache_dir() -> Path:
    """``$DLQUIZ_CACHE_DIR/banks``, else the per-user cache dir (e.g. ~/.cache/dlquiz/banks)."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser() / "banks"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dlquiz", appauthor=False)) / "banks"


def _source_dirs() -> tuple[Path, ...]:
    import solvers

    return (Path(__file__).resolve().parent, Path(solvers.__file__).resolve().parent)


@functools.cache
def code_fingerprint() -> str | None:
    """SHA-256 of what decides whether a file is valid; None if the sources can't be read."""
    import pydantic

    digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]} {pydantic.VERSION}".encode())
    try:
        for folder in _source_dirs():
            for source in sorted(folder.glob("*.py")):
                data = source.read_bytes()
                digest.update(f"\0{source.name}\0{len(data)}\0".encode())
                digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()


class BankCache:
    """The cache entries in ``folder``; files smaller than ``min_bytes`` are not cached."""

    def __init__(self, folder: Path, *, min_bytes: int = MIN_CACHED_BYTES) -> None:
        self.folder = folder
        self.min_bytes = min_bytes

    def entry_path(self, path: Path) -> Path:
        """Where the entry of the bank file ``path`` lives (one per path)."""
        return self._entry(str(path.resolve()))

    def _entry(self, source: str) -> Path:
        key = hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return self.folder / (key + _SUFFIX)

    def _header(self, source: str, raw: bytes) -> bytes | None:
        fingerprint = code_fingerprint()
        if fingerprint is None or len(raw) < self.min_bytes:
            return None
        fields = {
            "format": FORMAT,
            "code": fingerprint,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "path": source,
        }
        return (json.dumps(fields) + "\n").encode()

    def read(self, path: Path, raw: bytes) -> BankFile | None:
        """The validated content of ``path`` if its entry matches ``raw``, else None."""
        source = str(path.resolve())
        header = self._header(source, raw)
        if header is None:
            return None
        try:
            with self._entry(source).open("rb") as handle:
                entry = handle.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        if len(entry) > MAX_ENTRY_BYTES or not entry.startswith(header):
            return None
        body = entry[len(header) :]
        if _has_control_characters(body):
            return None
        try:
            return BankFile.model_validate_json(body)
        except Exception:  # pydantic, JSON, nesting or memory errors: read the YAML instead
            return None

    def write(self, path: Path, raw: bytes, bank: BankFile) -> None:
        """Keep ``bank`` (validated from ``raw`` with every check) for the next load."""
        source = str(path.resolve())
        header = self._header(source, raw)
        if header is None:
            return
        body = bank.model_dump_json(exclude_unset=True)
        try:  # only what JSON holds exactly (an infinite float would come back as null)
            if BankFile.model_validate_json(body) != bank:
                return
        except Exception:
            return
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(header + body.encode())
                os.replace(temporary, self._entry(source))  # atomic: readers see old or new
            except OSError:
                Path(temporary).unlink(missing_ok=True)
                raise
            self._prune()

    def _prune(self) -> None:
        """Drop the entries of deleted files (such as temporary banks), then the least
        recently written ones beyond :data:`MAX_ENTRIES`."""
        kept: list[tuple[int, Path]] = []
        for entry in self.folder.glob("*" + _SUFFIX):
            with contextlib.suppress(OSError):
                if _source_exists(entry):
                    kept.append((entry.stat().st_mtime_ns, entry))
                else:
                    entry.unlink()
        for _, entry in sorted(kept)[: max(0, len(kept) - MAX_ENTRIES)]:
            entry.unlink(missing_ok=True)


# A file that passed holds no control characters but newlines and tabs (the YAML path
# reports escapes such as \x1b): none raw in its JSON, nor escaped as \b, \f, \r or
# \u00XX. (Separate patterns with a literal first byte: re scans those much faster.)
_ESCAPED_CONTROL: Final = re.compile(rb"\\(?:u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|[bfr])")
_C1_IN_UTF8: Final = re.compile(rb"\xc2[\x80-\x9f]")
_NOT_CONTROL: Final = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))


def _has_control_characters(body: bytes) -> bool:
    if body.translate(None, _NOT_CONTROL) or _C1_IN_UTF8.search(body):
        return True
    if _ESCAPED_CONTROL.search(body) is None:
        return False
    # `\\rho` is LaTeX's \rho, not \r: every backslash in JSON starts an escape, so
    # pairs taken from the left are the escaped backslashes
    return _ESCAPED_CONTROL.search(body.replace(b"\\\\", b"")) is not None


def _source_exists(entry: Path) -> bool:
    with entry.open("rb") as handle:
        first = handle.readline(8192)
    try:
        source = json.loads(first)["path"]
    except (ValueError, KeyError, TypeError):
        return False  # not an entry of this format
    return isinstance(source, str) and Path(source).is_file()
