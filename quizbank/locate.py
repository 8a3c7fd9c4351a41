"""From a pydantic error's ``loc`` to a line and column in the YAML file, in plain words.

pydantic reports ``('questions', 3, 'numeric', 'answer', 'SolverAnswer', 'args', 'k')``:
real keys and indices mixed with the labels of union members. :func:`split_loc` walks the
schema's types alongside the ``loc`` to tell them apart, :func:`prune_unions` keeps the
errors of the union member the author most likely meant, and :func:`node_position` follows
the real keys through the composed YAML node tree (each node carries its ``start_mark``).
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quizbank import schema

Loc = tuple[str | int, ...]

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SCALAR_LABELS: Final = frozenset({"bool", "int", "float", "str"})
_STRUCTURAL: Final = frozenset({"missing", "extra_forbidden", "model_type", "dict_type"})


def shown(text: str) -> str:
    """``text`` with every control character escaped (``\\x1b``), so output stays inert."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def quoted(value: object, limit: int = 60) -> str:
    text = shown(str(value))
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def describe(value: object) -> str:
    """A value as an error message names it: "the number 5", "a list", "'abc'"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------- loc -> path


@dataclass
class SplitLoc:
    """A pydantic ``loc`` split into the real path and the union labels in it."""

    path: Loc
    labels: tuple[int, ...]  # indices into the loc that are smart-union member labels
    owner: type[BaseModel] | None  # the model the last path component is a field of
    end: Any  # the type at the end of the loc (a model class, or None when unknown)
    at_key: bool = False


def _unwrap(annotation: Any) -> tuple[Any, str | None]:
    discriminator: str | None = None
    while True:
        if get_origin(annotation) is Annotated:
            base, *metadata = get_args(annotation)
            for item in metadata:
                found = getattr(item, "discriminator", None)
                if isinstance(found, str):
                    discriminator = found
            annotation = base
        elif _is_union(annotation):
            members = [m for m in get_args(annotation) if m is not type(None)]
            if len(members) != 1:
                return annotation, discriminator
            annotation = members[0]
        else:
            return annotation, discriminator


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _tagged_member(members: Sequence[Any], discriminator: str, tag: object) -> Any:
    for member in members:
        base, _ = _unwrap(member)
        if _is_model(base) and discriminator in base.model_fields:
            literal = base.model_fields[discriminator].annotation
            if get_origin(literal) is Literal and tag in get_args(literal):
                return base
    return None


def _labelled_member(members: Sequence[Any], label: str) -> Any:
    for member in members:
        base, _ = _unwrap(member)
        name = getattr(base, "__name__", "")
        if label == name or label.endswith(f" {name}]"):
            return base
    return None


def split_loc(loc: Loc, root: type[BaseModel] = schema.BankFile) -> SplitLoc:
    current: Any = root
    discriminator: str | None = None
    path: list[str | int] = []
    labels: list[int] = []
    owner: type[BaseModel] | None = None
    at_key = False
    for index, component in enumerate(loc):
        if component == "[key]":
            at_key = True
            continue
        unwrapped, inner = _unwrap(current)
        discriminator = inner or discriminator
        if _is_union(unwrapped):
            members = get_args(unwrapped)
            if discriminator is not None:
                current = _tagged_member(members, discriminator, component)
            else:
                labels.append(index)
                current = _labelled_member(members, str(component))
            discriminator = None
            continue
        path.append(component)
        discriminator = None
        if _is_model(unwrapped):
            owner = unwrapped
            info = unwrapped.model_fields.get(str(component))
            current = None if info is None else info.annotation
            discriminator = None if info is None else _field_discriminator(info)
            continue
        origin, args = get_origin(unwrapped), get_args(unwrapped)
        if origin is list and args:
            current = args[0]
        elif origin is tuple and args and isinstance(component, int) and component < len(args):
            current = args[component]
        elif origin is dict and len(args) == 2:
            current = args[1]
        else:
            current = None
    end, _ = _unwrap(current)
    return SplitLoc(tuple(path), tuple(labels), owner, end, at_key)


def _field_discriminator(info: Any) -> str | None:
    found = getattr(info, "discriminator", None)
    return found if isinstance(found, str) else None


def format_where(path: Loc) -> str:
    out = ""
    for component in path:
        if isinstance(component, int):
            out += f"[{component}]"
        else:
            out += ("." if out else "") + shown(str(component))
    return out


# --------------------------------------------------------------------------- unions


@dataclass
class LocatedError:
    """One pydantic error with its split loc (``details`` may be synthetic)."""

    details: ErrorDetails
    split: SplitLoc = field(init=False)

    def __post_init__(self) -> None:
        self.split = split_loc(tuple(self.details["loc"]))

    @property
    def loc(self) -> Loc:
        return tuple(self.details["loc"])


def prune_unions(errors: list[LocatedError]) -> list[LocatedError]:
    """Keep, at each union, only the member the author most likely meant.

    A union of scalars (``bool | int | float | str``) becomes one error; between models,
    the member with the fewest missing or unknown keys wins (then the fewest errors).
    """
    sites = sorted(
        {error.loc[:index] for error in errors for index in error.split.labels},
        key=len,
        reverse=True,
    )
    for site in sites:
        depth = len(site)
        inside = [e for e in errors if e.loc[:depth] == site and depth in e.split.labels]
        groups: dict[str | int, list[LocatedError]] = {}
        for error in inside:
            groups.setdefault(error.loc[depth], []).append(error)
        if len(groups) < 2:
            continue
        if set(groups) <= SCALAR_LABELS and all(len(e.loc) == depth + 1 for e in inside):
            first = inside[0].details
            merged: ErrorDetails = {
                "type": "scalar_union",
                "loc": site,
                "msg": "expected a number, text or true/false",
                "input": first["input"],
            }
            keep = [LocatedError(merged)]
        else:
            keep = min(groups.values(), key=_mismatch)
        errors = [e for e in errors if e not in inside] + keep
    return errors


def _mismatch(group: list[LocatedError]) -> tuple[int, int]:
    return sum(e.details["type"] in _STRUCTURAL for e in group), len(group)


# --------------------------------------------------------------------------- nodes


def node_position(root: Node, path: Loc, *, at_key: bool = False) -> tuple[int, int]:
    """1-based line and column of the node at ``path`` (or of the deepest one that exists)."""
    node, key_node = root, None
    for component in path:
        if isinstance(node, MappingNode):
            found = None
            for key, value in node.value:  # the last of duplicate keys wins, as when loading
                if isinstance(key, ScalarNode) and key.value == str(component):
                    found = (key, value)
            if found is None:
                break
            key_node, node = found
        elif isinstance(node, SequenceNode) and isinstance(component, int):
            if not 0 <= component < len(node.value):
                break
            key_node, node = None, node.value[component]
        else:
            break
    else:
        if at_key and key_node is not None:
            node = key_node
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


# --------------------------------------------------------------------------- messages


_PATTERN_MESSAGES: Final = {
    schema.QUESTION_ID: "invalid question id {value}: use 3 to 80 lowercase letters, digits, "
    "'.', '_' or '-', starting with a letter or digit",
    schema.PART_ID: "invalid part id {value}: use up to 16 lowercase letters, digits, '_' or '-'",
    schema.TAG: "invalid tag {value}: use lowercase letters, digits, '+' or '-' (at most 48)",
    schema.IDENTIFIER: "invalid name {value}: use a letter or '_' followed by letters, digits "
    "or '_' (at most 31)",
}
# model-validator messages that belong to one field rather than the whole mapping
_VALIDATOR_FIELDS: Final = (
    ("correct option", "options"),
    ("part ids", "parts"),
    ("range", "range"),
)


def refine(error: LocatedError) -> tuple[Loc, bool]:
    """The path an error is reported at, and whether at the key rather than the value."""
    split = error.split
    kind = error.details["type"]
    if kind == "extra_forbidden":
        return split.path, True
    if kind == "union_tag_invalid":
        return (*split.path, "type"), False
    if kind == "value_error" and _is_model(split.end):
        for keyword, name in _VALIDATOR_FIELDS:
            if keyword in error.details["msg"] and name in split.end.model_fields:
                return (*split.path, name), True
    return split.path, split.at_key


def message(error: LocatedError) -> str:
    """A pydantic error in plain words."""
    details, split = error.details, error.split
    kind = details["type"]
    value = details.get("input")
    ctx: dict[str, Any] = dict(details.get("ctx") or {})
    name = str(split.path[-1]) if split.path else ""
    got = describe(value)
    if kind == "extra_forbidden":
        known = sorted(split.owner.model_fields) if split.owner is not None else []
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f" (did you mean {quoted(close[0])}?)" if close else ""
        if not close and known and len(known) <= 8:
            hint = f"; expected one of {', '.join(known)}"
        return f"unknown key {quoted(name)}{hint}"
    if kind == "missing":
        return f"missing required field {quoted(name)}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        what = "part" if len(split.path) >= 2 and split.path[-2] == "parts" else "question"
        expected = ctx.get("expected_tags") or ", ".join(schema.QUESTION_TYPES)
        expected = str(expected).replace("'", "")
        if kind == "union_tag_not_found":
            return f"missing required field 'type' (one of {expected})"
        return f"unknown {what} type {quoted(ctx.get('tag', ''))}; expected one of {expected}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {got}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"expected a number, got {got}"
    if kind == "string_type":
        hint = "; put it in quotes" if isinstance(value, bool | int | float) else ""
        return f"expected text, got {got}{hint}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {got}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {got}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value), got {got}"
    if kind == "scalar_union":
        return f"expected a number, text or true/false, got {got}"
    if kind == "string_pattern_mismatch":
        template = _PATTERN_MESSAGES.get(str(ctx.get("pattern")), "invalid value {value}")
        text = template.format(value=quoted(value))
        if isinstance(value, str) and _CONTROL.search(value):
            text = text.split(":")[0] + ": control characters are not allowed"
        return text
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "?"
        return f"too long ({length} characters; at most {ctx.get('max_length')})"
    if kind == "too_short":
        return f"needs at least {_items(ctx.get('min_length'))}, got {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"has {_items(ctx.get('actual_length'))}; at most {ctx.get('max_length')}"
    if kind == "invalid_key":
        return f"invalid key {quoted(name)}: keys must be text"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _bound_message(kind, name, value, ctx)
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {got}"
    text = str(details["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return text[:1].lower() + text[1:]


def _items(count: object) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _bound_message(kind: str, name: str, value: object, ctx: dict[str, Any]) -> str:
    if name == "lecture":
        return f"invalid lecture {shown(str(value))}: lectures are numbered 1 to 12"
    words = {
        "greater_than_equal": ("at least", "ge"),
        "less_than_equal": ("at most", "le"),
        "greater_than": ("greater than", "gt"),
        "less_than": ("less than", "lt"),
    }
    phrase, key = words[kind]
    bound = ctx.get(key)
    if isinstance(bound, float) and bound.is_integer():
        bound = int(bound)
    return f"must be {phrase} {bound}, got {shown(str(value))}"
