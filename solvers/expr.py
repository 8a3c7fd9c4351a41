"""Safe arithmetic expressions: the one parser for student answers and bank expressions.

Text is parsed with :mod:`ast`, and only a whitelist of node kinds is turned into a small
tree of our own (:class:`Node`). Nothing is ever passed to ``eval``, ``sympify`` or
``parse_expr``. Literals become exact :class:`~fractions.Fraction` values, and every bound
(length, nesting, node count, exponent, magnitude) is checked before anything is computed,
so no input can hang the process or exhaust memory.
"""

from __future__ import annotations

import ast
import decimal
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Final, Union

if TYPE_CHECKING:  # sympy is imported lazily: grading a number must not pay for it
    import sympy

Number = Union[Fraction, float]
Value = Union[Fraction, float, bool]


@dataclass(frozen=True)
class Limits:
    """Hard bounds for one parse and evaluation."""

    max_length: int = 1000
    max_depth: int = 32  # parentheses and brackets
    max_tree_depth: int = 100  # operators, e.g. a chain of 100 additions; bounds recursion
    max_nodes: int = 300
    max_exponent: int = 512
    max_bits: int = 4096  # numerator/denominator size of any exact intermediate value
    max_decimal_exponent: int = 400  # the e in 1e400
    max_symbolic_exponent: int = 32  # x**32 at most before sympy sees it: it may expand


DEFAULT_LIMITS: Final = Limits()


class ExprError(ValueError):
    """The text could not be read as a safe expression. ``message`` is for the user."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


FUNCTIONS: Final[dict[str, tuple[int, int]]] = {
    # name: (min args, max args)
    "floor": (1, 1),
    "ceil": (1, 1),
    "sqrt": (1, 1),
    "log": (1, 2),
    "log2": (1, 1),
    "exp": (1, 1),
    "abs": (1, 1),
    "min": (2, 8),
    "max": (2, 8),
    "sigmoid": (1, 1),
    "tanh": (1, 1),
    "relu": (1, 1),
}

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


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True)
class Num:
    value: Fraction


@dataclass(frozen=True)
class Sym:
    name: str


@dataclass(frozen=True)
class Unary:
    op: str  # "-", "+" or "not"
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    values: tuple[Node, ...]


@dataclass(frozen=True)
class IfElse:
    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class TupleNode:
    items: tuple[Node, ...]


Node = Union[Num, Sym, Unary, Binary, Call, Compare, BoolOp, IfElse, TupleNode]


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


def names_in(node: Node) -> frozenset[str]:
    """All symbol names that occur in ``node``."""
    if isinstance(node, Sym):
        return frozenset({node.name})
    return frozenset().union(*(names_in(child) for child in _children(node)))


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of ``node``."""
    return _children(node)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Compare):
        return node.operands
    if isinstance(node, BoolOp):
        return node.values
    if isinstance(node, IfElse):
        return (node.test, node.then, node.otherwise)
    if isinstance(node, TupleNode):
        return node.items
    return ()


# --------------------------------------------------------------------------- evaluation


def _bounded(value: Fraction, limits: Limits) -> Fraction:
    if (
        value.numerator.bit_length() > limits.max_bits
        or value.denominator.bit_length() > limits.max_bits
    ):
        raise ExprError("that number is too large")
    return value


