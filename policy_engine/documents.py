"""Read a programme description (YAML, JSON, Markdown with front matter, plain text) into a Document.

All formats end in one internal model: the structured fields (validated against the programme
schema), the line of each field, and the text cut into sentences, each tagged with the field or
narrative topic it belongs to.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import jsonschema

from .errors import InputError
from .model import Document, TextUnit
from .resources import load_resource_yaml, schema
from .textscan import MAX_UNIT_CHARS, compile_pattern, iter_strings, normalise, sentences
from .yamlsrc import Located, load_yaml

MAX_BYTES = 5 * 1024 * 1024  # a programme description is a few KB; refuse what cannot be one
STRUCTURED_SUFFIXES = {".yaml", ".yml", ".json"}
NARRATIVE_SUFFIXES = {".md", ".markdown", ".txt"}
SUPPORTED_SUFFIXES = STRUCTURED_SUFFIXES | NARRATIVE_SUFFIXES

# Fields that hold codes or bookkeeping, not prose: never scanned by text rules.
_NOT_PROSE = re.compile(r"^(id|language|period|country|expect|waivers|phases)(\.|$)|(^|\.)(type|recipient_type|"
                        r"directed_by_type|legal_status|legal_status_required|legal_status_excluded)$")
_INDEX = re.compile(r"\[\d+\]")
_MAY_SPLIT = re.compile(r"[.!?;]\s|\n")  # where textscan.sentences could cut
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_NUMBERING = re.compile(r"^\s*((\d+(\.\d+)*|[a-z]|[ivx]+)[.)]|section \d+:?|\d+(\.\d+)*)\s+", re.IGNORECASE)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema("programme"))
    return cls(schema("programme"))


# ---- fast path for valid documents ---------------------------------------------------------------
# jsonschema takes about 1 ms to walk a typical description, most of it in generic machinery
# (evolving validators, resolving $refs). Nearly every document in a batch is valid, so we first
# ask a small checker compiled from the same schema whether the document is valid with no unknown
# field; only when it says no (or cannot tell) does jsonschema run, so every message is unchanged.
# The compiler understands a subset of JSON Schema; a schema using anything else gets no fast path.

_Check = Callable[[Any], bool]
_ANNOTATIONS = frozenset({"description", "title", "default", "examples", "$comment", "$schema", "$id", "$defs",
                          "format", "deprecated", "readOnly", "writeOnly"})  # format is not asserted here
_TYPE_TESTS: dict[str, _Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


class _Unsupported(Exception):
    """The schema uses a keyword the fast checker does not implement."""


def _compile_check(node: Any, root: dict[str, Any], depth: int = 0) -> _Check:
    """A function that returns True only if jsonschema would find no error and no unknown field."""
    if depth > 32 or not isinstance(node, dict):
        raise _Unsupported(node)
    if "$ref" in node:
        ref = node["$ref"]
        if set(node) - _ANNOTATIONS - {"$ref"} or not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            raise _Unsupported(node)
        return _compile_check(root["$defs"][ref[len("#/$defs/"):]], root, depth + 1)
    checks: list[_Check] = []
    for keyword in node:
        if keyword not in _ANNOTATIONS and keyword not in ("type", "properties", "additionalProperties", "items",
                                                           "enum", "pattern", "required"):
            raise _Unsupported(keyword)
    expected = node.get("type")
    if expected is not None:
        names = [expected] if isinstance(expected, str) else list(expected)
        if not all(n in _TYPE_TESTS for n in names):
            raise _Unsupported(expected)
        tests = [_TYPE_TESTS[n] for n in names]
        checks.append(tests[0] if len(tests) == 1 else (lambda v, tests=tests: any(t(v) for t in tests)))
    if "enum" in node:
        allowed = node["enum"]
        if not all(isinstance(a, str) for a in allowed):
            raise _Unsupported(allowed)  # jsonschema's equality for numbers and booleans differs from Python's
        allowed_set = frozenset(allowed)
        checks.append(lambda v: isinstance(v, str) and v in allowed_set)
    if "pattern" in node:
        regex = re.compile(node["pattern"])
        checks.append(lambda v: not isinstance(v, str) or regex.search(v) is not None)
    if "items" in node:
        item_check = _compile_check(node["items"], root, depth + 1)
        checks.append(lambda v: not isinstance(v, list) or all(item_check(i) for i in v))
    if "properties" in node or "additionalProperties" in node or "required" in node:
        checks.append(_compile_object(node, root, depth))
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


def _compile_object(node: dict[str, Any], root: dict[str, Any], depth: int) -> _Check:
    properties = {name: _compile_check(sub, root, depth + 1) for name, sub in (node.get("properties") or {}).items()}
    additional = node.get("additionalProperties", True)
    if additional not in (True, False):
        raise _Unsupported(additional)
    required = tuple(node.get("required") or ())

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for key, item in value.items():
            sub = properties.get(key)
            if sub is None:
                if additional is False:
                    return False  # an unknown field: jsonschema words the warning
            elif not sub(item):
                return False
        return all(name in value for name in required)

    return check


@lru_cache(maxsize=1)
def _fast_check() -> _Check | None:
    try:
        return _compile_check(schema("programme"), schema("programme"))
    except (_Unsupported, KeyError, re.error):
        return None


@lru_cache(maxsize=1)
def _section_topics() -> tuple[tuple[str, Any], ...]:
    """One regex per topic, joining its heading patterns in every language."""
    topics = load_resource_yaml("sections.yaml")
    return tuple((topic, compile_pattern("|".join(f"(?:{p})" for pats in by_lang.values() for p in pats)))
                 for topic, by_lang in topics.items())


@lru_cache(maxsize=4096)  # the same headings recur across a batch of drafts
def topics_for_heading(heading: str) -> tuple[str, ...]:
    """The narrative topics a section heading belongs to (any language), in sections.yaml order."""
    text = normalise(_NUMBERING.sub("", heading).rstrip(":"))
    return tuple(topic for topic, regex in _section_topics() if regex.search(text))


def read_text(path: Path) -> str:
    """Read a file as UTF-8 text, refusing what is too big, binary or in another encoding."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"file too large ({size / 1048576:.1f} MB > {MAX_BYTES // 1048576} MB limit)", str(path))
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    if not raw.strip():
        raise InputError("file is empty", str(path))
    if b"\x00" in raw[:8192]:
        raise InputError("file is binary, not text", str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                         "save the file as UTF-8", str(path), line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_document(path: str | Path) -> Document:
    """Load one programme description.

    Raises:
        InputError: unreadable, malformed, or not a programme description; the message has the line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"unsupported file type '{suffix or path.name}' (expected one of: "
                         f"{', '.join(sorted(SUPPORTED_SUFFIXES))})", str(path))
    text = read_text(path)
    return parse_document(text, str(path), suffix)


def parse_document(text: str, name: str, suffix: str) -> Document:
    """Parse text already read, as the format its suffix names."""
    if suffix in STRUCTURED_SUFFIXES:
        located = _load_structured(text, name, suffix)
        body, body_line = "", 1
    else:
        located, body, body_line = _split_front_matter(text, name)
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        raise InputError(f"expected a mapping of fields at the top, found {type(data).__name__}", name, 1)
    if located.duplicates:
        key, line = located.duplicates[0]
        first = located.lines.get(key)
        raise InputError(f"duplicate key '{key}' (the later value would silently replace the earlier one)",
                         name, line)
    warnings = _validate(data, located, name)
    units = list(_field_units(data, located))
    sections = []
    if body.strip():
        for heading, topics, line, section_units in _body_units(body, body_line):
            sections.append((heading, ",".join(topics), line))
            units.extend(section_units)
    language = str(data.get("language") or "en")
    return Document(path=name, data=data, lines=located.lines, units=tuple(units), language=language,
                    warnings=tuple(warnings), sections=tuple(sections))


def _load_structured(text: str, name: str, suffix: str) -> Located:
    if suffix == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"JSON syntax error: {exc.msg}", name, exc.lineno, exc.colno) from None
        except RecursionError:
            raise InputError("JSON nesting too deep", name) from None
    # JSON is read through the YAML composer too, so that JSON files get line numbers.
    return load_yaml(text, name)


def _split_front_matter(text: str, name: str) -> tuple[Located, str, int]:
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                front = "\n".join(lines[1:index])
                located = load_yaml(front, name, line_offset=1)
                return located, "\n".join(lines[index + 1:]), index + 2
        raise InputError("front matter starts with '---' on line 1 but is never closed by a '---' line", name, 1)
    return Located({}), text, 1


def _suggest(value: object, options: Iterable[object]) -> str:
    close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _path_of(error: jsonschema.ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out = f"{out}[{part}]" if isinstance(part, int) else (f"{out}.{part}" if out else str(part))
    return out


def _validate(data: dict[str, Any], located: Located, name: str) -> list[str]:
    """Schema errors raise; unknown fields come back as warnings."""
    fast = _fast_check()
    if fast is not None and fast(data):
        return []
    warnings: list[str] = []
    errors = []
    for error in _validator().iter_errors(data):
        path = _path_of(error)
        if error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            for key in sorted(set(error.instance) - set(known), key=str):
                where = f"{path}.{key}" if path else str(key)
                line = located.lines.get(where)
                warnings.append(f"{name}:{line}: unknown field '{where}' is ignored{_suggest(key, known)}")
            continue
        if error.validator == "enum":
            message = f"'{error.instance}' is not an allowed value{_suggest(error.instance, error.validator_value)}"
        elif error.validator == "type":
            expected = error.validator_value
            message = f"expected {expected if isinstance(expected, str) else ' or '.join(expected)}, " \
                      f"found {_type_name(error.instance)} {_short(error.instance)}"
        else:
            message = error.message
        errors.append((located.lines.get(path) or 1, path, message))
    if errors:
        errors.sort()
        line, path, message = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(f"field '{path or '(top)'}': {message}{more}", name, line)
    return sorted(warnings)


def _type_name(value: object) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _sentences(text: str, line: int | None) -> list[tuple[int | None, str]] | Iterable[tuple[int | None, str]]:
    """textscan.sentences, with a short-cut for the commonest field value: one sentence.

    sentences() splits only after . ! ? or ; followed by white space, or at a line break; text with
    none of these comes back whole (stripped, in pieces of MAX_UNIT_CHARS), at the line it starts on.
    """
    if _MAY_SPLIT.search(text) is not None:
        return sentences(text, line)
    stripped = text.strip()
    return [(line, stripped[start:start + MAX_UNIT_CHARS]) for start in range(0, len(stripped), MAX_UNIT_CHARS)]


@lru_cache(maxsize=4096)  # the same field paths recur across a batch of drafts
def _prose_scope(path: str) -> str | None:
    """The scope of a field path (list indices dropped), or None for fields that hold no prose."""
    scope = _INDEX.sub("", path)
    return None if _NOT_PROSE.search(scope) else scope


def _field_units(data: dict[str, Any], located: Located) -> Iterable[TextUnit]:
    for path, value in iter_strings(data, ""):
        scope = _prose_scope(path)
        if scope is None:
            continue
        line = located.lines.get(path + "#text") or located.lines.get(path)
        for at, sentence in _sentences(value, line):
            yield TextUnit((scope,), path, at, sentence, normalise(sentence))


def _body_units(body: str, first_line: int) -> Iterable[tuple[str, tuple[str, ...], int, list[TextUnit]]]:
    """Cut the narrative into sections by heading; yield each with its topics and sentences."""
    heading, topics, start = "", ("summary",), first_line
    chunk: list[str] = []

    def flush() -> tuple[str, tuple[str, ...], int, list[TextUnit]]:
        text = "\n".join(chunk)
        field = f'section "{heading}"' if heading else "text"
        scopes = topics or ("other",)
        units = [TextUnit(scopes, field, at, s, normalise(s)) for at, s in sentences(text, start)]
        return heading, scopes, start - 1 if heading else start, units

    for offset, line in enumerate(body.split("\n")):
        match = _HEADING.match(line)
        if match:
            if chunk and "\n".join(chunk).strip():
                yield flush()
            heading = match.group(2).strip()
            topics = topics_for_heading(heading)
            start, chunk = first_line + offset + 1, []
        else:
            chunk.append(line)
    if "\n".join(chunk).strip():
        yield flush()
