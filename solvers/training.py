"""Training-loop arithmetic: iterations of a DataLoader and the memory of a model's weights."""

from __future__ import annotations

from fractions import Fraction
from typing import Final

from solvers.support import (
    Candidate,
    Facts,
    Number,
    SolverError,
    SolverSolution,
    Step,
    build,
    exact,
    require,
    require_int,
    show,
)

UNITS: Final[dict[str, int]] = {
    "B": 1,
    "KB": 10**3,
    "KiB": 2**10,
    "MB": 10**6,
    "MiB": 2**20,
    "GB": 10**9,
    "GiB": 2**30,
}
# the same unit in the other convention, for the mb-vs-mib mistake
_OTHER_UNIT: Final = {"KB": "KiB", "KiB": "KB", "MB": "MiB", "MiB": "MB", "GB": "GiB", "GiB": "GB"}


def _unit_confusion(asked: str, other: str) -> str:
    decimal, binary = (asked, other) if "i" not in asked else (other, asked)
    return (
        f"That is the amount in {other}, but the question asks for {asked}: "
        f"{decimal} counts powers of 10 ({UNITS[decimal]:,} bytes), "
        f"{binary} powers of 2 ({UNITS[binary]:,} bytes)."
    )


def _unit(name: str) -> str:
    for unit in UNITS:
        if unit.lower() == name.strip().lower():
            return unit
    raise SolverError(f"unit must be one of {', '.join(UNITS)}, got {name!r}")


def model_memory(
    params: int, bytes_per_param: int | Fraction | float = 4, unit: str = "MB"
) -> SolverSolution:
    """Memory of ``params`` weights: bytes, MB (10^6) and MiB (2^20), and ``memory`` in
    the asked unit (the value)."""
    require_int("params", params, 0)
    per_param: Number = exact(bytes_per_param)
    require(per_param > 0, f"bytes_per_param must be positive, got {show(per_param)}")
    chosen = _unit(unit)
    total = params * per_param
    in_unit = {name: total / size for name, size in UNITS.items()}
    steps = [
        Step("bytes", "params · bytes per parameter", f"{params} · {show(per_param)}", show(total)),
        Step("MB", "bytes / 10^6", f"{show(total)} / 1,000,000", show(in_unit["MB"])),
        Step("MiB", "bytes / 2^20", f"{show(total)} / 1,048,576", show(in_unit["MiB"])),
    ]
    if chosen not in ("MB", "MiB"):
        steps.append(
            Step(
                chosen,
                f"bytes / {UNITS[chosen]}",
                f"{show(total)} / {UNITS[chosen]}",
                show(in_unit[chosen]),
            )
        )
    facts: Facts = {
        "memory": in_unit[chosen],
        "bytes": total,
        "kb": in_unit["KB"],
        "kib": in_unit["KiB"],
        "mb": in_unit["MB"],
        "mib": in_unit["MiB"],
        "gb": in_unit["GB"],
        "gib": in_unit["GiB"],
    }
    other = _OTHER_UNIT.get(chosen)
    wrong: list[Candidate] = [
        (
            ("mb-vs-mib", in_unit[other], _unit_confusion(chosen, other))
            if other
            else ("mb-vs-mib", None)
        ),
        ("bytes-per-param-forgotten", Fraction(params) / UNITS[chosen] if per_param != 1 else None),
    ]
    mistakes: dict[str, list[Candidate]] = {
        "memory": wrong,
        "mb": [("mb-vs-mib", in_unit["MiB"])],
        "mib": [("mb-vs-mib", in_unit["MB"])],
    }
    title = f"Memory of {params} parameters at {show(per_param)} bytes each, in {chosen}"
    return build(title, steps, facts, "memory", mistakes)


def iterations(
    samples: int, batch: int, epochs: int = 1, drop_last: bool = False
) -> SolverSolution:
    """Iterations (batches) of a ``DataLoader``: ceil(samples/batch) per epoch, or floor with
    ``drop_last=True``."""
    require_int("samples", samples)
    require_int("batch", batch)
    require_int("epochs", epochs)
    full, rest = divmod(samples, batch)
    ceil = full + (1 if rest else 0)
    per_epoch = full if drop_last else ceil
    total = per_epoch * epochs
    if drop_last:
        last = batch if full else 0
        rounding = Step(
            "per epoch",
            "⌊samples / batch⌋ (drop_last=True)",
            f"⌊{samples}/{batch}⌋",
            str(per_epoch),
        )
    else:
        last = rest or batch
        rounding = Step("per epoch", "⌈samples / batch⌉", f"⌈{samples}/{batch}⌉", str(per_epoch))
    steps = [rounding]
    if rest:
        kept = "dropped" if drop_last else "kept as a smaller last batch"
        steps.append(
            Step(
                "leftover samples",
                "samples mod batch",
                f"{samples} mod {batch}",
                f"{rest} ({kept})",
            )
        )
    steps.append(Step("total", "per epoch · epochs", f"{per_epoch} · {epochs}", str(total)))
    facts: Facts = {
        "iterations_per_epoch": per_epoch,
        "total": total,
        "last_batch_size": last,
        "dropped": rest if drop_last else 0,
    }
    swapped = ceil if drop_last else full
    mistakes: dict[str, list[Candidate]] = {
        "iterations_per_epoch": [("drop-last", swapped), ("epochs-vs-iterations", total)],
        "total": [("drop-last", swapped * epochs), ("epochs-vs-iterations", per_epoch)],
    }
    title = (
        f"Iterations: {samples} samples, batch {batch}, {epochs} epoch(s), drop_last={drop_last}"
    )
    return build(title, steps, facts, "iterations_per_epoch", mistakes)
