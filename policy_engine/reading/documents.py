"""Read a programme description (YAML, JSON, Markdown, plain text, Word) into a Document.

All formats end in one internal model: the structured fields (validated against the programme
schema), the line of each field, and the text cut into sentences, each tagged with the field or
narrative topic it belongs to. Narrative drafts (.md, .txt, .docx) may start with a YAML front-matter
block holding the same fields; their prose is cut into sections by heading (drafts.py) and each
section is given topics from the rule folder's sections.yaml. The draft's language is the declared one, or
else the one its words show (language.py).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    import jsonschema

from ..errors import InputError
from ..files.inputfile import MAX_BYTES, decode_text, read_bytes
from ..files.yamlsrc import Located, load_yaml
from ..model import Document, IgnoredValue, TextUnit
from ..resources import schema
from ..ruleset.schemas import resolve
from ..ruleset.sections import OTHER_TOPIC, Sections, bundled_sections
from ..text.textscan import CLOSING_MARKS, MAX_UNIT_CHARS, iter_strings, normalise, sentences
from . import drafts
from .cleantext import clean
from .drafts import Block
from .language import NEEDS_MODEL, Counts, by_model, count, decide, declared_language

STRUCTURED_SUFFIXES = {".yaml", ".yml", ".json"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt"}
WORD_SUFFIXES = {".docx"}
NARRATIVE_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | WORD_SUFFIXES
SUPPORTED_SUFFIXES = STRUCTURED_SUFFIXES | NARRATIVE_SUFFIXES
DEFAULT_LANGUAGE = "en"

# What patterns see of a sentence. Inside a sentence, commas, semicolons (prose_sentences keeps the
# clauses around one together), brackets, quotes, colons and dashes only pace the prose: "the campaign, financed by the Ministry's border programme, aims to" must
# read like "the campaign financed by the ministry's border programme aims to", so that a word gap
# ( \w+){0,6} in a pattern can cross them. Typographic apostrophes (Word's d’identité) become plain
# ones, and ligatures that Unicode does not decompose are spelt out.
_SOFT_PUNCTUATION = str.maketrans({
    ",": " ", ";": " ", "(": " ", ")": " ", "[": " ", "]": " ", ":": " ", '"': " ", "“": " ", "”": " ", "„": " ",
    "«": " ", "»": " ", "–": " ", "—": " ", "/": " ", "*": " ", "_": " ",
    "’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "\u2010": "-", "\u2011": "-",
    "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_SPACED_HYPHEN = re.compile(r"(^|\s)-+(?=\s|$)")

# Fields that hold codes or bookkeeping, not prose: never scanned by text rules.
_NOT_PROSE = re.compile(r"^(id|language|period|country|expect|waivers|phases)(\.|$)|(^|\.)(type|recipient_type|"
                        r"directed_by_type|legal_status|legal_status_required|legal_status_excluded)$")
_INDEX = re.compile(r"\[\d+\]")
_MAY_SPLIT = re.compile(r"[.!?;؟؛]" + CLOSING_MARKS + r"{0,2}\s|\n")  # where textscan.sentences could cut


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # only documents the fast check below cannot pass need it (costly to import)

    cls = jsonschema.validators.validator_for(schema("programme"))
    return cls(schema("programme"))


# ---- fast path for valid documents ---------------------------------------------------------------
# jsonschema takes about 1 ms to walk a typical description, most of it in generic machinery
# (evolving validators, resolving $refs). Nearly every document in a batch is valid, so we first
# ask a small checker compiled from the same schema whether the document is valid with no unknown
# field; only when it says no (or cannot tell) does jsonschema run, so every message is unchanged.
# The compiler understands a subset of JSON Schema; a schema using anything else gets no fast path.

_Check = Callable[[Any], bool]


def _any_of(tests: list[_Check]) -> _Check:
    return lambda value: any(test(value) for test in tests)
_ANNOTATIONS = frozenset({"description", "title", "default", "examples", "$comment", "$schema", "$id", "$defs",
                          "format", "deprecated", "readOnly", "writeOnly",  # format is not asserted here
                          "x-synonyms"})  # read only when a value is not in its enum (see _validate)
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
        target = resolve(node, root)
        if set(node) - _ANNOTATIONS - {"$ref"} or target is node:
            raise _Unsupported(node)
        return _compile_check(target, root, depth + 1)
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
        checks.append(tests[0] if len(tests) == 1 else _any_of(tests))
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


def matching_text(sentence: str) -> str:
    """The form of a sentence that text patterns are matched on (see _SOFT_PUNCTUATION)."""
    text = sentence.translate(_SOFT_PUNCTUATION)
    return normalise(_SPACED_HYPHEN.sub(" ", text) if "-" in text else text)


_MARK = r"(?:[-*+•–]|\d+[.)]|[a-z][.)])"  # what opens a list item: a bullet, "1." or "a)"
_LIST_MARK = re.compile(rf"^\s*{_MARK}\s")
_BARE_MARK = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*|[a-zA-Z]|[ivxIVX]{1,4})[.)]$")


def prose_sentences(text: str, first_line: int | None) -> Iterable[tuple[int | None, str]]:
    """Sentences of prose, with their line; clauses that a semicolon joins stay one sentence.

    textscan.sentences cuts at ';' too, which suits lists ('a; b; c'), but in prose the clauses
    around a semicolon make one statement: "new arrivals are directed first to the aliens police;
    once registered, they can access hot meals" says that help depends on registration only when
    both halves are read together. List items (a bullet or number at the start) stay apart.
    """
    pending: tuple[int | None, str] | None = None
    for at, sentence in sentences(text, first_line):
        if pending is not None and _BARE_MARK.match(pending[1]):
            # "1. Night shelter" was cut after "1." (a full stop before a capital): put it back
            pending = (pending[0], pending[1] + " " + sentence)
            continue
        if pending is not None and pending[1].endswith(";") and not _LIST_MARK.match(pending[1]) \
                and not _LIST_MARK.match(sentence):
            pending = (pending[0], pending[1] + " " + sentence)
            continue
        if pending is not None:
            yield pending
        pending = (at, sentence)
    if pending is not None:
        yield pending


def read_text(path: Path) -> str:
    """Read a draft as text (UTF-8, or UTF-16 with its byte-order mark), refusing what is too big,
    empty, binary or in another encoding, and anything but a regular file."""
    text = decode_text(read_bytes(path, MAX_BYTES), str(path))
    if not text.strip():
        raise InputError("file is empty", str(path))
    return text


def load_document(path: str | Path, sections: Sections | None = None) -> Document:
    """Load one programme description.

    Args:
        sections: the section topics of the rule folder in use (default: the bundled ones).

    Raises:
        InputError: unreadable, malformed, or not a programme description; the message has the line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"unsupported file type '{suffix or path.name}' (expected one of: "
                         f"{', '.join(sorted(SUPPORTED_SUFFIXES))})", str(path))
    if suffix in WORD_SUFFIXES:
        return parse_docx(read_bytes(path, drafts.MAX_DOCX_BYTES), str(path), sections)
    text = read_text(path)
    return parse_document(text, str(path), suffix, sections)


