"""A mock exam in progress, without any UI: the exam screen drives an :class:`ExamSession`.

Everything the student does is committed to the store at once (the screen debounces
typing by at most :data:`TYPING_DEBOUNCE` seconds): answers, flags, the question shown and
the time spent per question. The deadline is wall-clock time fixed at the start, so a
resumed exam continues with exactly the time that remains, and an exam whose time ran
out while dlquiz was closed is submitted with its saved answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizbank.errors import UserError

if TYPE_CHECKING:
    from quizbank.clock import Clock
    from quizbank.exam import ExamLayout, ExamPlan, SectionInfo
    from quizbank.exam_grading import ExamReport, PartResult
    from quizbank.instantiate import Instance
    from quizbank.loader import Bank
    from quizbank.schema import Question
    from quizbank.store import Exam, Store, SubmitReason

TYPING_DEBOUNCE = 0.3
TIME_SAVE_INTERVAL = 15.0  # seconds between saves of the time spent on a question
DEFAULT_BLUEPRINT = "i2dl-mock"
EXPIRED_NOTICE = "time ran out while dlquiz was closed; submitted with your saved answers"


@dataclass(frozen=True)
class ExamRequest:
    """`dlquiz exam --blueprint quick-20 --seed 7 --minutes 3 --show-grades`, or ``--resume``.

    ``plan`` is an exam assembled beforehand (the command line does it, so that a bad
    blueprint is reported before the TUI opens); otherwise ``blueprint`` is loaded.
    """

    blueprint: str | Path = DEFAULT_BLUEPRINT
    seed: int | None = None
    minutes: float | None = None
    show_grades: bool | None = None  # None: as the blueprint says
    resume: bool = False
    plan: ExamPlan | None = None
    report_id: int | None = None  # show this exam's report instead (`--report`)

    def build_plan(self, bank: Bank) -> ExamPlan:
        import random

        from quizbank.blueprints import load_blueprint
        from quizbank.exam import assemble

        if self.plan is not None:
            return self.plan
        seed = self.seed if self.seed is not None else random.SystemRandom().randrange(10**6)
        return assemble(load_blueprint(self.blueprint), bank.questions, seed)


class ExamSession:
    """One exam: its slots, the saved answers and flags, the clock."""

    def __init__(self, store: Store, clock: Clock, bank: Bank, exam: Exam) -> None:
        from quizbank.exam import ExamLayout

        self.store = store
        self.clock = clock
        self.bank = bank
        self.exam = exam
        self.layout: ExamLayout = ExamLayout.from_json(exam.state["layout"])
        self.slots = store.exam_slots(exam.id)
        self.answers: dict[tuple[int, str], Any] = {
            (a.slot, a.part_id): a.response for a in store.exam_answers(exam.id)
        }
        self.flags = {slot.slot: slot.flagged for slot in self.slots}
        self.checked: set[int] = set(exam.state.get("checked", []))
        self.current = min(int(exam.state.get("current", 0)), len(self.slots) - 1)
        self._instances: dict[int, Instance | None] = {}
        self._problems: dict[int, str] = {}
        self._shown_since = clock.monotonic()

    # ----------------------------------------------------------------- starting

    @classmethod
    def start(
        cls,
        store: Store,
        clock: Clock,
        bank: Bank,
        plan: ExamPlan,
        *,
        minutes: float | None = None,
        show_grades: bool | None = None,
    ) -> ExamSession:
        """Create the exam in the store now: its deadline starts running."""
        if minutes is not None and minutes <= 0:
            raise UserError("--minutes must be more than 0")
        layout = replace(
            plan.layout,
            duration_minutes=minutes if minutes is not None else plan.layout.duration_minutes,
            show_grades=plan.layout.show_grades if show_grades is None else show_grades,
        )
        exam = store.create_exam(
            plan.blueprint,
            plan.seed,
            layout.duration_minutes * 60,
            plan.slots(),
            show_grades="each" if layout.show_grades else "after",
            state={"layout": layout.to_json(), "current": 0, "checked": []},
        )
        return cls(store, clock, bank, exam)

    @classmethod
    def resume(cls, store: Store, clock: Clock, bank: Bank) -> ExamSession:
        """The open exam; a UserError when there is none."""
        exam = store.open_exam()
        if exam is None:
            raise UserError("no exam is open; start one with `dlquiz exam`")
        return cls(store, clock, bank, exam)

    # ----------------------------------------------------------------- the clock

    def remaining(self) -> float:
        """Seconds left before the deadline (0 once it has passed)."""
        return self.exam.remaining(self.clock.now()).total_seconds()

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0

    # ----------------------------------------------------------------- questions

    @property
    def count(self) -> int:
        return len(self.slots)

    def question(self, slot: int) -> Question | None:
        return self.bank.by_id.get(self.slots[slot].question_id)

    def instance(self, slot: int) -> Instance | None:
        """The variant of the slot (cached); None when it can't be built, see :meth:`problem`."""
        if slot not in self._instances:
            from quizbank.instantiate import instantiate

            question = self.question(slot)
            if question is None:
                self._problems[slot] = "This question is no longer in the bank; it won't count."
                self._instances[slot] = None
            else:
                try:
                    self._instances[slot] = instantiate(question, self.slots[slot].seed)
                except UserError as error:
                    self._problems[slot] = f"This question can't be shown ({error})."
                    self._instances[slot] = None
        return self._instances[slot]

    def problem(self, slot: int) -> str | None:
        self.instance(slot)
        return self._problems.get(slot)

    def section(self, slot: int) -> SectionInfo:
        return self.layout.sections[self.layout.slot_sections[slot]]

    def points(self, slot: int) -> float:
        return self.layout.slot_points[slot]

    def saved(self, slot: int, part_id: str) -> Any:
        return self.answers.get((slot, part_id))

    def status(self, slot: int) -> str:
        """answered, partly (some parts of a problem) or unanswered."""
        from quizbank.exam_grading import response_from_json

        instance = self.instance(slot)
        if instance is None:
            return "unanswered"
        done = [
            response_from_json(part.type, self.saved(slot, part.id)) is not None
            for part in instance.parts
        ]
        if all(done):
            return "answered"
        return "partly" if any(done) else "unanswered"

    def unanswered(self) -> list[int]:
        return [slot for slot in range(self.count) if self.status(slot) != "answered"]

    def flagged(self) -> list[int]:
        return [slot for slot in range(self.count) if self.flags.get(slot)]

    # ----------------------------------------------------------------- saving

    def save(self, slot: int, part_id: str, response: Any) -> bool:
        """Commit an answer (a JSON value) now; False when it had not changed."""
        from quizbank.exam_grading import response_to_json

        value = response_to_json(response)
        if self.answers.get((slot, part_id)) == value:
            return False
        self.store.save_answer(self.exam.id, slot, value, part_id)
        self.answers[(slot, part_id)] = value
        return True

    def toggle_flag(self, slot: int) -> bool:
        flagged = not self.flags.get(slot, False)
        self.store.set_flag(self.exam.id, slot, flagged)
        self.flags[slot] = flagged
        return flagged

    def record_time(self) -> None:
        """Add the time since the current question was shown to it."""
        now = self.clock.monotonic()
        seconds, self._shown_since = now - self._shown_since, now
        if seconds > 0 and self.exam.is_open:
            self.store.add_time(self.exam.id, self.current, seconds)

    def record_time_if_due(self, every: float = TIME_SAVE_INTERVAL) -> None:
        """Save the time on the current question now and then, so a crash keeps most of it."""
        if self.clock.monotonic() - self._shown_since >= every:
            self.record_time()

    def go_to(self, slot: int) -> None:
        if not 0 <= slot < self.count or slot == self.current:
            return
        self.record_time()
        self.current = slot
        self._save_state()

    def check(self, slot: int) -> tuple[PartResult, ...]:
        """Show-grades mode: grade the slot's answers now; it can't be changed afterwards."""
        from quizbank.exam_grading import grade_slot

        instance = self.instance(slot)
        if instance is None:
            return ()
        if slot not in self.checked:
            self.checked.add(slot)
            self._save_state()
        saved = {part.id: self.saved(slot, part.id) for part in instance.parts}
        return grade_slot(instance, self.points(slot), saved)

    def _save_state(self) -> None:
        state = dict(self.exam.state)
        state.update(current=self.current, checked=sorted(self.checked))
        self.store.save_exam_state(self.exam.id, state)
        self.exam = replace(self.exam, state=state)

    # ----------------------------------------------------------------- the end

    def submit(self, reason: SubmitReason) -> ExamReport:
        """Submit (``user``, ``timeout`` or ``expired-while-closed``) and grade."""
        from quizbank.exam_grading import build_report, record_attempts
        from quizbank.store import ExamClosed

        if reason != "expired-while-closed":
            try:
                self.record_time()
            except ExamClosed:
                pass  # another dlquiz submitted it a moment ago
        first = self.store.submit_exam(self.exam.id, reason)
        report = build_report(self.store, self.exam.id, self.bank)
        if first:
            self.store.set_exam_score(self.exam.id, report.score, report.max_score)
            record_attempts(self.store, report)
        refreshed = self.store.exam(self.exam.id)
        if refreshed is not None:
            self.exam = refreshed
        return replace(report, exam=self.exam)


def rate_open_answer(
    store: Store, bank: Bank, exam_id: int, slot: int, part_id: str, rating: str
) -> ExamReport:
    """Save a self-rating from the report, update the exam's score and record the attempt."""
    from quizbank.exam_grading import build_report, record_attempts

    store.rate_exam_answer(exam_id, slot, rating, part_id)
    report = build_report(store, exam_id, bank)
    store.set_exam_score(exam_id, report.score, report.max_score)
    single = replace(report, slots=tuple(s for s in report.slots if s.slot == slot))
    only_part = tuple(
        replace(s, parts=tuple(p for p in s.parts if p.part.id == part_id)) for s in single.slots
    )
    record_attempts(store, replace(single, slots=only_part), open_parts=True)
    refreshed = store.exam(exam_id)
    return replace(report, exam=refreshed) if refreshed is not None else report
