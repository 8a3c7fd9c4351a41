"""Every broken fixture gives exactly the expected located problems, and nothing runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizbank.errors import Problem, ValidationFailed
from quizbank.loader import load_bank

BROKEN = Path(__file__).resolve().parent.parent / "data" / "broken"

TAG_HELP = "only plain values, lists and mappings are allowed"
ID_HELP = "use 3 to 80 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"

# file stem -> every (line, column, message) it must produce, in order
EXPECTED: dict[str, list[tuple[int, int, str]]] = {
    "unknown_key": [(10, 5, "unknown key 'tolerence' (did you mean 'tolerance'?)")],
    "wrong_type": [(8, 17, "expected a whole number, got 'hard'")],
    "missing_field": [(4, 5, "missing required field 'explanation'")],
    "bad_type_tag": [
        (
            5,
            11,
            "unknown question type 'numberic'; expected one of single, multi, truefalse, "
            "numeric, expression, shape, open, problem",
        )
    ],
    "bad_part_type": [
        (
            15,
            15,
            "unknown part type 'problem'; expected one of single, multi, truefalse, numeric, "
            "expression, shape, open",
        )
    ],
    "unknown_solver": [(10, 15, "unknown solver 'conv_outt' (did you mean 'conv_out'?)")],
    "solver_args": [
        (11, 7, "solver conv_out needs 'kernel'"),
        (11, 24, "solver conv_out has no argument 'kernell' (did you mean 'kernel'?)"),
        (
            12,
            15,
            "solver conv_out has no output 'width' (outputs: effective_kernel, padded_size, size)",
        ),
    ],
    "solver_error": [
        (
            13,
            7,
            "solver conv_out: the kernel (effective size 7) is larger than the padded input "
            "(2 + 2·0 = 2) (with n = 2, k = 7)",
        )
    ],
    "bad_expression": [
        (
            11,
            20,
            "can't read the expression 'n +* 2': couldn't read that: check the operators "
            "and parentheses",
        )
    ],
    "constraint_unknown_name": [
        (12, 9, "can't read the expression 'n < width': unknown name 'width' (you can use n)")
    ],
    "template_injection": [
        (
            8,
            13,
            "only plain parameter names are allowed in templates, "
            "not {n.__class__.__init__.__globals__}",
        )
    ],
    "unknown_placeholder": [
        (8, 13, "{m} names no param (known: n); write {{ and }} for literal braces")
    ],
    "unsatisfiable": [(11, 5, "no draw of the params satisfies the constraints in 1000 tries")],
    "python_object": [
        (8, 13, f"unsupported YAML tag '!!python/object/apply:os.system': {TAG_HELP}")
    ],
    "python_open": [
        (8, 13, f"unsupported YAML tag '!!python/object/apply:builtins.open': {TAG_HELP}")
    ],
    "python_name": [(2, 8, f"unsupported YAML tag '!!python/name:os.system': {TAG_HELP}")],
    "not_mapping": [(1, 1, "expected a mapping with lecture, title and questions, got a list")],
    "empty": [(1, 1, "the file is empty: a bank file needs lecture, title, questions")],
    "duplicate_key": [(10, 5, "duplicate key 'prompt'")],
    "syntax_error": [
        (
            6,
            4,
            "YAML syntax error: did not find expected '-' indicator (while parsing a block "
            "collection)",
        )
    ],
    "tabs": [(5, 1, "tab character: indent with spaces, not tabs")],
    "multi_document": [(4, 1, "a bank file is one YAML document: remove the '---'")],
    "merge_key": [(4, 5, "merge keys (<<) are not allowed")],
    "deep_nesting": [(3, 1011, "the file is nested too deeply (at most 1000 levels)")],
    "non_utf8": [(2, 11, "not valid UTF-8 (byte 0xe9): save the file as UTF-8")],
    "escape_in_id": [
        (4, 9, "invalid question id 'br-\\x1b[31mred': control characters are not allowed")
    ],
    "escape_in_prompt": [
        (8, 13, "control character '\\x1b' in text (terminal escape sequences are not allowed)")
    ],
    "lecture_13": [(1, 10, "invalid lecture 13: lectures are numbered 1 to 12")],
    "single_two_correct": [(9, 5, "a single-choice question needs exactly one correct option")],
    "test_unknown_part": [(14, 49, "no part 'z' (parts: a, b)")],
    "scalar_union": [(11, 20, "expected a number, text or true/false, got a list")],
    "norway": [(10, 16, "expected text, got true; put it in quotes")],
    "reversed_range": [(10, 11, "range must be [low, high] with low <= high")],
    "param_unknown_key": [(10, 27, "unknown key 'stepp' (did you mean 'step'?)")],
    "many_problems": [
        (10, 22, "must be at least 0, got -1"),
        (12, 5, "missing required field 'source'"),
        (12, 9, f"invalid question id 'Br_Many_2': {ID_HELP}"),
        (16, 13, "expected true or false, got 'maybe'"),
    ],
}


def _problems(*paths: Path) -> list[Problem]:
    with pytest.raises(ValidationFailed) as raised:
        load_bank(list(paths), builtin=False, deep=True)
    return raised.value.problems


def test_there_are_enough_broken_files_and_each_is_in_the_table() -> None:
    stems = {path.stem for path in BROKEN.glob("*.yaml")}
    assert len(stems) >= 20
    assert stems - set(EXPECTED) == {"duplicate_ids_a", "duplicate_ids_b", "alias_bomb"}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_broken_file_reports_exact_locations(stem: str) -> None:
    path = BROKEN / f"{stem}.yaml"
    problems = _problems(path)
    assert [(p.line, p.column, p.message) for p in problems] == EXPECTED[stem]
    assert all(p.path == str(path) for p in problems)


def test_problem_text_has_path_line_column_and_where() -> None:
    (problem,) = _problems(BROKEN / "unknown_key.yaml")
    assert str(problem) == (
        f"{BROKEN / 'unknown_key.yaml'}:10:5: unknown key 'tolerence' "
        "(did you mean 'tolerance'?) (at questions[0].tolerence)"
    )


def test_error_output_is_inert_for_terminals() -> None:
    for stem in ("escape_in_id", "escape_in_prompt"):
        for problem in _problems(BROKEN / f"{stem}.yaml"):
            assert "\x1b" not in str(problem) and "\x9b" not in str(problem)


def test_duplicate_ids_across_files_are_reported_at_both_places() -> None:
    first, second = BROKEN / "duplicate_ids_a.yaml", BROKEN / "duplicate_ids_b.yaml"
    problems = _problems(first, second)
    assert [str(p) for p in problems] == [
        f"{first}:4:9: duplicate question id 'br-same-id' (also at {second}:11:9) "
        "(at questions[0].id)",
        f"{second}:11:9: duplicate question id 'br-same-id' (also at {first}:4:9) "
        "(at questions[1].id)",
    ]


def test_skip_broken_keeps_the_first_of_two_duplicate_ids() -> None:
    first, second = BROKEN / "duplicate_ids_a.yaml", BROKEN / "duplicate_ids_b.yaml"
    bank = load_bank([first, second], builtin=False, skip_broken=True)
    assert bank.files == (first,)
    assert [p.path for p in bank.skipped] == [str(second)]


def test_alias_bomb_is_refused_at_its_aliases_without_expanding() -> None:
    problems = _problems(BROKEN / "alias_bomb.yaml")
    assert (problems[0].line, problems[0].column) == (12, 21)
    assert problems[0].message == (
        "alias *a: YAML anchors and aliases are not allowed; write the value out"
    )
    assert len(problems) == 11  # ten aliases named, then a count of the rest
    assert problems[-1].message == "and 17 more aliases"


def test_all_problems_of_all_files_are_reported_together() -> None:
    paths = [BROKEN / "unknown_key.yaml", BROKEN / "wrong_type.yaml", BROKEN / "tabs.yaml"]
    problems = _problems(*paths)
    assert {p.path for p in problems} == {str(p) for p in paths}
    assert len(problems) == 3


def test_malicious_payloads_run_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A canary: each payload would create a file in the working directory."""
    monkeypatch.chdir(tmp_path)
    for stem in ("python_object", "python_open", "python_name"):
        _problems(BROKEN / f"{stem}.yaml")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("stem", "tag"),
    [
        ("python_object", "python/object/apply:os.system"),
        ("python_open", "python/object/apply:builtins.open"),
    ],
)
def test_the_canary_files_carry_a_real_payload(stem: str, tag: str) -> None:
    """The payload is the tag PyYAML's unsafe loader would call (checked without loading)."""
    root = yaml.compose((BROKEN / f"{stem}.yaml").read_text(), Loader=yaml.CSafeLoader)
    question = root.value[2][1].value[0]
    prompt = next(value for key, value in question.value if key.value == "prompt")
    assert prompt.tag == f"tag:yaml.org,2002:{tag}"
    assert "dlquiz-canary" in prompt.value[0].value


def test_a_file_over_two_megabytes_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("lecture: 9\ntitle: Big\nquestions: []\n# " + "x" * (2 * 1024 * 1024))
    (problem,) = _problems(big)
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "file is too large (2.0 MB; at most 2 MB): split it up"


GOOD_TEXT = (BROKEN.parent / "good" / "basics.yaml").read_text(encoding="utf-8")
NASTY = ["{", "}", "[", ":", "- ", "'", '"', "\\e", "\t", "&a ", "*a", "!!python/name:x ", "<<: "]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(GOOD_TEXT)), st.integers(0, 4), st.sampled_from(NASTY)),
        min_size=1,
        max_size=5,
    )
)
def test_mangled_files_give_located_problems_never_a_traceback(
    tmp_path: Path, edits: list[tuple[int, int, str]]
) -> None:
    text = GOOD_TEXT
    for position, removed, inserted in edits:
        text = text[:position] + inserted + text[position + removed :]
    path = tmp_path / "mangled.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        bank = load_bank([path], builtin=False, deep=True)
    except ValidationFailed as failed:
        assert failed.problems
        for problem in failed.problems:
            assert problem.line >= 1 and problem.column >= 1 and problem.message
    else:
        assert bank.questions
