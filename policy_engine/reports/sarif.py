"""SARIF 2.1.0, so that findings show in code-review tools and editors (GitHub code scanning,
VS Code's SARIF viewer, ...).

One run; tool.driver.rules lists every rule with its help (why it matters and how to fix it);
each finding is a result with its ruleId, a level (violation = error, warning = warning,
advice = note), its location (the file, and the line and column of the sentence or field at fault),
and its other evidence as related locations. A waived finding carries a suppression with its justification. A file that could not be
checked is a tool execution notification at level error. Nothing depends on the time or the
machine, so the same inputs give the same bytes.

Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TextIO
from urllib.parse import quote

from . import evidence_places, location_of, not_checked_note
from .display import isolate
from .stream import BatchInfo, ReportContext, Spool

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"violation": "error", "warning": "warning", "advice": "note"}


def artifact_uri(path: str) -> str:
    """A URI for a report path: relative paths stay relative (resolved against the checkout by
    code-scanning tools), absolute ones become file:// URIs."""
    if PureWindowsPath(path).drive:
        return "file:///" + quote(PureWindowsPath(path).as_posix())
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return "file://" + quote(posix)
    return quote(str(PurePosixPath(posix)))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def rule_descriptor(rule_id: str, rule: dict[str, Any]) -> dict[str, Any]:
    articles = ", ".join(f"Art. {a}" for a in rule["articles"]) or f"Principle {rule['principle']}"
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": rule["title"]},
        "fullDescription": {"text": rule["message"]},
        "help": {
            "text": f"{rule['rationale']}\n\nHow to fix: {rule['remediation']}",
            "markdown": f"**{rule['title']}** ({articles} of the IFRC Policy on Migration)\n\n"
                        f"{rule['rationale']}\n\n**How to fix:** {rule['remediation']}",
        },
        "defaultConfiguration": {"level": LEVELS[rule["severity"]]},
        "properties": {
            "tags": [f"principle-{rule['principle']}"] + [f"article-{a}" for a in rule["articles"]],
            "principle": rule["principle"],
            "articles": list(rule["articles"]),
            "severity": rule["severity"],
        },
    }


def _location(path: str, line: int | None = None, column: int | None = None, field: str | None = None) -> dict[str, Any]:
    """A SARIF location. Code scanning needs a line in every region (its rule GH1003), so a place with
    no line (what is missing has no place in the draft) is the file's first line, without a column."""
    region: dict[str, Any] = {"startLine": line or 1}
    if line and column:
        region["startColumn"] = column  # in code points: the run declares columnKind unicodeCodePoints
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": {"uri": artifact_uri(path)}, "region": region},
    }
    if field:
        location["logicalLocations"] = [{"fullyQualifiedName": field, "kind": "member"}]
    return location


def _first_in_draft(evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """The evidence that reports listed first before findings had a location (what the draft does not
    say, else the first place in the order of the draft): what the result's fingerprint is made of,
    so that it stays the same across versions."""
    told = [e for e in evidence if e.get("missing") is not None]
    places = [e for e in evidence if e.get("missing") is None and not (e.get("field") == "…" and e.get("line") is None)]
    if told or not places:
        return (told or evidence or [{}])[0]
    return min(places, key=lambda e: (e.get("line") is None, e.get("line") or 0, str(e.get("field", "")),
                                      e.get("quote") or ""))


def _evidence_message(evidence: dict[str, Any]) -> str:
    if evidence.get("missing"):
        return isolate(evidence["missing"])
    quote_ = evidence.get("quote")
    return f"{evidence.get('field', '')}: " + ("not stated" if quote_ is None else f'"{isolate(quote_)}"')


class SarifWriter:
    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.context = context
        self.index = {rule_id: n for n, rule_id in enumerate(context.rules)}
        self.results = 0
        self.notifications = Spool()
        self.errors = 0

    def begin(self) -> None:
        tool = self.context.header["tool"]
        driver = {
            "name": "policy-check",
            "version": tool["version"],
            "semanticVersion": tool["version"],
            "rules": [rule_descriptor(rule_id, rule) for rule_id, rule in self.context.rules.items()],
            "properties": {"policy": tool["policy"], "rulesDigest": tool["rules_digest"]},
        }
        self.out.write('{"$schema":' + _dumps(SCHEMA_URI) + ',"version":"2.1.0","runs":[{\n"tool":'
                       + _dumps({"driver": driver}) + ',\n"columnKind":"unicodeCodePoints",\n"results":[')

    def add(self, document: dict[str, Any]) -> None:
        path = document["path"]
        if document["error"] is not None:
            notification = {"level": "error", "message": {"text": document["error"]},
                            "locations": [_location(path)]}
            self.notifications.write(("," if self.errors else "") + "\n" + _dumps(notification))
            self.errors += 1
            return
        unread = not_checked_note(document)
        if unread:
            first_part = document["not_checked"][0]
            notification = {"level": "warning", "message": {"text": unread},
                            "descriptor": {"id": "not-checked"},
                            "locations": [_location(path, first_part["lines"][0])],
                            "properties": {"status": document["status"], "parts": document["not_checked"]}}
            self.notifications.write(("," if self.errors else "") + "\n" + _dumps(notification))
            self.errors += 1
        for finding in document["findings"]:
            evidence = finding["evidence"] or [{}]
            first = evidence[0]
            where = location_of(finding)
            text = finding["message"]
            if first.get("quote"):
                text += f' Evidence: "{isolate(first["quote"])}"'
            elif first.get("missing"):
                text += f" Evidence: {isolate(first['missing'])}."
            result: dict[str, Any] = {
                "ruleId": finding["rule"],
                "level": LEVELS[finding["severity"]],
                "message": {"text": text},
                "locations": [_location(path, where.get("line"), where.get("column"), where.get("field"))],
            }
            if finding["rule"] in self.index:
                result["ruleIndex"] = self.index[finding["rule"]]
            if len(evidence) > 1:
                result["relatedLocations"] = [
                    {**_location(path, line, column, e.get("field")), "id": n, "message": {"text": _evidence_message(e)}}
                    for n, (e, line, column) in enumerate(evidence_places(finding)[1:], start=1)]
            if finding.get("baseline"):
                result["baselineState"] = "unchanged" if finding["baseline"] == "known" else "new"
            if finding.get("waived") is not None:
                result["suppressions"] = [{"kind": "external", "status": "accepted",
                                           "justification": finding["waived"] or "waived"}]
            stable = _first_in_draft(finding["evidence"])
            fingerprint = hashlib.sha256("\0".join(
                [finding["rule"], path, stable.get("field", ""), stable.get("quote") or ""]).encode()).hexdigest()
            result["partialFingerprints"] = {"policyCheckFinding/v1": fingerprint[:32]}
            result["properties"] = {"principle": finding["principle"], "articles": list(finding["articles"]),
                                    "severity": finding["severity"], "remediation": finding["remediation"],
                                    "submission": {"id": document["id"], "title": document["title"],
                                                   "organisation": document["organisation"]}}
            self.out.write(("," if self.results else "") + "\n" + _dumps(result))
            self.results += 1

    def finish(self, summary: dict[str, int], batch: BatchInfo) -> None:
        self.out.write(("\n]" if self.results else "]") + ',\n"invocations":[{"executionSuccessful":true,'
                       '"toolExecutionNotifications":[')
        self.notifications.copy_to(self.out)
        self.notifications.close()
        self.out.write(("\n]" if self.errors else "]") + ',"properties":' + _dumps({"summary": summary}) + "}]\n}]}\n")
