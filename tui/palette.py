"""Command palette (ctrl+p): namespaced commands such as "practice: Lecture 9 — CNNs"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.session import PracticeRequest

if TYPE_CHECKING:
    from tui.app import DlquizApp


class DlquizCommands(Provider):
    """Practice a lecture or a topic, review, cram, stats, theme."""

    @property
    def quiz_app(self) -> DlquizApp:
        return cast("DlquizApp", self.app)

    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        app = self.quiz_app
        yield (
            "review: due questions",
            partial(app.start_practice, PracticeRequest("review")),
            ("Questions the spaced-repetition schedule says are due"),
        )
        yield (
            "cram: weakest questions",
            partial(app.start_practice, PracticeRequest("cram")),
            ("Your weakest questions; does not change the review schedule"),
        )
        yield (
            "practice: all lectures",
            partial(app.start_practice, PracticeRequest("practice")),
            ("A mixed practice session over the whole bank"),
        )
        yield "stats", app.show_stats, "Accuracy per lecture and topic, mistakes, reviews ahead"
        yield "theme: toggle light/dark", app.action_toggle_theme, "Switch between light and dark"
        yield "theme: choose…", app.action_change_theme, "Pick any of Textual's themes"
        yield "home", app.go_home, "Back to the lecture overview"
        bank = app.bank
        if bank is None:
            return
        for lecture, title in sorted(bank.lectures.items()):
            request = PracticeRequest("practice", lectures=(lecture,))
            yield (
                f"practice: Lecture {lecture} — {title}",
                partial(app.start_practice, request),
                f"Practise the questions of lecture {lecture}",
            )
        for topic in sorted(bank.topics, key=str.casefold):
            request = PracticeRequest("practice", topics=(topic,))
            yield (
                f"topic: {topic}",
                partial(app.start_practice, request),
                f"Practise questions about {topic}",
            )

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            if text.startswith(("topic:", "practice: Lecture")):
                continue  # too many to list before typing; they appear when searching
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)
