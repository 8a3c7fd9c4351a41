"""The expected answer of a numeric, expression or shape part, its worked solution and
its known mistakes, from a solver or from the question's own expressions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, cast

from quizbank.schema import ExprAnswer, MistakeRule, ShapeAnswer, SolverAnswer
from quizbank.templates import render_template
from quizbank.variant_values import (
    InstanceError,
    Loc,
    ParamValue,
    numeric_env,
    parse_cached,
    substitute,
)
from solvers.expr import ExprError, Node, Num, evaluate, evaluate_number, names_in, render
from solvers.solution import KnownMistake, Solution, SolverValue, Step, show


def solve_part(
    question: Any, body: Any, values: Mapping[str, ParamValue]
) -> tuple[Any, Solution, list[KnownMistake]]:
    """The expected answer of an answer part, its worked solution and its known mistakes.

    The mistakes are the solver's, then the question's own rules, each tag and value once.
    """
    symbols = tuple(getattr(body, "symbols", ()))
    expected, solution = compute(question, body.answer, body.type, symbols, values, ("answer",))
    output = body.answer.output if isinstance(body.answer, SolverAnswer) else None
    rules = _rule_mistakes(question, body.mistakes, body.type, symbols, values)
    mistakes = _unique(_solver_mistakes(solution, output, body.type) + rules)
    # a rule that gives the right answer for this draw is no mistake here
    return expected, solution, [mistake for mistake in mistakes if mistake.value != expected]


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
    """A solver's value in the form of :attr:`~quizbank.instantiate.PartInstance.expected`."""
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
