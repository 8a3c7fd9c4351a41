"""A question template plus a seed gives one concrete variant with its computed answer.

Deterministic for (question id, seed) in every process: the random generator is seeded
with the text ``f"{id}:{seed}"``. Params are exact (``Fraction(str(step))``), so the values
shown in the prompt are the values the answer is computed from; authors choose steps and
choices that display exactly (0.1, not 1/3).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Final, Union, cast

from quizbank.errors import UserError
from quizbank.schema import (
    ChoiceParam,
    ExprAnswer,
    MistakeRule,
    Option,
    ProblemQuestion,
    RangeParam,
    ShapeAnswer,
    SolverAnswer,
)
from quizbank.templates import TemplateError, render_template
from solvers.expr import (
    Binary,
    BoolOp,
    Call,
    Compare,
    ExprError,
    IfElse,
    Node,
    Num,
    Sym,
    TupleNode,
    Unary,
    evaluate,
    evaluate_number,
    names_in,
    parse,
    render,
)
from solvers.solution import KnownMistake, Solution, SolverValue, Step, show

ParamValue = Union[Fraction, float, str, bool]
Loc = tuple[str | int, ...]
MAX_DRAWS: Final = 1000
CHOICE_TYPES: Final = frozenset({"single", "multi"})
ANSWER_TYPES: Final = frozenset({"numeric", "expression", "shape"})


class ConstraintsUnsatisfiable(UserError):
    """No draw of the params met the constraints within :data:`MAX_DRAWS` tries."""

    def __init__(self, question_id: str, detail: str = "") -> None:
        self.question_id = question_id
        self.detail = detail
        extra = f" (last draw: {detail})" if detail else ""
        super().__init__(
            f"{question_id}: no values of the params satisfy the constraints "
            f"in {MAX_DRAWS} draws{extra}"
        )


class InstanceError(UserError):
    """A variant could not be built (a solver refused the values, a template is wrong, ...).

    ``where`` is the path inside the question, e.g. ``('answer', 'args', 'k')``.
    """

    def __init__(self, question_id: str, where: Loc, message: str) -> None:
        self.question_id = question_id
        self.where = where
        self.message = message
        super().__init__(f"{question_id}: {message}")


@dataclass(frozen=True)
class ShownOption:
    """An option in the order shown; ``index`` is its position in the bank file."""

    index: int
    text: str
    correct: bool
    why: str
    misconception: str | None


@dataclass(frozen=True)
class PartInstance:
    """One graded part. A non-problem question has one part with ``id == ""`` and
    ``prompt == ""`` (its prompt is :attr:`Instance.prompt`).

    ``expected`` is a number (numeric), a :data:`~solvers.expr.Node` (expression), a tuple
    of Nodes (shape), the frozenset of correct *shown* indices (single, multi), a bool
    (truefalse) or None (open). A mistake's value has the same form as ``expected``.
    """

    id: str
    type: str
    prompt: str
    body: Any  # the schema object: the question itself or its Part
    expected: Any
    solution: Solution | None
    options: tuple[ShownOption, ...]
    mistakes: tuple[KnownMistake, ...]
    points: float


@dataclass(frozen=True)
class Instance:
    question: Any  # quizbank.schema.Question
    seed: int
    values: dict[str, ParamValue]
    prompt: str
    parts: tuple[PartInstance, ...]


# --------------------------------------------------------------------------- expressions


@functools.lru_cache(maxsize=8192)
def parse_cached(
    text: str, names: frozenset[str], *, logic: bool = False, shape: bool = False
) -> Node:
    """:func:`solvers.expr.parse`, cached: banks repeat the same expressions."""
    return parse(text, symbols=names, logic=logic, shape=shape)


def numeric_env(values: Mapping[str, ParamValue]) -> dict[str, Fraction | float]:
    return {name: value for name, value in values.items() if not isinstance(value, str)}


def substitute(node: Node, values: Mapping[str, Fraction | float]) -> Node:
    """``node`` with every name that has a value replaced by it (symbols such as N stay)."""
    if isinstance(node, Sym):
        value = values.get(node.name)
        if value is None or isinstance(value, bool):
            return node
        return Num(value if isinstance(value, Fraction) else Fraction(repr(value)))
    if isinstance(node, Unary):
        return replace(node, operand=substitute(node.operand, values))
    if isinstance(node, Binary):
        return replace(
            node, left=substitute(node.left, values), right=substitute(node.right, values)
        )
    if isinstance(node, Call):
        return replace(node, args=tuple(substitute(arg, values) for arg in node.args))
    if isinstance(node, Compare):
        return replace(node, operands=tuple(substitute(o, values) for o in node.operands))
    if isinstance(node, BoolOp):
        return replace(node, values=tuple(substitute(v, values) for v in node.values))
    if isinstance(node, IfElse):
        return IfElse(*(substitute(n, values) for n in (node.test, node.then, node.otherwise)))
    if isinstance(node, TupleNode):
        return TupleNode(tuple(substitute(item, values) for item in node.items))
    return node


# --------------------------------------------------------------------------- params


def _draw(param: RangeParam | ChoiceParam, rng: random.Random) -> ParamValue:
    if isinstance(param, RangeParam):
        low, high = (Fraction(str(end)) for end in param.range)
        step = Fraction(str(param.step))
        return low + step * rng.randint(0, int((high - low) // step))
    choice = rng.choice(param.choices)
    if isinstance(choice, bool | str):
        return choice
    return Fraction(choice) if isinstance(choice, int) else Fraction(str(choice))


def draw_values(question: Any, rng: random.Random) -> dict[str, ParamValue]:
    """Params, then derived values in order, until the constraints hold."""
    detail = ""
    for _ in range(MAX_DRAWS):
        values = {name: _draw(param, rng) for name, param in question.params.items()}
        try:
            for name, text in question.derived.items():
                env = numeric_env(values)
                values[name] = evaluate(parse_cached(text, frozenset(env), logic=True), env)
            env = numeric_env(values)
            if all(
                evaluate(parse_cached(text, frozenset(env), logic=True), env)
                for text in question.constraints
            ):
                return values
            detail = ""
        except ExprError as error:  # a derived value undefined for this draw rejects it
            detail = error.message
    raise ConstraintsUnsatisfiable(question.id, detail)


# --------------------------------------------------------------------------- answers


def solver_args(
    question: Any, answer: SolverAnswer, spec: Any, values: Mapping[str, ParamValue], where: Loc
) -> dict[str, Any]:
    """Each bank argument evaluated by its kind: int/number expressions, bools, templates."""
    args: dict[str, Any] = {}
    for name, raw in answer.args.items():
        here = (*where, "args", name)
        arg = spec.args.get(name)
        if arg is None:
            raise InstanceError(question.id, here, f"solver {answer.solver} has no argument {name}")
        try:
            args[name] = evaluate_argument(arg.kind, raw, values, question.is_parametric)
        except ValueError as error:  # ExprError and TemplateError too
            raise InstanceError(question.id, here, f"argument {name}: {error}") from None
    return args


def evaluate_argument(
    kind: str,
    raw: bool | int | float | str,
    values: Mapping[str, ParamValue],
    parametric: bool,
) -> Any:
    """A solver's or reference model's argument from the bank, by its kind.

    Numbers are safe expressions over the variant's values, bools literal or conditions,
    text a template (in parametric questions).
    """
    env = numeric_env(values)
    if kind == "text":
        text = raw if isinstance(raw, str) else show(raw)
        return render_template(text, values) if parametric else text
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if not isinstance(raw, str):
            raise ValueError("expected true, false or a condition")
        result = evaluate(parse_cached(raw, frozenset(env), logic=True), env)
        if not isinstance(result, bool):
            raise ValueError("expected a condition (true or false)")
        return result
    if isinstance(raw, bool):
        raise ValueError("expected a number, got true/false")
    if isinstance(raw, str):
        number = evaluate_number(parse_cached(raw, frozenset(env)), env)
    else:
        number = Fraction(raw) if isinstance(raw, int) else Fraction(str(raw))
    if kind == "int":
        if isinstance(number, float) or number.denominator != 1:
            raise ValueError(f"expected a whole number, got {show(number)}")
        return number.numerator
    return number


def _exact(value: object) -> Fraction | float:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise TypeError(f"expected a number, got {show(value)}")
    return Fraction(value) if isinstance(value, int) else value


def _as_expected(kind: str, value: object) -> Any:
    """A solver's value in the form of :attr:`PartInstance.expected` for ``kind``."""
    if kind == "shape":
        if not isinstance(value, tuple):
            raise TypeError(f"expected a shape, got {show(value)}")
        return tuple(Num(Fraction(_exact(item))) for item in value)
    return _exact(value)


