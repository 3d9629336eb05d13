"""Spreadsheet reports: findings as CSV (one row per finding) and the submissions x principles matrix.

Both are UTF-8 with a byte-order mark (so Excel does not read them as Latin-1), RFC 4180 quoting and
CRLF line ends. A cell that a spreadsheet could take for a formula (it starts with = + - @, a tab or
a carriage return) gets a leading apostrophe, as OWASP advises against CSV injection: a submission
titled '=HYPERLINK(...)' stays text.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

from . import evidence_places, location_of, scores
from .stream import BatchInfo, ReportContext

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

FINDING_COLUMNS = ("path", "submission_id", "submission_title", "organisation", "status", "rule", "severity",
                   "waived", "baseline", "principle", "articles", "title", "message", "line", "column", "field", "quote",
                   "more_evidence", "remediation")
_MATRIX_FIRST = ("path", "submission_id", "submission_title", "organisation", "status", "score", "violations",
                 "warnings", "advice", "waived")


def matrix_columns(principles: tuple[int, ...]) -> tuple[str, ...]:
    """The matrix's columns: the submission, then a verdict and a score for each principle of the policy."""
    return _MATRIX_FIRST + tuple(column for n in principles for column in (f"P{n}", f"P{n} score"))


def safe_cell(value: Any) -> Any:
    """A value made safe for a spreadsheet: text that would start a formula is prefixed with '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _CsvWriter:
    columns: tuple[str, ...] = ()

    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.context = context
        self.csv = csv.writer(out, lineterminator="\r\n")

    def begin(self) -> None:
        self.out.write(BOM)
        self.csv.writerow(self.columns)

    def row(self, values: dict[str, Any]) -> None:
        self.csv.writerow([safe_cell(values.get(c, "")) for c in self.columns])

    def finish(self, summary: dict[str, int], batch: BatchInfo) -> None:
        pass


def _evidence_text(evidence: dict[str, Any], line: int | None, column: int | None) -> str:
    where = (f"line {line}, column {column}, " if column else f"line {line}, ") if line else ""
    if evidence.get("missing"):
        return where + evidence["missing"]
    quote = evidence.get("quote")
    return f"{where}{evidence['field']}: " + ("not stated" if quote is None else quote)


class FindingsCsvWriter(_CsvWriter):
    columns = FINDING_COLUMNS

    def add(self, document: dict[str, Any]) -> None:
        base = {"path": document["path"], "submission_id": document["id"], "submission_title": document["title"],
                "organisation": document["organisation"], "status": document["status"]}
        if document["error"] is not None:
            self.row({**base, "severity": "error", "message": document["error"]})
            return
        for part in document.get("not_checked") or ():
            lines = part["lines"]
            self.row({**base, "severity": "not checked", "line": lines[0] or "",
                      "field": ", ".join(part["sections"]),
                      "message": f"not checked: '{part['value']}' is not one of the field's values" if part.get("value")
                      else f"not checked: written in {part['language_name']}, which the rules do not read"})
        for finding in document["findings"]:
            evidence = evidence_places(finding)
            first = evidence[0][0] if evidence else {}
            location = location_of(finding)
            self.row({**base, "rule": finding["rule"], "severity": finding["severity"],
                      "waived": finding.get("waived") or "", "baseline": finding.get("baseline", ""),
                      "principle": finding["principle"],
                      "articles": "; ".join(finding["articles"]), "title": finding["title"],
                      "message": finding["message"], "line": location.get("line") or "",
                      "column": (location.get("column") or "") if location.get("line") else "",
                      "field": first.get("field") or first.get("missing") or location.get("field") or "",
                      "quote": first.get("quote") or "",
                      "more_evidence": "\n".join(_evidence_text(*place) for place in evidence[1:]),
                      "remediation": finding["remediation"]})


def matrix_row(document: dict[str, Any], context: ReportContext) -> dict[str, Any]:
    """The matrix columns for one document."""
    by_principle = scores.verdicts(document, context.principles, context.assessed)
    counts = {"violation": 0, "warning": 0, "advice": 0, "waived": 0}
    for finding in document["findings"]:  # known findings (baseline) are still the draft's: counted
        counts["waived" if finding.get("waived") is not None else finding["severity"]] += 1
    row: dict[str, Any] = {
        "path": document["path"], "submission_id": document["id"], "submission_title": document["title"],
        "organisation": document["organisation"], "status": document["status"],
        "score": scores.format_score(scores.overall(by_principle, context.scoring)),
        "violations": counts["violation"], "warnings": counts["warning"], "advice": counts["advice"],
        "waived": counts["waived"],
    }
    for n, verdict in by_principle.items():
        row[f"P{n}"] = verdict
        row[f"P{n} score"] = scores.format_score(context.scoring[verdict]) if verdict in context.scoring else ""
    return row


class MatrixCsvWriter(_CsvWriter):
    def __init__(self, out: TextIO, context: ReportContext) -> None:
        super().__init__(out, context)
        self.columns = matrix_columns(context.principles)

    def add(self, document: dict[str, Any]) -> None:
        self.row(matrix_row(document, self.context))
