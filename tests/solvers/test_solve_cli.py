"""`dlquiz solve ...`: the documented forms, JSON output and one-line errors."""

from __future__ import annotations

import json
import re

import pytest

from tui.cli import main

LSTM_STACK = (
    "conv(in=3,out=96,k=11); bn(c=96); linear(in=4096,out=1000); embedding(n=10000,d=300); "
    "lstm(input=100,hidden=256,layers=2,bidirectional=true,bias=true,proj=0)"
)


def solve_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["solve", *argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON object
    payload = json.loads(out)
    assert isinstance(payload, dict)
    return payload


def test_conv_out(capsys: pytest.CaptureFixture[str]) -> None:
    payload = solve_json(capsys, "conv-out", "--size", "227", "--kernel", "11", "--stride", "4")
    assert payload["size"] == 55
    payload = solve_json(
        capsys, "conv-out", "--size", "32", "--kernel", "3", "--padding", "1", "--dilation", "1"
    )
    assert payload["size"] == 32


def test_pool_out(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["pool-out", "--size", "112", "--kernel", "3", "--stride", "2"]
    assert solve_json(capsys, *args)["size"] == 55
    assert solve_json(capsys, *args, "--ceil-mode", "--padding", "0")["size"] == 56


def test_convt_out(capsys: pytest.CaptureFixture[str]) -> None:
    payload = solve_json(
        capsys,
        "convt-out",
        "--size",
        "4",
        "--kernel",
        "4",
        "--stride",
        "2",
        "--padding",
        "1",
        "--output-padding",
        "0",
        "--dilation",
        "1",
    )
    assert payload["size"] == 8


def test_rf(capsys: pytest.CaptureFixture[str]) -> None:
    payload = solve_json(capsys, "rf", "--layers", "conv(k=11,s=4); pool(k=3,s=2); conv(k=5,p=2)")
    assert (payload["rf"], payload["stride"], payload["padding"]) == (51, 8, 16)
    layers = payload["layers"]
    assert isinstance(layers, list) and [row["rf"] for row in layers] == [11, 19, 51]


def test_params(capsys: pytest.CaptureFixture[str]) -> None:
    payload = solve_json(capsys, "params", "--layers", LSTM_STACK)
    assert payload["params"] == 34_944 + 192 + 4_097_000 + 3_000_000 + 2_310_144
    layers = payload["layers"]
    assert isinstance(layers, list)
    assert [row["params"] for row in layers] == [34_944, 192, 4_097_000, 3_000_000, 2_310_144]
    grouped = solve_json(
        capsys,
        "params",
        "--layers",
        "conv(in=8,out=16,k=3,groups=4,bias=false); gru(input=4,hidden=8)",
    )
    assert grouped["params"] == 16 * 2 * 9 + 3 * 8 * (4 + 8 + 2)


def test_params_with_input_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    payload = solve_json(
        capsys,
        "params",
        "--layers",
        "conv(in=3,out=96,k=11,s=4); pool(k=3,s=2)",
        "--input",
        "N,3,227,227",
    )
    assert payload["output_shape_text"] == "(N, 96, 27, 27)"
    layers = payload["layers"]
    assert isinstance(layers, list) and layers[0]["output_shape"] == ["N", 96, 55, 55]


def test_iterations(capsys: pytest.CaptureFixture[str]) -> None:
    payload = solve_json(capsys, "iterations", "--samples", "50000", "--batch", "64")
    assert (payload["iterations_per_epoch"], payload["total"]) == (782, 782)
    payload = solve_json(
        capsys, "iterations", "--samples", "50000", "--batch", "64", "--drop-last", "--epochs", "10"
    )
    assert (payload["iterations_per_epoch"], payload["total"]) == (781, 7_810)


def test_generic_run_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    payload = solve_json(capsys, "run", "adam-step", "w=1", "grad=0.5")
    assert payload["m_hat"] == 0.5
    assert main(["solve", "list"]) == 0
    listing = capsys.readouterr().out
    assert "conv_out(size, kernel, stride=1, padding=0, dilation=1)" in listing


def test_text_output_shows_the_worked_solution(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "conv-out", "--size", "227", "--kernel", "11", "--stride", "4"]) == 0
    out = capsys.readouterr().out
    assert "⌊216/4⌋ + 1" in out
    assert "answer: 55" in out
    assert "[forgot-plus-one]" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["conv-out", "--size", "5", "--kernel", "11"], "larger than the padded input"),
        (["conv-out", "--kernel", "11"], "--size is required"),
        (["conv-out", "--size", "abc", "--kernel", "3"], "size: couldn't read"),
        (["pool-out", "--size", "10", "--kernel", "2", "--padding", "2"], "half the kernel"),
        (["rf", "--layers", "conv(k=3); pool(x=1)"], r"layer 2 \(pool\): unknown key 'x'"),
        (["params", "--layers", "linear(out=3)"], r"needs in="),
        (["iterations", "--samples", "10", "--batch", "0"], "batch must be positive"),
        (["run", "nope"], "unknown solver 'nope'"),
        (["run", "conv_out", "size"], "KEY=VALUE"),
        ([], "solve what?"),
    ],
)
def test_bad_input_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["solve", *argv]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dlquiz: ")
    assert re.search(message, lines[0])
