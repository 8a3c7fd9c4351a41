"""The validated bank cache: a hit equals the YAML load, and it never hides an error."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from quizbank import bank_cache, loader
from quizbank.bank_cache import CACHE_DIR_ENV, MIN_CACHED_BYTES, BankCache
from quizbank.errors import ValidationFailed
from quizbank.loader import load_bank

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD = ROOT / "tests" / "data" / "good"
# comments make a fixture large enough to be cached without changing what it holds
PADDING = "".join(f"# padding line {i:05d} " + "." * 60 + "\n" for i in range(300))


def _bank_file(folder: Path, text: str | None = None, name: str = "bank.yaml") -> Path:
    path = folder / name
    path.write_text(text or (GOOD / "basics.yaml").read_text(encoding="utf-8") + PADDING)
    assert path.stat().st_size >= MIN_CACHED_BYTES
    return path


class _YamlReads:
    """Counts the files read from YAML (with every check) instead of the cache."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        checked = loader._check_file

        def counting(loaded: loader._File, raw: bytes) -> None:
            self.count += 1
            checked(loaded, raw)

        monkeypatch.setattr(loader, "_check_file", counting)


def test_a_cache_hit_equals_the_yaml_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, cache = _bank_file(tmp_path), tmp_path / "cache"
    reads = _YamlReads(monkeypatch)
    from_yaml = load_bank([path], builtin=False, cache=cache)
    assert reads.count == 1 and BankCache(cache).entry_path(path).is_file()
    from_cache = load_bank([path], builtin=False, cache=cache)
    assert reads.count == 1  # the second load read no YAML
    assert from_cache.questions == from_yaml.questions
    assert from_cache.questions == load_bank([path], builtin=False, cache=False).questions
    assert [q.model_fields_set for q in from_cache.questions] == [
        q.model_fields_set for q in from_yaml.questions
    ]
    assert (from_cache.lectures, from_cache.topics) == (from_yaml.lectures, from_yaml.topics)
    assert from_cache.file_of == from_yaml.file_of


def test_an_edited_file_is_checked_again_in_full(tmp_path: Path) -> None:
    path, cache = _bank_file(tmp_path), tmp_path / "cache"
    load_bank([path], builtin=False, cache=cache)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('answer: {expr: "span // s + 1"}', 'answer: {expr: "span //"}'))
    with pytest.raises(ValidationFailed) as failed:
        load_bank([path], builtin=False, cache=cache)
    (problem,) = failed.value.problems
    assert "can't read the expression 'span //'" in problem.message
    assert problem.line == text.splitlines().index('    answer: {expr: "span // s + 1"}') + 1

    path.write_text(text.replace("Fixture lecture", "Edited lecture"))  # valid again
    assert load_bank([path], builtin=False, cache=cache).lectures[9] == "Edited lecture"


def test_changed_checking_code_reads_the_yaml_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, cache = _bank_file(tmp_path), tmp_path / "cache"
    load_bank([path], builtin=False, cache=cache)
    reads = _YamlReads(monkeypatch)
    monkeypatch.setattr(bank_cache, "code_fingerprint", lambda: "0" * 64)
    load_bank([path], builtin=False, cache=cache)
    assert reads.count == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: b"",
        lambda entry: b"\x00\xff garbage",
        lambda entry: entry[: len(entry) // 2],  # cut off while written by hand
        lambda entry: entry.replace(b'"lecture":9', b'"lecture":"nine"'),
        lambda entry: entry.replace(b'"lecture":9', b'"lecture":99'),
        lambda entry: entry.split(b"\n", 1)[0] + b"\n" + b"[" * 100_000,
        # valid JSON a passing file can't have: terminal escape sequences
        lambda entry: entry.replace(b"Fixture lecture", b"Fixture \\u001b[2J lecture"),
        lambda entry: entry.replace(b"Fixture lecture", "Fixture \x9b2J lecture".encode()),
        lambda entry: entry.replace(b"Fixture lecture", b"Fixture \\\\\\r lecture"),
    ],
    ids=[
        "empty",
        "garbage",
        "cut-off",
        "wrong-type",
        "out-of-range",
        "deep-nesting",
        "escape-sequence",
        "c1-control",
        "escaped-cr",
    ],
)
def test_a_damaged_entry_falls_back_to_the_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[bytes], bytes]
) -> None:
    path, cache = _bank_file(tmp_path), tmp_path / "cache"
    expected = load_bank([path], builtin=False, cache=cache).questions
    entry = BankCache(cache).entry_path(path)
    entry.write_bytes(damage(entry.read_bytes()))
    reads = _YamlReads(monkeypatch)
    assert load_bank([path], builtin=False, cache=cache).questions == expected
    assert reads.count == 1
    load_bank([path], builtin=False, cache=cache)
    assert reads.count == 1  # the entry was written again


