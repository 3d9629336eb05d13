"""Reports: the results are serialised once into the JSON-report dictionary, and every output
format is written from that dictionary alone (formats.py lists them). Reports are fed findings: nothing
here imports the rule set's loader or the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from .. import __version__
from ..model import NOT_CHECKED, SEVERITIES, UNREAD_STATUSES

if TYPE_CHECKING:  # read, never built, here
    from ..findings.result import CheckResult
    from ..ruleset.rules import RuleSet


def displayable(text: str) -> str:
    """A file name that is not UTF-8 (Python keeps its bytes as lone surrogates) with those bytes
    shown as U+FFFD, so that every format can write it."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def document_entry(result: CheckResult) -> dict[str, Any]:
    """One entry of report["documents"]: everything known about one checked file."""
    return {
        "path": displayable(result.path),
        "id": result.id,
        "title": result.title,
        "organisation": result.organisation,
        "status": result.status,
        "error": None if result.error is None else displayable(result.error),
        "not_checked": [part.to_dict() for part in result.unread],
        "findings": [f.to_dict() for f in result.findings],
        "warnings": list(result.warnings),
    }


def location_of(finding: dict[str, Any]) -> dict[str, Any]:
    """Where a finding points ({line, column, field}; line None: the draft has no such place). A report
    written before findings had a location points at its first evidence."""
    location = finding.get("location")
    if isinstance(location, dict):
        return location
    first = finding["evidence"][0] if finding.get("evidence") else {}
    return {"line": first.get("line"), "column": first.get("column"), "field": first.get("field")}


def evidence_places(finding: dict[str, Any]) -> list[tuple[dict[str, Any], int | None, int | None]]:
    """Each evidence entry with the line and column to show it at. The first is the evidence at the
    finding's location (or what the draft does not say there): it is shown at the location, whose line
    is exact even where the evidence's is the start of the field's text (a folded YAML scalar); the
    others at their own line and column."""
    evidence = finding.get("evidence") or []
    location = location_of(finding)
    out = []
    for index, e in enumerate(evidence):
        if index == 0 and location.get("line") is not None and \
                (e.get("missing") is not None or e.get("field") == location.get("field")):
            out.append((e, location.get("line"), location.get("column")))
        else:
            out.append((e, e.get("line"), e.get("column")))
    return out


def line_and_column(line: int | None, column: int | None, separator: str = ":") -> str:
    """'53:95', '53' when the column is not known, '' when there is no line."""
    if line is None:
        return ""
    return f"{line}{separator}{column}" if column is not None else str(line)


def not_checked_note(document: dict[str, Any]) -> str:
    """What of a document was not read, in one sentence ('' when all of it was)."""
    parts = document.get("not_checked") or []
    if not parts:
        return ""
    if document.get("status") == NOT_CHECKED:
        names = sorted({part["language_name"] for part in parts if part["language_name"]})
        return (f"not checked: its prose is in {' and '.join(names)}, which the rules do not read, so no "
                "finding can be made on it (fields of a structured draft were checked)")
    return "not checked: " + "; ".join(part["where"] for part in parts) + "; the rest of the draft was checked"


def new_summary() -> dict[str, int]:
    return {"documents": 0, "errors": 0, "not_checked": 0, "partly_checked": 0, **{s: 0 for s in SEVERITIES},
            "waived": 0, "known": 0}


def add_to_summary(summary: dict[str, int], document: dict[str, Any]) -> None:
    """Count one document entry into a summary made by new_summary(). Severity counts are of the
    findings that count against the draft: not waived, and not known from a baseline."""
    summary["documents"] += 1
    if document["error"] is not None:
        summary["errors"] += 1
    if document.get("status") in UNREAD_STATUSES:
        summary[document["status"]] += 1
    for finding in document["findings"]:
        if finding.get("waived") is not None:
            summary["waived"] += 1
        elif finding.get("baseline") == "known":
            summary["known"] += 1
        else:
            summary[finding["severity"]] += 1


def report_header(rule_set: RuleSet) -> dict[str, Any]:
    """The parts of the report that describe the tool and the policy, not the documents."""
    return {
        "tool": {
            "name": "policy-check",
            "version": __version__,
            "policy": {"name": rule_set.policy.name, "version": rule_set.policy.version},
            "rules_digest": rule_set.digest,
            "rules": len(rule_set.rules),
        },
        "principles": {str(n): p.title for n, p in sorted(rule_set.policy.principles.items())},
    }


def build_report(results: Iterable[CheckResult], rule_set: RuleSet) -> dict[str, Any]:
    """The JSON report (a documented contract): tool, principles, documents, summary."""
    documents = []
    summary = new_summary()
    for result in results:
        entry = document_entry(result)
        add_to_summary(summary, entry)
        documents.append(entry)
    return {**report_header(rule_set), "documents": documents, "summary": summary}


def render(report: dict[str, Any], fmt: str) -> str:
    """A finished report in one format (see formats.py); only that format's module is loaded."""
    from .formats import whole_report

    return whole_report(fmt)(report)
