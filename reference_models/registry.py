"""The catalogue of reference models, importable without torch.

Each entry names the module and function that runs the model; the module (which imports
torch) is loaded only inside :func:`run_model`, so listing models or validating a bank
never pays for torch.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from reference_models.run import Run
from reference_models.specs import SPECS, ArgSpec, ModelSpec

__all__ = ["MODELS", "ArgSpec", "ModelError", "ModelSpec", "get_model", "run_model"]


class ModelError(ValueError):
    """An unknown model or a bad parameter: ``str(error)`` is one line for the user."""


MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in SPECS}


def get_model(name: str) -> ModelSpec:
    if name not in MODELS:
        raise ModelError(f"unknown reference model {name!r} (known: {', '.join(sorted(MODELS))})")
    return MODELS[name]


def run_model(name: str, **params: Any) -> Run:
    """Run the named model with ``params`` (checked and converted to the declared kinds)."""
    spec = get_model(name)
    kwargs = coerce_args(spec, params)
    module = importlib.import_module(spec.module)  # imports torch
    func = getattr(module, spec.function)
    try:
        run: Run = func(**kwargs)
    except ModelError:
        raise
    except (RuntimeError, ValueError, IndexError) as error:
        # torch's own message says what is wrong (e.g. kernel larger than the input).
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise ModelError(f"{name}: {first_line}") from None
    return Run(run.name, run.facts, run.trace, run.params_table, run.notes, dict(kwargs))


def coerce_args(spec: ModelSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(spec.args))
    if unknown:
        known = ", ".join(spec.args) or "none"
        raise ModelError(f"{spec.name} has no parameter {unknown[0]!r} (parameters: {known})")
    result: dict[str, Any] = {}
    for key, arg in spec.args.items():
        if key not in params or params[key] is None:
            if arg.required:
                raise ModelError(f"{spec.name} needs the parameter {key!r}")
            result[key] = arg.default
            continue
        result[key] = _coerce(spec.name, key, arg, params[key])
    return result


def _coerce(model: str, key: str, arg: ArgSpec, value: Any) -> Any:
    where = f"{model}: parameter {key!r}"
    if arg.kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
            return value.strip().lower() in ("true", "yes")
        if isinstance(value, int | Fraction) and value in (0, 1):
            return bool(value)
        raise ModelError(f"{where} must be true or false, got {value!r}")
    if arg.kind == "text":
        if isinstance(value, bool):
            value = "true" if value else "false"
        text = str(value).strip() if not isinstance(value, Fraction) else _fraction_text(value)
        if arg.choices and text.lower() not in arg.choices:
            raise ModelError(f"{where} must be one of {', '.join(arg.choices)}, got {text!r}")
        return text.lower() if arg.choices else text
    number = _number(where, value)
    if arg.kind == "int":
        if number != int(number):
            raise ModelError(f"{where} must be a whole number, got {value!r}")
        return int(number)
    return float(number)


def _number(where: str, value: Any) -> Fraction | float:
    if isinstance(value, bool):
        raise ModelError(f"{where} must be a number, got {value!r}")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ModelError(f"{where} must be a finite number")
        return value
    if isinstance(value, str):
        from solvers.expr import ExprError, evaluate_number, parse

        try:
            return evaluate_number(parse(value))
        except ExprError as error:
            raise ModelError(f"{where}: {error.message}") from None
    raise ModelError(f"{where} must be a number, got {value!r}")


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else repr(float(value))