def parse_document(text: str, name: str, suffix: str, sections: Sections | None = None) -> Document:
    """Parse text already read, as the format its suffix names."""
    sections = sections or bundled_sections()
    source = tuple(text.split("\n"))  # what columns count in (see columns.py)
    if suffix in STRUCTURED_SUFFIXES:
        return _build(_load_structured(text, name, suffix), [], name, sections, source=source)
    located, body, body_line = _split_front_matter(text, name)
    body = clean(body, markup=True)  # every line keeps its number
    is_topic = _topic_test(sections)
    if suffix in TEXT_SUFFIXES:
        blocks = drafts.text_blocks(body, body_line, is_topic)
    else:
        blocks = drafts.markdown_blocks(body, body_line, is_topic)
    return _build(located, blocks, name, sections, prose=True, source=source)


def _topic_test(sections: Sections) -> Callable[[str], bool]:
    return lambda heading: bool(sections.topics_for(drafts.heading_text(heading)))


def parse_docx(raw: bytes, name: str, sections: Sections | None = None) -> Document:
    """Parse a Word file: its line numbers are paragraph numbers (non-empty paragraphs and table
    rows' paragraphs, counted from 1); an optional front-matter block opens the document."""
    sections = sections or bundled_sections()
    paragraphs = drafts.docx_paragraphs(raw, name)
    located, first = Located({}), 0
    front = drafts.docx_front_matter(paragraphs)
    if front is not None:
        yaml_text, _, first = front
        located = load_yaml(yaml_text, name, line_offset=1)
    elif paragraphs and not isinstance(paragraphs[0][1], list) and paragraphs[0][1].text.strip() in ("---", "—"):
        raise InputError("front matter starts with '---' in paragraph 1 but is never closed by a '---' paragraph",
                         name, 1)
    blocks = drafts.docx_blocks(paragraphs[first:], _topic_test(sections),
                                lambda heading: sections.topics_for(drafts.heading_text(heading)))
    return _build(located, blocks, name, sections, prose=True, source=_docx_source(paragraphs, first, blocks))


