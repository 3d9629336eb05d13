"""Streaming reports: a batch audit hands each document to the writers as soon as it is checked.

A writer never holds the documents: memory stays flat however many there are. Formats that need
totals before the documents (JUnit's counts, the HTML page's summary) write the documents to a
spool (memory up to a few MB, then a temporary file) and copy it out at the end.

    writer = formats.writer("csv")(handle, context)
    writer.begin()
    for document in documents:      # report["documents"] entries, in path order
        writer.add(document)
    writer.finish(summary, batch)

Every format is listed in formats.py; for a whole report, `render(report, "sarif")` runs the same
writer (render_whole) unless the format has a quicker whole-report function.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Protocol, TextIO

from . import report_header
from .text import document_lines, summary_line

if TYPE_CHECKING:  # read, never built, here
    from ..ruleset.rules import RuleSet

SPOOL_BYTES = 4 << 20  # documents buffered in memory before the spool moves to a temporary file
RULE_TEXT = ("title", "principle", "articles", "severity", "message", "rationale", "remediation")


def bundled_scoring() -> dict[str, float]:
    """The bundled policy's scoring: for a report read without its rule folder (it does not say how it
    was scored)."""
    from ..ruleset.policy import bundled_policy

    return bundled_policy().scoring


@dataclass(frozen=True)
class ReportContext:
    """What every writer may need besides the documents.

    header: report_header() (tool and principles), the head of the JSON contract.
    rules: rule id -> its texts (RULE_TEXT), for SARIF's rule list and the HTML page.
    assessed: principles that have at least one rule (the others are 'n/a' in the matrix).
    fail_on: the severity that fails the run; JUnit marks those findings as failures.
    scoring: the policy's score for each scored verdict (pass, needs review, fail).
    """

    header: dict[str, Any]
    rules: dict[str, dict[str, Any]]
    assessed: tuple[int, ...]
    fail_on: str = "violation"
    scoring: dict[str, float] = field(default_factory=bundled_scoring)

    @cached_property
    def principles(self) -> tuple[int, ...]:
        """Every principle of the policy, in order (the header's, which come from the policy file)."""
        return tuple(sorted(int(n) for n in self.header["principles"]))


@dataclass
class BatchInfo:
    """Facts about a batch that are not in the JSON contract: what discovery skipped, and why."""

    skipped_hidden: int = 0
    skipped_unsupported: int = 0
    unsupported_suffixes: dict[str, int] = field(default_factory=dict)
    unmatched_patterns: list[str] = field(default_factory=list)
    baseline: dict[str, Any] | None = None  # the JSON report's 'baseline' section, with --baseline

    def to_dict(self) -> dict[str, Any]:
        return {"hidden": self.skipped_hidden, "unsupported": self.skipped_unsupported,
                "unsupported_suffixes": dict(sorted(self.unsupported_suffixes.items())),
                "unmatched_patterns": list(self.unmatched_patterns),
                "baseline": None if self.baseline is None else {
                    "file": self.baseline["file"], "new": self.baseline["new"], "known": self.baseline["known"],
                    "resolved": len(self.baseline["resolved"])}}


def context_for(rule_set: RuleSet, fail_on: str = "violation") -> ReportContext:
    """The context of a run with a known rule set (every rule, fired or not)."""
    rules = {rule.id: {"title": rule.title, "principle": rule.principle, "articles": list(rule.articles),
                       "severity": rule.severity, "message": rule.message, "rationale": rule.rationale,
                       "remediation": rule.remediation} for rule in sorted(rule_set.rules, key=lambda r: r.id)}
    assessed = tuple(sorted({rule.principle for rule in rule_set.rules}))
    return ReportContext(report_header(rule_set), rules, assessed, fail_on, dict(rule_set.policy.scoring))


def context_from_report(report: dict[str, Any], fail_on: str = "violation") -> ReportContext:
    """The context when only a finished report is at hand: the rules are those that fired, every
    principle of the policy counts as assessed, and scores are the bundled policy's."""
    rules: dict[str, dict[str, Any]] = {}
    for doc in report["documents"]:
        for finding in doc["findings"]:
            rules.setdefault(finding["rule"], {k: finding[k] for k in RULE_TEXT})
    assessed = tuple(sorted(int(n) for n in report.get("principles", {})))
    header = {"tool": report["tool"], "principles": report.get("principles", {})}
    return ReportContext(header, dict(sorted(rules.items())), assessed, fail_on)


class ReportWriter(Protocol):
    """One output format, fed one document at a time."""

    def begin(self) -> None:
        """Write whatever comes before the first document."""

    def add(self, document: dict[str, Any]) -> None:
        """Write (or spool) one report["documents"] entry; called in path order."""

    def finish(self, summary: dict[str, int], batch: BatchInfo) -> None:
        """Write the rest; summary is the JSON report's summary."""


WriterFactory = Callable[[TextIO, ReportContext], ReportWriter]


def render_whole(factory: WriterFactory, report: dict[str, Any], context: ReportContext | None = None,
                 batch: BatchInfo | None = None) -> str:
    """Run a streaming writer over a finished report and return the text."""
    out = io.StringIO(newline="")
    writer = factory(out, context or context_from_report(report))
    writer.begin()
    for document in report["documents"]:
        writer.add(document)
    writer.finish(report["summary"], batch or BatchInfo(baseline=report.get("baseline")))
    return out.getvalue()


# ---- spooling and atomic output ---------------------------------------------------------------------

class Spool:
    """Text written now and copied out later, in memory up to SPOOL_BYTES and then on disk."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        self._file.write(text)

    def copy_to(self, out: TextIO) -> None:
        self._file.seek(0)
        shutil.copyfileobj(self._file, out, 1 << 20)  # type: ignore[misc]

    def close(self) -> None:
        self._file.close()


# ---- JSON (the contract) and text, streamed ------------------------------------------------------

_quote = json.encoder.encode_basestring  # the C version where built: what json.dumps uses
_SCALARS = {True: "true", False: "false", None: "null"}


def _nested(value: Any, indent: str) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False) as it appears nested at the given indent
    (first line not indented).

    Python's json builds indented output in pure Python, a generator per container, which made it
    the largest cost of an audit's parent process; this walks our plain values directly and
    leaves anything else (floats, keys that are not text) to json.dumps.
    """
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + "  "
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)
            parts.append(_quote(key) + ": " + _nested(item, inner))
        return "{\n" + inner + (",\n" + inner).join(parts) + "\n" + indent + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = indent + "  "
        return "[\n" + inner + (",\n" + inner).join([_nested(item, inner) for item in value]) + "\n" + indent + "]"
    if kind is int:
        return int.__repr__(value)
    if value is None or kind is bool:
        return _SCALARS[value]
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)


