"""The exam's status line: the countdown (always visible), progress, section and seed."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


def clock_text(seconds: float) -> str:
    """``1:29:59`` or ``4:05``: whole seconds, rounded up so 0:00 means time is up."""
    whole = max(0, int(-(-seconds // 1)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ExamStatus(Static):
    """``⏱ 19:54 left │ question 3 of 13 │ 2 answered · 1 flagged │ seed 7``."""

    DEFAULT_CSS = """
    ExamStatus {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    ExamStatus.-low {
        background: $warning-muted;
    }
    ExamStatus.-critical {
        background: $error-muted;
    }
    """

    def show(
        self, *, seconds_left: float, slot: int, count: int, answered: int, flagged: int, seed: int
    ) -> None:
        low = seconds_left <= 300
        marker = "  LOW" if 60 < seconds_left <= 300 else "  LAST MINUTE" if low else ""
        self.set_class(60 < seconds_left <= 300, "-low")
        self.set_class(seconds_left <= 60, "-critical")
        self.update(
            Content.assemble(
                ("⏱ ", "bold"),
                (f"{clock_text(seconds_left)} left{marker}", "bold"),
                f"  │  question {slot + 1} of {count}",
                f"  │  {answered} answered · {flagged} flagged",
                f"  │  seed {seed}",
            )
        )
