"""Choose a mock exam from the home screen: blueprint, seed, grades shown or not."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from quizbank.errors import UserError
from tui.screens.exam_modals import MODAL_CSS
from tui.screens.exam_session import ExamRequest


def blueprint_choices() -> list[tuple[str, str]]:
    """(name, "title · 90 min · 90 points") of every built-in blueprint that loads."""
    from quizbank.blueprints import blueprint_names, load_blueprint

    choices = []
    for name in blueprint_names():
        try:
            blueprint = load_blueprint(name).blueprint
        except UserError:
            continue
        choices.append(
            (
                name,
                f"{blueprint.title} · {blueprint.duration_minutes:g} min · "
                f"{blueprint.total_points:g} points",
            )
        )
    return choices


class ExamSetupModal(ModalScreen[ExamRequest | None]):
    DEFAULT_CSS = (
        MODAL_CSS.format(name="ExamSetupModal")
        + """
    ExamSetupModal OptionList { height: auto; max-height: 8; }
    ExamSetupModal Input { margin-top: 1; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="exam_setup.cancel"),
    ]

    def compose(self) -> ComposeResult:
        self.choices = blueprint_choices()
        with Vertical():
            yield Static("Start a mock exam", classes="modal-title")
            yield OptionList(
                *[Option(label, id=name) for name, label in self.choices], id="setup-blueprint"
            )
            yield Input(
                placeholder="seed (optional: share it to get the same exam)",
                type="integer",
                id="setup-seed",
            )
            yield Checkbox("Show grades after each question", id="setup-grades")
            with Horizontal():
                yield Button("Start", id="setup-start", variant="primary")
                yield Button("Cancel", id="setup-cancel")

    def on_mount(self) -> None:
        options = self.query_one("#setup-blueprint", OptionList)
        names = [name for name, _ in self.choices]
        options.highlighted = names.index("i2dl-mock") if "i2dl-mock" in names else 0
        options.focus()

    def request(self) -> ExamRequest | None:
        options = self.query_one("#setup-blueprint", OptionList)
        if options.highlighted is None or not self.choices:
            return None
        seed_text = self.query_one("#setup-seed", Input).value.strip()
        grades = self.query_one("#setup-grades", Checkbox).value
        return ExamRequest(
            blueprint=self.choices[options.highlighted][0],
            seed=int(seed_text) if seed_text else None,
            show_grades=True if grades else None,
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#setup-seed", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(self.request())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.request() if event.button.id == "setup-start" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
