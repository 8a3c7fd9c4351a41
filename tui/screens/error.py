"""A problem the student must fix before dlquiz can go on (e.g. a broken bank file)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorScreen(ModalScreen[None]):
    """Shows one clear message (never a traceback); any key closes it."""

    CSS_PATH = "error.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape,q", "close", "Close", id="error.close"),
    ]

    def __init__(self, message: str, title: str = "dlquiz can't go on") -> None:
        super().__init__()
        self.message = message
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog") as dialog:
            dialog.border_title = self.title_text
            with VerticalScroll(id="error-scroll"):
                yield Static(Content(self.message), id="error-message")
            yield Button("Close", id="error-close", variant="error")

    def on_mount(self) -> None:
        self.query_one("#error-close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)
