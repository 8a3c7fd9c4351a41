"""`dlquiz bank lint`: questions that load but could be better, each with its location.

Errors (``bank lint`` exits 1): a mistake rule without a test, a failing ``tests:`` entry,
a variant that cannot be built. Warnings: near-duplicate questions, a multi-select without
a wrong option, a missing or too short explanation (or one that only repeats the answer),
a parametric question with fewer than 5 distinct answers in 50 seeds, a numeric answer that
is not whole without a tolerance, placeholder sources and texts ("TODO").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from quizbank.lint_duplicates import near_duplicates
from quizbank.lint_question import QuestionLinter, Severity, is_placeholder
from quizbank.locate import node_position
from quizbank.yaml_loader import compose

if TYPE_CHECKING:
    from yaml.nodes import Node

    from quizbank.loader import Bank

__all__ = ["LintFinding", "LintReport", "Locator", "is_placeholder", "lint_bank"]

Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class LintFinding:
    """One finding: ``path:line:col: warning: message [rule]``."""

    path: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str
    question_id: str = ""

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.rule}]"
        )


@dataclass
class LintReport:
    questions: int = 0
    findings: list[LintFinding] = field(default_factory=list)

    @property
    def errors(self) -> list[LintFinding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[LintFinding]:
        return [f for f in self.findings if f.severity == "warning"]

    def summary(self) -> str:
        errors, warnings = len(self.errors), len(self.warnings)
        return (
            f"linted {self.questions} questions: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}"
        )


# --------------------------------------------------------------------------- locations


class Locator:
    """Question id + path inside it -> (file, line, column), composing each file once."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self._files: dict[Path, tuple[Node | None, dict[str, int]]] = {}

    def _file(self, path: Path) -> tuple[Node | None, dict[str, int]]:
        if path not in self._files:
            root = compose(path.read_text(encoding="utf-8-sig"))
            self._files[path] = (root, _question_indices(root))
        return self._files[path]

    def position(
        self, question_id: str, where: Loc = (), *, at_key: bool = False
    ) -> tuple[str, int, int]:
        path = self.bank.file_of.get(question_id)
        if path is None:
            return ("<unknown>", 1, 1)
        root, indices = self._file(path)
        if root is None or question_id not in indices:
            return (str(path), 1, 1)
        line, column = node_position(
            root, ("questions", indices[question_id], *where), at_key=at_key
        )
        return (str(path), line, column)


def _question_indices(root: Node | None) -> dict[str, int]:
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if not isinstance(root, MappingNode):
        return {}
    found: dict[str, int] = {}
    for key, value in root.value:
        if (
            isinstance(key, ScalarNode)
            and key.value == "questions"
            and isinstance(value, SequenceNode)
        ):
            for index, item in enumerate(value.value):
                if isinstance(item, MappingNode):
                    for item_key, item_value in item.value:
                        if isinstance(item_key, ScalarNode) and item_key.value == "id":
                            found.setdefault(str(item_value.value), index)
    return found


# --------------------------------------------------------------------------- the bank


def lint_bank(
    bank: Bank,
    *,
    only: Collection[Path] | None = None,
    seeds: int = 50,
    duplicate_ratio: float = 0.9,
) -> LintReport:
    """Lint every question of ``bank``; with ``only``, report findings in those files only
    (near-duplicates are still looked for across the whole bank)."""
    chosen = None if only is None else {Path(path).resolve() for path in only}
    locator = Locator(bank)
    report = LintReport()

    def wanted(question_id: str) -> bool:
        path = bank.file_of.get(question_id)
        return chosen is None or (path is not None and path.resolve() in chosen)

    for question in bank.questions:
        if not wanted(question.id):
            continue
        report.questions += 1
        linter = QuestionLinter(question, seeds)
        linter.run()
        for severity, rule, where, message, at_key in linter.found:
            path, line, column = locator.position(question.id, where, at_key=at_key)
            report.findings.append(
                LintFinding(path, line, column, severity, rule, message, question.id)
            )
    for pair in near_duplicates(bank.questions, duplicate_ratio):
        later, earlier = pair.second, pair.first
        if not wanted(later.id):
            later, earlier = earlier, later
            if not wanted(later.id):
                continue
        path, line, column = locator.position(later.id, ("prompt",), at_key=True)
        other = ":".join(map(str, locator.position(earlier.id)[:2]))
        message = f"nearly the same question as {earlier.id} ({other}; {pair.ratio:.0%} alike)"
        report.findings.append(
            LintFinding(path, line, column, "warning", "near-duplicate", message, later.id)
        )
    report.findings.sort()
    return report
