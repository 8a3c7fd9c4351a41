""" "Show the run": the reference model runs in a thread and its trace is shown."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Static

from tests.tui.conftest import AppFactory, run
from tests.tui.helpers import submit, type_text
from tui.screens.run_view import RunScreen
from tui.session import PracticeRequest


def test_model_arguments_fill_in_the_variant() -> None:
    """The run view reads a question's model arguments exactly as `bank check` does."""
    from fractions import Fraction

    from quizbank.check import model_args
    from quizbank.schema import ReferenceModel
    from reference_models.registry import get_model

    spec = get_model("conv_shape")
    values = {"n": Fraction(41), "k": Fraction(3), "s": Fraction(2), "p": Fraction(2)}
    args = {"size": "n", "kernel": "k", "stride": "s", "padding": "p + 0"}
    reference = ReferenceModel(name="conv_shape", args=args, fact="size")
    filled = model_args(spec, reference, values, parametric=True)
    assert filled == {"size": 41, "kernel": 3, "stride": 2, "padding": 2}


@pytest.mark.torch
def test_show_the_run_displays_the_shape_trace(new_app: AppFactory) -> None:
    app = new_app(PracticeRequest("practice", lectures=(9,), types=("numeric",), seed=1, length=1))

    async def scenario(pilot: Any) -> None:
        session = pilot.app.screen.session
        await type_text(pilot, str(int(session.part.expected)))
        await submit(pilot)
        await pilot.press("r")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RunScreen)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        trace = screen.query_one("#run-trace", DataTable)
        assert trace.row_count == 1
        output_shape = trace.get_row_at(0)[1]
        size = int(session.part.expected)
        assert output_shape == f"(1, 1, {size}, {size})"
        facts = str(screen.query_one("#run-facts", Static).content)
        assert f"size = {size}" in facts
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen.state == "feedback"

    run(app, scenario)
