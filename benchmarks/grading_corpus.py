"""A seeded corpus of student answers for the four text graders.

Every answer has a kind (numeric, shape, choice, expression), a category (correct,
equivalent, wrong, hostile), its text, and the grading call. Correct, equivalent and
wrong answers are generated from random expected values; hostile ones come from a fixed
list. Only the first three categories are fed to ``sympy.parse_expr`` (the baseline),
since parse_expr evaluates what it reads.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import partial

from solvers.answers import AnswerError
from solvers.expr import Node, parse
from solvers.grading import (
    GradeResult,
    grade_choice,
    grade_expression,
    grade_numeric,
    grade_shape,
    parse_choice_text,
)
from solvers.solution import KnownMistake

KINDS = ("numeric", "shape", "choice", "expression")
SAFE_CATEGORIES = ("correct", "equivalent", "wrong")

HOSTILE = (
    "9**9**9**9",
    "10**10**10",
    "2**(2**64)",
    "1e999999999",
    "1.5e" + "9" * 900,
    "(" * 500 + "1" + ")" * 500,
    "(" * 30 + "1" + ")" * 30,
    "1" * 100_000,
    "x" * 100_000,
    "1" + "+1" * 400,
    "-" * 999 + "1",
    "١٢٣",
    "１２",
    "12\x00",
    "\x1b[2J",
    "__import__('os').system('true')",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 1",
    "[y for y in range(10**9)]",
    "{0}{1}%s%n",
    "f'{1}'",
    "exp(exp(exp(9)))",
    "factorial(10**6)",
    "sqrt(-1)",
    "0/0",
    "max(" * 40 + "1" + ",1)" * 40,
    "nan",
    "inf",
    "",
    "   ",
)


@dataclass(frozen=True)
class Answer:
    kind: str
    category: str
    text: str
    grade: Callable[[], GradeResult]


# --------------------------------------------------------------------------- numbers


def _numeric_answers(rng: random.Random, count: int) -> list[Answer]:
    answers: list[Answer] = []
    while len(answers) < count:
        style = rng.choice(("count", "bytes", "fraction", "params"))
        if style == "count":
            n = rng.randint(2, 10**8)
            mistakes: tuple[KnownMistake, ...] = (
                KnownMistake("forgot-plus-one", "You forgot the +1.", Fraction(n - 1)),
            )
            forms = {
                "correct": [str(n)],
                "equivalent": [
                    f"{n:,}",
                    f"{n * 4}/4",
                    f"{n}.0",
                    f"= {n}",
                    f"({n // 2} + {n - n // 2})",
                    f"{Decimal(n).scaleb(-3)}k",
                ],
                "wrong": [str(n - 1), str(n + 1), str(n * 10), f"{n}.5"],
            }
            expected: Fraction | float = Fraction(n)
            unit: str | None = None
        elif style == "bytes":
            tenths = rng.randint(11, 9999)
            megabytes = Decimal(tenths).scaleb(-1)
            mistakes = ()
            forms = {
                "correct": [f"{megabytes} MB", str(megabytes)],
                "equivalent": [
                    f"{int(megabytes * 10**6)} B",
                    f"{megabytes * 1000} KB",
                    f"{megabytes / 1000} GB",
                    f"{megabytes}MB",
                ],
                "wrong": [f"{megabytes} MiB", f"{megabytes * 2} MB", f"{megabytes} GB"],
            }
            expected, unit = float(megabytes), "MB"
        elif style == "fraction":
            denominator = rng.choice((2, 4, 5, 8, 10, 16, 20, 25))
            numerator = rng.randint(1, denominator - 1)
            value = Fraction(numerator, denominator)
            decimal_text = str(Decimal(numerator) / Decimal(denominator))
            mistakes = ()
            forms = {
                "correct": [decimal_text],
                "equivalent": [
                    f"{numerator}/{denominator}",
                    f"{Decimal(decimal_text) * 100}%",
                    f"{numerator * 3}/{denominator * 3}",
                ],
                "wrong": [f"{denominator}/{numerator + denominator}", "1", "0"],
            }
            expected, unit = value, None
        else:
            tenths = rng.randint(11, 999)
            millions = Decimal(tenths).scaleb(-1)
            mistakes = ()
            forms = {
                "correct": [f"{int(millions * 10**6)}"],
                "equivalent": [
                    f"{millions}M params",
                    f"{millions} million",
                    f"{int(millions * 10**6):,} params",
                    f"{millions}M",
                ],
                "wrong": [f"{millions}k", f"{millions * 2}M params"],
            }
            expected, unit = Fraction(int(millions * 10**6)), "params"
        for category, texts in forms.items():
            for text in texts:
                answers.append(
                    Answer(
                        "numeric",
                        category,
                        text,
                        partial(grade_numeric, text, expected, unit=unit, mistakes=mistakes),
                    )
                )
    return answers[:count]


# --------------------------------------------------------------------------- shapes


def _shape_answers(rng: random.Random, count: int) -> list[Answer]:
    answers: list[Answer] = []
    symbols = ("N",)
    while len(answers) < count:
        c, h = rng.choice((3, 8, 16, 32, 64, 128)), rng.randint(2, 64)
        expected: tuple[Node, ...] = tuple(
            parse(t, symbols=symbols) for t in ("N", str(c), str(h), str(h))
        )
        forms = {
            "correct": [f"(N, {c}, {h}, {h})"],
            "equivalent": [
                f"N x {c} x {h} x {h}",
                f"[N,{c},{h},{h}]",
                f"(N, {c // 2}*2, {h * 2}/2, {h})" if c % 2 == 0 else f"(N, {c}, {h}, {h}+0)",
                f"torch.Size([N, {c}, {h}, {h}])",
            ],
            "wrong": [
                f"(N, {c}, {h + 1}, {h})",
                f"({c}, {h}, {h})",
                f"(N, {h}, {h}, {c})" if h != c else f"(N, {c}, {h}, {h + 2})",
            ],
        }
        for category, texts in forms.items():
            for text in texts:
                answers.append(
                    Answer(
                        "shape",
                        category,
                        text,
                        partial(grade_shape, text, expected, symbols=symbols),
                    )
                )
    return answers[:count]


# --------------------------------------------------------------------------- choices


def grade_choice_text(
    text: str, correct: frozenset[int], multi: bool, n_options: int
) -> GradeResult:
    """Typed options (``A C`` or ``1,3``) graded as the command line does."""
    try:
        selected: frozenset[int] = parse_choice_text(text)
    except AnswerError:
        selected = frozenset({-1})  # unreadable: grade_choice reports it as invalid
    return grade_choice(selected, correct, multi=multi, n_options=n_options)


def _choice_answers(rng: random.Random, count: int) -> list[Answer]:
    answers: list[Answer] = []
    while len(answers) < count:
        n_options = rng.randint(3, 6)
        multi = rng.random() < 0.6
        size = rng.randint(1, min(3, n_options - 1)) if multi else 1
        correct = frozenset(rng.sample(range(n_options), size))
        letters = [chr(ord("A") + i) for i in sorted(correct)]
        wrong_pick = next(i for i in range(n_options) if i not in correct)
        forms = {
            "correct": [" ".join(letters)],
            "equivalent": [
                ",".join(str(i + 1) for i in sorted(correct)),
                "".join(letters).lower(),
                " and ".join(letters),
            ],
            "wrong": [chr(ord("A") + wrong_pick)],
        }
        if multi:
            forms["wrong"].append(" ".join([*letters, chr(ord("A") + wrong_pick)]))
        for category, texts in forms.items():
            for text in texts:
                answers.append(
                    Answer(
                        "choice",
                        category,
                        text,
                        partial(grade_choice_text, text, correct, multi, n_options),
                    )
                )
    return answers[:count]


# --------------------------------------------------------------------------- formulas

# (symbols, expected, equivalent forms, wrong forms)
FORMULAS: tuple[tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...]], ...] = (
    (("L", "k"), "L*k - L + 1", ("L*(k-1) + 1", "1 + L*(k - 1)", "(k-1)*L+1"), ("L*k", "L*k + 1")),
    (
        ("n", "k", "p", "s"),
        "floor((n + 2*p - k)/s) + 1",
        ("(n + 2*p - k)//s + 1", "floor((n - k + 2*p)/s + 1)"),
        ("(n + 2*p - k)/s + 1", "ceil((n + 2*p - k)/s) + 1"),
    ),
    (("n",), "n*(n+1)/2", ("(n**2 + n)/2", "n**2/2 + n/2", "0.5*n*(n+1)"), ("n**2/2", "n*(n-1)/2")),
    (("d",), "1/sqrt(d)", ("d**(-1/2)", "sqrt(d)/d", "sqrt(1/d)"), ("1/d", "sqrt(d)")),
    (
        ("h", "d"),
        "4*h*(d + h + 1)",
        ("4*(h*d + h**2 + h)", "4*h*d + 4*h**2 + 4*h"),
        ("4*h*(d + h)", "h*(d + h + 1)"),
    ),
    (
        ("c", "k", "f"),
        "f*(c*k**2 + 1)",
        ("f*c*k**2 + f", "(c*k*k + 1)*f"),
        ("f*c*k**2", "c*k**2 + 1"),
    ),
    (("x",), "sigmoid(x)*(1 - sigmoid(x))", ("sigmoid(x) - sigmoid(x)**2",), ("sigmoid(x)",)),
    (("x",), "log(exp(x) + 1)", ("log(1 + exp(x))",), ("exp(x)", "log(x + 1)")),
)


def _expression_answers(rng: random.Random, count: int) -> list[Answer]:
    answers: list[Answer] = []
    parsed = [
        (symbols, parse(expected, symbols=symbols), expected, equivalent, wrong)
        for symbols, expected, equivalent, wrong in FORMULAS
    ]
    while len(answers) < count:
        symbols, node, text, equivalent, wrong = rng.choice(parsed)
        forms = {"correct": [text], "equivalent": list(equivalent), "wrong": list(wrong)}
        for category, texts in forms.items():
            for answer in texts:
                answers.append(
                    Answer(
                        "expression",
                        category,
                        answer,
                        partial(grade_expression, answer, node, symbols=symbols),
                    )
                )
    return answers[:count]


# --------------------------------------------------------------------------- corpus


def _hostile(kind: str) -> list[Answer]:
    expected_number, expected_shape = Fraction(250), (parse("N", symbols=("N",)), parse("3"))
    formula = parse("x + 1", symbols=("x",))
    graders: dict[str, Callable[[str], GradeResult]] = {
        "numeric": lambda t: grade_numeric(t, expected_number),
        "shape": lambda t: grade_shape(t, expected_shape, symbols=("N",)),
        "choice": lambda t: grade_choice_text(t, frozenset({0, 2}), True, 4),
        "expression": lambda t: grade_expression(t, formula, symbols=("x",)),
    }
    grade = graders[kind]
    return [Answer(kind, "hostile", text, partial(grade, text)) for text in HOSTILE]


def build_corpus(size: int = 10_000, seed: int = 20250601) -> list[Answer]:
    """``size`` answers (at least), a quarter per kind, hostile ones included, shuffled."""
    rng = random.Random(seed)
    per_kind = max(size // len(KINDS), len(HOSTILE) + 10)
    makers = {
        "numeric": _numeric_answers,
        "shape": _shape_answers,
        "choice": _choice_answers,
        "expression": _expression_answers,
    }
    corpus: list[Answer] = []
    for kind in KINDS:
        hostile = _hostile(kind)
        corpus += makers[kind](rng, per_kind - len(hostile)) + hostile
    rng.shuffle(corpus)
    return corpus