def _docx_source(paragraphs: list[tuple[int, Any]], first: int, blocks: list[Block]) -> tuple[str, ...]:
    """The 'lines' of a Word file, for columns: paragraph n is line n, with its text as read (runs
    joined and cleaned, breaks as spaces); a table row is the line of its first paragraph, with the
    text the reader made of it ('Label: text', 'a | b')."""
    texts: dict[int, str] = {}
    for line, item in paragraphs[:first]:
        if not isinstance(item, list):
            texts[line] = item.raw  # front matter: one YAML line per paragraph
    for (line, item), block in zip(paragraphs[first:], blocks):  # one block per paragraph or row
        texts.setdefault(line, item.raw if not isinstance(item, list) else block.text)
    return tuple(texts.get(n, "") for n in range(1, max(texts, default=0) + 1))


def _build(located: Located, blocks: list[Block], name: str, sections: Sections, prose: bool = False,
           source: tuple[str, ...] = ()) -> Document:
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        raise InputError(f"expected a mapping of fields at the top, found {type(data).__name__}", name, 1)
    if located.duplicates:
        key, line = located.duplicates[0]
        raise InputError(f"duplicate key '{key}' (the later value would silently replace the earlier one)",
                         name, line)
    warnings, ignored = _validate(data, located, name)
    units = list(_field_units(data, located))
    outline = []
    for heading, topics, line, section_units in _body_units(blocks, sections):
        outline.append((heading, ",".join(topics), line))
        units.extend(section_units)
    if len(units) > MAX_UNITS:  # reading them would take minutes; it cannot be a programme draft
        raise InputError(f"too many sentences for a programme description ({len(units):,} > {MAX_UNITS:,})", name)
    language, units = _with_languages(units, declared_language(data.get("language")))
    title, organisation = _names(data, blocks)
    return Document(path=name, data=data, lines=located.lines, units=tuple(units), language=language,
                    warnings=tuple(warnings), sections=tuple(outline), title=title, organisation=organisation,
                    prose=prose, source=source, columns=located.columns, ignored_values=ignored)


# "Organisation: Cruz Roja ..." and its kin, in the languages drafts come in
_ORGANISATION_LINE = re.compile(
    r"^[\s*_>#-]*(?:organi[sz]ation(?: (?:responsable|implementing|chef de file))?|organiza[cç][aã]o|organizzazione|implementing organi[sz]ation|"
    r"lead organi[sz]ation|national society|submitted by|organizaci[oó]n(?: ejecutora| responsable)?|"
    r"sociedad nacional(?: ejecutora)?|soci[eé]t[eé] nationale|organisme|presentado por|soumis par|"
    r"الجمعية الوطنية|المنظمة|الجهة المنفذة|الجهة المقدمة)[\s*_]*[:：]\s*[*_]*\s*(?P<name>\S.*?)[\s*_]*$",
    re.IGNORECASE)
