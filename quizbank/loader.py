"""Loading question banks: the built-in one plus the user's, every problem located.

Fast path: construct the YAML (:mod:`quizbank.yaml_loader`) and validate it with pydantic.
Only a file with a problem is composed into a node tree, to turn each pydantic ``loc``
(or semantic finding) into ``path:line:col: message (at questions[3].answer)``.
All problems of all files are collected before :class:`ValidationFailed` is raised.
Faster still: a file whose bytes and checking code are unchanged since it last passed
every check is read from the validated cache (:mod:`quizbank.bank_cache`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError
from yaml.nodes import Node

from quizbank import paths, semantic
from quizbank.bank_cache import BankCache, default_cache_dir
from quizbank.errors import Problem, UserError, ValidationFailed
from quizbank.locate import (
    Loc,
    LocatedError,
    format_where,
    message,
    node_position,
    prune_unions,
    quoted,
    refine,
)
from quizbank.schema import BankFile, Question
from quizbank.yaml_loader import (
    YamlProblem,
    compose,
    decode_yaml,
    gc_paused,
    read_bytes,
    top_level_problem,
)

BANK_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Bank:
    """The loaded questions. ``skipped`` lists the problems of files left out
    (only with ``skip_broken=True``); ``file_of`` maps a question id to its file."""

    questions: tuple[Question, ...]
    by_id: Mapping[str, Question]
    files: tuple[Path, ...]
    lectures: Mapping[int, str]
    topics: tuple[str, ...]
    skipped: list[Problem] = field(default_factory=list)
    file_of: Mapping[str, Path] = field(default_factory=dict)


@dataclass
class _File:
    """One file on its way in: its text, its validated content and its problems."""

    path: Path
    text: str = ""
    bank: BankFile | None = None
    problems: list[Problem] = field(default_factory=list)
    _root: Node | None = None

    @property
    def label(self) -> str:
        return str(self.path)

    def root(self) -> Node | None:
        if self._root is None and self.text:
            self._root = compose(self.text)
        return self._root

    def add(self, where: Loc, text: str, *, at_key: bool = False) -> Problem:
        root = self.root()
        line, column = node_position(root, where, at_key=at_key) if root else (1, 1)
        problem = Problem(self.label, line, column, text, format_where(where))
        self.problems.append(problem)
        return problem

    def add_yaml(self, problem: YamlProblem) -> None:
        self.problems.append(Problem(self.label, problem.line, problem.column, problem.message))


# --------------------------------------------------------------------------- files


def bank_paths(extra: Sequence[Path] = (), *, builtin: bool = True) -> list[Path]:
    """The bank files to load, in order: built-in files sorted, then each extra path.

    A file named twice (e.g. a built-in file passed as a PATH) is loaded once.
    """
    found: list[Path] = []
    if builtin and paths.BUILTIN_BANK_DIR.is_dir():
        found += _files_in(paths.BUILTIN_BANK_DIR)
    for path in extra:
        path = Path(path).expanduser()
        if path.is_dir():
            found += _files_in(path)
        elif path.is_file():
            found.append(path)
        else:
            raise UserError(f"no such bank file or folder: {path}")
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in BANK_SUFFIXES and p.is_file())


def _fill_lectures(data: dict[Any, Any]) -> None:
    """A question without ``lecture`` belongs to its file's lecture."""
    lecture = data.get("lecture")
    valid = isinstance(lecture, int) and not isinstance(lecture, bool) and 1 <= lecture <= 12
    questions = data.get("questions")
    if not isinstance(questions, list):
        return
    for question in questions:
        if isinstance(question, dict) and "lecture" not in question:
            question["lecture"] = lecture if valid else 1  # a bad file lecture is reported once


def load_file(path: Path, cache: BankCache | None = None, *, read_cache: bool = True) -> _File:
    """Read, validate and semantically check one file (problems collected, not raised).

    With a ``cache``, a file that passes is kept there, and (if ``read_cache``) a file whose
    entry matches its bytes is taken from there without YAML or checks.
    """
    loaded = _File(path)
    raw = read_bytes(path)
    if isinstance(raw, YamlProblem):
        loaded.add_yaml(raw)
        return loaded
    if cache is not None and read_cache:
        loaded.bank = cache.read(path, raw)
        if loaded.bank is not None:
            loaded.text = raw.decode("utf-8-sig")  # to locate a duplicate id, if any
            return loaded
    _check_file(loaded, raw)
    if cache is not None and loaded.bank is not None and not loaded.problems:
        cache.write(path, raw, loaded.bank)
    return loaded


def _check_file(loaded: _File, raw: bytes) -> None:
    result = decode_yaml(raw)
    loaded.text = result.text
    if result.data is None and result.problems:
        for problem in result.problems:
            loaded.add_yaml(problem)
        return
    top = top_level_problem(result.data)
    if top is not None:
        loaded.add_yaml(top)
        return
    _fill_lectures(result.data)
    try:
        loaded.bank = BankFile.model_validate(result.data)
    except ValidationError as error:
        _add_schema_problems(loaded, error)
    except RecursionError:  # libyaml bounds nesting at 1000 levels; this is a safety net
        loaded.add_yaml(YamlProblem(1, 1, "the file is nested too deeply"))
    taken = {(p.line, p.column) for p in loaded.problems}
    for problem in result.problems:  # duplicate keys and control characters
        if not (problem.control and (problem.line, problem.column) in taken):
            loaded.add_yaml(problem)
    if loaded.bank is not None:
        for index, question in enumerate(loaded.bank.questions):
            for finding in semantic.check_question(question):
                loaded.add(
                    ("questions", index, *finding.where), finding.message, at_key=finding.at_key
                )