def compute(
    question: Any,
    answer: SolverAnswer | ExprAnswer | ShapeAnswer,
    kind: str,
    symbols: Sequence[str],
    values: Mapping[str, ParamValue],
    where: Loc,
) -> tuple[Any, Solution]:
    """The expected answer of one part (or one mistake rule) and its worked solution."""
    if isinstance(answer, SolverAnswer):
        return _solve(question, answer, kind, values, where)
    env = numeric_env(values)
    names = frozenset(env) | frozenset(symbols)
    logic = kind != "expression"  # `a if c else b` in numbers; sympy gets plain formulas
    texts = [answer.expr] if isinstance(answer, ExprAnswer) else answer.shape
    nodes: list[Node] = []
    for index, text in enumerate(texts):
        here = (*where, "expr") if isinstance(answer, ExprAnswer) else (*where, "shape", index)
        try:
            node = substitute(parse_cached(text, names, logic=logic), env)
            if not names_in(node):
                value = evaluate_number(node)
                if kind == "shape" and (isinstance(value, float) or value.denominator != 1):
                    raise ExprError(f"a shape needs whole numbers, got {show(value)}")
                if kind != "expression":
                    node = Num(Fraction(value))
            nodes.append(node)
        except ExprError as error:
            raise InstanceError(question.id, here, f"{text}: {error.message}") from None
    formulas = [render(parse_cached(text, names, logic=logic)) for text in texts]
    results = [render(node) for node in nodes]
    if kind == "numeric":
        expected: Any = cast(Num, nodes[0]).value
        plugged = render(substitute(parse_cached(texts[0], names, logic=logic), env))
        shown_formula, result = formulas[0], show(expected)
        substitution = "" if plugged in (shown_formula, result) else plugged
    else:
        expected = tuple(nodes) if kind == "shape" else nodes[0]
        joined = ", ".join(formulas)
        shown_formula = f"({joined})" if kind == "shape" else joined
        result = f"({', '.join(results)})" if kind == "shape" else results[0]
        substitution = ""
    step = Step("", shown_formula, substitution, result)
    used = frozenset().union(*(names_in(parse_cached(t, names, logic=logic)) for t in texts))
    derived_steps = _derived_steps(question, used, names, env, values)
    answer_is_a_derived_value = len(texts) == 1 and texts[0].strip() in question.derived
    steps = (*derived_steps, *(() if answer_is_a_derived_value and derived_steps else (step,)))
    # The value of an expression or a symbolic shape is shown, not computed with.
    shown_value = expected if kind == "numeric" else cast(SolverValue, result)
    return expected, Solution(value=shown_value, steps=steps)


