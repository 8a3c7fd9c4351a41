"""Safe arithmetic expressions: the one parser for student answers and bank expressions.

Text is parsed with :mod:`ast`, and only a whitelist of node kinds is turned into a small
tree of our own (:class:`Node`). Nothing is ever passed to ``eval``, ``sympify`` or
``parse_expr``. Literals become exact :class:`~fractions.Fraction` values, and every bound
(length, nesting, node count, exponent, magnitude) is checked before anything is computed,
so no input can hang the process or exhaust memory.

This module is the parser and the one import path for the rest, which lives in
:mod:`solvers.expr_tree` (nodes, limits, the error), :mod:`solvers.expr_eval` (exact
evaluation), :mod:`solvers.expr_display` (numbers and the "read as" preview) and
:mod:`solvers.expr_sympy` (the lazy bridge to sympy).
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Mapping
from fractions import Fraction
from typing import Final

from solvers.expr_display import format_number, render
from solvers.expr_eval import evaluate, evaluate_number
from solvers.expr_sympy import check_symbolic_bounds, to_sympy
from solvers.expr_tree import (
    DEFAULT_LIMITS,
    FUNCTIONS,
    Binary,
    BoolOp,
    Call,
    Compare,
    ExprError,
    IfElse,
    Limits,
    Node,
    Num,
    Number,
    Sym,
    TupleNode,
    Unary,
    Value,
    children,
    names_in,
)

__all__ = [
    "DEFAULT_LIMITS",
    "FUNCTIONS",
    "Binary",
    "BoolOp",
    "Call",
    "Compare",
    "ExprError",
    "IfElse",
    "Limits",
    "Node",
    "Num",
    "Number",
    "Sym",
    "TupleNode",
    "Unary",
    "Value",
    "check_symbolic_bounds",
    "children",
    "evaluate",
    "evaluate_number",
    "format_number",
    "names_in",
    "parse",
    "render",
    "safe_eval",
    "to_sympy",
]

_BINARY_OPS: Final[dict[type[ast.operator], str]] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}
_COMPARE_OPS: Final[dict[type[ast.cmpop], str]] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_UNICODE_OPERATORS: Final = {
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∗": "*",
    "−": "-",
    "–": "-",
    "÷": "/",
    "^": "**",
    "²": "**2",
    "³": "**3",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "\u00a0": " ",  # no-break and thin spaces, e.g. as thousands separators
    "\u202f": " ",
    "\u2009": " ",
}
_NUMBER_LITERAL = re.compile(r"(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][+-]?\d+)?")
_GROUPED_NUMBER = re.compile(
    r"[+-]?\d{1,3}(?:(?P<sep>[, \u202f\u00a0'])\d{3})(?:(?P=sep)\d{3})*(?:\.\d+)?"
)
_WORD = re.compile(r"[A-Za-z0-9_.]+")
# a number glued to a name, such as 2n or 1if: Python's tokenizer only warns about it
_NUMBER_THEN_NAME = re.compile(r"(?<![\w.])(?>\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?)(?=[A-Za-z_])")


# --------------------------------------------------------------------------- parsing


def _split_dimensions(text: str, symbols: frozenset[str]) -> str:
    """Read ``N x 64``, ``64x15x15`` and ``(N)x(64)`` as comma-separated dimensions.

    An ``x`` only separates when every piece around it is a number or a known symbol, so
    ``max(...)``, ``exp(...)`` and a symbol called ``nx`` keep their letters.
    """

    def is_dimension(piece: str) -> bool:
        return piece in symbols or bool(_NUMBER_LITERAL.fullmatch(piece))

    def split(match: re.Match[str]) -> str:
        word = match.group()
        if "x" not in word or word in symbols or word in FUNCTIONS:
            return word
        pieces = word.split("x")
        if all(pieces[1:-1]) and all(is_dimension(piece) for piece in pieces if piece):
            return ",".join(pieces)
        return word

    return _WORD.sub(split, text.replace("×", ","))


def _normalise(text: str, *, shape: bool, symbols: frozenset[str]) -> str:
    if shape:
        text = _split_dimensions(text, symbols)
    for symbol, ascii_op in _UNICODE_OPERATORS.items():
        text = text.replace(symbol, ascii_op)
    return text


def _check_characters(text: str) -> None:
    for index, char in enumerate(text):
        if char == "\x00" or (ord(char) < 32 and char not in "\t\n\r"):
            raise ExprError("control characters are not allowed", index)
        if ord(char) > 127:
            if unicodedata.category(char) == "Nd":
                raise ExprError(f"couldn't read the digit {char!r}: type digits as 0-9", index)
            raise ExprError(f"couldn't read the character {char!r}", index)
        if char in "#\\":  # a comment or a line continuation would hide the rest
            raise ExprError(f"couldn't read the character {char!r}", index)


def _check_tokens(text: str) -> None:
    """Reject what Python's tokenizer would only warn about (a warning would reach stderr)."""
    quote = re.search(r"['\"]", text)
    if quote:
        raise ExprError("text in quotes is not allowed", quote.start())
    glued = _NUMBER_THEN_NAME.search(text)
    if glued:
        if re.match(r"0[xXoObB]", text[glued.start() :]):
            raise ExprError("write numbers in decimal, e.g. 16 instead of 0x10", glued.start())
        raise ExprError("write multiplication with *, e.g. 2*n", glued.end())


