"""Checks beyond the schema, each located at the offending node.

Every expression must parse with the names available where it stands, solvers and their
arguments must exist, template placeholders must name a param, ``tests:`` must name real
parts. With ``deep=True`` (``dlquiz bank validate``) each question is also instantiated
for a few seeds, which finds constraints no draw satisfies and solver errors.
Duplicate ids across files are checked by :mod:`quizbank.loader`.
"""

from __future__ import annotations

import difflib
import keyword
import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from quizbank.instantiate import (
    ANSWER_TYPES,
    ConstraintsUnsatisfiable,
    InstanceError,
    Loc,
    draw_values,
    instantiate,
    parse_cached,
)
from quizbank.locate import quoted
from quizbank.schema import (
    ChoiceParam,
    ExprAnswer,
    ProblemQuestion,
    ShapeAnswer,
    SolverAnswer,
)
from quizbank.templates import TemplateError, format_value, placeholder_names
from solvers.expr import ExprError

DEEP_SEEDS: Final = range(5)
_PLAIN_NUMBER: Final = re.compile(r"(?:0|[1-9][0-9]{0,30})(?:\.[0-9]{1,30})?")
# Which kinds of answer a mistake rule may give, per question type.
_RULE_ANSWERS: Final = {
    "numeric": (SolverAnswer, ExprAnswer),
    "expression": (ExprAnswer,),
    "shape": (ShapeAnswer, SolverAnswer),
}


@dataclass(frozen=True)
class Finding:
    """A semantic problem at ``where`` inside a question (located later, if at all)."""

    where: Loc
    message: str
    at_key: bool = False


def _plainly_valid(text: str, names: Iterable[str]) -> bool:
    """A lone known name or a plain number, which always parses (nearly half the texts of
    the built-in bank): Python's parser is skipped for them on the load path."""
    if text.isascii() and text.isidentifier():
        return text in names and not keyword.iskeyword(text)
    return _PLAIN_NUMBER.fullmatch(text) is not None


def _names(known: Iterable[str]) -> str:
    return ", ".join(sorted(known)) or "none"


