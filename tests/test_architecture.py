"""The import rules of docs/architecture.md, checked in fresh interpreters."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("solvers", "quizbank", "reference_models", "tui")
# package -> packages of ours it may import at module level
ALLOWED = {
    "solvers": set(),
    "quizbank": {"solvers"},
    "reference_models": {"solvers"},
    "tui": {"quizbank", "solvers"},
}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(top-level package imported, whether at module level) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name.split(".")[0], not inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module.split(".")[0], not inner))
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            visit(child, inner)

    visit(tree, False)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_module_level_imports_point_one_way(package: str) -> None:
    for path in sorted((ROOT / package).rglob("*.py")):
        for imported, module_level in _imports(path):
            if imported in PACKAGES and imported != package:
                assert imported != "tui", f"{path}: nothing may import tui"
                if module_level:
                    assert imported in ALLOWED[package], f"{path} imports {imported}"
            if imported == "torch":
                assert package == "reference_models", f"{path}: only reference_models imports torch"


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(','.join(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return set(output.strip().split(","))


def test_importing_the_app_and_the_graders_loads_no_torch() -> None:
    loaded = _loaded_after("import tui.app, tui.cli, quizbank, solvers, solvers.expr")
    assert "torch" not in loaded
    assert "reference_models" not in loaded


def test_parsing_a_number_loads_neither_sympy_nor_torch() -> None:
    loaded = _loaded_after("from solvers.expr import safe_eval; safe_eval('1000/4')")
    assert "sympy" not in loaded
    assert "torch" not in loaded


def test_cli_help_loads_no_heavy_modules() -> None:
    loaded = _loaded_after(
        "import contextlib, io\nfrom tui.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert {"torch", "sympy", "textual"}.isdisjoint(loaded)