def _finite(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise ExprError("the result is not a finite number")
    return value


def _float(value: Number) -> float:
    """``float(value)``, as a user error when an exact value is beyond the float range."""
    try:
        return _finite(float(value))
    except OverflowError:
        raise ExprError("that number is too large") from None


def _number(value: Value) -> Number:
    if isinstance(value, bool):
        raise ExprError("expected a number, got a comparison")
    return value


def _power(base: Number, exponent: Number, limits: Limits) -> Number:
    if isinstance(exponent, Fraction) and exponent.denominator == 1:
        power = exponent.numerator
        if abs(power) > limits.max_exponent:
            raise ExprError("that exponent is too large")
        if isinstance(base, Fraction):
            if base == 0 and power < 0:
                raise ExprError("division by zero")
            size = max(base.numerator.bit_length(), base.denominator.bit_length())
            if size * abs(power) > limits.max_bits:
                raise ExprError("that number is too large")
            return _bounded(base**power, limits)
        try:
            return _finite(_float(base) ** power)
        except (OverflowError, ZeroDivisionError):
            raise ExprError("that number is too large") from None
    if abs(_float(exponent)) > limits.max_exponent:
        raise ExprError("that exponent is too large")
    if base < 0:
        raise ExprError("a negative number to a fractional power is not real")
    try:
        return _finite(_float(base) ** _float(exponent))
    except (OverflowError, ZeroDivisionError):
        raise ExprError("that number is too large") from None


def _arith(op: str, left: Number, right: Number, limits: Limits) -> Number:
    if op == "**":
        return _power(left, right, limits)
    if op in ("/", "//", "%") and right == 0:
        raise ExprError("division by zero")
    if isinstance(left, Fraction) and isinstance(right, Fraction):
        if op == "+":
            return _bounded(left + right, limits)
        if op == "-":
            return _bounded(left - right, limits)
        if op == "*":
            return _bounded(left * right, limits)
        if op == "/":
            return _bounded(left / right, limits)
        if op == "//":
            return _bounded(Fraction(left // right), limits)
        return _bounded(left % right, limits)
    a, b = _float(left), _float(right)
    try:
        if op == "+":
            return _finite(a + b)
        if op == "-":
            return _finite(a - b)
        if op == "*":
            return _finite(a * b)
        if op == "/":
            return _finite(a / b)
        if op == "//":
            return _finite(float(a // b))
        return _finite(a % b)
    except (OverflowError, ZeroDivisionError):
        raise ExprError("that number is too large") from None


def _call(func: str, args: list[Number], limits: Limits) -> Number:
    if func in ("min", "max"):
        chosen: Number = min(args) if func == "min" else max(args)
        return chosen
    (x, *rest) = args
    if func == "abs":
        return -x if x < 0 else x
    if func in ("floor", "ceil"):
        if isinstance(x, float) and not math.isfinite(x):
            raise ExprError("the result is not a finite number")
        return Fraction(math.floor(x) if func == "floor" else math.ceil(x))
    if func == "sqrt":
        if x < 0:
            raise ExprError("square root of a negative number")
        if isinstance(x, Fraction):
            root_n, root_d = math.isqrt(x.numerator), math.isqrt(x.denominator)
            if root_n * root_n == x.numerator and root_d * root_d == x.denominator:
                return Fraction(root_n, root_d)
        return _finite(math.sqrt(_float(x)))
    if func == "relu":
        return max(x, Fraction(0)) if isinstance(x, Fraction) else max(x, 0.0)
    # Beyond +-700 tanh, sigmoid and exp saturate or overflow; clamp before converting.
    if func == "tanh":
        return Fraction(0) if x == 0 else math.tanh(_float(max(min(x, 700), -700)))
    if func == "sigmoid":
        if x == 0:
            return Fraction(1, 2)
        if x < -700:
            return 0.0
        return 1.0 / (1.0 + math.exp(-_float(min(x, 700))))
    if func == "exp":
        if x > 700:
            raise ExprError("that number is too large")
        return _finite(math.exp(_float(x)))
    # log, log2
    if x <= 0:
        raise ExprError("log of a non-positive number")
    if func == "log2":
        if isinstance(x, Fraction) and x.denominator == 1 and x.numerator & (x.numerator - 1) == 0:
            return Fraction(x.numerator.bit_length() - 1)
        return _natural_log(x) / math.log(2)
    if rest:
        base = rest[0]
        if base <= 0 or base == 1:
            raise ExprError("invalid logarithm base")
        return _natural_log(x) / _natural_log(base)
    return _natural_log(x)


def _natural_log(x: Number) -> float:
    """log of a positive value; exact values use ``math.log`` of ints, which cannot overflow."""
    if isinstance(x, Fraction):
        return math.log(x.numerator) - math.log(x.denominator)
    return _finite(math.log(x))


def _compare(op: str, left: Number, right: Number) -> bool:
    table: dict[str, Callable[[Number, Number], bool]] = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    return table[op](left, right)


def evaluate(
    node: Node,
    env: Mapping[str, Number] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Value:
    """Evaluate a scalar ``node`` exactly where possible (Fraction), else as a finite float."""
    env = env or {}
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Sym):
        if node.name not in env:
            raise ExprError(f"no value for {node.name!r}")
        value = env[node.name]
        return Fraction(value) if isinstance(value, int) else value
    if isinstance(node, Unary):
        operand = evaluate(node.operand, env, limits)
        if node.op == "not":
            return not operand
        return -_number(operand)
    if isinstance(node, Binary):
        left = _number(evaluate(node.left, env, limits))
        right = _number(evaluate(node.right, env, limits))
        return _arith(node.op, left, right, limits)
    if isinstance(node, Call):
        args = [_number(evaluate(arg, env, limits)) for arg in node.args]
        return _call(node.func, args, limits)
    if isinstance(node, Compare):
        values = [_number(evaluate(o, env, limits)) for o in node.operands]
        return all(
            _compare(op, a, b) for op, a, b in zip(node.ops, values, values[1:], strict=False)
        )
    if isinstance(node, BoolOp):
        if node.op == "and":
            return all(bool(evaluate(v, env, limits)) for v in node.values)
        return any(bool(evaluate(v, env, limits)) for v in node.values)
    if isinstance(node, IfElse):
        branch = node.then if evaluate(node.test, env, limits) else node.otherwise
        return evaluate(branch, env, limits)
    raise ExprError("expected a single value, not a tuple")


def evaluate_number(
    node: Node, env: Mapping[str, Number] | None = None, limits: Limits = DEFAULT_LIMITS
) -> Number:
    """Like :func:`evaluate`, but a comparison result is an error."""
    return _number(evaluate(node, env, limits))


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


# --------------------------------------------------------------------------- display


_PRECEDENCE: Final = {"+": 1, "-": 1, "*": 2, "/": 2, "//": 2, "%": 2, "**": 4}
_SHOWN_OP: Final = {"*": "·", "-": "−", "**": "^"}


def format_number(value: Value, digits: int = 6) -> str:
    """A number as a student would write it: integers plain, exact fractions as p/q."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        if value.denominator == 1 and abs(value.numerator) < _PLAIN_LIMIT:
            return str(value.numerator)
        exact = _decimal_text(value, max_digits=15)
        if exact is not None:
            return exact
        shown = _significant(value, digits)
        if value.denominator < 1000 and abs(value.numerator) < _PLAIN_LIMIT:
            return f"{value.numerator}/{value.denominator} ≈ {shown}"
        return f"≈ {shown}"
    return f"{value:.{digits}g}"


_PLAIN_LIMIT: Final = 10**21  # larger integers are shown in scientific notation


def _significant(value: Fraction, digits: int) -> str:
    """``value`` to ``digits`` significant digits, also beyond the range of a float."""
    if value == 0 or 1e-300 < abs(value) < 1e300:
        return f"{float(value):.{digits}g}"
    context = decimal.Context(prec=digits)
    quotient = context.divide(decimal.Decimal(value.numerator), decimal.Decimal(value.denominator))
    return f"{quotient.normalize(context):e}"


def _decimal_text(value: Fraction, max_digits: int | None) -> str | None:
    """The exact decimal of ``value`` if it terminates (within ``max_digits`` digits)."""
    rest = value.denominator
    for factor in (2, 5):
        while rest % factor == 0:
            rest //= factor
    if rest != 1:
        return None
    # p / (2^a 5^b) has at most digits(p) + max(a, b) significant digits, and
    # max(a, b) <= log2 of the denominator: enough precision for an exact division
    digits = len(str(abs(value.numerator))) + value.denominator.bit_length()
    context = decimal.Context(prec=digits)
    exact = context.divide(decimal.Decimal(value.numerator), decimal.Decimal(value.denominator))
    exact = exact.normalize(context)
    if max_digits is not None and len(exact.as_tuple().digits) > max_digits:
        return None
    return f"{exact:f}" if -7 <= exact.adjusted() < 21 else f"{exact:e}"


def _literal_text(value: Fraction) -> str:
    """A literal as typed: exact decimals stay exact (0.1234567 is not rounded)."""
    if value.denominator == 1 and abs(value.numerator) < _PLAIN_LIMIT:
        return str(value.numerator)
    return _decimal_text(value, None) or f"{value.numerator}/{value.denominator}"


def render(node: Node, parent: int = 0) -> str:
    """How the parser understood the text, in readable notation (the "read as" preview)."""
    if isinstance(node, Num):
        text = _literal_text(node.value)
        return f"({text})" if node.value < 0 and parent > 1 else text
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Unary):
        inner = render(node.operand, 3)
        if node.op == "not":
            return f"not {inner}"
        return f"(−{inner})" if parent > 3 else f"−{inner}"
    if isinstance(node, Binary):
        precedence = _PRECEDENCE[node.op]
        right_precedence = precedence + (0 if node.op == "**" else 1)
        left_precedence = precedence + (1 if node.op == "**" else 0)
        text = (
            f"{render(node.left, left_precedence)} {_SHOWN_OP.get(node.op, node.op)} "
            f"{render(node.right, right_precedence)}"
        )
        return f"({text})" if precedence < parent else text
    if isinstance(node, Call):
        return f"{node.func}({', '.join(render(a) for a in node.args)})"
    if isinstance(node, Compare):
        parts = [render(node.operands[0], 1)]
        for op, operand in zip(node.ops, node.operands[1:], strict=True):
            parts += [op, render(operand, 1)]
        return " ".join(parts)
    if isinstance(node, BoolOp):
        return f" {node.op} ".join(render(v, 1) for v in node.values)
    if isinstance(node, IfElse):
        return f"{render(node.then)} if {render(node.test)} else {render(node.otherwise)}"
    return "(" + ", ".join(render(item) for item in node.items) + ")"


# --------------------------------------------------------------------------- sympy


def check_symbolic_bounds(node: Node, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise :class:`ExprError` for a power that sympy must not be asked to build.

    A power of numbers must be within the evaluator's bounds; a formula's constant
    exponent at most ``limits.max_symbolic_exponent``.
    """
    if isinstance(node, Binary) and node.op == "**" and not names_in(node.right):
        exponent = evaluate_number(node.right, limits=limits)
        if not names_in(node.left):
            evaluate_number(node, limits=limits)
            return
        if not -limits.max_symbolic_exponent <= exponent <= limits.max_symbolic_exponent:
            raise ExprError(f"exponents in a formula are limited to {limits.max_symbolic_exponent}")
    for child in _children(node):
        check_symbolic_bounds(child, limits)


def to_sympy(
    node: Node,
    symbols: Mapping[str, sympy.Symbol] | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> sympy.Expr:
    """Build a sympy expression from ``node`` directly (never via sympify or parse_expr).

    Powers are checked first, since sympy computes a number's power eagerly: a constant
    power must be within the evaluator's bounds, and a formula's exponent at most
    ``limits.max_symbolic_exponent`` (so ``(x+1)**200`` can never be expanded).
    """
    import sympy

    check_symbolic_bounds(node, limits)
    table = dict(symbols or {})

    def convert(item: Node) -> sympy.Expr:
        if isinstance(item, Num):
            return sympy.Rational(item.value.numerator, item.value.denominator)
        if isinstance(item, Sym):
            if item.name not in table:
                table[item.name] = sympy.Symbol(item.name, positive=True)
            return table[item.name]
        if isinstance(item, Unary) and item.op == "-":
            return -convert(item.operand)
        if isinstance(item, Binary):
            left, right = convert(item.left), convert(item.right)
            if item.op == "+":
                return left + right
            if item.op == "-":
                return left - right
            if item.op == "*":
                return left * right
            if item.op == "/":
                return left / right
            if item.op == "//":
                return sympy.floor(left / right)
            if item.op == "%":
                return sympy.Mod(left, right)
            return sympy.Pow(left, right)
        if isinstance(item, Call):
            args = [convert(a) for a in item.args]
            functions: dict[str, Callable[..., sympy.Expr]] = {
                "floor": sympy.floor,
                "ceil": sympy.ceiling,
                "sqrt": sympy.sqrt,
                "exp": sympy.exp,
                "abs": sympy.Abs,
                "min": sympy.Min,
                "max": sympy.Max,
                "log2": lambda x: sympy.log(x, 2),
                "log": sympy.log,
                "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
                "tanh": sympy.tanh,
                "relu": lambda x: sympy.Max(x, 0),
            }
            return functions[item.func](*args)
        raise ExprError("that expression has no symbolic form")

    return convert(node)