def _derived_steps(
    question: Any,
    used: frozenset[str],
    names: frozenset[str],
    env: Mapping[str, Fraction | float],
    values: Mapping[str, ParamValue],
) -> list[Step]:
    """One worked step per derived value the answer relies on (directly or not), in order."""
    derived: Mapping[str, str] = question.derived
    needed = set(used & derived.keys())
    for name in reversed(list(derived)):
        if name in needed:
            needed |= names_in(parse_cached(derived[name], names, logic=True)) & derived.keys()
    steps = []
    for name in derived:
        if name not in needed or name not in values:
            continue
        formula = parse_cached(derived[name], names, logic=True)
        plugged = render(substitute(formula, env))
        result = show(values[name])
        substitution = "" if plugged in (render(formula), result) else plugged
        steps.append(Step(name, render(formula), substitution, result))
    return steps


def _solve(
    question: Any, answer: SolverAnswer, kind: str, values: Mapping[str, ParamValue], where: Loc
) -> tuple[Any, Solution]:
    from solvers.registry import get_solver  # imports every solver: only when one is used

    try:
        spec = get_solver(answer.solver)
    except KeyError as error:
        raise InstanceError(question.id, (*where, "solver"), str(error.args[0])) from None
    args = solver_args(question, answer, spec, values, where)
    try:
        solution = spec.solve(**args)
        value = solution.fact(answer.output)
        expected = _as_expected(kind, value)
    except KeyError as error:
        raise InstanceError(question.id, (*where, "output"), str(error.args[0])) from None
    except (ValueError, TypeError, ArithmeticError) as error:
        detail = getattr(error, "message", None) or str(error)
        raise InstanceError(question.id, where, f"solver {answer.solver}: {detail}") from None
    return expected, solution