def test_the_cache_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "env-cache"))
    assert bank_cache.default_cache_dir() == tmp_path / "env-cache" / "banks"
    path = _bank_file(tmp_path)
    load_bank([path], builtin=False)
    assert BankCache(tmp_path / "env-cache" / "banks").entry_path(path).is_file()


def test_small_files_and_deep_checks_skip_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    load_bank([GOOD], builtin=False, cache=cache)  # 5 KB and 2 KB: not worth an entry
    assert not cache.exists() or not any(cache.iterdir())
    path = _bank_file(tmp_path)
    load_bank([path], builtin=False, cache=cache)
    reads = _YamlReads(monkeypatch)
    load_bank([path], builtin=False, cache=cache, deep=True)  # `bank validate`: every check
    assert reads.count == 1


def test_a_value_json_cannot_hold_is_not_cached(tmp_path: Path) -> None:
    text = (GOOD / "basics.yaml").read_text(encoding="utf-8")
    text = text.replace("tolerance: {rel: 0.01}", "tolerance: {rel: 0.01, abs: .inf}")
    path, cache = _bank_file(tmp_path, text + PADDING), tmp_path / "cache"
    for _ in range(2):
        question = load_bank([path], builtin=False, cache=cache).by_id["fx-lr-decay"]
        tolerance = getattr(question, "tolerance", None)
        assert tolerance is not None and tolerance.abs == math.inf
    assert not BankCache(cache).entry_path(path).exists()


def test_a_duplicate_id_in_a_cached_file_is_located(tmp_path: Path) -> None:
    path, cache = _bank_file(tmp_path), tmp_path / "cache"
    load_bank([path], builtin=False, cache=cache)
    other = tmp_path / "other.yaml"
    other.write_text((GOOD / "basics.yaml").read_text(encoding="utf-8"))
    with pytest.raises(ValidationFailed) as failed:
        load_bank([path, other], builtin=False, cache=cache)
    spots = {(Path(p.path).name, p.line) for p in failed.value.problems if "fx-shape" in p.message}
    line = path.read_text(encoding="utf-8").splitlines().index("  - id: fx-shape") + 1
    assert spots == {("bank.yaml", line), ("other.yaml", line)}


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bank_cache, "MAX_ENTRIES", 2)
    cache = tmp_path / "cache"
    entries = BankCache(cache)
    paths = [_bank_file(tmp_path, name=f"bank{i}.yaml") for i in range(3)]
    for second, path in enumerate(paths, start=1):
        load_bank([path], builtin=False, cache=cache)
        os.utime(entries.entry_path(path), ns=(second * 10**9, second * 10**9))  # in order
    assert [entries.entry_path(p).is_file() for p in paths] == [False, True, True]


def test_entries_of_deleted_files_are_dropped(tmp_path: Path) -> None:
    cache, entries = tmp_path / "cache", BankCache(tmp_path / "cache")
    gone, kept = _bank_file(tmp_path, name="gone.yaml"), _bank_file(tmp_path, name="kept.yaml")
    load_bank([gone], builtin=False, cache=cache)
    gone_entry = entries.entry_path(gone)
    gone.unlink()
    load_bank([kept], builtin=False, cache=cache)  # a write prunes
    assert not gone_entry.exists() and entries.entry_path(kept).is_file()
