"""The question: a header (lecture, topic, type, difficulty, source, progress) and its prompt."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Markdown, Static

from tui.mathtext import markdown_math_to_unicode

DIFFICULTY = {1: "easy", 2: "medium", 3: "hard"}
TYPE_NAMES = {
    "single": "single choice",
    "multi": "multiple choice",
    "truefalse": "true/false",
    "numeric": "number",
    "expression": "formula",
    "shape": "shape",
    "open": "open question",
    "problem": "problem",
}


def header_text(
    *, lecture: int, topic: str, qtype: str, difficulty: int, source: str, lecture_title: str = ""
) -> str:
    lecture_part = f"Lecture {lecture}" + (f" — {lecture_title}" if lecture_title else "")
    return " · ".join(
        [
            lecture_part,
            topic,
            TYPE_NAMES.get(qtype, qtype),
            DIFFICULTY.get(difficulty, str(difficulty)),
            # "Lecture 11" again after the lecture title says nothing new.
            *([source] if source and source != f"Lecture {lecture}" else []),
        ]
    )


def prompt_markdown(text: str) -> str:
    return markdown_math_to_unicode(text)


class QuestionView(Vertical):
    """Header, progress and the Markdown prompt of the current question (or problem setup)."""

    DEFAULT_CSS = """
    QuestionView {
        height: auto;
    }
    QuestionView > #question-meta {
        height: auto;
    }
    QuestionView #question-header {
        width: 1fr;
        color: $text-muted;
    }
    QuestionView #question-progress {
        width: auto;
        color: $text-accent;
        text-style: bold;
        padding-left: 2;
    }
    QuestionView > Markdown {
        margin: 1 0 0 0;
        padding: 0 1;
    }
    QuestionView > #part-prompt {
        margin: 0;
    }
    QuestionView > #parts-done {
        color: $text-muted;
        padding: 0 1;
        margin-bottom: 1;
    }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="question-meta"):
            yield Static("", id="question-header")
            yield Static("", id="question-progress")
        yield Markdown("", id="question-prompt")
        yield Static("", id="parts-done")
        yield Markdown("", id="part-prompt")

    def show(
        self,
        *,
        header: str,
        progress: str,
        prompt: str,
        part_prompt: str = "",
        parts_done: str = "",
    ) -> None:
        """Show a question; for a problem, ``part_prompt`` under the outcomes of earlier parts."""
        self.query_one("#question-header", Static).update(header)
        self.query_one("#question-progress", Static).update(progress)
        self.query_one("#question-prompt", Markdown).update(prompt_markdown(prompt))
        done = self.query_one("#parts-done", Static)
        done.display = bool(parts_done)
        done.update(parts_done)
        self.set_part_prompt(part_prompt)

    def set_part_prompt(self, part_prompt: str) -> None:
        part = self.query_one("#part-prompt", Markdown)
        part.display = bool(part_prompt)
        part.update(prompt_markdown(part_prompt))
