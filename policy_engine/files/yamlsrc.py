"""Safe YAML loading that remembers where every value came from.

We compose the node tree ourselves instead of calling yaml.safe_load because we need three things
safe_load does not give: the line of every field (for evidence), duplicate keys (YAML keeps the
last one silently, which drops a designer's text), and hard limits on size, depth and alias
expansion (so a hostile file cannot exhaust memory). Only SafeConstructor ever builds a value,
so no tag can run code.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import yaml

from ..errors import InputError, shorten

try:  # libyaml is much faster; fall back to the pure-Python parser where it is not built.
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader, with tag resolution short-cut where its answer is known in advance.

    libyaml calls back into Python to resolve the tag of every node. For a plain scalar whose first
    character starts no implicit type (most text: 'Reception centre', 'Legal advice'), a quoted
    scalar, a list or a mapping, Resolver.resolve always returns the default tag; we return it
    without the lookups. Everything else goes to Resolver.resolve. Path resolvers are never
    registered by us; if someone did, the short-cut switches itself off.
    """

    _implicit_first = frozenset(k for k in _BaseLoader.yaml_implicit_resolvers if k is not None)
    _shortcut = None not in _BaseLoader.yaml_implicit_resolvers and not _BaseLoader.yaml_path_resolvers

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if self._shortcut:
            if kind is yaml.ScalarNode:
                if not implicit[0] or (value and value[0] not in self._implicit_first):
                    return self.DEFAULT_SCALAR_TAG  # type: ignore[no-any-return]
            elif kind is yaml.MappingNode:
                return self.DEFAULT_MAPPING_TAG  # type: ignore[no-any-return]
            elif kind is yaml.SequenceNode:
                return self.DEFAULT_SEQUENCE_TAG  # type: ignore[no-any-return]
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]

MAX_NODES = 200_000  # values built from one file, counting each alias expansion
MAX_DEPTH = 64       # nesting of mappings and lists
_STR = "tag:yaml.org,2002:str"
_MERGE_TAGS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")  # what flatten_mapping rewrites