def _solver_mistakes(solution: Solution, output: str | None, kind: str) -> list[KnownMistake]:
    from solvers.registry import mistakes_for

    mistakes = []
    for mistake in mistakes_for(solution, output):
        try:
            value = _as_expected(kind, mistake.value)
        except TypeError:
            continue
        mistakes.append(KnownMistake(mistake.tag, mistake.message, value))
    return mistakes


def _unique(mistakes: list[KnownMistake]) -> list[KnownMistake]:
    """One mistake per tag and value, in first-seen order.

    A question's own rule repeating a solver's mistake keeps the solver's place but brings
    its own, more specific message.
    """
    kept: list[KnownMistake] = []
    for mistake in mistakes:
        same = [i for i, k in enumerate(kept) if (k.tag, k.value) == (mistake.tag, mistake.value)]
        if same:
            kept[same[0]] = mistake
        else:
            kept.append(mistake)
    return kept


def _rule_mistakes(
    question: Any, rules: Sequence[MistakeRule], kind: str, symbols: Sequence[str], values: Any
) -> list[KnownMistake]:
    mistakes = []
    for index, rule in enumerate(rules):
        where = ("mistakes", index, "answer")
        value, _ = compute(question, rule.answer, kind, symbols, values, where)
        mistakes.append(KnownMistake(rule.tag, rule.message, value))
    return mistakes


# --------------------------------------------------------------------------- parts


def render_text(question: Any, text: str, values: Mapping[str, ParamValue], where: Loc) -> str:
    """A template in a parametric question; plain text (braces untouched) otherwise."""
    if not question.is_parametric:
        return text
    try:
        return render_template(text, values)
    except TemplateError as error:
        raise InstanceError(question.id, where, error.message) from None


def _options(
    question: Any, options: Sequence[Option], shuffle: bool, values: Any, rng: random.Random
) -> tuple[ShownOption, ...]:
    order = list(range(len(options)))
    if shuffle:
        rng.shuffle(order)
    return tuple(
        ShownOption(
            index=index,
            text=render_text(question, options[index].text, values, ("options", index, "text")),
            correct=options[index].correct,
            why=options[index].why,
            misconception=options[index].misconception,
        )
        for index in order
    )


def _part(question: Any, body: Any, values: Any, seed: int, where: Loc) -> PartInstance:
    part_id = getattr(body, "id", "") if body is not question else ""
    prompt = render_text(question, body.prompt, values, (*where, "prompt")) if part_id else ""
    options: tuple[ShownOption, ...] = ()
    expected: Any = None
    solution: Solution | None = None
    mistakes: list[KnownMistake] = []
    try:
        if body.type in CHOICE_TYPES:
            rng = random.Random(f"{question.id}:{seed}:options:{part_id}")
            options = _options(question, body.options, body.shuffle, values, rng)
            expected = frozenset(i for i, option in enumerate(options) if option.correct)
        elif body.type == "truefalse":
            expected = body.answer
        elif body.type in ANSWER_TYPES:
            symbols = tuple(getattr(body, "symbols", ()))
            expected, solution = compute(
                question, body.answer, body.type, symbols, values, ("answer",)
            )
            output = body.answer.output if isinstance(body.answer, SolverAnswer) else None
            rules = _rule_mistakes(question, body.mistakes, body.type, symbols, values)
            mistakes = _unique(_solver_mistakes(solution, output, body.type) + rules)
            # a rule that gives the right answer for this draw is no mistake here
            mistakes = [mistake for mistake in mistakes if mistake.value != expected]
    except InstanceError as error:
        if where:  # say which part: the loc inside a part is relative to it
            raise InstanceError(question.id, (*where, *error.where), error.message) from None
        raise
    points = body.points if body.points is not None else 1.0
    return PartInstance(
        part_id, body.type, prompt, body, expected, solution, options, tuple(mistakes), points
    )


def instantiate(question: Any, seed: int) -> Instance:
    """The variant of ``question`` for ``seed`` (raises :class:`ConstraintsUnsatisfiable`
    or :class:`InstanceError`)."""
    values = draw_values(question, random.Random(f"{question.id}:{seed}"))
    prompt = render_text(question, question.prompt, values, ("prompt",))
    if isinstance(question, ProblemQuestion):
        parts = tuple(
            _part(question, part, values, seed, ("parts", index))
            for index, part in enumerate(question.parts)
        )
    else:
        parts = (_part(question, question, values, seed, ()),)
    return Instance(question, seed, values, prompt, parts)