def _check_nesting(text: str, limits: Limits) -> None:
    depth = 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
            if depth > limits.max_depth:
                raise ExprError(f"too deeply nested (more than {limits.max_depth} levels)", index)
        elif char in ")]":
            depth -= 1
            if depth < 0:
                raise ExprError("unbalanced ')'", index)
    if depth:
        raise ExprError("missing ')'")


def _literal(text: str, limits: Limits, column: int) -> Fraction:
    """Turn a number's source text into an exact Fraction, bounding its exponent first."""
    text = text.replace("_", "")
    if not text or not _NUMBER_LITERAL.fullmatch(text):
        raise ExprError(f"couldn't read the number {text!r}", column)
    mantissa, _, exponent = text.lower().partition("e")
    power = int(exponent) if exponent else 0
    if abs(power) > limits.max_decimal_exponent:
        raise ExprError(f"the exponent in {text!r} is too large", column)
    if len(mantissa) > limits.max_bits // 3:
        raise ExprError("that number has too many digits", column)
    return Fraction(mantissa) * Fraction(10) ** power


class _Builder:
    def __init__(
        self,
        source: str,
        symbols: frozenset[str],
        limits: Limits,
        *,
        logic: bool,
        tuple_ok: bool,
    ) -> None:
        self.source = source
        self.symbols = symbols
        self.limits = limits
        self.logic = logic
        self.tuple_ok = tuple_ok
        self.count = 0

    def build(self, node: ast.AST, depth: int = 0, top: bool = False) -> Node:
        self.count += 1
        column = getattr(node, "col_offset", None)
        if self.count > self.limits.max_nodes:
            raise ExprError("that expression is too long", column)
        if depth > self.limits.max_tree_depth:
            raise ExprError("that expression is too long or too deeply nested", column)
        inner = depth + 1

        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ExprError(
                    f"couldn't read {ast.get_source_segment(self.source, node)!r}", column
                )
            segment = ast.get_source_segment(self.source, node) or repr(node.value)
            return Num(_literal(segment, self.limits, column or 0))
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return Sym(node.id)
            if node.id in FUNCTIONS:
                raise ExprError(f"{node.id} needs parentheses, e.g. {node.id}(x)", column)
            if self.symbols:
                known = ", ".join(sorted(self.symbols))
                raise ExprError(f"unknown name {node.id!r} (you can use {known})", column)
            raise ExprError(f"unknown name {node.id!r}: give a number", column)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return Unary("-", self.build(node.operand, inner))
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand, inner)
            if isinstance(node.op, ast.Not) and self.logic:
                return Unary("not", self.build(node.operand, inner))
            raise ExprError("that operator is not allowed", column)
        if isinstance(node, ast.BinOp):
            op = _BINARY_OPS.get(type(node.op))
            if op is None:
                raise ExprError("that operator is not allowed", column)
            return Binary(op, self.build(node.left, inner), self.build(node.right, inner))
        if isinstance(node, ast.Call):
            implicit_product = isinstance(
                node.func, ast.BinOp | ast.Constant | ast.UnaryOp | ast.Call
            )
            if implicit_product or getattr(node.func, "id", None) in self.symbols:
                # 2(n+1), (a+b)(c+d), n(n+1): a product without its *
                raise ExprError("write multiplication with *, e.g. 2*(n+1) or (a+b)*(c+d)", column)
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                allowed = ", ".join(FUNCTIONS)
                raise ExprError(f"only these functions are allowed: {allowed}", column)
            if node.keywords:
                raise ExprError("keyword arguments are not allowed", column)
            low, high = FUNCTIONS[node.func.id]
            if not low <= len(node.args) <= high:
                raise ExprError(f"{node.func.id} takes {low} to {high} arguments", column)
            return Call(node.func.id, tuple(self.build(arg, inner) for arg in node.args))
        if self.logic and isinstance(node, ast.Compare):
            ops = []
            for op_node in node.ops:
                symbol = _COMPARE_OPS.get(type(op_node))
                if symbol is None:
                    raise ExprError("that comparison is not allowed", column)
                ops.append(symbol)
            operands = (node.left, *node.comparators)
            return Compare(tuple(ops), tuple(self.build(o, inner) for o in operands))
        if self.logic and isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return BoolOp(op, tuple(self.build(v, inner) for v in node.values))
        if self.logic and isinstance(node, ast.IfExp):
            return IfElse(
                self.build(node.test, inner),
                self.build(node.body, inner),
                self.build(node.orelse, inner),
            )
        if isinstance(node, ast.Tuple | ast.List) and top and self.tuple_ok:
            if not node.elts:
                raise ExprError("empty shape", column)
            return TupleNode(tuple(self.build(e, inner) for e in node.elts))
        if isinstance(node, ast.Tuple | ast.List):
            raise ExprError("a list of values is not expected here", column)
        raise ExprError("couldn't read that: only numbers and arithmetic are allowed", column)


