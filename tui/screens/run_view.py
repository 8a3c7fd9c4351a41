""" "Show the run": the question's tiny PyTorch reference model, run in a thread.

torch takes seconds to import, so the model runs in a thread worker while a loading
indicator shows; the UI never freezes. ``reference_models`` is imported only inside the
worker (nothing in the TUI may import torch at startup).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, LoadingIndicator, Static


class RunScreen(ModalScreen[None]):
    CSS_PATH = "run_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="run.close"),
        Binding("r", "close", "Close", show=False, id="run.close_r"),
    ]

    def __init__(self, reference: Any, values: Mapping[str, Any]) -> None:
        super().__init__()
        self.reference = reference
        self.values = dict(values)

    def compose(self) -> ComposeResult:
        with Vertical(id="run-dialog") as dialog:
            dialog.border_title = f"Show the run: {self.reference.name}"
            dialog.border_subtitle = "esc to close"
            yield LoadingIndicator(id="run-loading")
            yield Static("Loading PyTorch and running the model…", id="run-status")
            with VerticalScroll(id="run-result"):
                yield Static("", id="run-heading")
                yield DataTable(id="run-trace", cursor_type="row", show_cursor=False)
                yield DataTable(id="run-params", cursor_type="row", show_cursor=False)
                yield Static("", id="run-facts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#run-result").display = False
        self.run_reference_model()

    @work(thread=True, exclusive=True, group="run-model", exit_on_error=False)
    def run_reference_model(self) -> None:
        try:
            from quizbank.check import model_args
            from reference_models.registry import get_model, run_model

            spec = get_model(self.reference.name)
            args = model_args(spec, self.reference, self.values, parametric=bool(self.values))
            run = run_model(self.reference.name, **args)
        except Exception as error:  # a model error is shown, never a traceback
            self.app.call_from_thread(self.show_error, str(error) or type(error).__name__)
            return
        self.app.call_from_thread(self.show_run, run)

    def show_error(self, message: str) -> None:
        if not self.is_attached:  # closed while the model was running
            return
        self.query_one("#run-loading").display = False
        self.query_one("#run-status", Static).update(f"✗ The model could not run: {message}")

    def show_run(self, run: Any) -> None:
        from reference_models.run import show, show_shape

        if not self.is_attached:
            return
        self.query_one("#run-loading").display = False
        self.query_one("#run-status").display = False
        self.query_one("#run-result").display = True
        arguments = ", ".join(f"{k}={show(v)}" for k, v in run.args.items())
        self.query_one("#run-heading", Static).update(
            Content.assemble((run.name, "bold"), f"({arguments})")
        )
        trace = self.query_one("#run-trace", DataTable)
        trace.display = bool(run.trace)
        if run.trace:
            trace.border_title = "Shape trace"
            # The layer text can be long; last, so a narrow terminal clips it, not the shape.
            trace.add_columns("#", "output shape", "params", "layer")
            for index, row in enumerate(run.trace, 1):
                trace.add_row(
                    str(index), show_shape(row.output_shape), f"{row.params:,}", row.layer
                )
        params = self.query_one("#run-params", DataTable)
        params.display = bool(run.params_table)
        if run.params_table:
            learnable = sum(row.count for row in run.params_table if row.trainable)
            params.border_title = f"Parameters (learnable: {learnable:,})"
            params.add_columns("tensor", "shape", "count", "learnable")
            for row in run.params_table:
                params.add_row(
                    row.name,
                    show_shape(row.shape),
                    f"{row.count:,}",
                    "yes" if row.trainable else "no",
                )
        lines: list[str | tuple[str, str]] = [("Observed facts\n", "bold")]
        lines += [f"  {name} = {show(value)}\n" for name, value in run.facts.items()]
        if run.notes:
            lines += [("\nNotes\n", "bold"), *(f"  • {note}\n" for note in run.notes)]
        self.query_one("#run-facts", Static).update(Content.assemble(*lines))
        self.query_one("#run-result").focus()

    def action_close(self) -> None:
        self.dismiss(None)
