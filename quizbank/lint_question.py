"""The checks `dlquiz bank lint` makes on one question (see :mod:`quizbank.lint`).

Each finding is (severity, rule, path inside the question, message, at the key); the
caller turns the path into a line and column. A parametric question is instantiated for
up to ``seeds`` seeds (stopping early once it shows enough variety), and those instances
serve every check that needs computed answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Literal

from quizbank.locate import quoted

if TYPE_CHECKING:
    from quizbank.instantiate import Instance

__all__ = ["QuestionLinter", "is_placeholder", "normalised"]

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]
MIN_DISTINCT: Final = 5
MIN_SEEDS: Final = 10  # seeds tried even once enough distinct answers were seen
MIN_EXPLANATION_WORDS: Final = 5
_PLACEHOLDERS: Final = frozenset(
    {"", "?", "-", "...", "…", "n/a", "na", "none", "unknown", "source", "xxx", "placeholder"}
)
_PLACEHOLDER_START: Final = re.compile(r"^(todo|tbd|fixme|xxx)\b", re.I)
_NORMAL: Final = re.compile(r"[^a-z0-9]+")


def is_placeholder(text: str | None) -> bool:
    """An empty or stand-in text: "", "?", "TODO: explain", "TBD", ..."""
    if text is None:
        return True
    stripped = text.strip()
    return stripped.lower() in _PLACEHOLDERS or bool(_PLACEHOLDER_START.match(stripped))


def normalised(text: str) -> str:
    return _NORMAL.sub(" ", text.lower()).strip()


# --------------------------------------------------------------------------- one question


def _bodies(question: Any) -> Iterator[tuple[Loc, Any]]:
    """(path, body) of the question itself or of each part of a problem."""
    if question.type == "problem":
        for index, part in enumerate(question.parts):
            yield ("parts", index), part
    else:
        yield (), question


class QuestionLinter:
    """Run every check on one question; the findings collect in :attr:`found`."""

    def __init__(self, question: Any, seeds: int) -> None:
        self.question = question
        self.seeds = seeds
        self.found: list[tuple[Severity, str, Loc, str, bool]] = []
        self.instances: list[Instance] = []

    def add(
        self, severity: Severity, rule: str, where: Loc, message: str, *, at_key: bool = False
    ) -> None:
        self.found.append((severity, rule, where, message, at_key))

    def run(self) -> None:
        self._instantiate()
        self._texts()
        for where, body in _bodies(self.question):
            self._options(where, body)
            self._tolerance(where, body)
        self._mistake_tests()
        self._failing_tests()
        if self.question.is_parametric:
            self._variety()

    # ----------------------------------------------------------------- variants

    def _instantiate(self) -> None:
        from quizbank.instantiate import ConstraintsUnsatisfiable, InstanceError, instantiate

        question = self.question
        distinct: set[Any] = set()
        for seed in range(self.seeds if question.is_parametric else 1):
            try:
                instance = instantiate(question, seed)
            except ConstraintsUnsatisfiable as error:
                self.add("error", "variant-error", ("constraints",), str(error), at_key=True)
                return
            except InstanceError as error:
                self.add("error", "variant-error", error.where, f"seed {seed}: {error.message}")
                return
            self.instances.append(instance)
            distinct.add(_signature(instance))
            if len(distinct) >= MIN_DISTINCT and seed + 1 >= MIN_SEEDS:
                return

    def _variety(self) -> None:
        if not self.instances:
            return
        distinct = {_signature(instance) for instance in self.instances}
        if len(distinct) < MIN_DISTINCT:
            self.add(
                "warning",
                "few-variants",
                ("params",),
                f"the params give only {len(distinct)} distinct answer"
                f"{'s' * (len(distinct) != 1)} in {len(self.instances)} seeds "
                f"(want at least {MIN_DISTINCT}): widen the ranges or choices",
                at_key=True,
            )

    # ----------------------------------------------------------------- texts

    def _texts(self) -> None:
        question = self.question
        if is_placeholder(question.source):
            self.add(
                "warning",
                "placeholder-source",
                ("source",),
                f"source {quoted(question.source)} is a placeholder: "
                "name the lecture, slide or exercise",
            )
        self._explanation((), question.explanation, question)
        for where, body in _bodies(question):
            if where:
                self._explanation(where, body.explanation, body)
            for index, option in enumerate(getattr(body, "options", ())):
                if is_placeholder(option.why):
                    self.add(
                        "warning",
                        "placeholder-text",
                        (*where, "options", index, "why"),
                        "the option's why is a placeholder: say why it is right or wrong",
                    )
            if body.type == "open":
                if is_placeholder(body.model_answer):
                    self.add(
                        "warning",
                        "placeholder-text",
                        (*where, "model_answer"),
                        "the model answer is a placeholder",
                    )
                for index, point in enumerate(body.key_points):
                    if is_placeholder(point):
                        self.add(
                            "warning",
                            "placeholder-text",
                            (*where, "key_points", index),
                            "this key point is a placeholder",
                        )

    def _explanation(self, where: Loc, text: str | None, body: Any) -> None:
        if text is None:
            return
        here = (*where, "explanation")
        if is_placeholder(text):
            self.add(
                "warning",
                "placeholder-explanation",
                here,
                f"the explanation {quoted(text.strip())} is a placeholder: "
                "explain why the answer is right",
            )
            return
        if len(text.split()) < MIN_EXPLANATION_WORDS:
            self.add(
                "warning",
                "short-explanation",
                here,
                f"the explanation is shorter than a sentence ({len(text.split())} words): "
                "say why, not only what",
            )
            return
        answers = {normalised(answer) for answer in self._answer_texts(body)}
        if normalised(text) in answers - {""}:
            self.add(
                "warning",
                "explanation-is-answer",
                here,
                "the explanation only repeats the answer: say why it is right",
            )

    def _answer_texts(self, body: Any) -> Iterable[str]:
        from quizbank.scaffold import answer_text

        kind = body.type
        if kind == "truefalse":
            yield "true" if body.answer else "false"
        elif kind in ("single", "multi"):
            correct = [option.text for option in body.options if option.correct]
            yield from correct
            yield " ".join(correct)
        elif kind == "open":
            yield body.model_answer
        elif kind in ("numeric", "expression", "shape"):
            answer = body.answer
            yield getattr(answer, "expr", "") or " ".join(getattr(answer, "shape", []) or [])
            for instance in self.instances[:1]:
                for part in instance.parts:
                    if part.body is body and part.expected is not None:
                        yield answer_text(part.expected)

    # ----------------------------------------------------------------- per type

    def _options(self, where: Loc, body: Any) -> None:
        if body.type != "multi":
            return
        correct = sum(option.correct for option in body.options)
        if correct == 0:
            self.add(
                "warning",
                "multi-no-correct",
                (*where, "options"),
                "a multi-select with no correct option",
                at_key=True,
            )
        elif correct == len(body.options):
            self.add(
                "warning",
                "multi-no-wrong",
                (*where, "options"),
                "every option is correct: add a wrong one, or selecting all is always right",
                at_key=True,
            )

    def _tolerance(self, where: Loc, body: Any) -> None:
        if body.type != "numeric" or body.tolerance is not None:
            return
        for instance in self.instances:
            for part in instance.parts:
                value = part.expected
                if part.body is body and not _is_whole(value):
                    from quizbank.scaffold import answer_text

                    seed = f" (seed {instance.seed})" if self.question.is_parametric else ""
                    self.add(
                        "warning",
                        "numeric-no-tolerance",
                        (*where, "answer"),
                        f"the answer {answer_text(value)}{seed} is not a whole number and there is "
                        "no tolerance (the grader then accepts 0.1% off): say what you "
                        "accept, e.g. tolerance: {rel: 0.01}",
                        at_key=True,
                    )
                    return

    # ----------------------------------------------------------------- tests

    def _mistake_tests(self) -> None:
        question = self.question
        for where, body in _bodies(question):
            part = body.id if where else None
            tested = {test.mistake for test in question.tests if test.part == part and test.mistake}
            for index, rule in enumerate(body.mistakes):
                if rule.tag in tested:
                    continue
                on_part = f"part: {part}, " if part else ""
                found = self._mistake_value(part or "", rule.tag)
                if found is None:
                    example = f'{{{on_part}answer: "...", expect: incorrect, mistake: {rule.tag}}}'
                else:
                    seed, value = found
                    on_seed = f", seed: {seed}" if seed else ""
                    example = (
                        f'{{{on_part}answer: "{value}", expect: incorrect, '
                        f"mistake: {rule.tag}{on_seed}}}"
                    )
                self.add(
                    "error",
                    "untested-mistake",
                    (*where, "mistakes", index, "tag"),
                    f"mistake rule {quoted(rule.tag)} has no test; add to tests: - {example}",
                )

    def _mistake_value(self, part_id: str, tag: str) -> tuple[int, str] | None:
        """The first seed where the rule gives a wrong answer, and that answer."""
        from quizbank.scaffold import answer_text

        for instance in self.instances:
            for part in instance.parts:
                if part.id == part_id:
                    for mistake in part.mistakes:
                        if mistake.tag == tag:
                            return instance.seed, answer_text(mistake.value)
        return None

    def _failing_tests(self) -> None:
        from quizbank.answering import run_answer_tests

        for failure in run_answer_tests(self.question):
            self.add(
                "error",
                "failing-test",
                ("tests", failure.index),
                f"test {failure.answer!r} fails: {failure.message}",
            )


def _is_whole(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, Fraction):
        return value.denominator == 1
    if isinstance(value, float):
        return value.is_integer()
    return True  # not a number: another rule's business


def _signature(instance: Instance) -> tuple[Any, ...]:
    """What a student has to answer in this variant, comparable across seeds."""
    items: list[Any] = []
    for part in instance.parts:
        if part.type in ("single", "multi"):
            items.append(tuple(sorted(option.text for option in part.options if option.correct)))
        elif part.type == "open":
            items.append(None)
        else:
            items.append(part.expected)
    return tuple(items)