def parse(
    text: str,
    *,
    symbols: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
    logic: bool = False,
    shape: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Node:
    """Parse ``text`` into a :data:`Node`.

    ``symbols`` are the names allowed in the expression; ``logic`` allows comparisons,
    ``and``/``or``/``not`` and ``a if c else b`` (bank constraints); ``shape`` allows a tuple
    at top level and reads ``64x15x15`` as a tuple.
    """
    if not isinstance(text, str):
        raise ExprError("expected text")
    if len(text) > limits.max_length:
        raise ExprError(f"that answer is too long (more than {limits.max_length} characters)")
    text = text.strip()
    if not text:
        raise ExprError("empty answer")
    allowed = frozenset(symbols)
    text = _normalise(text, shape=shape, symbols=allowed)
    _check_characters(text)
    if not shape:
        grouped = _GROUPED_NUMBER.fullmatch(text)
        if grouped:
            text = re.sub(r"[, \u202f\u00a0']", "", text)
    _check_tokens(text)
    _check_nesting(text, limits)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        column = (error.offset - 1) if error.offset else None
        raise ExprError("couldn't read that: check the operators and parentheses", column) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise ExprError("couldn't read that") from None
    builder = _Builder(text, allowed, limits, logic=logic, tuple_ok=shape)
    return builder.build(tree.body, top=True)


def safe_eval(
    text: str,
    env: Mapping[str, Number] | None = None,
    *,
    logic: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Value:
    """Parse and evaluate ``text`` with the names of ``env`` as its symbols."""
    env = env or {}
    return evaluate(parse(text, symbols=frozenset(env), logic=logic, limits=limits), env, limits)
