"""Spaced repetition with FSRS (the ``fsrs`` package), one card per question template.

A card belongs to a question id, not to a variant: when a parametric question falls due
it comes back with fresh numbers. Ratings come from the outcome and the time taken
(:func:`rating_for`); open questions use the student's self-rating. Cramming
(:func:`weakest`) only reads the history and never moves a card.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from fsrs import Card, Rating
from fsrs import Scheduler as FsrsScheduler

from quizbank.clock import Clock, utc
from quizbank.store import Store

if TYPE_CHECKING:
    from quizbank.schema import Question

__all__ = [
    "FAST_SECONDS",
    "SELF_RATINGS",
    "SLOW_SECONDS",
    "STUDY_MODES",
    "DueDay",
    "Rating",
    "Scheduler",
    "combine_ratings",
    "local_date",
    "rating_for",
    "weakest",
]

# A correct answer this fast is rated Easy, one slower than SLOW_SECONDS is rated Hard.
FAST_SECONDS: dict[str, float] = {
    "truefalse": 6,
    "single": 10,
    "multi": 20,
    "numeric": 40,
    "expression": 45,
    "shape": 30,
    "problem": 90,
}
SLOW_SECONDS: dict[str, float] = {
    "truefalse": 30,
    "single": 45,
    "multi": 90,
    "numeric": 180,
    "expression": 180,
    "shape": 150,
    "problem": 420,
}
_DEFAULT_FAST, _DEFAULT_SLOW = 30.0, 150.0

SELF_RATINGS: dict[str, Rating] = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}

# Modes that reflect the student's own learning (an author's preview does not).
STUDY_MODES = ("practice", "review", "cram", "exam")


def rating_for(
    outcome: str, seconds: float, qtype: str, self_rating: str | None = None
) -> Rating | None:
    """The FSRS rating of one answer; ``None`` for an unreadable answer (no review).

    Open questions are rated by the student (``self_rating``: again/hard/good/easy).
    """
    if self_rating is not None:
        if self_rating not in SELF_RATINGS:
            raise ValueError(f"self-rating must be one of {tuple(SELF_RATINGS)}")
        return SELF_RATINGS[self_rating]
    if outcome == "invalid":
        return None
    if outcome == "incorrect":
        return Rating.Again
    if outcome != "correct":
        raise ValueError(f"unknown outcome {outcome!r}")
    if qtype == "open":
        return Rating.Good  # writing time says little; the self-rating is the real signal
    if seconds <= FAST_SECONDS.get(qtype, _DEFAULT_FAST):
        return Rating.Easy
    if seconds > SLOW_SECONDS.get(qtype, _DEFAULT_SLOW):
        return Rating.Hard
    return Rating.Good


def combine_ratings(ratings: Iterable[Rating | None]) -> Rating | None:
    """One rating for a multi-part problem: its weakest part (unreadable parts are skipped)."""
    given = [rating for rating in ratings if rating is not None]
    return min(given) if given else None


def local_date(moment: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day of ``moment`` in ``tz`` (default: the computer's time zone)."""
    return (moment.astimezone(tz) if tz is not None else moment.astimezone()).date()


@dataclass(frozen=True)
class DueDay:
    day: date
    count: int


def _card_id(question_id: str) -> int:
    # fsrs wants an int id; a stable one keeps exported cards comparable across machines.
    return zlib.crc32(question_id.encode("utf-8"))


class Scheduler:
    """FSRS scheduling of question templates, stored in the progress store."""

    def __init__(self, store: Store, clock: Clock, *, enable_fuzzing: bool = False) -> None:
        self.store = store
        self.clock = clock
        # Fuzzing spreads big decks; off by default so that schedules are reproducible.
        self._fsrs = FsrsScheduler(enable_fuzzing=enable_fuzzing)

    def card(self, question_id: str) -> Card | None:
        row = self.store.card(question_id)
        return Card.from_json(row.card_json) if row else None

    def review(self, question_id: str, rating: Rating) -> Card:
        """Rate an answer to ``question_id`` now; the new card is saved before returning."""
        now = utc(self.clock.now())
        card = self.card(question_id) or Card(card_id=_card_id(question_id), due=now)
        card, _log = self._fsrs.review_card(card, Rating(rating), review_datetime=now)
        self.store.save_review(question_id, card.to_json(), card.due, int(rating))
        return card

    def due(self, now: datetime | None = None) -> list[str]:
        """Question ids due at ``now`` (default: the clock's now), most overdue first."""
        return self.store.due_question_ids(now or self.clock.now())

    def due_counts(self, days: int = 7, *, tz: tzinfo | None = None) -> list[DueDay]:
        """Reviews due on each of the next ``days`` days; overdue ones count for today."""
        today = local_date(self.clock.now(), tz)
        counts = [0] * days
        for row in self.store.cards():
            offset = max(0, (local_date(row.due, tz) - today).days)
            if offset < days:
                counts[offset] += 1
        return [DueDay(today + timedelta(days=i), count) for i, count in enumerate(counts)]

    def retrievability(self, question_id: str) -> float | None:
        """The predicted chance of recalling the question now (None if never reviewed)."""
        card = self.card(question_id)
        if card is None:
            return None
        return float(self._fsrs.get_card_retrievability(card, utc(self.clock.now())))


# ------------------------------------------------------------------------- cram weakest

RECENT_PER_QUESTION = 5
RECENT_PER_TOPIC = 20
RECENT_FOR_MISTAKES = 100


def _mistake_tags(question: Question) -> set[str]:
    """The mistake and misconception tags a question can diagnose."""
    bodies: list[object] = [question, *getattr(question, "parts", ())]
    tags: set[str] = set()
    for body in bodies:
        tags.update(rule.tag for rule in getattr(body, "mistakes", ()))
        tags.update(o.misconception for o in getattr(body, "options", ()) if o.misconception)
    return tags


def _error_rate(outcomes: Sequence[bool]) -> float:
    return sum(not correct for correct in outcomes) / len(outcomes) if outcomes else 0.0


def weakest(bank_questions: Sequence[Question], store: Store, n: int) -> list[Question]:
    """The ``n`` questions most worth cramming; empty when nothing looks weak yet.

    A question scores by its own recent error rate, half its topic's recent error rate, and
    half the frequency of the student's most common mistake tags that it can diagnose, so
    weak topics also surface questions not yet seen. Reads only: the schedule is unchanged.
    """
    history = store.attempts(modes=STUDY_MODES, include_invalid=False, newest_first=True)
    by_question: dict[str, list[bool]] = defaultdict(list)
    by_topic: dict[str, list[bool]] = defaultdict(list)
    for attempt in history:
        if len(by_question[attempt.question_id]) < RECENT_PER_QUESTION:
            by_question[attempt.question_id].append(attempt.correct)
        topic = attempt.topic.casefold()
        if len(by_topic[topic]) < RECENT_PER_TOPIC:
            by_topic[topic].append(attempt.correct)
    mistakes = Counter(a.mistake for a in history[:RECENT_FOR_MISTAKES] if a.mistake)
    most = max(mistakes.values(), default=0)

    scored: list[tuple[float, str, Question]] = []
    for question in bank_questions:
        score = _error_rate(by_question.get(question.id, ()))
        score += 0.5 * _error_rate(by_topic.get(question.topic.casefold(), ()))
        if most:
            score += 0.5 * max((mistakes[tag] / most for tag in _mistake_tags(question)), default=0)
        if score > 0:
            scored.append((score, question.id, question))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [question for _, _, question in scored[:n]]
