"""The Textual application. Screens live in :mod:`tui.screens`."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class DlquizApp(App[None]):
    TITLE = "dlquiz"
    SUB_TITLE = "I2DL exam prep"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("dlquiz: the practice screens arrive with the TUI issue.", id="placeholder")
        yield Footer()


def make_app() -> DlquizApp:
    return DlquizApp()
