"""Templates: plain names and format specs only, literal braces, exact value display."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizbank.templates import (
    Placeholder,
    TemplateError,
    format_value,
    parse_template,
    placeholder_names,
    render_template,
)

VALUES = {
    "n": Fraction(28),
    "lr": Fraction(1, 10),
    "third": Fraction(1, 3),
    "name": "ReLU",
    "root": 2**0.5,
    "flag": True,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("width {n}", "width 28"),
        ("lr = {lr}", "lr = 0.1"),
        ("{third}", "0.333333"),
        ("{third:.2f}", "0.33"),
        ("{n:d} and {n:5d}|", "28 and    28|"),
        ("{lr:.1%}", "10.0%"),
        ("{n:,}", "28"),
        ("{lr:e}", "1.000000e-01"),
        ("{name}", "ReLU"),
        ("{name:>6}", "  ReLU"),
        ("{root}", "1.41421"),
        ("{root:.3f}", "1.414"),
        ("{flag}", "true"),
        (r"$\frac{{n}}{{2}}$ = {n}", r"$\frac{n}{2}$ = 28"),
        ("{{{n}}}", "{28}"),
        ("no placeholders", "no placeholders"),
    ],
)
def test_render(text: str, expected: str) -> None:
    assert render_template(text, VALUES) == expected


@pytest.mark.parametrize(
    "text",
    [
        "{n.__class__.__init__.__globals__}",
        "{n[0]}",
        "{n!r}",
        "{0}",
        "{ n }",
        "{n.real}",
        "{__import__('os')}",
    ],
)
def test_only_plain_names_are_allowed(text: str) -> None:
    with pytest.raises(TemplateError, match="only plain parameter names are allowed"):
        parse_template(text)


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("a {n", "unclosed '{'", 2),
        ("a } b", "single '}'", 2),
        ("{}", "empty placeholder", 0),
        ("x {n:{w}}", "unclosed '{'", 2),
        ("{n:999999999}", "unsupported format", 0),
        ("{n:.500f}", "unsupported format", 0),
        ("{n:q}", "unsupported format", 0),
    ],
)
def test_malformed_templates_are_located(text: str, message: str, offset: int) -> None:
    with pytest.raises(TemplateError, match=message) as raised:
        parse_template(text)
    assert raised.value.offset == offset


def test_unknown_name_and_unsuitable_format_are_errors() -> None:
    with pytest.raises(TemplateError, match=r"\{m\} names no parameter"):
        render_template("{m}", VALUES)
    with pytest.raises(TemplateError, match="needs a whole number"):
        render_template("{lr:d}", VALUES)
    with pytest.raises(TemplateError, match="can't format"):
        render_template("{name:.2f}", VALUES)


def test_placeholders_are_listed_with_spec_and_offset() -> None:
    assert placeholder_names("a {n} b {lr:.2f}") == [
        Placeholder("n", "", 2),
        Placeholder("lr", ".2f", 8),
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(7), "7"),
        (Fraction(-3, 4), "-0.75"),
        (Fraction(1, 10), "0.1"),
        (Fraction(1, 1000), "0.001"),
        (Fraction(123456789, 1000), "123456.789"),
        (Fraction(2, 3), "0.666667"),
        (0.1 + 0.2, "0.3"),
        (1e20, "1e+20"),
        (3.0, "3"),
        (12, "12"),
    ],
)
def test_default_display_is_exact_without_noise(value: Fraction | float, shown: str) -> None:
    assert format_value(value) == shown


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=40))
def test_text_without_braces_renders_unchanged(text: str) -> None:
    assert render_template(text, {}) == text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=20))
def test_doubled_braces_are_literal(text: str) -> None:
    assert render_template("{{" + text + "}}", {}) == "{" + text + "}"


@settings(max_examples=60, deadline=None)
@given(st.fractions(max_denominator=10**6), st.sampled_from(["", ".3f", ".2e", "g"]))
def test_fractions_render_as_their_float_formatting(value: Fraction, spec: str) -> None:
    shown = format_value(value, spec)
    if spec:
        assert shown == format(float(value), spec)
    elif value.denominator == 1:
        assert shown == str(value.numerator)
    else:
        assert abs(float(shown) - float(value)) <= 1e-5 * max(1.0, abs(float(value)))


def test_known_values_are_filled_leniently() -> None:
    from fractions import Fraction

    from quizbank.templates import fill_known_values

    text = r"With {k} and {lr:.2f}, $W_{out}$ keeps {unknown} and {{braces}}."
    filled = fill_known_values(text, {"k": Fraction(3), "lr": Fraction(1, 8)})
    assert filled == r"With 3 and 0.12, $W_{out}$ keeps {unknown} and {braces}."
    assert fill_known_values(text, {}) == text
