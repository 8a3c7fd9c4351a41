"""What the exam report says: the summary in Markdown and the feedback of each part.

Also used by the exam screen in show-grades mode, so a checked question reads the same
as in the report.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui.screens.practice_text import render_explanation
from tui.widgets.exam_navigator import NavigatorEntry
from tui.widgets.exam_status import clock_text
from tui.widgets.feedback import FeedbackDetails, FeedbackView, options_markdown

if TYPE_CHECKING:
    from quizbank.exam_grading import ExamReport, GroupScore, PartResult, SlotResult
    from quizbank.instantiate import Instance

REASONS = {
    "user": "submitted by you",
    "timeout": "submitted when the time ran out",
    "expired-while-closed": "time ran out while dlquiz was closed",
}
RATING_LABELS = {"again": "Again", "hard": "Hard", "good": "Good", "easy": "Easy"}


def pts(value: float) -> str:
    """Points as people write them: 1.5, 2, 0.67."""
    return f"{round(value, 2):g}"


def _share(earned: float, possible: float) -> str:
    return f"{earned / possible:.0%}" if possible else "—"


def score_line(report: ExamReport) -> str:
    score, top = report.score, report.max_score
    if report.final:
        return f"**Score: {pts(score)} / {pts(top)} ({_share(score, top)})**"
    count = report.pending
    return (
        f"**Score so far: {pts(score)} / {pts(top)}**: rate your {count} open "
        f"answer{'s' * (count != 1)} (up to {pts(report.pending_points)} more points) in the "
        "Questions tab to get your final score."
    )


def _group_rows(groups: list[GroupScore], *, lecture: bool) -> list[str]:
    rows = []
    for group in groups:
        name = (
            (f"{group.key} {group.label}".strip() if group.key is not None else "—")
            if lecture
            else group.label
        )
        pending = f" (+{group.pending} to rate)" if group.pending else ""
        rows.append(
            f"| {name} | {group.questions} | {pts(group.earned)} / {pts(group.possible)}{pending}"
            f" | {_share(group.earned, group.possible)} | {clock_text(group.seconds)} |"
        )
    return rows


def summary_markdown(report: ExamReport, notice: str | None = None) -> str:
    exam, layout = report.exam, report.layout
    started = exam.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    reason = REASONS.get(exam.submit_reason or "", "not submitted yet")
    lines = [f"## {layout.title}: report", ""]
    if notice:
        lines += [f"> **{notice[:1].upper()}{notice[1:]}.**", ""]
    lines += [
        f"Blueprint `{layout.blueprint}` · seed **{exam.seed}** (share it: "
        f"`dlquiz exam --blueprint {layout.blueprint} --seed {exam.seed}`) · started {started} · "
        f"{pts(exam.duration_s / 60)} minutes · {reason}",
        "",
        score_line(report),
        "",
        "### Points per section",
        "",
        "| section | questions | points | % | time |",
        "|---|---:|---:|---:|---:|",
        *_group_rows(report.by_section(), lecture=False),
        "",
        "### Points per lecture",
        "",
        "| lecture | questions | points | % | time |",
        "|---|---:|---:|---:|---:|",
        *_group_rows(report.by_lecture(), lecture=True),
        "",
        "### Every question",
        "",
        "| # | lecture | topic | result | points | time |",
        "|---:|---:|---|---|---:|---:|",
    ]
    for slot in report.slots:
        flag = " ⚑" if slot.flagged else ""
        topic = slot.question.topic if slot.question is not None else slot.question_id
        lines.append(
            f"| {slot.slot + 1}{flag} | {slot.lecture or '—'} | {topic} | {slot.status} | "
            f"{pts(slot.earned)} / {pts(slot.points)} | {clock_text(slot.seconds)} |"
        )
    missed = len(report.missed_question_ids())
    lines += [
        "",
        "### How it was graded",
        "",
        "- Choice questions: a wrong pick cancels a right one (never below 0); an unreadable "
        "or missing answer earns nothing.",
        "- Open answers: you rate yourself against the model answer: again 0, hard ⅓, good ⅔, "
        "easy all of the points.",
        "- A problem's points are split over its parts.",
        "",
        f"**{missed}** question{'s' * (missed != 1)} without full marks: press **m** to "
        "practise them with fresh numbers."
        if missed
        else "Full marks on every question.",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ one question


def report_entries(report: ExamReport) -> list[NavigatorEntry]:
    entries = []
    previous = None
    for slot in report.slots:
        title = report.layout.sections[slot.section].title
        entries.append(
            NavigatorEntry(
                slot.slot,
                slot.status,
                slot.flagged,
                detail=f"{pts(slot.earned)}/{pts(slot.points)}"
                if slot.status != "to rate"
                else "rate",
                section=title if title != previous else None,
            )
        )
        previous = title
    return entries


def part_heading(result: PartResult, count: int) -> str:
    """``**Part (a)**, 2 points`` and the part's prompt, for a problem."""
    part = result.part
    return f"**Part ({part.id})** of {count} · {pts(result.points)} points\n\n{part.prompt}"


