"""`dlquiz bank check`: every answer key cross-checked against its reference model.

Each question is instantiated for seeds 0..N-1 (non-parametric questions once); a part
that names a ``reference_model`` has the model run with the variant's values and the
observed ``fact`` compared with the part's expected answer (exactly; floats within 1e-9
relative). The question's own ``tests:`` run too. Model runs are cached by (name, args):
many seeds draw the same values. torch is loaded only inside :func:`check_bank` (and the
worker processes it starts).
"""

from __future__ import annotations

import math
import multiprocessing
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from quizbank.answering import run_answer_tests
from quizbank.errors import UserError
from quizbank.instantiate import (
    ConstraintsUnsatisfiable,
    Instance,
    InstanceError,
    evaluate_argument,
)
from quizbank.schema import ReferenceModel
from quizbank.templates import TemplateError
from solvers.expr import ExprError, Num, render
from solvers.solution import show

if TYPE_CHECKING:
    from quizbank.loader import Bank
    from reference_models.registry import ModelSpec

__all__ = ["CheckReport", "Finding", "check_bank", "facts_agree", "model_args"]

REL_TOL: Final = 1e-9
ABS_TOL: Final = 1e-12
# A worker process pays about 2 s to import torch, a warm model run about 10 ms: a pool
# only pays off for many runs.
POOL_MIN_RUNS: Final = 600
# Types whose expected value (chosen options, open text) no model fact can equal: their
# model is run (it must work and observe the fact) but not compared.
_RUN_ONLY: Final = frozenset({"single", "multi", "open"})

ModelKey = tuple[str, tuple[tuple[str, Any], ...]]
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Finding:
    """One problem: a mismatch, a model that failed, a broken test, ..."""

    kind: str  # mismatch | model-error | unknown-model | unknown-fact | instance | test
    question_id: str
    message: str
    part: str = ""
    seed: int | None = None
    params: str = ""

    def __str__(self) -> str:
        where = self.question_id + (f" part {self.part}" if self.part else "")
        if self.seed is not None:
            where += f" seed {self.seed}"
        if self.params:
            where += f" ({self.params})"
        return f"{self.kind}: {where}: {self.message}"


@dataclass
class CheckReport:
    questions: int = 0
    variants: int = 0
    model_runs: int = 0
    comparisons: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def mismatches(self) -> list[Finding]:
        return [f for f in self.findings if f.kind != "test"]

    @property
    def test_failures(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "test"]

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        counts = [
            _count(self.variants, "variant"),
            _count(self.model_runs, "model run"),
            _count(self.comparisons, "comparison"),
            _count(len(self.mismatches), "mismatch", "mismatches"),
            _count(len(self.test_failures), "test failure"),
        ]
        return f"checked {_count(self.questions, 'question')}: " + ", ".join(counts)


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


@dataclass(frozen=True)
class _Use:
    """One comparison to make once the model has run."""

    question_id: str
    part: str
    part_type: str
    seed: int
    params: str
    model: ReferenceModel
    key: ModelKey
    expected: Any
    call: str  # the model with its arguments, as written in the bank


# --------------------------------------------------------------------------- comparing


def _number(value: Any) -> Fraction | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Fraction | float):
        return value
    if isinstance(value, Num):
        return value.value
    return None


