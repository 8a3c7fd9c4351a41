"""Hostile answers through the graders the app calls: nothing escapes, hangs or grows.

:mod:`tests.solvers.test_hostile_answers` hammers each grader of :mod:`solvers.grading`
with fixed expected values. Here the answers go where a student's go: into
:func:`quizbank.answering.grade_part` for real instantiated parts (units, tolerances,
solver answers with their known mistakes, symbols), into the live preview, and through
the readers of typed options and true/false. Each call must return (an answer the grader
cannot read is ``invalid``, never an exception) within :data:`BOUND_SECONDS` (the design
bound is 50 ms; the slowest call is recorded as the ``max_grade_seconds`` property), and
allocate at most :data:`MAX_BYTES` (tracemalloc peak).
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizbank.answering import grade_part
from quizbank.instantiate import PartInstance, instantiate
from quizbank.loader import load_bank
from solvers.answers import AnswerError
from solvers.grading import GradeResult, Outcome, parse_choice_text, parse_truefalse_text, preview

BOUND_SECONDS = 0.25
MAX_BYTES = 4 * 1024 * 1024
BANK = """\
lecture: 9
title: Hostile answers
questions:
  - id: ha-numeric-bytes
    type: numeric
    topic: memory
    source: security tests
    prompt: Bytes of {n} float32 values, in MB?
    params:
      n: {choices: [1000000, 4225000]}
    answer: {expr: "4*n/10**6"}
    unit: MB
    tolerance: {rel: 0.01}
    mistakes:
      - {tag: forgot-bytes-per-value, message: Four bytes per float32., answer: {expr: "n/10**6"}}
    explanation: Four bytes each.
  - id: ha-numeric-solver
    type: numeric
    topic: conv output size
    source: security tests
    prompt: Output width of a conv with kernel {k} on width {w}?
    params:
      w: {range: [16, 32]}
      k: {choices: [3, 5]}
    answer: {solver: conv_out, args: {size: w, kernel: k}}
    explanation: w - k + 1.
  - id: ha-expression
    type: expression
    topic: receptive field
    source: security tests
    prompt: Receptive field of L conv layers with kernel k?
    symbols: [L, k]
    answer: {expr: "L*(k - 1) + 1"}
    mistakes:
      - {tag: forgot-plus-one, message: Add one., answer: {expr: "L*(k - 1)"}}
    explanation: Each layer adds k - 1.
  - id: ha-shape
    type: shape
    topic: shapes
    source: security tests
    prompt: Output shape of Conv2d(3, 8, 3) on (N, 3, {h}, {h})?
    params:
      h: {range: [8, 16]}
    symbols: [N]
    answer: {shape: ["N", "8", "h - 2", "h - 2"]}
    explanation: Valid convolution.
  - id: ha-single
    type: single
    topic: activations
    source: security tests
    prompt: Which activation is bounded?
    options:
      - {text: sigmoid, correct: true, why: Between 0 and 1.}
      - {text: ReLU, correct: false, why: Unbounded above.}
      - {text: identity, correct: false, why: Unbounded.}
    explanation: Sigmoid squashes.
  - id: ha-multi
    type: multi
    topic: regularisation
    source: security tests
    prompt: Which regularise?
    options:
      - {text: dropout, correct: true, why: Noise.}
      - {text: weight decay, correct: true, why: Smaller weights.}
      - {text: a larger learning rate, correct: false, why: Not a regulariser.}
      - {text: more layers, correct: false, why: More capacity.}
    explanation: Dropout and weight decay.
  - id: ha-truefalse
    type: truefalse
    topic: pooling
    source: security tests
    prompt: Max pooling has learnable weights.
    answer: false
    explanation: It only selects.