def part_details(slot: SlotResult, index: int) -> FeedbackDetails:
    """The explanation (with this variant's numbers) and the worked solution of a part."""
    instance: Instance | None = slot.instance
    if instance is None or slot.question is None:
        return FeedbackDetails()
    part = instance.parts[index]
    values = dict(instance.values)
    texts = []
    own = getattr(part.body, "explanation", None)
    if len(instance.parts) > 1 and own:
        texts.append(own)
    if index == len(instance.parts) - 1:
        texts.append(slot.question.explanation)
    explanation = "\n\n".join(render_explanation(text, values) for text in texts if text)
    solution = part.solution.to_markdown() if part.solution is not None else None
    return FeedbackDetails(explanation=explanation or None, solution=solution or None)


def _outcome_with_points(view: FeedbackView, text: str) -> None:
    from textual.widgets import Static

    view.query_one("#outcome", Static).update(text)


def show_part_feedback(view: FeedbackView, result: PartResult, details: FeedbackDetails) -> None:
    """The student's answer, the correct one, the named mistake, explanation and solution."""
    from solvers.grading import Outcome

    part = result.part
    worth = f"{pts(result.earned)} of {pts(result.points)} points"
    yours = f"**Your answer:** `{result.answer_text}`\n\n" if result.answered else ""
    if part.type == "open":
        view.show_model_answer(part.body.model_answer, part.body.key_points, details)
        if result.answered:
            _set_intro(view, f"**Your answer:**\n\n> {_quote(result.answer_text)}")
        if not result.answered:
            view.query_one("#ratings").remove_children()
            _outcome_with_points(view, f"○ Not answered: {worth}")
        elif result.rating is not None:
            show_rating(view, result)
        return
    if not result.answered or result.result is None:
        from solvers.grading import GradeResult

        empty = GradeResult(Outcome.INCORRECT, 0.0, "Not answered.", None, None, "")
        view.show_result(empty, details)
        _set_intro(view, f"**Correct answer:** `{result.expected_text}`")
        _outcome_with_points(view, f"○ Not answered: {worth}")
        return
    grade = result.result
    if str(grade.outcome) == "invalid":
        grade = replace(
            grade,
            outcome=Outcome.INCORRECT,
            feedback=f"{grade.feedback} An unreadable answer earns no points.",
        )
    options = None
    if part.type == "multi" and isinstance(result.response, frozenset):
        options = options_markdown(part.options, result.response)
    view.show_result(grade, details, mistake_message=result.mistake_message, options=options)
    label = {"correct": "✓ Correct", "partial": "◐ Partly right", "unreadable": "? Unreadable"}
    _outcome_with_points(view, f"{label.get(result.status, '✗ Incorrect')}: {worth}")
    _set_intro(view, yours.strip())


def show_rating(view: FeedbackView, result: PartResult) -> None:
    view.show_rated(result.rating or "again")
    label = RATING_LABELS.get(result.rating or "", "")
    _outcome_with_points(
        view, f"★ Rated {label}: {pts(result.earned)} of {pts(result.points)} points"
    )


def _quote(text: str) -> str:
    return "\n> ".join(text.strip().splitlines()) or "(empty)"


def _set_intro(view: FeedbackView, markdown: str) -> None:
    """Put the student's own answer above the feedback body."""
    if not markdown:
        return
    from textual.widgets import Markdown

    body = view.query_one("#feedback-body", Markdown)
    body.update(f"{markdown}\n\n{body.source}")