_NAME_CHARS = 200
_TITLE_CHARS = 160
_MOVEMENT = re.compile(r"red cross|red crescent|cruz roja|cruz vermelha|croix[- ]rouge|croissant[- ]rouge|"
                       r"media luna roja|crescente vermelho|national society|sociedad nacional|soci[eé]t[eé] nationale|"
                       r"الهلال الأحمر|الصليب الأحمر|الجمعية الوطنية", re.IGNORECASE)
_LOOK_AT = 40  # blocks from the top where a name line may be


def _names(data: dict[str, Any], blocks: list[Block]) -> tuple[str, str]:
    """The draft's title and organisation, for reports: the fields when given; else its first line
    (a heading, or a short line before the first heading) and a line such as 'Organisation: ...'
    near the top, or the line under the title when it names a Red Cross or Red Crescent body."""
    title = str(data.get("title") or "").strip()
    organisation = str(data.get("organisation") or "").strip()
    top = [b for b in blocks[:_LOOK_AT] if b.text.strip()]
    first = next((b for b in top if not _ORGANISATION_LINE.match(b.text.strip())), None)
    if first is not None and not first.heading and len(first.text) > _TITLE_CHARS:
        first = None
    if not title and first is not None:
        title = drafts.heading_text(first.text)
    if not organisation:
        for block in top:
            match = _ORGANISATION_LINE.match(block.text.strip())
            if match:
                organisation = match.group("name")
                break
        else:
            after = top[top.index(first) + 1] if first is not None and top.index(first) + 1 < len(top) else None
            if after is not None and not after.heading and len(after.text) <= _TITLE_CHARS \
                    and _MOVEMENT.search(after.text):
                organisation = after.text.strip().strip("*_").strip()
    return title[:_NAME_CHARS], organisation[:_NAME_CHARS]


def _part(unit: TextUnit) -> str:
    """The section a unit belongs to: its heading, or the top-level field of a structured draft."""
    if unit.field.startswith("section "):
        return unit.field
    return re.split(r"[.\[]", unit.field, maxsplit=1)[0]


def _with_languages(units: list[TextUnit], declared: str | None) -> tuple[str, list[TextUnit]]:
    """The draft's language, and each unit with the language of its paragraph.

    A paragraph long enough to judge has its own language; a shorter one takes its section's, and a
    short section the draft's. The draft's language is the one most of its text is in; a declared
    language is used only where the text cannot tell (a declaration cannot make English prose go
    unread). Each sentence's words are counted once; a section's counts are the sums of its sentences'.
    """
    if not units:
        return declared or DEFAULT_LANGUAGE, units
    running = [Counts()]  # running[i]: the counts of units[:i], so any run of units is one subtraction
    for unit in units:
        running.append(running[-1] + count(unit.text, unit.normalised))

    def judge(members: list[int], expected: str | None, whole: bool = False, sparse_check: bool = False) -> str | None:
        if members[-1] - members[0] == len(members) - 1:  # consecutive units, as nearly always
            total = running[members[-1] + 1] - running[members[0]]
        else:
            total = sum((running[i + 1] - running[i] for i in members), Counts())
        verdict = decide(total, expected, whole, sparse_check)
        if verdict != NEEDS_MODEL:
            return verdict
        return by_model("\n".join(units[i].text for i in members))  # joined only when the model must read it

    language = judge(list(range(len(units))), declared, whole=True) or declared or DEFAULT_LANGUAGE
    parts: list[tuple[int, int]] = []  # (first unit, end) of each section or top-level field
    start = 0
    while start < len(units):
        part = _part(units[start])
        end = start
        while end < len(units) and _part(units[end]) == part:
            end += 1
        parts.append((start, end))
        start = end
    judged = [judge(list(range(start, end)), language,
                    sparse_check=units[start].field.startswith("section ") or units[start].field == "text")
              for start, end in parts]
    out: list[TextUnit] = []
    for number, (start, end) in enumerate(parts):
        # a section too short to tell (a title, a one-line heading) is in the language of the text it
        # introduces, else of the text before it, else the draft's
        whole = judged[number] or next((j for j in judged[number + 1:] if j), None) \
            or next((j for j in reversed(judged[:number]) if j), None) or language
        paragraphs: dict[int | None, list[int]] = {}
        for index in range(start, end):
            paragraphs.setdefault(units[index].line, []).append(index)
        own = {line: (judge(members, whole) or whole) if len(paragraphs) > 1 else whole
               for line, members in paragraphs.items()}
        out.extend(units[index]._replace(language=own[units[index].line]) for index in range(start, end))
    # the draft's language is the one most of its text is in (a long annex must not name it)
    size: dict[str, int] = {}
    for unit in out:
        size[unit.language] = size.get(unit.language, 0) + len(unit.text)
    main = max(sorted(size), key=lambda code: (size[code], code == language))
    return main, out


