"""Time as a dependency: the store, the scheduler and the exam timer take a :class:`Clock`.

Production code uses :class:`SystemClock`; tests use :class:`FakeClock` and call
:meth:`FakeClock.advance` instead of sleeping.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FakeClock", "SystemClock", "utc"]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; only differences are meaningful."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class FakeClock:
    """A clock that only moves when told to: ``FakeClock(start).advance(seconds)``."""

    DEFAULT_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

    def __init__(self, start: datetime | None = None) -> None:
        self._now = utc(start or self.DEFAULT_START)
        self._monotonic = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go back in time")
        self._now += timedelta(seconds=seconds)
        self._monotonic += seconds