def _same_number(expected: Fraction | float, observed: Fraction | float) -> bool:
    if isinstance(expected, Fraction) and isinstance(observed, Fraction):
        return expected == observed
    return math.isclose(float(expected), float(observed), rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _same_shape(expected: Sequence[Any], observed: Sequence[Any]) -> bool:
    """Components compared in order; a symbolic one (the batch N) matches anything, and
    may be missing from the observed shape (a model reports per-sample shapes then)."""
    wanted = [_number(item) for item in expected]
    if len(observed) == sum(1 for w in wanted if w is not None) < len(wanted):
        wanted = [w for w in wanted if w is not None]
    if len(wanted) != len(observed):
        return False
    return all(w is None or facts_agree(w, o) for w, o in zip(wanted, observed, strict=True))


def facts_agree(expected: Any, observed: Any) -> bool:
    """Whether an answer key equals an observed fact (floats within 1e-9 relative)."""
    if isinstance(expected, bool) or isinstance(observed, bool):
        return isinstance(expected, bool) and isinstance(observed, bool) and expected == observed
    if isinstance(expected, tuple | list):
        return isinstance(observed, tuple | list) and _same_shape(expected, observed)
    wanted, seen = _number(expected), _number(observed)
    if wanted is not None and seen is not None:
        return _same_number(wanted, seen)
    if isinstance(expected, str) and isinstance(observed, str):
        return expected.replace(" ", "") == observed.replace(" ", "")
    return False


def _show_expected(expected: Any) -> str:
    if isinstance(expected, tuple):
        return "(" + ", ".join(_show_expected(item) for item in expected) + ")"
    if isinstance(expected, Num):
        return show(expected.value)
    if isinstance(expected, Fraction | float | int | bool):
        return show(expected)
    try:
        return render(expected)
    except (TypeError, AttributeError):
        return str(expected)


# --------------------------------------------------------------------------- arguments


def model_args(
    spec: ModelSpec, model: ReferenceModel, values: Mapping[str, Any], parametric: bool
) -> dict[str, Any]:
    """The bank's arguments by kind, like a solver's: numbers are safe expressions over
    the variant's values, bools literal or conditions, text a template."""
    args: dict[str, Any] = {}
    for name, raw in model.args.items():
        arg = spec.args.get(name)
        if arg is None:
            raise ValueError(f"model {model.name} has no parameter {name!r}")
        try:
            args[name] = evaluate_argument(arg.kind, raw, values, parametric)
        except (ExprError, TemplateError) as error:
            raise ValueError(f"argument {name}: {error}") from None
    return args


def _describe(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={show(value)}" for name, value in values.items())


# --------------------------------------------------------------------------- running


def run_model_job(key: ModelKey) -> tuple[dict[str, Any] | None, str]:
    """Run one model (in a worker process or here): (facts, "") or (None, error)."""
    from reference_models.registry import ModelError, run_model

    name, args = key
    try:
        return dict(run_model(name, **dict(args)).facts), ""
    except ModelError as error:
        return None, str(error)


def _run_all(
    keys: Sequence[ModelKey], jobs: int, progress: Progress | None, pool_min_runs: int
) -> dict[ModelKey, tuple[dict[str, Any] | None, str]]:
    results: dict[ModelKey, tuple[dict[str, Any] | None, str]] = {}
    if jobs <= 1 or len(keys) < max(pool_min_runs, 2 * jobs):
        for done, key in enumerate(keys, 1):
            results[key] = run_model_job(key)
            if progress:
                progress("running models", done, len(keys))
        return results
    # fork is safe and fast while this process has not loaded torch itself
    method = "fork" if "torch" not in sys.modules and sys.platform == "linux" else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(run_model_job, key): key for key in keys}
        for done, future in enumerate(as_completed(futures), 1):
            results[futures[future]] = future.result()
            if progress:
                progress("running models", done, len(keys))
    return results


# --------------------------------------------------------------------------- the check


def _parts_with_models(question: Any, instance: Instance) -> Iterable[tuple[Any, ReferenceModel]]:
    for part in instance.parts:
        model = getattr(part.body, "reference_model", None)
        if model is not None:
            yield part, model


def _variants(question: Any, seeds: int, report: CheckReport) -> Iterable[tuple[int, Instance]]:
    from quizbank.instantiate import instantiate

    errors: set[str] = set()
    for seed in range(seeds if question.is_parametric else 1):
        try:
            instance = instantiate(question, seed)
        except (ConstraintsUnsatisfiable, InstanceError) as error:
            if str(error) not in errors:
                errors.add(str(error))
                report.findings.append(Finding("instance", question.id, str(error), seed=seed))
            continue
        report.variants += 1
        yield seed, instance


def _collect(
    questions: Sequence[Any], seeds: int, report: CheckReport, progress: Progress | None
) -> list[_Use]:
    from reference_models.registry import MODELS

    uses: list[_Use] = []
    reported: set[tuple[str, str, str]] = set()

    def once(kind: str, question_id: str, part: str, message: str, **extra: Any) -> None:
        if (question_id, part, message) not in reported:
            reported.add((question_id, part, message))
            report.findings.append(Finding(kind, question_id, message, part, **extra))

    for done, question in enumerate(questions, 1):
        report.questions += 1
        for seed, instance in _variants(question, seeds, report):
            params = _describe(instance.values)
            for part, model in _parts_with_models(question, instance):
                spec = MODELS.get(model.name)
                if spec is None:
                    known = ", ".join(sorted(MODELS))
                    once(
                        "unknown-model",
                        question.id,
                        part.id,
                        f"no reference model {model.name!r} (known: {known})",
                    )
                    continue
                if model.fact not in spec.facts and not spec.dynamic_facts:
                    once(
                        "unknown-fact",
                        question.id,
                        part.id,
                        f"{model.name} observes no fact {model.fact!r} "
                        f"(facts: {', '.join(spec.facts)})",
                    )
                    continue
                try:
                    args = model_args(spec, model, instance.values, question.is_parametric)
                except ValueError as error:
                    once("model-error", question.id, part.id, str(error), seed=seed, params=params)
                    continue
                key: ModelKey = (model.name, tuple(sorted(args.items())))
                uses.append(
                    _Use(
                        question.id,
                        part.id,
                        part.type,
                        seed,
                        params,
                        model,
                        key,
                        part.expected,
                        f"{model.name}({_describe(args)})",
                    )
                )
        if progress:
            progress("instantiating", done, len(questions))
    return uses


def _compare(use: _Use, result: tuple[dict[str, Any] | None, str], report: CheckReport) -> None:
    facts, error = result

    def found(kind: str, message: str) -> None:
        report.findings.append(
            Finding(kind, use.question_id, message, use.part, use.seed, use.params)
        )

    call = use.call
    if facts is None:
        found("model-error", f"{call}: {error}")
    elif use.model.fact not in facts:
        found(
            "unknown-fact",
            f"{call} observed no fact {use.model.fact!r} (facts: {', '.join(facts)})",
        )
    elif use.part_type not in _RUN_ONLY and _comparable(use):
        observed = facts[use.model.fact]
        report.comparisons += 1
        if not facts_agree(use.expected, observed):
            found(
                "mismatch",
                f"{call} observed {use.model.fact} = {show(observed)}, "
                f"but the answer key says {_show_expected(use.expected)}",
            )


def _comparable(use: _Use) -> bool:
    # A formula in symbols (an `expression` answer) cannot equal one observed value.
    return use.part_type != "expression" or isinstance(use.expected, Num)


def check_bank(
    bank: Bank,
    *,
    seeds: int = 20,
    jobs: int = 1,
    progress: Progress | None = None,
    pool_min_runs: int = POOL_MIN_RUNS,
) -> CheckReport:
    """Cross-check every question of ``bank`` (see the module docstring). Model runs use
    ``jobs`` worker processes when there are at least ``pool_min_runs`` of them."""
    if seeds < 1:
        raise UserError("--seeds must be at least 1")
    report = CheckReport()
    questions = list(bank.questions)
    uses = _collect(questions, seeds, report, progress)
    keys = list(dict.fromkeys(use.key for use in uses))
    results = _run_all(keys, jobs, progress, pool_min_runs)
    report.model_runs = len(keys)
    for use in uses:
        _compare(use, results[use.key], report)
    for question in questions:
        for failure in run_answer_tests(question):
            report.findings.append(
                Finding(
                    "test",
                    question.id,
                    failure.message,
                    failure.part or "",
                    params=f"tests[{failure.index}] {failure.answer!r}",
                )
            )
    return report