def _load_structured(text: str, name: str, suffix: str) -> Located:
    if suffix == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"JSON syntax error: {exc.msg}", name, exc.lineno, exc.colno) from None
        except RecursionError:
            raise InputError("JSON nesting too deep", name) from None
        except ValueError as exc:  # a number of thousands of digits
            raise InputError(f"JSON value cannot be read: {str(exc)[:100]}", name) from None
        # YAML escapes cannot pair surrogates; JSON writers (json.dumps) escape emoji as pairs
        text = _SURROGATE_PAIR.sub(_paired, text) if "\\u" in text else text
    # JSON is read through the YAML composer too, so that JSON files get line numbers.
    return load_yaml(text, name)


_SURROGATE_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")


def _paired(match: re.Match[str]) -> str:
    high, low = int(match.group(2), 16), int(match.group(3), 16)
    return match.group(1) + chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


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
    import difflib  # only a mistaken value needs it

    close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _path_of(error: jsonschema.ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out = f"{out}[{part}]" if isinstance(part, int) else (f"{out}.{part}" if out else str(part))
    return out


MAX_ALLOWED_SHOWN = 10  # allowed values listed when a field's value is not one of them
MAX_UNKNOWN_SHOWN = 20  # unknown fields named (each with a suggestion) per mapping; the rest are counted
MAX_UNITS = 5_000  # sentences; a long concept note has a few hundred


def _validate(data: dict[str, Any], located: Located, name: str) -> tuple[list[str], tuple[IgnoredValue, ...]]:
    """Schema errors raise; unknown fields, and values a vocabulary field does not know, come back as
    warnings and are left out (the rest of the draft is still read and checked), the values also as
    IgnoredValue, so that the draft is reported as partly checked."""
    fast = _fast_check()
    if fast is not None and fast(data):
        return [], ()
    warnings: list[str] = []
    errors = []
    unknown_values: list[tuple[Any, ...]] = []  # where a value no vocabulary lists stands: left out below
    renamed: list[tuple[tuple[Any, ...], str]] = []  # where a synonym of a listed value stands, and that value
    ignored: list[IgnoredValue] = []
    for error in _validator().iter_errors(data):
        path = _path_of(error)
        if error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            unknown = sorted(set(error.instance) - set(known), key=str)
            for key in unknown[:MAX_UNKNOWN_SHOWN]:
                where = f"{path}.{key}" if path else str(key)
                line = located.lines.get(where)
                warnings.append(f"{name}:{line}: unknown field '{where}' is ignored{_suggest(key, known)}")
            if len(unknown) > MAX_UNKNOWN_SHOWN:
                warnings.append(f"{name}: and {len(unknown) - MAX_UNKNOWN_SHOWN} more unknown field(s) under "
                                f"'{path or '(top)'}', ignored")
            continue
        if error.validator == "enum":
            # the words people write for a listed value ("relief" for assistance, "government" for a ministry) are
            # read as that value, and the note says so
            synonym = error.schema.get("x-synonyms", {}).get(str(error.instance).strip().lower().replace(" ", "_")) \
                if isinstance(error.instance, str) else None
            if synonym is not None:
                line = located.lines.get(path)
                warnings.append(f"{name}:{line}: '{_short_value(error.instance)}' in '{path}' is read as '{synonym}'")
                renamed.append((tuple(error.absolute_path), synonym))
                continue
            # (the allowed values, so that a timeline written under 'phases' shows what the field is for)
            allowed = [str(v) for v in error.validator_value]
            shown = ", ".join(allowed[:MAX_ALLOWED_SHOWN]) + (", ..." if len(allowed) > MAX_ALLOWED_SHOWN else "")
            value = _short_value(error.instance)
            # ("type: relief" where the list says food, shelter, ...): like an unknown field, the value is named
            # and left out, so that one word outside the vocabulary does not leave the whole draft unchecked
            line = located.lines.get(path)
            warnings.append(f"{name}:{line}: '{value}' is not an allowed value of '{path}' and is ignored"
                            f"{_suggest(error.instance, error.validator_value)}; allowed: {shown}")
            unknown_values.append(tuple(error.absolute_path))
            ignored.append(IgnoredValue(path, line, value))
            continue
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
    for place, value in renamed:
        _holder(data, place)[place[-1]] = value
    # (the last first, so that leaving out one item of a list does not move the next one named)
    for place in sorted(unknown_values, key=lambda parts: [(isinstance(p, str), p) for p in parts], reverse=True):
        del _holder(data, place)[place[-1]]
    return sorted(warnings), tuple(sorted(ignored, key=lambda item: (item.line or 0, item.field)))


def _holder(data: Any, place: tuple[Any, ...]) -> Any:
    """The mapping or list that holds the value at place (a path of keys and indexes)."""
    for part in place[:-1]:
        data = data[part]
    return data


def _short_value(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _type_name(value: object) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _sentences(text: str, line: int | None) -> list[tuple[int | None, str]] | Iterable[tuple[int | None, str]]:
    """prose_sentences, with a short-cut for the commonest field value: one sentence.

    sentences() splits only after . ! ? or ; followed by white space, or at a line break; text with
    none of these comes back whole (stripped, in pieces of MAX_UNIT_CHARS), at the line it starts on.
    """
    if _MAY_SPLIT.search(text) is not None:
        return prose_sentences(text, line)
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
        for at, sentence in _sentences(clean(value, markup=True), line):
            yield TextUnit((scope,), path, at, sentence, matching_text(sentence))


LEAD_WORDS = 12  # a line of at most this many words is read under its heading's negation
ITEM_LABEL_WORDS = 10  # a list item's label ("- **Care by boat.** ...") has at most this many words
_ITEM_LABEL = re.compile(rf"^\s*{_MARK}?\s*(?:\*\*|__)[^*_]+(?:\*\*|__)\s*$")  # set in bold
HEADING_WORDS = 3  # a heading of at least this many words is read as a sentence of its section ...
STATEMENT_WORDS = 6  # ... unless it names a known section and is shorter than this
_LETTERED = re.compile(r"[^\W\d_]+")


def _body_units(blocks: list[Block], sections: Sections) -> Iterable[tuple[str, tuple[str, ...], int, list[TextUnit]]]:
    """Group body blocks into sections by heading; yield each section with its topics and sentences.

    A heading that names no known topic takes the topics of the nearest enclosing heading
    (a sub-heading '4.1 Mobile clinic' under '4. Activities' is about activities); at the top
    level it gets the topic 'other'. A first heading that no other heading equals in rank is the
    draft's title ('# Concept note: ...'), which passes no topic down. Text before the first
    heading is the summary.
    """
    enclosing: list[tuple[int, tuple[str, ...]]] = []   # (level, topics) of the open headings
    levels = [b.heading for b in blocks if b.heading]
    title_at = blocks.index(next(b for b in blocks if b.heading)) \
        if levels and all(level > levels[0] for level in levels[1:]) else None
    scopes: tuple[str, ...]
    heading, scopes, heading_line = "", ("summary",), blocks[0].line if blocks else 1
    pending: list[Block] = []

    def flush() -> tuple[str, tuple[str, ...], int, list[TextUnit]]:
        field = f'section "{heading}"' if heading else "text"
        units: list[TextUnit] = []
        run: list[Block] = []
        intro = [""]  # the last sentence ending in ':' before a list ("The branch will not:")

        def cut(text: str, line: int, unit_scopes: tuple[str, ...], listed: bool = False) -> None:
            in_item = False  # the sentences after an item's first belong to the item
            labelled = False  # the item opened on a short label ("- **Care by boat.** Clothes were ..."): its
            # next sentence says what the item is, as a first sentence does
            lines = {piece.strip() for piece in text.split("\n")}
            for index, (at, sentence) in enumerate(prose_sentences(text, line)):
                opens = (listed and index == 0) or _LIST_MARK.match(sentence) is not None
                item = opens or labelled
                labelled = opens and _ITEM_LABEL.match(sentence) is not None \
                    and len(_LETTERED.findall(sentence)) <= ITEM_LABEL_WORDS
                in_item = item or in_item
                # A heading speaks for its list items and short lines ("What we will not do:
                # - share lists"); a full sentence of prose under it speaks for itself, and so do a short
                # one inside a line of prose ("... do not draw up lists. Each person is seen individually.")
                # and an item's next sentence ("- Messages are not written by the coast guard; the content
                # is decided by the committee").
                short_line = sentence.strip() in lines and len(sentence.split()) <= LEAD_WORDS
                lead = f"{heading}\n{intro[0]}" if item and intro[0] else \
                    heading if item or (not in_item and short_line) else ""
                units.append(TextUnit(unit_scopes, field, at, sentence, matching_text(sentence), lead))
                if not in_item:
                    intro[0] = sentence if sentence.rstrip().endswith(":") else ""

        for block in pending + [Block(0, "", own_unit=True)]:
            if block.own_unit or block.topics:
                if run:
                    cut("\n".join(b.text for b in run), run[0].line, scopes)
                    run.clear()
                if block.text:
                    cut(block.text, block.line, block.topics or scopes, block.item)
            else:
                run.append(block)
        return heading, scopes, heading_line, units

    for index, block in enumerate(blocks):
        if not block.heading:
            pending.append(block)
            continue
        if any(b.text.strip() for b in pending):
            yield flush()
        pending = []
        while enclosing and enclosing[-1][0] >= block.heading:
            enclosing.pop()
        heading, heading_line = block.text.strip().rstrip(":").strip(), block.line
        said = drafts.heading_text(heading)
        named = sections.topics_for(said)
        scopes = named or (enclosing[-1][1] if enclosing else (OTHER_TOPIC,))
        enclosing.append((block.heading, (OTHER_TOPIC,) if index == title_at else scopes))
        words = len(_LETTERED.findall(said))
        names = named or sections.topics_for(re.split(r"\s[-–—:(]|:", said, maxsplit=1)[0])
        if words >= HEADING_WORDS and (words >= STATEMENT_WORDS or not names):
            # A heading that says something is read too, so a rule cannot be dodged by writing a
            # sentence as a heading; one that only names a known section ("Referrals") is not.
            pending.append(Block(block.line, said, own_unit=True))
    if any(b.text.strip() for b in pending):
        yield flush()