@dataclass
class Located:
    """Data loaded from YAML, with the 1-based line (and column) of each path (a.b[0].c)."""

    data: Any
    lines: Mapping[str, int] = field(default_factory=dict)
    columns: Mapping[str, int] = field(default_factory=dict)  # 1-based, where the key (or list item) starts
    duplicates: list[tuple[str, int]] = field(default_factory=list)


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class _Builder:
    def __init__(self, path: str, line_offset: int) -> None:
        self.file = path
        self.offset = line_offset
        self.nodes = 0
        self.constructor = yaml.constructor.SafeConstructor()
        self.lines: dict[str, int] = {}
        self.columns: dict[str, int] = {}
        self.out = Located(None, self.lines, self.columns)

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def fail(self, message: str, node: yaml.Node | None) -> InputError:
        return InputError(message, self.file, self.line(node) if node is not None else None)

    def build(self, node: yaml.Node, path: str, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(f"too many values (more than {MAX_NODES:,}); is this an alias bomb?", node)
        if depth > MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", node)
        node_class = type(node)
        if node_class is yaml.ScalarNode and node.tag == _STR:
            # Most values are plain text: SafeConstructor would return node.value unchanged, so skip
            # its dispatch (a third of the load time of a typical programme description).
            return node.value
        if node_class is yaml.MappingNode or isinstance(node, yaml.MappingNode):
            return self.mapping(cast(yaml.MappingNode, node), path, depth)  # (narrowed by the test above)
        if node_class is yaml.SequenceNode or isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(f"unsupported YAML tag {node.tag}", node)
            items = []
            lines, columns = self.lines, self.columns
            for index, child in enumerate(node.value):
                child_path = f"{path}[{index}]"
                lines.setdefault(child_path, child.start_mark.line + 1 + self.offset)
                columns.setdefault(child_path, child.start_mark.column + 1)
                items.append(self.build(child, child_path, depth + 1))
            return items
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise self.fail(f"unsupported YAML value ({exc.problem})", node) from None
        except (ValueError, OverflowError) as exc:
            raise self.fail(f"invalid value {shorten(repr(node.value), 80)} ({shorten(str(exc), 120)})", node) from None
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        if isinstance(value, bytes):
            raise self.fail("binary values are not supported", node)
        return value

    def mapping(self, node: yaml.MappingNode, path: str, depth: int) -> dict[Any, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise self.fail(f"unsupported YAML tag {node.tag}", node)
        if any(key_node.tag in _MERGE_TAGS for key_node, _ in node.value):
            try:
                self.constructor.flatten_mapping(node)  # resolves '<<' merge keys
            except yaml.constructor.ConstructorError as exc:
                raise self.fail(f"invalid merge key ({exc.problem})", node) from None
        result: dict[Any, Any] = {}
        lines, columns = self.lines, self.columns
        offset = 1 + self.offset
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("a key must be a plain name, not a list or mapping", key_node)
            key = self.build(key_node, path, depth + 1)
            if isinstance(key, float) or key is None:
                key = str(key_node.value)
            child_path = f"{path}.{key}" if path else str(key)
            key_line = key_node.start_mark.line + offset
            if key in result:
                self.out.duplicates.append((child_path, key_line))
            lines[child_path] = key_line
            columns[child_path] = key_node.start_mark.column + 1
            value = self.build(value_node, child_path, depth + 1)
            if type(value_node) is yaml.ScalarNode or isinstance(value_node, yaml.ScalarNode):
                value_line = value_node.start_mark.line + offset
                lines[child_path + "#text"] = value_line + 1 if value_node.style in ("|", ">") else value_line
            result[key] = value
        return result


# Nesting this deep is refused before parsing: libyaml would otherwise build the whole tree first.
_TOO_DEEP = re.compile(r"(?:[\[{][ \t\n]*){%d}|(?:- +){%d}" % (MAX_DEPTH + 1, MAX_DEPTH + 1))


def _expanded_size(root: yaml.Node) -> int:
    """How many values the tree holds once aliases are expanded, counted without expanding them
    (each distinct node is visited once; a shared node counts once per reference)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # being counted: meeting one again below itself is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
        if children_done:
            sizes[id(node)] = min(1 + sum(sizes[id(c)] for c in children), MAX_NODES + 1)
            open_nodes.discard(id(node))
        else:
            if any(id(c) in open_nodes or c is node for c in children):
                return -1  # an alias to a value that contains it: endless once expanded
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def load_yaml(text: str, path: str, line_offset: int = 0) -> Located:
    """Parse one YAML document from text.

    Args:
        text: the YAML source.
        path: the file name used in error messages.
        line_offset: added to every line (for front matter that starts below line 1).

    Raises:
        InputError: a syntax error, an unsafe tag, or a limit exceeded, with its line.
    """
    # The regex is slow on long text; it cannot match without that many brackets or dashes.
    deep = (text.count("[") + text.count("{") > MAX_DEPTH or text.count("- ") > MAX_DEPTH) \
        and _TOO_DEEP.search(text)
    if deep:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", path,
                         text.count("\n", 0, deep.start()) + 1 + line_offset)
    builder = _Builder(path, line_offset)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 + line_offset if mark else None
            problem = exc.problem or exc.context or "invalid YAML"
            raise InputError(f"YAML syntax error: {problem}", path, line,
                             mark.column + 1 if mark else None) from None
        except yaml.YAMLError as exc:
            raise InputError(f"YAML error: {str(exc).splitlines()[0]}", path) from None
        except RecursionError:
            raise InputError(f"nesting too deep to read (limit {MAX_DEPTH} levels)", path) from None
        if node is None:
            return builder.out
        size = _expanded_size(node) if "*" in text else 0  # no '*', no alias
        if size < 0:
            raise InputError("an alias refers to the value that contains it (a structure without end)", path,
                             node.start_mark.line + 1 + line_offset)
        if size > MAX_NODES:
            raise InputError(f"too many values once aliases are expanded (more than {MAX_NODES:,}); "
                             "is this an alias bomb?", path, node.start_mark.line + 1 + line_offset)
        try:
            builder.out.data = builder.build(node, "", 0)
        except RecursionError:
            raise InputError(f"nesting deeper than {MAX_DEPTH} levels", path) from None
        return builder.out
    finally:
        loader.dispose()


def locate(located: Located, path: str) -> tuple[int | None, int | None]:
    """Line and column of a path in a loaded file, or of its nearest parent that has one."""
    while path:
        if path in located.lines:
            return located.lines[path], located.columns.get(path)
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None, None


def did_you_mean(value: object, options: list[str]) -> str | None:
    """'did you mean ...?' for the closest of the options, or None."""
    import difflib  # only a mistake needs it (with heapq, about 1 ms of every check)

    close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