class _QuestionChecker:
    def __init__(self, question: Any) -> None:
        self.question = question
        self.findings: list[Finding] = []
        self.numeric: set[str] = set()  # names usable in expressions
        self.template_names: set[str] = set()  # names usable in templates

    def add(self, where: Loc, message: str, *, at_key: bool = False) -> None:
        self.findings.append(Finding(where, message, at_key))

    def run(self) -> list[Finding]:
        question = self.question
        self._params()
        for name, text in question.derived.items():
            if name in question.params:
                self.add(("derived", name), f"{name} is already a param", at_key=True)
            self.expression(("derived", name), text, self.numeric, logic=True)
            self.numeric.add(name)
            self.template_names.add(name)
        for index, text in enumerate(question.constraints):
            self.expression(("constraints", index), text, self.numeric, logic=True)
        self.template(("prompt",), question.prompt)
        if isinstance(question, ProblemQuestion):
            for index, part in enumerate(question.parts):
                self.template(("parts", index, "prompt"), part.prompt)
                self.body(("parts", index), part)
        else:
            self.body((), question)
        self._tests()
        return self.findings

    def _params(self) -> None:
        for name, param in self.question.params.items():
            self.template_names.add(name)
            numbers = param.range if not isinstance(param, ChoiceParam) else param.choices
            if not all(math.isfinite(n) for n in numbers if not isinstance(n, str)):
                self.add(("params", name), "values must be finite numbers (no .inf or .nan)")
            if not isinstance(param, ChoiceParam):
                self.numeric.add(name)
                continue
            texts = [isinstance(choice, str) for choice in param.choices]
            if all(texts):
                continue
            if any(texts):
                self.add(("params", name, "choices"), "choices mix numbers and text")
            self.numeric.add(name)

    # ----------------------------------------------------------------- pieces

    def expression(
        self, where: Loc, text: str, names: Iterable[str], *, logic: bool = False
    ) -> None:
        if _plainly_valid(text, names):
            return
        try:
            parse_cached(text, frozenset(names), logic=logic)
        except ExprError as error:
            self.add(where, f"can't read the expression {quoted(text)}: {error.message}")

    def template(self, where: Loc, text: str) -> None:
        if not self.question.is_parametric:
            return  # not a template: braces are shown as written
        try:
            placeholders = placeholder_names(text)
        except TemplateError as error:
            self.add(where, error.message)
            return
        for placeholder in placeholders:
            if placeholder.name not in self.template_names:
                known = _names(self.template_names)
                self.add(
                    where,
                    f"{{{placeholder.name}}} names no param (known: {known}); "
                    "write {{ and }} for literal braces",
                )

    def body(self, where: Loc, body: Any) -> None:
        for index, option in enumerate(getattr(body, "options", ())):
            self.template((*where, "options", index, "text"), option.text)
        symbols = tuple(getattr(body, "symbols", ()))
        clash = set(symbols) & (self.numeric | self.template_names)
        if clash:
            self.add((*where, "symbols"), f"symbols {_names(clash)} are also params")
        if body.type in ANSWER_TYPES:
            self.answer((*where, "answer"), body.answer, body.type, symbols)
        allowed = _RULE_ANSWERS.get(body.type)
        for index, rule in enumerate(body.mistakes):
            here = (*where, "mistakes", index, "answer")
            if allowed is None:
                self.add((*where, "mistakes"), f"a {body.type} question has no mistake rules")
                break
            if not isinstance(rule.answer, allowed):
                self.add(here, f"this answer does not fit a {body.type} question")
                continue
            self.answer(here, rule.answer, body.type, symbols)

    def answer(self, where: Loc, answer: Any, kind: str, symbols: tuple[str, ...]) -> None:
        names = self.numeric | set(symbols)
        logic = kind != "expression"  # as in quizbank.instantiate.compute
        if isinstance(answer, ExprAnswer):
            self.expression((*where, "expr"), answer.expr, names, logic=logic)
        elif isinstance(answer, ShapeAnswer):
            for index, text in enumerate(answer.shape):
                self.expression((*where, "shape", index), text, names, logic=logic)
        else:
            self.solver(where, answer)

    def solver(self, where: Loc, answer: SolverAnswer) -> None:
        from solvers.registry import SOLVERS  # imports every solver: only when needed

        spec = SOLVERS.get(answer.solver)
        if spec is None:
            close = difflib.get_close_matches(answer.solver, list(SOLVERS), n=1)
            hint = f"did you mean {quoted(close[0])}?" if close else f"known: {_names(SOLVERS)}"
            self.add((*where, "solver"), f"unknown solver {quoted(answer.solver)} ({hint})")
            return
        for name, raw in answer.args.items():
            here = (*where, "args", name)
            arg = spec.args.get(name)
            if arg is None:
                close = difflib.get_close_matches(name, list(spec.args), n=1)
                hint = (
                    f"did you mean {quoted(close[0])}?" if close else f"known: {_names(spec.args)}"
                )
                self.add(
                    here,
                    f"solver {answer.solver} has no argument {quoted(name)} ({hint})",
                    at_key=True,
                )
            elif isinstance(raw, str) and arg.kind in ("int", "number"):
                self.expression(here, raw, self.numeric)
            elif isinstance(raw, str) and arg.kind == "bool":
                self.expression(here, raw, self.numeric, logic=True)
            elif arg.kind == "text" and isinstance(raw, str):
                self.template(here, raw)
        missing = [n for n, a in spec.args.items() if a.required and n not in answer.args]
        if missing:
            needed = ", ".join(quoted(name) for name in missing)
            self.add((*where, "args"), f"solver {answer.solver} needs {needed}", at_key=True)
        if answer.output is not None and not spec.accepts_output(answer.output):
            outputs = f"outputs: {_names(spec.outputs)}"
            self.add(
                (*where, "output"),
                f"solver {answer.solver} has no output {quoted(answer.output)} ({outputs})",
            )

    def _tests(self) -> None:
        question = self.question
        parts = {part.id: part for part in getattr(question, "parts", ())}
        for index, test in enumerate(question.tests):
            if parts and test.part is None:
                self.add(("tests", index), f"a problem's test needs part: (one of {_names(parts)})")
            elif parts and test.part not in parts:
                self.add(
                    ("tests", index, "part"),
                    f"no part {quoted(test.part)} (parts: {_names(parts)})",
                )
            elif not parts and test.part is not None:
                self.add(("tests", index, "part"), "only a problem has parts")
            else:
                kind = parts[test.part].type if parts and test.part else question.type
                if kind == "open":
                    self.add(("tests", index), "open answers are rated by the student, not tested")


def check_question(question: Any) -> list[Finding]:
    """Every semantic problem of one validated question (paths relative to it)."""
    return _QuestionChecker(question).run()


def check_deep(question: Any, seeds: Iterable[int] = DEEP_SEEDS) -> list[Finding]:
    """Instantiate ``question`` for a few seeds; report the first failure."""
    for seed in seeds if question.is_parametric else (0,):
        try:
            instantiate(question, seed)
        except ConstraintsUnsatisfiable as error:
            where: Loc = ("constraints",) if question.constraints else ("derived",)
            detail = f" (last draw: {error.detail})" if error.detail else ""
            return [
                Finding(
                    where,
                    f"no draw of the params satisfies the constraints in 1000 tries{detail}",
                    at_key=True,
                )
            ]
        except InstanceError as error:
            return [Finding(error.where, f"{error.message}{_values_text(question, seed)}")]
    return []


def _values_text(question: Any, seed: int) -> str:
    if not question.is_parametric:
        return ""
    values = draw_values(question, random.Random(f"{question.id}:{seed}"))
    shown = ", ".join(f"{name} = {format_value(value)}" for name, value in values.items())
    return f" (with {shown})"
