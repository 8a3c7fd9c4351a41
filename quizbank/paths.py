"""Where the built-in bank, the exam blueprints and the student's progress live."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUILTIN_BANK_DIR = PACKAGE_DIR / "bank"
BUILTIN_EXAMS_DIR = PACKAGE_DIR / "exams"
SCHEMA_DIR = PACKAGE_DIR / "schema"
BANK_SCHEMA_PATH = SCHEMA_DIR / "bank.schema.json"


def default_data_dir() -> Path:
    """The per-user data dir (e.g. ~/.local/share/dlquiz), where progress.sqlite lives."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("dlquiz", appauthor=False))


def resolve_data_dir(data_dir: Path | None) -> Path:
    return (data_dir or default_data_dir()).expanduser()
