"""The bank format: pydantic models for bank files, questions and their parts.

A question keeps its data (prompt, options), its randomisation (``params``, ``derived``,
``constraints``) and its grading (``answer``, ``tolerance``, ``mistakes``) apart, as
PrairieLearn does. Every string that is evaluated is a *safe expression*
(:mod:`solvers.expr`), never Python.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]{0,30}$"
QUESTION_ID = r"^[a-z0-9][a-z0-9._-]{2,79}$"
TAG = r"^[a-z0-9][a-z0-9+-]{0,47}$"

Scalar = Union[int, float, str]
Expression = Annotated[str, Field(min_length=1, max_length=500)]
ParamName = Annotated[str, Field(pattern=IDENTIFIER)]
Tag = Annotated[str, Field(pattern=TAG)]
Markdown = Annotated[str, Field(min_length=1, max_length=20_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- randomisation


class RangeParam(Strict):
    """An evenly spaced range, both ends included.

    ``{range: [1, 5]}`` or ``{range: [0.1, 0.9], step: 0.1}``.
    """

    range: tuple[float, float]
    step: float = Field(default=1, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> RangeParam:
        low, high = self.range
        if low > high:
            raise ValueError("range must be [low, high] with low <= high")
        if (high - low) / self.step > 100_000:
            raise ValueError("range has more than 100000 values")
        return self


class ChoiceParam(Strict):
    """One value drawn from a list: ``{choices: [3, 5, 7]}``."""

    choices: list[Scalar] = Field(min_length=1, max_length=1000)


Param = Union[RangeParam, ChoiceParam]


# --------------------------------------------------------------------------- grading


class SolverAnswer(Strict):
    """An answer computed by a named solver (see ``dlquiz solve``).

    Numeric arguments are safe expressions over the params; text arguments (such as a
    layer list) are templates over the params, e.g. ``"conv(k={k}, s={s})"``.
    """

    solver: str = Field(min_length=1, max_length=60)
    args: dict[ParamName, bool | int | float | str] = Field(default_factory=dict)
    output: str | None = Field(
        default=None, description="Which of the solver's facts is the answer (default: its value)"
    )


class ExprAnswer(Strict):
    """A safe expression over the params (and the symbols of an `expression` question)."""

    expr: Expression


class ShapeAnswer(Strict):
    """A tuple: one safe expression per component, e.g. ``["N", "c_out", "(n - k)//s + 1"]``."""

    shape: list[Expression] = Field(min_length=1, max_length=8)


Answer = Union[SolverAnswer, ExprAnswer]


class Tolerance(Strict):
    """Accept answers within ``abs`` or within ``rel`` (a fraction of the correct value)."""

    abs: float | None = Field(default=None, ge=0)
    rel: float | None = Field(default=None, ge=0, le=1)


class MistakeRule(Strict):
    """A known wrong answer: a student whose value equals it is told ``message``."""

    tag: Tag
    message: Annotated[str, Field(min_length=1, max_length=2000)]
    answer: SolverAnswer | ExprAnswer | ShapeAnswer


class ReferenceModel(Strict):
    """The tiny PyTorch model that cross-checks this answer (see ``dlquiz run-model``)."""

    name: str = Field(min_length=1, max_length=60)
    args: dict[ParamName, bool | int | float | str] = Field(default_factory=dict)
    fact: str = Field(min_length=1, description="The observed fact that must equal the answer")


Outcome = Literal["correct", "incorrect", "invalid"]


class AnswerTest(Strict):
    """A per-question test: this answer text must get this outcome (and mistake tag)."""

    answer: Annotated[str, Field(max_length=2000)]
    expect: Outcome
    mistake: Tag | None = None
    seed: int | None = Field(default=None, ge=0)
    part: str | None = Field(default=None, description="For problems: the part this tests")


# --------------------------------------------------------------------------- question bodies


class Option(Strict):
    text: Markdown
    correct: bool
    why: Annotated[str, Field(min_length=1, max_length=4000)]
    misconception: Tag | None = None


class _Gradable(Strict):
    """Fields shared by a question and a part of a problem."""

    prompt: Markdown
    explanation: Markdown | None = None
    points: float | None = Field(default=None, gt=0, le=100)
    reference_model: ReferenceModel | None = None
    mistakes: list[MistakeRule] = Field(default_factory=list, max_length=30)


class SingleBody(_Gradable):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2, max_length=10)
    shuffle: bool = True

    @model_validator(mode="after")
    def _one_correct(self) -> SingleBody:
        if sum(option.correct for option in self.options) != 1:
            raise ValueError("a single-choice question needs exactly one correct option")
        return self


class MultiBody(_Gradable):
    type: Literal["multi"]
    options: list[Option] = Field(min_length=2, max_length=10)
    shuffle: bool = True

    @model_validator(mode="after")
    def _some_correct(self) -> MultiBody:
        if not any(option.correct for option in self.options):
            raise ValueError("a multi-select question needs at least one correct option")
        return self


class TrueFalseBody(_Gradable):
    type: Literal["truefalse"]
    answer: bool


class NumericBody(_Gradable):
    type: Literal["numeric"]
    answer: Answer
    tolerance: Tolerance | None = None
    unit: str | None = Field(default=None, max_length=20, description="e.g. MB, MiB, params")


class ExpressionBody(_Gradable):
    type: Literal["expression"]
    symbols: list[ParamName] = Field(min_length=1, max_length=12)
    answer: ExprAnswer


class ShapeBody(_Gradable):
    type: Literal["shape"]
    symbols: list[ParamName] = Field(default_factory=list, max_length=4)
    answer: ShapeAnswer | SolverAnswer


class OpenBody(_Gradable):
    type: Literal["open"]
    model_answer: Markdown
    key_points: list[Annotated[str, Field(min_length=1, max_length=1000)]] = Field(
        min_length=1, max_length=12
    )


PART_ID = r"^[a-z0-9][a-z0-9_-]{0,15}$"


class _PartId(Strict):
    id: Annotated[str, Field(pattern=PART_ID)]


class SinglePart(_PartId, SingleBody):
    pass


class MultiPart(_PartId, MultiBody):
    pass


class TrueFalsePart(_PartId, TrueFalseBody):
    pass


class NumericPart(_PartId, NumericBody):
    pass


class ExpressionPart(_PartId, ExpressionBody):
    pass


class ShapePart(_PartId, ShapeBody):
    pass


class OpenPart(_PartId, OpenBody):
    pass


# One graded part of a multi-part problem; it shares the problem's params.
Part = Annotated[
    SinglePart | MultiPart | TrueFalsePart | NumericPart | ExpressionPart | ShapePart | OpenPart,
    Field(discriminator="type"),
]


# --------------------------------------------------------------------------- questions


class _QuestionBase(Strict):
    id: Annotated[str, Field(pattern=QUESTION_ID)]
    lecture: int = Field(ge=1, le=12)
    topic: Annotated[str, Field(min_length=1, max_length=80)]
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    difficulty: int = Field(default=2, ge=1, le=3, description="1 easy, 2 medium, 3 hard")
    source: Annotated[str, Field(min_length=1, max_length=120)]
    params: dict[ParamName, Param] = Field(default_factory=dict, max_length=20)
    derived: dict[ParamName, Expression] = Field(
        default_factory=dict,
        max_length=20,
        description="Values computed from params, in order, usable in the prompt and answers",
    )
    constraints: list[Expression] = Field(default_factory=list, max_length=20)
    tests: list[AnswerTest] = Field(default_factory=list, max_length=50)

    @property
    def is_parametric(self) -> bool:
        return bool(self.params)


class SingleQuestion(_QuestionBase, SingleBody):
    explanation: Markdown


class MultiQuestion(_QuestionBase, MultiBody):
    explanation: Markdown


class TrueFalseQuestion(_QuestionBase, TrueFalseBody):
    explanation: Markdown


class NumericQuestion(_QuestionBase, NumericBody):
    explanation: Markdown


class ExpressionQuestion(_QuestionBase, ExpressionBody):
    explanation: Markdown


class ShapeQuestion(_QuestionBase, ShapeBody):
    explanation: Markdown


class OpenQuestion(_QuestionBase, OpenBody):
    explanation: Markdown


class ProblemQuestion(_QuestionBase):
    """A multi-part calculation: a shared setup (``prompt``), parts graded on their own."""

    type: Literal["problem"]
    prompt: Markdown
    explanation: Markdown
    parts: list[Part] = Field(min_length=2, max_length=10)
    points: float | None = Field(default=None, gt=0, le=100)

    @model_validator(mode="after")
    def _unique_parts(self) -> ProblemQuestion:
        ids = [part.id for part in self.parts]
        if len(ids) != len(set(ids)):
            raise ValueError("part ids must be unique within a problem")
        return self


Question = Annotated[
    SingleQuestion
    | MultiQuestion
    | TrueFalseQuestion
    | NumericQuestion
    | ExpressionQuestion
    | ShapeQuestion
    | OpenQuestion
    | ProblemQuestion,
    Field(discriminator="type"),
]

QUESTION_TYPES: tuple[str, ...] = (
    "single",
    "multi",
    "truefalse",
    "numeric",
    "expression",
    "shape",
    "open",
    "problem",
)


class BankFile(Strict):
    """One bank file: a lecture, its title, and its questions."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"title": "dlquiz bank file"},
    )

    lecture: int = Field(ge=1, le=12)
    title: Annotated[str, Field(min_length=1, max_length=120)]
    questions: list[Question] = Field(default_factory=list, max_length=5000)


def bank_json_schema() -> dict[str, Any]:
    """The JSON Schema that editors use to autocomplete bank files."""
    schema = BankFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def bank_json_schema_text() -> str:
    """The JSON Schema as committed in ``quizbank/schema/bank.schema.json``."""
    import json

    return json.dumps(bank_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
