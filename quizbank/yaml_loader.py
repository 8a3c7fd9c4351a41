"""Reading one YAML file that may come from anyone, with every problem located.

Only :class:`yaml.CSafeLoader` is used, restricted further: plain values, lists and
mappings, no other tags, no anchors or aliases (alias bombs), no merge keys, duplicate
keys reported, and control characters (terminal escape sequences) in text reported.
Files over 2 MB are refused before parsing, and libyaml bounds nesting at 1000 levels.
"""

from __future__ import annotations

import contextlib
import gc
import re
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode

from quizbank.locate import describe, quoted, shown

MAX_FILE_BYTES: Final = 2 * 1024 * 1024
MAX_ALIAS_PROBLEMS: Final = 10  # an alias bomb has thousands; ten make the point
CORE: Final = "tag:yaml.org,2002:"
_STR: Final = CORE + "str"
_CONTROL_IN_TEXT: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ALIAS_MESSAGE: Final = "YAML anchors and aliases are not allowed; write the value out"


@dataclass(frozen=True)
class YamlProblem:
    """A problem at a 1-based line and column; ``control`` marks a control-character note."""

    line: int
    column: int
    message: str
    control: bool = False


@dataclass
class YamlResult:
    data: Any = None
    text: str = ""
    problems: list[YamlProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _AliasFound(Exception):
    pass


def _at(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


class BankLoader(yaml.CSafeLoader):
    """CSafeLoader that refuses aliases and unknown tags and notes duplicate keys."""

    yaml_path_resolvers: dict[Any, Any] = {}  # its own: resolve() below relies on none

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.notes: list[YamlProblem] = []
        self._plain_tags: dict[str, str] = {}

    # The C composer calls these three for every node. No path resolvers are registered,
    # so the tag of a plain scalar depends on its text alone: keys and values such as
    # `type`, `prompt` or `true` repeat, and each is matched against the regexes once.
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                self._plain_tags[value] = tag
            return tag
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # BaseConstructor.construct_object, trimmed (no multi-constructors) and with one
        # addition: the C parser shares one node between an anchor and its aliases, so a
        # node seen twice is exactly an alias. Refusing it stops alias bombs.
        if node in self.constructed_objects:
            raise _AliasFound
        constructor = self.yaml_constructors.get(node.tag, BankLoader.construct_undefined)
        data = constructor(self, node)
        if isinstance(data, types.GeneratorType):
            generator, data = data, next(data)
            if deep or self.deep_construct:
                for _ in generator:
                    pass
            else:
                self.state_generators.append(generator)
        self.constructed_objects[node] = data
        return data

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == CORE + "merge":
                raise ConstructorError(
                    None, None, "merge keys (<<) are not allowed", key_node.start_mark
                )
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in mapping
            except TypeError:
                raise ConstructorError(
                    None, None, "a key must be a plain value", key_node.start_mark
                ) from None
            if duplicate:
                line, column = _at(key_node.start_mark)
                self.notes.append(YamlProblem(line, column, f"duplicate key {quoted(key)}"))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_text(self, node: Node) -> str:
        value = node.value
        if not isinstance(value, str):  # e.g. `!!str [1, 2]`
            value = str(self.construct_scalar(node))  # type: ignore[arg-type]
        # Raw control characters are refused by libyaml; only escapes in "..." make them.
        if getattr(node, "style", None) == '"':
            found = _CONTROL_IN_TEXT.search(value)
            if found:
                line, column = _at(node.start_mark)
                note = (
                    f"control character {quoted(found.group())} in text "
                    "(terminal escape sequences are not allowed)"
                )
                self.notes.append(YamlProblem(line, column, note, control=True))
        return value

    def construct_undefined(self, node: Node) -> Any:
        tag = str(node.tag)
        if tag.startswith(CORE):
            tag = "!!" + tag[len(CORE) :]
        raise ConstructorError(
            None,
            None,
            f"unsupported YAML tag {quoted(tag)}: only plain values, lists and mappings "
            "are allowed",
            node.start_mark,
        )


def _plain(name: str) -> Callable[..., Any]:
    constructor: Callable[..., Any] = SafeConstructor.yaml_constructors[CORE + name]
    return constructor


BankLoader.yaml_constructors = {
    CORE + "null": _plain("null"),
    CORE + "bool": _plain("bool"),
    CORE + "int": _plain("int"),
    CORE + "float": _plain("float"),
    CORE + "str": BankLoader.construct_text,
    CORE + "timestamp": BankLoader.construct_text,  # a date stays the text as written
    CORE + "seq": _plain("seq"),
    CORE + "map": _plain("map"),
    None: BankLoader.construct_undefined,
}


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Loading builds many small objects; the cyclic GC would halve PyYAML's speed."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_yaml(path: Path) -> YamlResult:
    """Read and construct one YAML document; problems come back located, never raised."""
    raw = read_bytes(path)
    return decode_yaml(raw) if isinstance(raw, bytes) else YamlResult(problems=[raw])


def read_bytes(path: Path) -> bytes | YamlProblem:
    """The bytes of a bank file, or why they can't be read (a file over 2 MB is not read)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            megabytes = size / (1024 * 1024)
            return YamlProblem(
                1, 1, f"file is too large ({megabytes:.1f} MB; at most 2 MB): split it up"
            )
        return path.read_bytes()
    except OSError as error:
        return YamlProblem(1, 1, f"can't read the file: {error.strerror}")


def decode_yaml(raw: bytes) -> YamlResult:
    """Decode UTF-8 (a BOM is fine) and construct the document."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        message = f"not valid UTF-8 (byte 0x{byte:02x}): save the file as UTF-8"
        return YamlResult(problems=[YamlProblem(line, column, message)])
    return parse_yaml(text)


def parse_yaml(text: str) -> YamlResult:
    result = YamlResult(text=text)
    loader = BankLoader(text)
    try:
        result.data = loader.get_single_data()
        result.problems = loader.notes
    except _AliasFound:
        result.problems = alias_problems(text)
    except yaml.MarkedYAMLError as error:
        result.problems = [_marked_problem(error, text)]
    except yaml.reader.ReaderError as error:
        line, column = _offset_position(text, error.position)
        character = chr(error.character) if isinstance(error.character, int) else "?"
        message = f"control character {quoted(character)} is not allowed"
        result.problems = [YamlProblem(line, column, message)]
    except RecursionError:
        result.problems = [YamlProblem(1, 1, "the file is nested too deeply")]
    finally:
        loader.dispose()
    return result


def compose(text: str) -> Node | None:
    """The node tree of ``text`` (only called once a file is known to have problems)."""
    loader = yaml.CSafeLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def alias_problems(text: str) -> list[YamlProblem]:
    """Every alias in ``text``, located (aliases are rare, so re-reading the events is fine)."""
    problems: list[YamlProblem] = []
    more = 0
    loader = yaml.CSafeLoader(text)
    try:
        while (event := loader.get_event()) is not None:
            if not isinstance(event, yaml.AliasEvent):
                continue
            line, column = _at(event.start_mark)
            if len(problems) == MAX_ALIAS_PROBLEMS:
                more += 1
                continue
            alias = f"*{shown(str(event.anchor))}"
            problems.append(YamlProblem(line, column, f"alias {alias}: {_ALIAS_MESSAGE}"))
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    if more:
        last = problems[-1]
        problems.append(YamlProblem(last.line, last.column, f"and {more} more aliases"))
    return problems or [YamlProblem(1, 1, _ALIAS_MESSAGE)]


def _offset_position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _marked_problem(error: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    line, column = _at(mark) if mark is not None else (1, 1)
    problem = str(error.problem or "YAML syntax error")
    offset = getattr(mark, "index", None)
    if isinstance(offset, int) and offset < len(text) and text[offset] == "\t":
        return YamlProblem(line, column, "tab character: indent with spaces, not tabs")
    if "another document" in problem:
        return YamlProblem(line, column, "a bank file is one YAML document: remove the '---'")
    if "maximum nesting depth" in problem:
        return YamlProblem(line, column, "the file is nested too deeply (at most 1000 levels)")
    if isinstance(error, ConstructorError):
        return YamlProblem(line, column, shown(problem))
    context = f" ({shown(str(error.context))})" if error.context else ""
    return YamlProblem(line, column, f"YAML syntax error: {shown(problem)}{context}")


def top_level_problem(data: Any) -> YamlProblem | None:
    if data is None:
        return YamlProblem(1, 1, "the file is empty: a bank file needs lecture, title, questions")
    if not isinstance(data, dict):
        return YamlProblem(
            1, 1, f"expected a mapping with lecture, title and questions, got {describe(data)}"
        )
    return None
