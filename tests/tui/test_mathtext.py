"""LaTeX-style math in prompts becomes readable Unicode; code is left alone."""

from __future__ import annotations

import pytest

from tui.mathtext import latex_to_unicode, markdown_math_to_unicode


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"W_{out} = \lfloor (W_{in} + 2p - k)/s \rfloor + 1", "Wₒᵤₜ = ⌊ (Wᵢₙ + 2p - k)/s ⌋ + 1"),
        (r"\frac{a+b}{c}", "(a+b)/c"),
        (r"\frac{1}{1+e^{-x}}", "1/(1+e^(-x))"),
        (r"\sum_i x_i^2", "∑ᵢ xᵢ²"),
        (r"x_{t-1}", "xₜ₋₁"),
        (r"a \ne b", "a ≠ b"),
        (r"\sigma(x) \cdot \alpha", "σ(x) · α"),
        (r"f(g(I)) = g'(f(I))", "f(g(I)) = g′(f(I))"),
    ],
)
def test_formulas_read_naturally(latex: str, text: str) -> None:
    assert latex_to_unicode(latex) == text


def test_inline_and_display_math_in_markdown() -> None:
    markdown = "The size is $r_L = 1 + L(k-1)$.\n\n$$\\sigma(x) = \\frac{1}{1+e^{-x}}$$\n"
    converted = markdown_math_to_unicode(markdown)
    assert "$" not in converted
    assert "r\\_L = 1 + L(k-1)" in converted  # escaped so Markdown shows the underscore
    assert "> σ(x) = 1/(1+e^(-x))" in converted


def test_code_and_prices_are_left_alone() -> None:
    markdown = "It costs $5 and $6.\n\n```python\nx = '$a$'\n```\nand `$b$` stays."
    assert markdown_math_to_unicode(markdown) == markdown


def test_malformed_latex_is_shown_raw() -> None:
    assert latex_to_unicode(r"\frac{") in (r"\frac{", "")