class JsonWriter:
    """Writes exactly what json.dumps(report, indent=2) would, one document at a time."""

    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.context = context
        self.count = 0

    def begin(self) -> None:
        head = self.context.header
        self.out.write('{\n  "tool": ' + _nested(head["tool"], "  ")
                       + ',\n  "principles": ' + _nested(head["principles"], "  ") + ',\n  "documents": [')

    def add(self, document: dict[str, Any]) -> None:
        self.out.write(("," if self.count else "") + "\n    " + _nested(document, "    "))
        self.count += 1

    def finish(self, summary: dict[str, int], batch: BatchInfo) -> None:
        self.out.write(("\n  ]" if self.count else "]") + ',\n  "summary": ' + _nested(summary, "  "))
        if batch.baseline is not None:
            self.out.write(',\n  "baseline": ' + _nested(batch.baseline, "  "))
        self.out.write("\n}\n")


class TextWriter:
    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.titles = context.header.get("principles") or {}

    def begin(self) -> None:
        pass

    def add(self, document: dict[str, Any]) -> None:
        self.out.write("\n".join(document_lines(document, self.titles)) + "\n")

    def finish(self, summary: dict[str, int], batch: BatchInfo) -> None:
        self.out.write(summary_line(summary) + "\n")
        if batch.baseline is not None:  # as `check --baseline` prints it
            from ..findings.baseline import render_text
            self.out.write("\n" + render_text(batch.baseline))


class LineWriter:
    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out

    def begin(self) -> None:
        pass

    def add(self, document: dict[str, Any]) -> None:
        from .machine import document_records
        for record in document_records(document):
            self.out.write(record + "\n")

    def finish(self, summary: dict[str, int], batch: BatchInfo) -> None:
        pass  # a summary line would not be a record