"""

HOSTILE = [
    "9**9**9**9",
    "10**10**10**10",
    "2**2**2**2**2**2",
    "1e999999999",
    "-1e999999999",
    "1e-999999999",
    "(" * 10_000 + "1" + ")" * 10_000,
    "[" * 500 + "]" * 500,
    "1" * 100_000,
    "x" * 100_000,
    "N " * 50_000,
    "٣٤",
    "१२३",
    "１０２４",
    "𝟙𝟚",
    "\x00",
    "12\x00",
    "\x1b[2J",
    "\x1b]52;c;eA==\x07",
    "\u202e1",
    "__import__('os').system('touch canary-answer')",
    "__import__",
    "().__class__.__mro__[1].__subclasses__()",
    "lambda: 0",
    "[y for y in range(10**9)]",
    "{0}",
    "{p.__class__}",
    "%s%s%s%n",
    "{}",
    "$(touch canary)",
    "`touch canary`",
    "L*k" + "+L" * 5000,
    "exp(exp(exp(exp(10))))",
    "sqrt(-1)",
    "log(0)",
    "1/0",
    "0**-1",
    "(N, " * 300 + "1" + ")" * 300,
    "torch.Size([" + "9, " * 1000 + "9])",
    "A" * 500,
    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25",
    "true" * 1000,
    "",
    " \t\n ",
    "\ud800",
    "NaN",
    "inf MB",
    "4.2 MiB MB GB",
]

slowest: dict[str, float] = {}


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> list[PartInstance]:
    path = tmp_path_factory.mktemp("bank") / "hostile.yaml"
    path.write_text(BANK, encoding="utf-8")
    bank = load_bank([path], builtin=False)
    return [part for question in bank.questions for part in instantiate(question, 3).parts]


def _timed(label: str, call: Callable[[], Any]) -> Any:
    """Run ``call`` under the time bound (a call slow once is retried: a busy CI machine
    stalls; a slow grader is slow twice) and remember the slowest time per label."""

    def measure() -> tuple[Any, float]:
        gc.disable()
        try:
            started = time.perf_counter()
            result = call()
            return result, time.perf_counter() - started
        finally:
            gc.enable()

    result, seconds = measure()
    if seconds >= BOUND_SECONDS:
        result, seconds = measure()
    slowest[label] = max(slowest.get(label, 0.0), seconds)
    assert seconds < BOUND_SECONDS, f"{label} took {seconds:.3f} s"
    return result


def _responses(part: PartInstance, text: str) -> Iterator[tuple[str, Any]]:
    """What a typed ``text`` becomes for ``part``; unreadable choices are not graded."""
    if part.type in ("numeric", "expression", "shape"):
        yield part.type, text
        return
    reader = parse_truefalse_text if part.type == "truefalse" else parse_choice_text
    try:
        response = _timed(f"read {part.type}", lambda: reader(text))
    except AnswerError as error:
        assert error.message and "\n" not in error.message
        return
    yield part.type, response


def _grade_everything(parts: list[PartInstance], text: str) -> None:
    for part in parts:
        for label, response in _responses(part, text):
            result = _timed(label, lambda: grade_part(part, response))  # noqa: B023
            assert isinstance(result, GradeResult)
            assert 0.0 <= result.score <= 1.0
            assert result.feedback and result.expected
            if result.outcome is Outcome.INVALID:
                assert result.feedback.startswith("Couldn't read that:")
        if part.type in ("numeric", "expression", "shape"):
            symbols = tuple(getattr(part.body, "symbols", ()))
            unit = getattr(part.body, "unit", None)
            shown = _timed(
                "preview",
                lambda: preview(text, part.type, symbols=symbols, unit=unit),  # noqa: B023
            )
            assert shown.text == "" or shown.text.startswith(("read as: ", "couldn't read that: "))


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(t[:24]) for t in HOSTILE])
def test_hostile_answer_is_bounded_for_every_part(
    parts: list[PartInstance],
    text: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    record_property: Callable[[str, object], None],
) -> None:
    monkeypatch.chdir(tmp_path)  # where `touch canary...` would land if anything ran it
    tracemalloc.start()
    try:
        _grade_everything(parts, text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_BYTES
    assert list(tmp_path.iterdir()) == []
    record_property("max_grade_seconds", round(max(slowest.values()), 4))


def test_hostile_answers_are_never_correct(parts: list[PartInstance]) -> None:
    for text in HOSTILE:
        for part in parts:
            for _, response in _responses(part, text):
                assert grade_part(part, response).outcome is not Outcome.CORRECT, (text, part.type)


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOKENS = [
    *"0123456789.,+-*/()[]^% xkLNMBe_",
    *("**", "//", "sqrt(", "log(", "exp(", "floor(", "max(", "1e308", "9**9", "torch.Size("),
    *(" MB", " MiB", " million", " params", " and ", "A", "b", "true", "no", "\u202f", "×"),
]


@FUZZ
@given(st.text(max_size=80))
def test_random_text_never_escapes(parts: list[PartInstance], text: str) -> None:
    _grade_everything(parts, text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_random_arithmetic_never_escapes(parts: list[PartInstance], text: str) -> None:
    _grade_everything(parts, text)


@FUZZ
@given(st.sets(st.integers(min_value=-(10**20), max_value=10**20), max_size=12))
def test_random_selections_never_escape(parts: list[PartInstance], selected: set[int]) -> None:
    for part in parts:
        if part.type in ("single", "multi"):
            result = _timed("choice", lambda: grade_part(part, selected))  # noqa: B023
            assert 0.0 <= result.score <= 1.0


def test_the_slowest_call_stays_within_the_bound(
    parts: list[PartInstance], record_property: Callable[[str, object], None]
) -> None:
    for text in HOSTILE[:10]:
        _grade_everything(parts, text)
    record_property("slowest_seconds_by_grader", {k: round(v, 4) for k, v in slowest.items()})
    assert slowest and max(slowest.values()) < BOUND_SECONDS
