"""Exports: a valid Anki package with stable GUIDs, GIFT and Moodle XML with tolerances,
feedback, categories and weights, and a summary of everything not carried over."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from quizbank.errors import UserError
from quizbank.export import export_bank
from quizbank.export.common import choice_weights, from_html, to_html
from quizbank.instantiate import instantiate
from quizbank.loader import Bank, load_bank
from tui.cli import main

ROUNDTRIP = Path(__file__).parent / "data" / "roundtrip.yaml"


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank([ROUNDTRIP], builtin=False)


def _notes(package: Path, tmp_path: Path) -> list[tuple[str, str, str]]:
    with zipfile.ZipFile(package) as archive:
        assert "collection.anki2" in archive.namelist()
        archive.extract("collection.anki2", tmp_path)
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        return connection.execute("select guid, flds, tags from notes order by id").fetchall()
    finally:
        connection.close()


def test_anki_package_is_a_valid_collection_with_one_note_per_variant(
    bank: Bank, tmp_path: Path
) -> None:
    out = tmp_path / "deck.apkg"
    summary = export_bank(bank, "anki", out, variants=4)
    notes = _notes(out, tmp_path)
    # 9 fixed questions, and the parametric one in 4 variants
    assert len(notes) == summary.written == 9 + 4
    keys = [fields.split("\x1f")[0] for _, fields, _ in notes]
    assert "rt-single" in keys
    assert {"rt-numeric-param@s0", "rt-numeric-param@s1"} <= set(keys)
    single = next(fields for _, fields, _ in notes if fields.startswith("rt-single\x1f"))
    assert "\\(\\sigma(x)\\)" in single  # MathJax delimiters
    assert "It is unbounded above." in single  # the why of each option on the back
    assert "lecture09" in notes[0][2] and "dlquiz" in notes[0][2]


def test_anki_reexport_keeps_guids(bank: Bank, tmp_path: Path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    export_bank(bank, "anki", first, variants=2)
    export_bank(bank, "anki", second, variants=3)
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    before = {guid for guid, _, _ in _notes(first, tmp_path / "one")}
    after = {guid for guid, _, _ in _notes(second, tmp_path / "two")}
    assert len(before) == 9 + 2 and len(after) == 9 + 3
    assert before < after  # same GUIDs for the same questions and seeds, one more variant


def test_anki_decks_per_lecture(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    text = ROUNDTRIP.read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    other = text.replace("lecture: 9\ntitle: Round trip", "lecture: 3\ntitle: Third")
    (folder / "b.yaml").write_text(other.replace("id: rt-", "id: l3-"), encoding="utf-8")
    out = tmp_path / "deck.apkg"
    export_bank(load_bank([folder], builtin=False), "anki", out, variants=1)
    with zipfile.ZipFile(out) as archive:
        archive.extract("collection.anki2", tmp_path)
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        decks = {row[0] for row in connection.execute("select distinct did from cards")}
        assert len(decks) == 2
    finally:
        connection.close()


def test_gift_export(bank: Bank, tmp_path: Path) -> None:
    out = tmp_path / "bank.gift"
    summary = export_bank(bank, "gift", out, variants=2)
    text = out.read_text(encoding="utf-8")
    assert text.count("$CATEGORY: dlquiz/Lecture 09") == 1
    assert "::rt-numeric-exact::" in text
    assert "\t=224:0#Correct." in text
    assert "\t=%0%28:0#That counts one filter; there are 8." in text
    assert "\t=10:0.05#Correct." in text  # abs 0.05 is wider than rel 0.001 of 10
    assert "{FALSE####" in text
    assert "~%50%It works per channel.#" in text and "~%-50%It has weights.#" in text
    # both variants, with their own numbers, and the explanation filled in
    assert "::rt-numeric-param@s0::" in text and "::rt-numeric-param@s1::" in text
    assert "floor((n - k)/s)" in text and "{n}" not in text
    notes = "\n".join(summary.notes)
    assert "rt-expression: expression answers are not supported" in notes
    assert "rt-shape: shape answers are not supported" in notes
    assert "rt-problem: part b (shape answer) left out" in notes
    assert "rt-problem: problem split into 2 questions, one per part" in notes
    assert "rt-open: self-rated open question exported as an essay" in notes
    assert "rt-numeric-tolerance: unit MB" in notes
    # 9 fixed questions without expression, shape and the problem; its 2 parts; 2 variants
    assert summary.written == 9 - 3 + 2 + 2
    assert "not carried over" in summary.text()


def test_gift_escapes_reserved_characters(bank: Bank, tmp_path: Path) -> None:
    out = tmp_path / "bank.gift"
    export_bank(bank, "gift", out)
    line = next(line for line in out.read_text().splitlines() if "::rt-single::" in line)
    assert "\\\\(\\\\sigma(x)\\\\)" in line  # backslashes doubled
    single = out.read_text().split("::rt-single::")[1].split("\n}\n")[0]
    assert "1/(1 + e^\\{-x\\})" in single  # braces in feedback escaped
    assert "(-1, 1)\\: a key point." in single  # ':' escaped


def test_moodle_xml_export(bank: Bank, tmp_path: Path) -> None:
    out = tmp_path / "bank.xml"
    summary = export_bank(bank, "moodle-xml", out, variants=1)
    root = ET.parse(out).getroot()
    assert root.tag == "quiz"
    questions = root.findall("question")
    categories = [q for q in questions if q.get("type") == "category"]
    assert [c.findtext("category/text") for c in categories] == ["$course$/top/dlquiz/Lecture 09"]
    by_name = {q.findtext("name/text"): q for q in questions if q.get("type") != "category"}
    assert len(by_name) == summary.written
    numeric = by_name["rt-numeric-tolerance"]
    assert numeric.get("type") == "numerical"
    assert numeric.findtext("answer/tolerance") == "0.05"
    assert numeric.findtext("units/unit/unit_name") == "MB"
    exact = by_name["rt-numeric-exact"]
    answers = [(a.get("fraction"), a.findtext("text")) for a in exact.findall("answer")]
    # the solver's known mistakes (no bias, in_channels left out), then the bank's rule
    assert answers == [("100", "224"), ("0", "216"), ("0", "80"), ("0", "28")]
    multi = by_name["rt-multi"]
    assert multi.findtext("single") == "false"
    assert [a.get("fraction") for a in multi.findall("answer")] == ["50", "-50", "50"]
    assert multi.find("answer/feedback/text") is not None
    truefalse = by_name["rt-truefalse"]
    assert [(a.findtext("text"), a.get("fraction")) for a in truefalse.findall("answer")] == [
        ("true", "0"),
        ("false", "100"),
    ]
    essay = by_name["rt-open"]
    assert essay.get("type") == "essay"
    assert "Model answer:" in (essay.findtext("graderinfo/text") or "")
    assert "rt-problem-a" in by_name and "rt-problem-c" in by_name
    assert by_name["rt-single"].findtext("idnumber") == "rt-single"


def test_choice_weights_mirror_the_graders_partial_credit(bank: Bank) -> None:
    part = instantiate(bank.by_id["rt-multi"], 0).parts[0]
    assert sorted(choice_weights(part)) == ["-50", "50", "50"]
    single = instantiate(bank.by_id["rt-single"], 0).parts[0]
    assert choice_weights(single) == ["100", "0", "0"]


def test_html_round_trip() -> None:
    markdown = "A **bold** claim with $a < b$ and `x*y`,\nwrapped.\n\n- one\n- *two*\n\n$$E$$"
    html = to_html(markdown)
    assert "<b>bold</b>" in html and "\\(a &lt; b\\)" in html and "<code>x*y</code>" in html
    assert from_html(html) == (
        "A **bold** claim with $a < b$ and `x*y`, wrapped.\n\n- one\n- *two*\n\n$$E$$"
    )


def test_export_cli_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "l9.gift"
    args = ["bank", "export", "--format", "gift", "--out", str(out), "--bank", str(ROUNDTRIP)]
    assert main([*args, "--lecture", "9", "--variants", "1"]) == 0
    printed = capsys.readouterr().out
    assert "gift: wrote" in printed and "rt-shape: shape answers are not supported" in printed
    assert "$CATEGORY: dlquiz/Lecture 09" in out.read_text()
    assert main([*args, "--lecture", "13"]) == 1
    assert "lectures are numbered 1 to 12" in capsys.readouterr().err
    with pytest.raises(UserError, match="--variants"):
        export_bank(load_bank([ROUNDTRIP], builtin=False), "gift", out, variants=0)
    with pytest.raises(UserError, match="can't write"):
        export_bank(load_bank([ROUNDTRIP], builtin=False), "gift", tmp_path / "no" / "x.gift")
