"""What the student sees after submitting: the outcome in words and symbols, then why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Markdown, Static

from tui.mathtext import markdown_math_to_unicode

if TYPE_CHECKING:
    from quizbank.instantiate import ShownOption
    from solvers.grading import GradeResult

OUTCOME_LABELS = {
    "correct": "✓ Correct",
    "incorrect": "✗ Incorrect",
    "invalid": "? Couldn't read that",
}
SELF_RATINGS = (("again", "1 Again"), ("hard", "2 Hard"), ("good", "3 Good"), ("easy", "4 Easy"))


@dataclass(frozen=True)
class FeedbackDetails:
    """Everything shown below the outcome line, already rendered to Markdown."""

    explanation: str | None = None
    solution: str | None = None
    extra: str | None = None  # e.g. the answers to earlier parts


def outcome_line(result: GradeResult) -> str:
    label = OUTCOME_LABELS[str(result.outcome)]
    if str(result.outcome) == "invalid" and result.feedback.startswith("Couldn't read that"):
        return "? " + result.feedback.rstrip(".")  # the reason on the outcome line, said once
    if str(result.outcome) == "incorrect" and 0 < result.score < 1:
        label += f" (partial credit {result.score:.0%})"
    return label


def options_markdown(options: Sequence[ShownOption], selected: frozenset[int]) -> str:
    """Each option (by shown position) with whether it is correct and picked, and its `why`."""
    lines = []
    for position, option in enumerate(options):
        picked = position in selected
        if option.correct and picked:
            verdict = "✓ correct, you picked it"
        elif option.correct:
            verdict = "✗ correct, you missed it"
        elif picked:
            verdict = "✗ not correct, you picked it"
        else:
            verdict = "· not correct, not picked"
        text = " ".join(option.text.split())
        label = chr(ord("A") + position)
        lines.append(f"- **{label}. {text}** — {verdict}. {option.why.strip()}")
    return "\n".join(lines)


def result_markdown(
    result: GradeResult, *, mistake_message: str | None, options: str | None
) -> str:
    blocks = []
    said_already = result.feedback == "Correct." or outcome_line(result).endswith(
        result.feedback.rstrip(".")
    )
    if result.feedback and not said_already:  # the outcome line says it already
        blocks.append(result.feedback)
    if str(result.outcome) != "invalid":
        # "read as" is already on the preview line under the input.
        if (
            result.expected
            and str(result.outcome) != "correct"
            and result.expected not in result.feedback
        ):
            blocks.append(f"**Correct answer:** `{result.expected}`")
        if result.mistake:
            named = f"**Named mistake — {result.mistake}**"
            if mistake_message and mistake_message not in result.feedback:
                named += f": {mistake_message}"
            blocks.append(named)
    if options:
        blocks.append(options)
    return "\n\n".join(blocks)


class FeedbackView(Vertical):
    """Outcome line plus a Markdown body with the reasons, the explanation and the solution."""

    DEFAULT_CSS = """
    FeedbackView {
        height: auto;
    }
    FeedbackView > .outcome {
        text-style: bold;
        padding: 0 1;
        margin: 1 0 0 0;
    }
    FeedbackView > .outcome.-correct { background: $success-muted; color: $text-success; }
    FeedbackView > .outcome.-incorrect { background: $error-muted; color: $text-error; }
    FeedbackView > .outcome.-invalid { background: $warning-muted; color: $text-warning; }
    FeedbackView > .outcome.-neutral { background: $primary-muted; color: $text-primary; }
    FeedbackView Markdown { margin: 0; padding: 0 1; }
    FeedbackView .ratings { height: auto; margin: 1 0 0 1; }
    FeedbackView .ratings Button { margin-right: 1; min-width: 10; }
    """

    class Rated(Message):
        """The student rated their open answer (again/hard/good/easy)."""

        def __init__(self, rating: str) -> None:
            super().__init__()
            self.rating = rating

    def compose(self) -> ComposeResult:
        yield Static("", classes="outcome", id="outcome")
        yield Markdown("", id="feedback-body")
        yield Horizontal(id="ratings", classes="ratings")

    def clear(self) -> None:
        self.display = False
        self.query_one("#ratings").remove_children()

    def _show(self, outcome: str, outcome_class: str, body: str) -> None:
        self.display = True
        outcome_widget = self.query_one("#outcome", Static)
        outcome_widget.update(outcome)
        outcome_widget.set_classes(f"outcome {outcome_class}")
        self.query_one("#feedback-body", Markdown).update(markdown_math_to_unicode(body))

    def show_result(
        self,
        result: GradeResult,
        details: FeedbackDetails,
        *,
        mistake_message: str | None = None,
        options: str | None = None,
    ) -> None:
        outcome = str(result.outcome)
        blocks = [result_markdown(result, mistake_message=mistake_message, options=options)]
        if outcome != "invalid":
            blocks += _detail_blocks(details)
        else:
            blocks.append("Fix your answer and press **enter** again — this try is not counted.")
        self._show(outcome_line(result), f"-{outcome}", "\n\n".join(b for b in blocks if b))

    def show_model_answer(
        self, model_answer: str, key_points: Sequence[str], details: FeedbackDetails
    ) -> None:
        """The reveal of an open question, with the four self-rating buttons."""
        points = "\n".join(f"- {point}" for point in key_points)
        blocks = [f"### Model answer\n\n{model_answer.strip()}", f"### Key points\n\n{points}"]
        blocks += _detail_blocks(details)
        blocks.append("**How well did you know it?** Press 1 again · 2 hard · 3 good · 4 easy.")
        self._show("Compare your answer with the model answer", "-neutral", "\n\n".join(blocks))
        ratings = self.query_one("#ratings")
        ratings.remove_children()
        ratings.mount_all(
            Button(label, id=f"rate-{rating}", classes="rating", compact=True)
            for rating, label in SELF_RATINGS
        )

    def show_rated(self, rating: str) -> None:
        self.query_one("#ratings").remove_children()
        label = dict(SELF_RATINGS)[rating].split(" ", 1)[1]
        self.query_one("#outcome", Static).update(f"Rated: {label}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("rate-"):
            event.stop()
            self.post_message(self.Rated(event.button.id.removeprefix("rate-")))


def _detail_blocks(details: FeedbackDetails) -> list[str]:
    blocks = []
    if details.explanation:
        blocks.append(f"### Explanation\n\n{details.explanation.strip()}")
    if details.solution:
        blocks.append(f"### Worked solution\n\n{details.solution.strip()}")
    if details.extra:
        blocks.append(details.extra)
    return blocks
