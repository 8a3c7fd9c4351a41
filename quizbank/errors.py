"""Errors a user can fix (shown as one clear message) versus internal bugs (kept apart)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``): never a terminal sequence."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


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
        # The path is kept as given (to match files); a file name may hold escape sequences.
        suffix = f" (at {self.where})" if self.where else ""
        return inert(f"{self.path}:{self.line}:{self.column}: {self.message}{suffix}")


class ValidationFailed(UserError):
    """Every problem found in a set of files, reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} found:"
        super().__init__("\n".join([header, *map(str, self.problems)]))


class InternalError(Exception):
    """A bug in dlquiz itself, never the user's input."""
