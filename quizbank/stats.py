"""Progress statistics: the stats screen and ``dlquiz stats [--json]``.

Every count leaves out an author's ``preview`` attempts. An unreadable (``invalid``)
answer is counted as an answer but never as wrong: ``accuracy = correct / graded`` with
``graded = correct + incorrect`` (``null`` when nothing was graded).

The JSON object (:func:`stats_json`) has these keys:

- ``totals``: ``{"answers", "graded", "correct", "incorrect", "invalid", "accuracy"}``
- ``by_lecture``: a list of the same counts plus ``"lecture"`` (ascending; ``null`` when an
  attempt had no lecture)
- ``by_topic``: the same counts plus ``"topic"``, ordered by topic
- ``by_day``: ``[{"date": "YYYY-MM-DD", "graded", "correct", "accuracy"}]``, the days with
  graded answers in the local time zone, oldest first (the accuracy-over-time sparkline)
- ``mistakes``: ``[{"tag", "count"}]``, the most frequent named mistakes first (at most 10)
- ``due``: ``[{"date", "count"}]``, reviews due on each of the next 7 days (overdue ones
  count for today)
- ``exams``: ``[{"id", "blueprint", "seed", "started_at", "deadline", "submitted_at",
  "submit_reason", "score", "max_score"}]``, newest first; times in ISO 8601 UTC
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from quizbank.srs import STUDY_MODES, DueDay, Scheduler, local_date
from quizbank.store import Exam, OutcomeCount, Store

__all__ = ["DayAccuracy", "Stats", "compute_stats", "format_stats", "sparkline", "stats_json"]

MISTAKES_SHOWN = 10
_BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class DayAccuracy:
    day: date
    graded: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.graded


@dataclass(frozen=True)
class Stats:
    totals: OutcomeCount
    by_lecture: list[OutcomeCount]
    by_topic: list[OutcomeCount]
    by_day: list[DayAccuracy]
    mistakes: list[tuple[str, int]]
    due: list[DueDay]
    exams: list[Exam]

    @property
    def empty(self) -> bool:
        return self.totals.answers == 0 and not self.exams and not any(d.count for d in self.due)


def compute_stats(store: Store, *, tz: tzinfo | None = None, days_ahead: int = 7) -> Stats:
    """All figures at the store's clock's now; days are calendar days in ``tz`` (default local)."""
    by_lecture = store.outcome_counts("lecture", modes=STUDY_MODES)
    totals = OutcomeCount(
        None,
        sum(group.correct for group in by_lecture),
        sum(group.incorrect for group in by_lecture),
        sum(group.invalid for group in by_lecture),
    )
    days: dict[date, list[int]] = {}
    for attempt in store.attempts(modes=STUDY_MODES, include_invalid=False):
        assert attempt.created_at is not None
        graded_correct = days.setdefault(local_date(attempt.created_at, tz), [0, 0])
        graded_correct[0] += 1
        graded_correct[1] += attempt.correct
    return Stats(
        totals=totals,
        by_lecture=by_lecture,
        by_topic=store.outcome_counts("topic", modes=STUDY_MODES),
        by_day=[DayAccuracy(day, g, c) for day, (g, c) in sorted(days.items())],
        mistakes=store.mistake_counts(modes=STUDY_MODES, limit=MISTAKES_SHOWN),
        due=Scheduler(store, store.clock).due_counts(days_ahead, tz=tz),
        exams=store.list_exams(),
    )


# ------------------------------------------------------------------------- JSON


def _counts(group: OutcomeCount) -> dict[str, Any]:
    return {
        "answers": group.answers,
        "graded": group.graded,
        "correct": group.correct,
        "incorrect": group.incorrect,
        "invalid": group.invalid,
        "accuracy": group.accuracy,
    }


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def stats_json(stats: Stats) -> dict[str, Any]:
    """The figures as one JSON-ready object (keys in the module docstring)."""
    return {
        "totals": _counts(stats.totals),
        "by_lecture": [{"lecture": g.key, **_counts(g)} for g in stats.by_lecture],
        "by_topic": [{"topic": g.key, **_counts(g)} for g in stats.by_topic],
        "by_day": [
            {
                "date": d.day.isoformat(),
                "graded": d.graded,
                "correct": d.correct,
                "accuracy": d.accuracy,
            }
            for d in stats.by_day
        ],  # fmt: skip
        "mistakes": [{"tag": tag, "count": count} for tag, count in stats.mistakes],
        "due": [{"date": d.day.isoformat(), "count": d.count} for d in stats.due],
        "exams": [
            {
                "id": exam.id,
                "blueprint": exam.blueprint,
                "seed": exam.seed,
                "started_at": _when(exam.started_at),
                "deadline": _when(exam.deadline),
                "submitted_at": _when(exam.submitted_at),
                "submit_reason": exam.submit_reason,
                "score": exam.score,
                "max_score": exam.max_score,
            }
            for exam in stats.exams
        ],
    }


# ------------------------------------------------------------------------- text


def sparkline(values: list[float]) -> str:
    """Values in 0..1 as block characters, e.g. ``▂▅█``."""
    top = len(_BARS) - 1
    return "".join(_BARS[round(min(max(v, 0.0), 1.0) * top)] for v in values)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _table(headers: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    """Aligned columns; ``align`` has one ``l`` or ``r`` per column (default: text, numbers)."""
    align = align or "l" + "r" * (len(headers) - 1)
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        padded = [
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(cells, widths, align, strict=True)
        ]
        return "  " + "  ".join(padded).rstrip()

    return [line(headers), *map(line, rows)]


def _group_rows(groups: list[OutcomeCount], name: str) -> list[str]:
    rows = [
        [str(g.key) if g.key not in (None, "") else "-", str(g.graded), str(g.correct),
         _percent(g.accuracy), str(g.invalid)]
        for g in groups
    ]  # fmt: skip
    return _table([name, "graded", "correct", "accuracy", "unreadable"], rows)


def format_stats(stats: Stats) -> str:
    """Readable tables for the terminal."""
    totals = stats.totals
    lines = [
        f"Answers: {totals.answers}  graded: {totals.graded}  correct: {totals.correct}"
        f"  accuracy: {_percent(totals.accuracy)}  unreadable (not counted): {totals.invalid}"
    ]
    if totals.answers:
        lines += ["", "By lecture", *_group_rows(stats.by_lecture, "lecture")]
        lines += ["", "By topic", *_group_rows(stats.by_topic, "topic")]
    if stats.by_day:
        recent = stats.by_day[-30:]
        lines += ["", f"Accuracy over time  {sparkline([d.accuracy for d in recent])}"]
        rows = [[d.day.isoformat(), str(d.graded), _percent(d.accuracy)] for d in recent[-7:]]
        lines += _table(["day", "graded", "accuracy"], rows)
    if stats.mistakes:
        lines += ["", "Most frequent mistakes"]
        lines += _table(["mistake", "count"], [[tag, str(n)] for tag, n in stats.mistakes])
    lines += ["", "Reviews due"]
    rows = [
        [d.day.strftime("%a %Y-%m-%d") + (" (today)" if i == 0 else ""), str(d.count)]
        for i, d in enumerate(stats.due)
    ]
    lines += _table(["day", "due"], rows)
    if stats.exams:
        lines += ["", "Exams"]
        rows = [
            [f"#{e.id}", e.blueprint, str(e.seed), e.started_at.strftime("%Y-%m-%d %H:%M UTC"),
             "-" if e.score is None else f"{e.score:g}/{e.max_score or 0:g}",
             e.submit_reason or "not submitted"]
            for e in stats.exams
        ]  # fmt: skip
        lines += _table(
            ["exam", "blueprint", "seed", "started", "score", "submitted"], rows, "llrlrl"
        )
    return "\n".join(lines)
