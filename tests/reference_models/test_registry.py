"""The model catalogue (no torch), parameter checks and `dlquiz run-model`."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from reference_models.registry import MODELS, ModelError, coerce_args, get_model, run_model
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(','.join(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return set(output.strip().split(","))


def test_registry_and_app_import_without_torch() -> None:
    loaded = _loaded_after(
        "import reference_models.registry, quizbank, quizbank.check, solvers, tui.cli"
    )
    assert "torch" not in loaded
    assert "reference_models.registry" in loaded


def test_listing_models_loads_no_torch() -> None:
    loaded = _loaded_after(
        "import contextlib, io\nfrom tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['run-model', '--list'])"
    )
    assert "torch" not in loaded


def test_every_spec_matches_its_function_signature() -> None:
    import importlib

    for spec in MODELS.values():
        func = getattr(importlib.import_module(spec.module), spec.function)
        assert list(inspect.signature(func).parameters) == list(spec.args), spec.name


def test_unknown_model_lists_the_known_ones() -> None:
    with pytest.raises(ModelError, match="unknown reference model 'nope'.*conv_shape"):
        get_model("nope")


def test_parameters_are_checked_and_converted() -> None:
    spec = MODELS["pool_shape"]
    args = coerce_args(spec, {"size": Fraction(12), "kernel": 3.0, "ceil_mode": "true"})
    assert args == {
        "size": 12,
        "kernel": 3,
        "stride": None,
        "padding": 0,
        "dilation": 1,
        "ceil_mode": True,
        "mode": "max",
    }
    assert isinstance(args["size"], int)
    with pytest.raises(ModelError, match="'size' must be a whole number"):
        coerce_args(spec, {"size": 2.5, "kernel": 2})
    with pytest.raises(ModelError, match="needs the parameter 'kernel'"):
        coerce_args(spec, {"size": 2})
    with pytest.raises(ModelError, match="has no parameter 'sise'"):
        coerce_args(spec, {"sise": 2, "kernel": 2})
    with pytest.raises(ModelError, match="must be one of max, avg"):
        coerce_args(spec, {"size": 2, "kernel": 2, "mode": "min"})
    with pytest.raises(ModelError, match="true or false"):
        coerce_args(spec, {"size": 2, "kernel": 2, "ceil_mode": "maybe"})


def test_text_and_number_conversions() -> None:
    args = coerce_args(MODELS["optimizer_step"], {"w": Fraction(1, 4), "grads": 0.5, "lr": "1/100"})
    assert (args["w"], args["grads"], args["lr"]) == (0.25, "0.5", 0.01)


@pytest.mark.torch
def test_torch_errors_become_one_line_model_errors() -> None:
    with pytest.raises(ModelError, match="^conv_shape: .*Kernel size can't be greater"):
        run_model("conv_shape", size=2, kernel=5)
    with pytest.raises(ModelError, match=r"layer 1 \(conv\): unknown key 'x'"):
        run_model("receptive_field", layers="conv(k=3, x=1)")


@pytest.mark.torch
def test_run_text_and_json_forms() -> None:
    run = run_model("param_count", layer="bn(c=4)")
    text = run.to_text()
    assert "running_mean" in text and "learnable: 8" in text and "buffers: 9" in text
    data = json.loads(run.to_json())
    assert data["facts"]["params"] == 8
    assert data["args"] == {"layer": "bn(c=4)"}
    assert [row["name"] for row in data["params_table"]][:2] == ["weight", "bias"]


@pytest.mark.torch
def test_cli_prints_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["run-model", "conv_shape", "--param", "size=227", "-p", "kernel=11", "-p", "stride=4"]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "size   55" in out and "Shape trace" in out


@pytest.mark.torch
def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["run-model", "dataloader_len", "-p", "samples=50000", "-p", "batch=64", "--json"]
    )
    assert status == 0
    assert json.loads(capsys.readouterr().out)["facts"]["iterations_per_epoch"] == 782


def test_cli_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run-model", "--list"]) == 0
    out = capsys.readouterr().out
    assert "conv_shape(size, kernel, stride=1" in out
    assert len([line for line in out.splitlines() if not line.startswith(" ")]) == len(MODELS)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run-model"], "give a model name"),
        (["run-model", "nope"], "unknown reference model 'nope'"),
        (["run-model", "edge_filter", "-p", "size"], "--param expects KEY=VALUE"),
        (["run-model", "conv_shape", "-p", "size=3"], "needs the parameter 'kernel'"),
    ],
)
def test_cli_errors_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("dlquiz: ") and message in err
    assert err.count("\n") == 1
