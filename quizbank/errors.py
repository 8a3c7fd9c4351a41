"""Errors a user can fix (shown as one clear message) versus internal bugs (kept apart)."""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """Something the user can fix: printed as one clear message, exit status 1, no traceback."""


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a file: ``path:line:col: message (at where)``."""

    path: str
    line: int
    column: int
    message: str
    where: str = ""

    def __str__(self) -> str:
        suffix = f" (at {self.where})" if self.where else ""
        return f"{self.path}:{self.line}:{self.column}: {self.message}{suffix}"


class ValidationFailed(UserError):
    """Every problem found in a set of files, reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} found:"
        super().__init__("\n".join([header, *map(str, self.problems)]))


class InternalError(Exception):
    """A bug in dlquiz itself, never the user's input."""