def _add_schema_problems(loaded: _File, error: ValidationError) -> None:
    located = prune_unions([LocatedError(details) for details in error.errors(include_url=False)])
    for item in located:
        where, at_key = refine(item)
        loaded.add(where, message(item), at_key=at_key)


def _deep_check(loaded: _File) -> None:
    assert loaded.bank is not None
    for index, question in enumerate(loaded.bank.questions):
        for finding in semantic.check_deep(question):
            loaded.add(("questions", index, *finding.where), finding.message, at_key=finding.at_key)


def _id_spot(loaded: _File, index: int) -> str:
    root = loaded.root()
    line, column = node_position(root, ("questions", index, "id")) if root else (1, 1)
    return f"{loaded.label}:{line}:{column}"


def _duplicate_ids(files: Iterable[_File]) -> None:
    """Report every id defined more than once, at each place it is defined."""
    places: dict[str, list[tuple[_File, int]]] = {}
    for loaded in files:
        assert loaded.bank is not None
        for index, question in enumerate(loaded.bank.questions):
            places.setdefault(question.id, []).append((loaded, index))
    for question_id, found in places.items():
        if len(found) < 2:
            continue
        spots = [_id_spot(loaded, index) for loaded, index in found]
        for position, (loaded, index) in enumerate(found):
            others = ", ".join(spot for i, spot in enumerate(spots) if i != position)
            text = f"duplicate question id {quoted(question_id)} (also at {others})"
            loaded.add(("questions", index, "id"), text)


def _without_duplicates(files: list[_File]) -> list[_File]:
    """Keep files in order; a file that repeats an id of a kept file is broken."""
    kept: list[_File] = []
    seen: dict[str, tuple[_File, int]] = {}
    for loaded in files:
        assert loaded.bank is not None
        own: dict[str, tuple[_File, int]] = {}
        for index, question in enumerate(loaded.bank.questions):
            earlier = seen.get(question.id) or own.get(question.id)
            if earlier is not None:
                text = f"duplicate question id {quoted(question.id)} (also at {_id_spot(*earlier)})"
                loaded.add(("questions", index, "id"), text)
            own.setdefault(question.id, (loaded, index))
        if not loaded.problems:
            kept.append(loaded)
            seen.update(own)
    return kept


# --------------------------------------------------------------------------- the bank


def load_bank(
    extra: Sequence[Path] = (),
    *,
    builtin: bool = True,
    skip_broken: bool = False,
    deep: bool = False,
    cache: Path | bool = True,
) -> Bank:
    """Load the built-in bank (``builtin``) and the ``extra`` files and folders.

    Raises :class:`ValidationFailed` with every located problem, unless ``skip_broken``:
    then broken files are left out and their problems listed in :attr:`Bank.skipped`.
    ``deep`` also instantiates each question for a few seeds (``dlquiz bank validate``)
    and checks every file in full. ``cache`` is the folder of the validated cache
    (:mod:`quizbank.bank_cache`): True for the default one, False for none.
    """
    store = _bank_cache(cache)
    with gc_paused():
        files = [
            load_file(path, store, read_cache=not deep)
            for path in bank_paths(extra, builtin=builtin)
        ]
        if deep:
            for loaded in files:
                if loaded.bank is not None and not loaded.problems:
                    _deep_check(loaded)
        good = [loaded for loaded in files if not loaded.problems]
        if skip_broken:
            good = _without_duplicates(good)
        else:
            _duplicate_ids(good)
        problems = [problem for loaded in files for problem in loaded.problems]
        if problems and not skip_broken:
            raise ValidationFailed(problems)
        return _assemble([loaded for loaded in good if not loaded.problems], problems)


def _bank_cache(cache: Path | bool) -> BankCache | None:
    if cache is False:
        return None
    return BankCache(default_cache_dir() if cache is True else Path(cache))


def _assemble(files: list[_File], skipped: list[Problem]) -> Bank:
    questions: list[Question] = []
    lectures: dict[int, str] = {}
    file_of: dict[str, Path] = {}
    for loaded in files:
        assert loaded.bank is not None
        lectures.setdefault(loaded.bank.lecture, loaded.bank.title)
        questions.extend(loaded.bank.questions)
        file_of.update(dict.fromkeys((q.id for q in loaded.bank.questions), loaded.path))
    return Bank(
        questions=tuple(questions),
        by_id=MappingProxyType({question.id: question for question in questions}),
        files=tuple(loaded.path for loaded in files),
        lectures=MappingProxyType(dict(sorted(lectures.items()))),
        topics=tuple(sorted({question.topic for question in questions}, key=str.casefold)),
        skipped=sorted(skipped),
        file_of=MappingProxyType(file_of),
    )
