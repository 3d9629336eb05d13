"""Small immutable records shared by every layer: documents, text units, evidence, findings.

They are NamedTuples rather than frozen dataclasses: the same immutable records, but about ten
times cheaper to define, which matters for the start-up time of a single `check`. Records whose
equality must tell classes apart (rule conditions) derive from Record instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple


class Record:
    """An immutable record with what @dataclass(frozen=True) gives: equal only to a record of the
    same class with equal fields, hashed on those fields, a repr naming them, no assignment.

    A dataclass compiles these methods from source each time its class is defined, about 1 ms a
    class at every start; here they are written once. A subclass names its fields in _fields (and,
    if some must not count for equality, the others in _compared) and sets them in __init__
    through self.__dict__.
    """

    _fields: ClassVar[tuple[str, ...]] = ()
    _compared: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls) -> None:
        if "_compared" not in cls.__dict__:
            cls._compared = cls._fields

    def _key(self) -> tuple[Any, ...]:
        values = self.__dict__
        return tuple(values[name] for name in self._compared)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key() == other._key()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        values = self.__dict__
        return f"{type(self).__qualname__}({', '.join(f'{n}={values[n]!r}' for n in self._fields)})"

    def __setattr__(self, name: str, value: Any) -> None:
        from dataclasses import FrozenInstanceError
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError
        raise FrozenInstanceError(f"cannot delete field {name!r}")


SEVERITIES = ("violation", "warning", "advice")
MAX_EVIDENCE = 5  # places quoted per finding, in the order of the draft; the count of the rest is noted
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


class TextUnit(NamedTuple):
    """One sentence of a document, with where it came from.

    scopes: the dotted field path without list indices (eligibility.criteria), or the narrative
        topics of the section it sits in (eligibility); rules select text by prefix of these.
    field: the exact place, e.g. eligibility.criteria[1] or section "Target population".
    lead: for narrative text, its heading, and the line ending in ':' that introduces its list.
    language: the language its paragraph or section is written in (language.py); rules read it
        with that language's words, or not at all.
    """

    scopes: tuple[str, ...]
    field: str
    line: int | None
    text: str
    normalised: str
    lead: str = ""   # the heading (and list lead-in) the sentence falls under, which may deny it
    language: str = ""


# What a check says of a document: read and judged, read in part (some prose is in a language the
# rules cannot read), not read, or not readable at all.
OK, PARTLY_CHECKED, NOT_CHECKED, ERROR = "ok", "partly_checked", "not_checked", "error"
UNREAD_STATUSES = (PARTLY_CHECKED, NOT_CHECKED)


class IgnoredValue(NamedTuple):
    """A value that its field's list of values does not hold, left out of a structured draft's data."""

    field: str          # 'activities[1].type'
    line: int | None
    value: str          # as written, shortened ('relief')


class Document(NamedTuple):
    """A programme description in the internal model, whatever format it came in."""

    path: str
    data: dict[str, Any]
    lines: Mapping[str, int]
    units: tuple[TextUnit, ...]
    language: str   # the draft's main language; each unit carries its own
    warnings: tuple[str, ...] = ()
    sections: tuple[tuple[str, str, int], ...] = ()  # (heading, topic, line)
    title: str = ""          # from the title field, else the draft's first heading
    organisation: str = ""   # from the organisation field, else an "Organisation: ..." line
    prose: bool = False      # Markdown, text or Word: what is missing is told in prose terms, not field names
    # The text of each line of the source file (source[n - 1] is line n), for the columns of findings;
    # in a Word file, of each paragraph (a table row: its text as read). Empty: columns are not known.
    source: tuple[str, ...] = ()
    columns: Mapping[str, int] = {}  # 1-based column where each field's key (or list item) starts
    # each value a field's list of values does not hold: left out of data, so the draft is only partly checked
    ignored_values: tuple[IgnoredValue, ...] = ()

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return str(value) if value is not None else ""

    def line_of(self, path: str) -> int | None:
        """The line of a field, or of its nearest parent that is in the file."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None


class Evidence(NamedTuple):
    """What in the document triggered a rule: a field path or a quoted sentence, with its line; or,
    in a prose draft, what the draft does not say ('missing', from the rule's in_prose wording).

    column: 1-based, in Unicode code points, where the quoted words start on that line (None when
    there is no quote, or its words do not start on that line)."""

    line: int | None
    field: str
    quote: str | None
    missing: str | None = None
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "line": self.line, "column": self.column, "quote": self.quote}
        if self.missing is not None:
            out["missing"] = self.missing
        return out


class Location(NamedTuple):
    """Where a finding points: the sentence or field at fault, or where what is missing was expected
    (see docs/internals.md, "Where a finding points").

    line: 1-based line of the source file (in a Word file, the paragraph number); None when the draft
        has no such place (something missing that no section or field of the draft was to hold).
    column: 1-based, in Unicode code points, where the quoted words (or the field's key, or the
        section's heading) start on that line; None when it is not known.
    field: the field path (partners[1].type), the section (section "Eligibility"), or None.
    """

    line: int | None
    column: int | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "field": self.field}


class Finding(NamedTuple):
    """A rule that holds for a draft. location is where it points; evidence starts with the
    evidence at that place (when there is one), then the rest, in the order of the draft."""

    rule: str
    severity: str
    principle: int
    articles: tuple[str, ...]
    title: str
    message: str
    rationale: str
    remediation: str
    evidence: tuple[Evidence, ...] = ()
    waived: str | None = None  # the justification, when a waiver applies
    location: Location | None = None

    def sort_key(self) -> tuple[Any, ...]:
        where = self.location.line if self.location is not None else \
            self.evidence[0].line if self.evidence else None
        return (self.principle, SEVERITY_RANK[self.severity], self.rule, where or 0)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "principle": self.principle,
            "articles": list(self.articles),
            "title": self.title,
            "message": self.message,
            "rationale": self.rationale,
            "remediation": self.remediation,
            "location": (self.location or Location(None)).to_dict(),
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.waived is not None:
            out["waived"] = self.waived
        return out
