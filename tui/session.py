"""A practice, review or cram session without any UI: what to ask next, grading, recording.

The practice screen drives a :class:`PracticeSession`; tests can drive one directly.
Every graded attempt is written to the store the moment it is graded; practice and review
update the spaced-repetition schedule, cram never does, and unreadable answers are neither
recorded nor scheduled.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from quizbank.errors import UserError

if TYPE_CHECKING:
    from quizbank.clock import Clock
    from quizbank.instantiate import Instance, PartInstance
    from quizbank.loader import Bank
    from quizbank.schema import Question
    from quizbank.store import Store
    from solvers.grading import GradeResult

Mode = Literal["practice", "review", "cram"]
SELF_RATING_SCORES = {"again": 0.0, "hard": 0.5, "good": 1.0, "easy": 1.0}
DEFAULT_LENGTH = 20


@dataclass(frozen=True)
class PracticeRequest:
    """What the student asked for: `dlquiz practice --lecture 9 --type numeric --seed 3`."""

    mode: Mode = "practice"
    lectures: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    seed: int | None = None
    length: int = DEFAULT_LENGTH

    def describe(self) -> str:
        if self.mode == "review":
            return "Review: due questions"
        if self.mode == "cram":
            return "Cram: weakest questions"
        parts = []
        if self.lectures:
            parts.append("lecture " + ", ".join(map(str, self.lectures)))
        if self.topics:
            parts.append("topic " + ", ".join(self.topics))
        if self.types:
            parts.append("type " + ", ".join(self.types))
        return "Practice: " + ("; ".join(parts) if parts else "all lectures")

    def filters_json(self) -> dict[str, Any]:
        return {
            "lectures": list(self.lectures),
            "topics": list(self.topics),
            "types": list(self.types),
            "seed": self.seed,
        }


@dataclass
class AnsweredPart:
    """One graded (or self-rated) part, for the session summary."""

    question_id: str
    part_id: str
    lecture: int
    topic: str
    outcome: str
    score: float
    mistake: str | None
    seconds: float


@dataclass
class SessionSummary:
    answered: int
    correct: int
    score: float  # sum of scores
    seconds: float
    skipped: int
    by_topic: dict[str, tuple[int, int]]  # topic -> (wrong, answered)
    mistakes: list[tuple[str, int]]


@dataclass
class PracticeSession:
    """Hands out question instances and records each graded part."""

    request: PracticeRequest
    bank: Bank
    store: Store
    clock: Clock
    plan: list[tuple[Question, int]]
    session_id: int | None = None
    position: int = 0  # index into plan of the current question
    instance: Instance | None = None
    part_index: int = 0
    answered: list[AnsweredPart] = field(default_factory=list)
    skipped: int = 0
    broken: list[str] = field(default_factory=list)  # questions left out, with the reason
    started: float = 0.0
    part_started: float = 0.0
    _part_ratings: list[Any] = field(default_factory=list)  # fsrs ratings of this question

    # ----------------------------------------------------------------- building

    @classmethod
    def start(
        cls, request: PracticeRequest, bank: Bank, store: Store, clock: Clock
    ) -> PracticeSession:
        """Plan the session; raises UserError when nothing matches the request."""
        plan = plan_questions(request, bank, store, clock)
        if not plan:
            raise UserError(_nothing_message(request))
        session = cls(request, bank, store, clock, plan, started=clock.monotonic())
        session.session_id = store.start_session(request.mode, request.filters_json())
        session._show(0)
        return session

    def _show(self, position: int, seed: int | None = None) -> None:
        """Instantiate the question at ``position``; a broken one is left out of the plan.

        Raises UserError when no question from ``position`` on can be instantiated.
        """
        from quizbank.instantiate import instantiate

        while True:
            question, planned_seed = self.plan[position]
            try:
                instance = instantiate(question, planned_seed if seed is None else seed)
            except UserError as error:  # a bank bug (constraints, solver): skip, don't crash
                self.broken.append(f"{question.id}: {error}")
                del self.plan[position]
                seed = None
                if position >= len(self.plan):
                    raise UserError("no more questions could be prepared") from error
                continue
            break
        self.position = position
        self.instance = instance
        self.part_index = 0
        self._part_ratings = []
        self.part_started = self.clock.monotonic()

    # ----------------------------------------------------------------- where we are

    @property
    def question(self) -> Question:
        return self.plan[self.position][0]

    @property
    def part(self) -> PartInstance:
        assert self.instance is not None
        return self.instance.parts[self.part_index]

    @property
    def total(self) -> int:
        return len(self.plan)

    @property
    def is_problem(self) -> bool:
        return self.question.type == "problem"

    @property
    def has_more_parts(self) -> bool:
        assert self.instance is not None
        return self.part_index + 1 < len(self.instance.parts)

    @property
    def is_last_question(self) -> bool:
        return self.position + 1 >= len(self.plan)

    def progress_text(self) -> str:
        text = f"question {self.position + 1} of {self.total}"
        if self.is_problem and self.instance is not None:
            text += f", part {self.part.id}"
        return text

    # ----------------------------------------------------------------- moving on

    def next_part(self) -> None:
        self.part_index += 1
        self.part_started = self.clock.monotonic()

    def next_question(self) -> bool:
        """Move to the next planned question; False at the end of the plan."""
        if self.is_last_question:
            return False
        try:
            self._show(self.position + 1)
        except UserError:
            return False
        return True

    def skip(self) -> bool:
        self.skipped += 1
        return self.next_question()

    def another_like_this(self) -> int:
        """A fresh variant of the current template; returns its seed."""
        assert self.instance is not None
        old = self.instance.seed
        seed = random.Random(f"{self.question.id}:{old}:{self.clock.monotonic()}").randrange(10**6)
        if seed == old:
            seed += 1
        from quizbank.instantiate import instantiate

        try:
            instance = instantiate(self.question, seed)
        except UserError:
            return old  # this template has no other variant that works: keep the current one
        self.instance = instance
        self.part_index = 0
        self._part_ratings = []
        self.part_started = self.clock.monotonic()
        return seed

    # ----------------------------------------------------------------- grading and recording

    def grade(self, response: Any, answer_text: str) -> GradeResult:
        """Grade the current part; a readable answer is recorded and scheduled at once."""
        from quizbank.answering import grade_part

        result = grade_part(self.part, response)
        if str(result.outcome) != "invalid":
            self._record(answer_text, str(result.outcome), result.score, result.mistake)
        return result

    def rate_open(self, rating: str, answer_text: str) -> None:
        """Record a self-rated open part: again counts as incorrect, the rest as correct."""
        outcome = "incorrect" if rating == "again" else "correct"
        self._record(answer_text, outcome, SELF_RATING_SCORES[rating], None, rating=rating)

    def _record(
        self,
        answer_text: str,
        outcome: str,
        score: float,
        mistake: str | None,
        *,
        rating: str | None = None,
    ) -> None:
        from quizbank.store import Attempt

        assert self.instance is not None
        seconds = max(0.0, self.clock.monotonic() - self.part_started)
        question = self.question
        part = self.part
        self.answered.append(
            AnsweredPart(
                question.id,
                part.id,
                question.lecture,
                question.topic,
                outcome,
                score,
                mistake,
                seconds,
            )
        )
        from quizbank.srs import rating_for

        self._part_ratings.append(rating_for(outcome, seconds, part.type, self_rating=rating))
        self.store.record_attempt(
            Attempt(
                question_id=question.id,
                part_id=part.id,
                seed=self.instance.seed,
                answer=answer_text,
                outcome=outcome,
                score=score,
                mistake=mistake,
                lecture=question.lecture,
                topic=question.topic,
                qtype=part.type,
                seconds=seconds,
                mode=self.request.mode,
                session_id=self.session_id,
            )
        )
        if not self.has_more_parts:
            self._schedule()

    def _schedule(self) -> None:
        """Feed the finished question to the scheduler (never in cram mode)."""
        if self.request.mode == "cram":
            return
        from quizbank.srs import Scheduler, combine_ratings

        rating = combine_ratings(self._part_ratings)  # a problem counts as its weakest part
        if rating is not None:
            Scheduler(self.store, self.clock).review(self.question.id, rating)

    # ----------------------------------------------------------------- the end

    def finish(self) -> SessionSummary:
        if self.session_id is not None:
            self.store.end_session(self.session_id)
            self.session_id = None
        return self.summary()

    def summary(self) -> SessionSummary:
        by_topic: dict[str, tuple[int, int]] = {}
        for part in self.answered:
            wrong, total = by_topic.get(part.topic, (0, 0))
            by_topic[part.topic] = (wrong + (part.outcome == "incorrect"), total + 1)
        mistakes = Counter(part.mistake for part in self.answered if part.mistake)
        return SessionSummary(
            answered=len(self.answered),
            correct=sum(part.outcome == "correct" for part in self.answered),
            score=sum(part.score for part in self.answered),
            seconds=self.clock.monotonic() - self.started,
            skipped=self.skipped,
            by_topic=by_topic,
            mistakes=mistakes.most_common(),
        )


def end_of_today(clock: Clock) -> datetime:
    """Midnight at the end of the student's local day: reviews due by then count as today's."""
    local_now = clock.now().astimezone()
    tomorrow = datetime.combine(local_now.date() + timedelta(days=1), time(), local_now.tzinfo)
    return tomorrow.astimezone(UTC)


def due_today(store: Store, clock: Clock) -> list[str]:
    """Question ids due for review today (including overdue ones)."""
    from quizbank.srs import Scheduler

    return Scheduler(store, clock).due(end_of_today(clock))


def plan_questions(
    request: PracticeRequest, bank: Bank, store: Store, clock: Clock
) -> list[tuple[Question, int]]:
    """The (question, seed) pairs of a session, in order."""
    seed = request.seed if request.seed is not None else random.SystemRandom().randrange(10**6)
    rng = random.Random(seed)
    if request.mode == "review":
        due = due_today(store, clock)
        questions = [bank.by_id[qid] for qid in due if qid in bank.by_id]
        # A due template comes back with fresh numbers.
        return [(q, rng.randrange(10**6)) for q in questions[: request.length]]
    if request.mode == "cram":
        from quizbank.srs import weakest

        picked = weakest(bank.questions, store, request.length)
        return [(q, rng.randrange(10**6)) for q in picked]
    from quizbank.sampling import PracticeFilter, practice_queue

    practice_filter = PracticeFilter(
        lectures=request.lectures, topics=request.topics, types=request.types
    )
    queue: Iterator[tuple[Question, int]] = iter(
        practice_queue(bank.questions, practice_filter, seed, store=store)
    )
    return [pair for _, pair in zip(range(request.length), queue, strict=False)]


def _nothing_message(request: PracticeRequest) -> str:
    if request.mode == "review":
        return "No reviews are due. Practise something new, or come back later."
    if request.mode == "cram":
        return "Nothing to cram yet: answer a few questions first."
    return f"No questions match ({request.describe().removeprefix('Practice: ')})."
