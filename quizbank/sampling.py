"""Which questions to practise, in which order, with which seeds.

Pure functions over :mod:`quizbank.schema` questions. The order is a shuffle fixed by a
seed, with questions not seen recently first; a parametric question gets a fresh seed
(new numbers) every time it is queued.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizbank.schema import Question
    from quizbank.store import Store

__all__ = ["MAX_SEED", "RECENT", "PracticeFilter", "normalise_topic", "practice_queue"]

MAX_SEED = 2**31
# A question answered within this long counts as "seen recently" and goes to the back.
RECENT = timedelta(hours=20)


def normalise_topic(text: str) -> str:
    """Compare topics and tags loosely: case, hyphens and spacing do not matter."""
    return " ".join(re.split(r"[\s_-]+", text.casefold())).strip()


@dataclass(frozen=True)
class PracticeFilter:
    """Lectures, topics and question types to practise; an empty collection means all.

    A topic matches a question's ``topic`` or any of its ``tags``, ignoring case, so
    ``"Receptive fields"`` matches the tag ``receptive-fields``.
    """

    lectures: Collection[int] = ()
    topics: Collection[str] = ()
    types: Collection[str] = ()
    _topic_keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_topic_keys", frozenset(map(normalise_topic, self.topics)))

    def matches(self, question: Question) -> bool:
        if self.lectures and question.lecture not in self.lectures:
            return False
        if self.types and question.type not in self.types:
            return False
        if self._topic_keys:
            keys = {normalise_topic(question.topic), *map(normalise_topic, question.tags)}
            return not self._topic_keys.isdisjoint(keys)
        return True


def practice_queue(
    questions: Sequence[Question],
    practice_filter: PracticeFilter | None = None,
    rng_seed: int = 0,
    store: Store | None = None,
    *,
    now: datetime | None = None,
) -> Iterator[tuple[Question, int]]:
    """Every matching question once, as ``(question, seed)``.

    The same ``rng_seed`` gives the same order and seeds. With a ``store``, questions never
    answered come first, then those not answered within :data:`RECENT`, then the recently
    answered ones, least recent first. A question without params always gets seed 0.
    """
    practice_filter = practice_filter or PracticeFilter()
    rng = random.Random(rng_seed)
    chosen = sorted((q for q in questions if practice_filter.matches(q)), key=lambda q: q.id)
    rng.shuffle(chosen)
    seeded = [(q, rng.randrange(MAX_SEED) if q.is_parametric else 0) for q in chosen]
    if store is not None:
        last_seen = store.last_seen()
        cutoff = (now or store.clock.now()) - RECENT

        def freshness(pair: tuple[Question, int]) -> tuple[int, str]:
            seen = last_seen.get(pair[0].id)
            if seen is None:
                return (0, "")
            if seen < cutoff:
                return (1, "")
            return (2, seen.isoformat())

        seeded.sort(key=freshness)  # stable: the shuffle decides within each group
    yield from seeded
