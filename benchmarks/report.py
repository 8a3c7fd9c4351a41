"""The figures as a terminal table and as the README-ready ``benchmarks/latest.md``."""

from __future__ import annotations

from typing import Any

TARGETS = (
    ("startup", "first paint of the home screen", "≤ 1.3× a bare Textual app (whole process)"),
    ("startup", "peak RSS at first paint", "≤ 1.5× a bare Textual app"),
    ("grading", "numeric, shape, choice p99", "≤ 2 ms"),
    ("grading", "expression p99", "≤ 25 ms"),
    ("grading", "p50 vs sympy.parse_expr", "faster than parsing alone (< 1×)"),
    ("bank", "load+validate 10,000 questions", "≤ 1.2× bare yaml.load(CSafeLoader)"),
    ("bank", "built-in bank", "< 100 ms"),
    ("exam", "assemble i2dl-mock from 10,000 questions", "≤ 50 ms"),
    ("check", "dlquiz bank check --seeds 20", "≤ 60 s on 2 cores"),
)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _row(figure: dict[str, Any]) -> list[str]:
    value = figure["value"]
    shown = "—" if value is None else f"{_number(value)} {figure['unit']}".strip()
    baseline = figure["baseline"]
    base = "—" if baseline is None else f"{_number(baseline)} ({figure['baseline_name']})"
    ratio = figure["ratio"]
    target = figure["target"]
    return [
        figure["area"],
        figure["name"],
        shown,
        base,
        "—" if ratio is None else f"{ratio:.2f}×",
        "—" if target is None else f"≤ {target:g}×",
        figure["status"],
    ]


HEADER = ["area", "figure", "value", "baseline", "ratio", "target", "status"]


def table(figures: list[dict[str, Any]]) -> str:
    rows = [HEADER, *(_row(f) for f in figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    notes = [f"- {f['area']} / {f['name']}: {f['note']}" for f in figures if f.get("note")]
    return "\n".join(lines + ([""] + notes if notes else []))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(result: dict[str, Any]) -> str:
    machine = result["machine"]
    lines = [
        "# Benchmarks: latest results",
        "",
        "Written by `make bench` (`python -m benchmarks`); do not edit by hand. Each figure",
        "is a ratio against a baseline measured in the same run (interleaved repetitions,",
        "medians) or against a fixed budget.",
        "",
        f"Run {result['started']} in {result['seconds']} s on {machine['cpu_count']} CPUs, "
        f"Python {machine['python']}, {machine['platform']} "
        f"(load average {machine['load_average']}).",
        "",
        "## Targets",
        "",
        "| area | figure | target |",
        "|---|---|---|",
        *(f"| {area} | {name} | {target} |" for area, name, target in TARGETS),
        "",
        "## Results",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
        *("| " + " | ".join(_cell(c) for c in _row(f)) + " |" for f in result["figures"]),
        "",
        "## Method",
        "",
        "- Start-up: whole processes, started by a measurer that times them and reads their",
        "  peak RSS with `getrusage(RUSAGE_CHILDREN)`. `dlquiz` runs headless through its real",
        "  entry point and ends (`os._exit`) right after the first paint of its home screen;",
        "  the bank then still loads in a worker, which the second row waits for.",
        "- Grading: a seeded corpus of correct, equivalent, wrong and hostile answers; sympy is",
        "  warmed first, as the practice screen does while the student types. parse_expr only",
        "  sees our generated non-hostile answers (it evaluates what it reads).",
        "- Times are wall-clock; the notes give CPU times too, which a crowded machine does not",
        "  inflate (compare them when the load average is high).",
        "",
        "## Notes",
        "",
        *(
            f"- {f['area']} / {f['name']}: {_cell(f['note'])}"
            for f in result["figures"]
            if f.get("note")
        ),
        "",
    ]
    return "\n".join(lines)
