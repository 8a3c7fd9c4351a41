"""Exam blueprints: how long a mock exam takes, how many points, and which questions.

A blueprint is a YAML file (built-in ones in ``quizbank/exams/``) read with the bank's
restricted loader and validated with pydantic (``extra="forbid"``); every problem comes
back located as ``path:line:col: message``, exactly like a bank file::

    title: I2DL mock exam
    duration_minutes: 90
    total_points: 90          # must equal the sum of count x points over the sections
    show_grades: false        # true: grade each question as soon as it is checked
    lecture_weights: {9: 2}   # optional: how questions spread over lectures (default 1)
    sections:
      - title: Multiple choice
        kind: choice          # choice | open | calculation | mixed
        filter: {lectures: [1, 2], topics: [], types: [multi, single, truefalse]}
        count: 20
        points: 1.5           # per question

``kind`` fixes which question types a section may hold (``choice``: single, multi,
truefalse; ``open``: open; ``calculation``: numeric, expression, shape, problem;
``mixed``: any) and is the default for ``filter.types``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from yaml.nodes import Node

from quizbank.errors import Problem, UserError, ValidationFailed
from quizbank.locate import (
    Loc,
    LocatedError,
    describe,
    format_where,
    message,
    node_position,
    prune_unions,
    quoted,
    refine,
    split_loc,
)
from quizbank.paths import BUILTIN_EXAMS_DIR
from quizbank.yaml_loader import compose, parse_yaml, read_yaml

__all__ = [
    "KIND_TYPES",
    "Blueprint",
    "LoadedBlueprint",
    "Section",
    "SectionFilter",
    "blueprint_names",
    "load_blueprint",
    "parse_blueprint",
    "resolve_blueprint",
]

SUFFIXES: Final = (".yaml", ".yml")
QuestionType = Literal[
    "single", "multi", "truefalse", "numeric", "expression", "shape", "open", "problem"
]
Kind = Literal["choice", "open", "calculation", "mixed"]
KIND_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "choice": ("single", "multi", "truefalse"),
    "open": ("open",),
    "calculation": ("numeric", "expression", "shape", "problem"),
    "mixed": ("single", "multi", "truefalse", "numeric", "expression", "shape", "open", "problem"),
}
Lecture = Annotated[int, Field(ge=1, le=12)]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectionFilter(_Strict):
    """Which bank questions a section draws from; an empty list means all."""

    lectures: list[Lecture] = Field(default_factory=list, max_length=12)
    topics: list[Text] = Field(default_factory=list, max_length=50)
    types: list[QuestionType] = Field(default_factory=list, max_length=8)


class Section(_Strict):
    title: Text
    kind: Kind
    instructions: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    filter: SectionFilter = Field(default_factory=SectionFilter)
    count: int = Field(ge=1, le=200, description="How many questions")
    points: float = Field(gt=0, le=100, description="Points per question")

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self.filter.types) or KIND_TYPES[self.kind]

    @property
    def total_points(self) -> float:
        return self.count * self.points


class Blueprint(_Strict):
    title: Text
    description: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    duration_minutes: float = Field(gt=0, le=600)
    total_points: float = Field(gt=0, le=10_000)
    show_grades: bool = False
    lecture_weights: dict[Lecture, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict
    )
    sections: list[Section] = Field(min_length=1, max_length=20)

    def weight(self, lecture: int) -> float:
        return self.lecture_weights.get(lecture, 1.0)


@dataclass(frozen=True)
class LoadedBlueprint:
    """A valid blueprint with its name (the file's stem) and where it came from."""

    name: str
    path: Path
    blueprint: Blueprint
    text: str

    def position(self, where: Loc) -> str:
        """``path:line:col`` of the value at ``where`` (for errors found after loading)."""
        root = compose(self.text)
        line, column = node_position(root, where) if root is not None else (1, 1)
        return f"{self.path}:{line}:{column}"


# --------------------------------------------------------------------------- finding files


def blueprint_names() -> list[str]:
    """The built-in blueprints, by name."""
    if not BUILTIN_EXAMS_DIR.is_dir():
        return []
    return sorted(p.stem for p in BUILTIN_EXAMS_DIR.iterdir() if p.suffix in SUFFIXES)


def resolve_blueprint(name_or_path: str | Path) -> Path:
    """A built-in blueprint's name (``quick-20``) or the path of a blueprint file."""
    text = str(name_or_path)
    for suffix in ("", *SUFFIXES):
        builtin = BUILTIN_EXAMS_DIR / f"{text}{suffix}"
        if "/" not in text and builtin.is_file():
            return builtin
    path = Path(text).expanduser()
    if path.is_file():
        return path
    known = ", ".join(blueprint_names()) or "none"
    raise UserError(f"no blueprint {quoted(text)}: give a file or one of {known}")


# --------------------------------------------------------------------------- loading


def load_blueprint(name_or_path: str | Path) -> LoadedBlueprint:
    """Read and validate a blueprint; raises :class:`ValidationFailed` with located problems."""
    path = resolve_blueprint(name_or_path)
    result = read_yaml(path)
    if result.data is None and result.problems:
        problems = [Problem(str(path), p.line, p.column, p.message) for p in result.problems]
        raise ValidationFailed(problems)
    return _validate(path, result.text, result.data, [*result.problems])


def parse_blueprint(text: str, path: Path = Path("<blueprint>")) -> LoadedBlueprint:
    """Validate blueprint text (``path`` only labels the messages)."""
    result = parse_yaml(text)
    if result.data is None and result.problems:
        problems = [Problem(str(path), p.line, p.column, p.message) for p in result.problems]
        raise ValidationFailed(problems)
    return _validate(path, text, result.data, [*result.problems])


class _BlueprintError(LocatedError):
    """A pydantic error whose ``loc`` is walked along :class:`Blueprint`, not a bank file."""

    def __post_init__(self) -> None:
        self.split = split_loc(tuple(self.details["loc"]), Blueprint)


@dataclass
class _Locator:
    path: Path
    text: str
    problems: list[Problem]
    _root: Node | None = None

    def add(self, where: Loc, text: str, *, at_key: bool = False) -> None:
        if self._root is None:
            self._root = compose(self.text)
        root = self._root
        line, column = node_position(root, where, at_key=at_key) if root else (1, 1)
        self.problems.append(Problem(str(self.path), line, column, text, format_where(where)))


def _validate(path: Path, text: str, data: Any, yaml_problems: list[Any]) -> LoadedBlueprint:
    locator = _Locator(path, text, [])
    for problem in yaml_problems:  # duplicate keys, control characters
        locator.problems.append(Problem(str(path), problem.line, problem.column, problem.message))
    if not isinstance(data, dict):
        got = "nothing" if data is None else describe(data)
        locator.problems.append(
            Problem(
                str(path), 1, 1, f"expected a blueprint (title, duration_minutes, ...), got {got}"
            )
        )
        raise ValidationFailed(locator.problems)
    blueprint: Blueprint | None = None
    try:
        blueprint = Blueprint.model_validate(data)
    except ValidationError as error:
        found = [_BlueprintError(details) for details in error.errors(include_url=False)]
        for item in prune_unions(list(found)):
            where, at_key = refine(item)
            locator.add(where, message(item), at_key=at_key)
    if blueprint is not None:
        _check(blueprint, locator)
    if locator.problems:
        raise ValidationFailed(locator.problems)
    assert blueprint is not None
    return LoadedBlueprint(path.stem, path, blueprint, text)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _points(value: float) -> str:
    return f"{value:g}"


def _check(blueprint: Blueprint, locator: _Locator) -> None:
    """What the schema cannot say: types fit the kind, the points add up."""
    for index, section in enumerate(blueprint.sections):
        allowed = KIND_TYPES[section.kind]
        for position, qtype in enumerate(section.filter.types):
            if qtype not in allowed:
                locator.add(
                    ("sections", index, "filter", "types", position),
                    f"{_article(section.kind)} {section.kind} section cannot hold {qtype} "
                    f"questions; "
                    f"use {', '.join(allowed)} or kind: mixed",
                )
    total = sum(section.total_points for section in blueprint.sections)
    if abs(total - blueprint.total_points) > 1e-9:
        terms = " + ".join(f"{s.count} x {_points(s.points)}" for s in blueprint.sections)
        locator.add(
            ("total_points",),
            f"total_points is {_points(blueprint.total_points)} but the sections add up to "
            f"{_points(total)} ({terms})",
        )


def describe_filter(section: Section) -> str:
    """``types problem; lectures 1-12; topics CNN`` for messages."""
    parts = [f"types {', '.join(section.types)}"]
    if section.filter.lectures:
        parts.append("lectures " + _ranges(sorted(set(section.filter.lectures))))
    if section.filter.topics:
        parts.append("topics " + ", ".join(section.filter.topics))
    return "; ".join(parts)


def _ranges(numbers: Sequence[int]) -> str:
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)
