"""Baselines: tell what is new since a previous JSON report from what was already known.

    report = filter_new(report, load_report("round-1.json"))

Known findings stay in the report, marked "baseline": "known" (new ones "baseline": "new"): they are
still problems of the draft and still count in its verdicts and scores, but they do not fail the
run, so that a team can adopt the tool on existing drafts and stop only what gets worse.

A finding is known when the previous report has, for the same document, a finding of the same
rule with the same evidence fingerprint. Documents are matched by path; a renamed file (its old
path gone) is matched by its id. The fingerprint ignores line numbers, columns and list positions, and
normalises the quoted text, so editing other parts of a document (lines shift, an item is inserted above)
does not make old findings look new; new evidence for a rule does. It does not depend on which place
the finding points at (its location) nor on the order the evidence is listed in, so reports written
before findings had a location still match.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..files.inputfile import read_text
from ..model import MAX_EVIDENCE, SEVERITIES
from ..text.textscan import normalise

_INDEX = re.compile(r"\[\d+\]")
_MORE = re.compile(r"\d+")
MORE_FIELD = "…"  # the evidence entry that counts the places not quoted ("and 2 more place(s) like these")


def fingerprint(finding: dict[str, Any]) -> str:
    """A short hash of a finding's evidence that survives line shifts and reordered list items.

    What is hashed is what a report has always quoted: the first MAX_EVIDENCE places in the order of
    the draft, what the draft does not say, and how many places there are in all. A report may also
    quote the place the finding points at when it lies past those (it is listed first); it counts
    among the places, not among the quoted ones, so that the same finding hashes the same whether or
    not its report listed it."""
    places: list[dict[str, Any]] = []
    parts: set[tuple[str, str]] = set()
    more = 0
    for e in finding.get("evidence") or []:
        if e.get("field") == MORE_FIELD and e.get("line") is None:
            count = _MORE.search(str(e.get("quote") or ""))
            more += int(count.group(0)) if count else 0
        elif e.get("missing") is not None:
            parts.add(("", ""))
        else:
            places.append(e)
    places.sort(key=lambda e: (e.get("line") is None, e.get("line") or 0, str(e.get("field", "")),
                               e.get("quote") or ""))
    for e in places[:MAX_EVIDENCE]:
        parts.add((_INDEX.sub("[]", str(e.get("field", ""))), normalise(e["quote"]) if e.get("quote") else ""))
    total = len({(e.get("line"), str(e.get("field", "")), e.get("quote")) for e in places}) + more
    hashed = sorted(parts) + ([["places", total]] if total > MAX_EVIDENCE else [])
    return hashlib.sha256(json.dumps(hashed, ensure_ascii=False).encode()).hexdigest()[:16]


MAX_BASELINE_BYTES = 256 * 1024 * 1024


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a JSON report written by `policy-check check --format json` (or `audit`).

    Only what the baseline uses is kept, and checked: documents with a path or id, and findings
    with a rule and evidence of fields, lines and quotes. Anything else is a one-line error.

    Raises:
        InputError: unreadable, or not such a report.
    """
    name = str(path)
    try:
        data = json.loads(read_text(path, MAX_BASELINE_BYTES, "baseline"))
    except json.JSONDecodeError as exc:
        raise InputError(f"baseline is not JSON ({exc.msg}); give a report written with --format json", name,
                         exc.lineno) from None
    except (ValueError, RecursionError) as exc:  # a number too long to read, nesting too deep
        raise InputError(f"baseline is not a report policy-check wrote ({str(exc)[:120]})", name) from None
    try:
        return {"documents": [_document(d) for d in _items(data, "documents", required=True)]}
    except (TypeError, ValueError) as exc:
        raise InputError(f"not a policy-check JSON report ({exc}); give a report written with --format json",
                         name) from None


def _items(container: Any, key: str, required: bool = False) -> list[Any]:
    if not isinstance(container, dict) or not isinstance(container.get(key, None if required else []), list):
        raise TypeError(f"expected a '{key}' list")
    return container.get(key, [])  # type: ignore[no-any-return]


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{what} is not text")
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} holds an unpaired surrogate") from None
    return text[:10_000]


def _document(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise TypeError("a document is not a mapping")
    findings = []
    for finding in _items(doc, "findings"):
        if not isinstance(finding, dict):
            raise TypeError("a finding is not a mapping")
        evidence = []
        for item in _items(finding, "evidence"):
            if not isinstance(item, dict):
                raise TypeError("an evidence entry is not a mapping")
            quote, line, missing = item.get("quote"), item.get("line"), item.get("missing")
            evidence.append({"field": _text(item.get("field"), "a field"),
                             "line": line if isinstance(line, int) and not isinstance(line, bool) else None,
                             "quote": None if quote is None else _text(quote, "a quote"),
                             "missing": None if missing is None else _text(missing, "a missing note")})
        findings.append({"rule": _text(finding.get("rule"), "a rule id"), "title": _text(finding.get("title"), "a title"),
                         "evidence": evidence})
    return {"path": _text(doc.get("path"), "a path"), "id": _text(doc.get("id"), "an id"), "findings": findings}


def previous_of(doc: dict[str, Any], by_id: dict[str, dict[str, Any]],
                by_path: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The baseline's entry for a document: the one of the same path; else, for a renamed file, the
    one of the same declared id, but only if that entry's file is gone. An id is only what a file
    says of itself: a new file declaring another programme's id must not inherit its known findings."""
    same_path = by_path.get(str(doc.get("path")))
    if same_path is not None:
        return same_path
    same_id = by_id.get(str(doc.get("id"))) if doc.get("id") else None
    if same_id is not None and not os.path.lexists(str(same_id.get("path") or "")):
        return same_id
    return None


def _key(finding: dict[str, Any], aliases: dict[str, str]) -> tuple[str, str]:
    rule = str(finding.get("rule", ""))
    return aliases.get(rule, rule), fingerprint(finding)


def filter_new(report: dict[str, Any], previous: dict[str, Any], aliases: dict[str, str] | None = None,
               name: str = "") -> dict[str, Any]:
    """The report with only the findings not in the previous one, a recomputed summary, and a
    'baseline' section (known, new, and resolved findings).

    Args:
        report: the current JSON report (build_report).
        previous: an earlier JSON report.
        aliases: former rule ids -> current ids, so renamed rules still match.
        name: the baseline's file name, for the report.
    """
    aliases = aliases or {}
    by_id = {str(d["id"]): d for d in previous["documents"] if d.get("id")}
    by_path = {str(d.get("path")): d for d in previous["documents"]}
    known_total = new_total = 0
    resolved: list[dict[str, Any]] = []
    documents = []
    matched_previous: set[int] = set()
    for doc in report["documents"]:
        before = previous_of(doc, by_id, by_path)
        old = Counter(_key(f, aliases) for f in (before or {}).get("findings") or [])
        if before is not None:
            matched_previous.add(id(before))
        remaining = old.copy()
        marked = []
        for finding in doc["findings"]:
            key = _key(finding, aliases)
            if remaining[key] > 0:
                remaining[key] -= 1
                known_total += 1
                marked.append(dict(finding, baseline="known"))
            else:
                marked.append(dict(finding, baseline="new"))
                new_total += 1
        for finding in (before or {}).get("findings") or []:
            key = _key(finding, aliases)
            if remaining[key] > 0:
                remaining[key] -= 1
                resolved.append({"document": doc.get("id") or doc.get("path"), "rule": key[0],
                                 "title": finding.get("title", "")})
        documents.append(dict(doc, findings=marked))
    summary = dict(report["summary"])
    for severity in SEVERITIES:
        summary[severity] = 0
    summary["waived"] = summary["known"] = 0
    for doc in documents:
        for finding in doc["findings"]:
            if finding.get("waived") is not None:
                summary["waived"] += 1
            elif finding["baseline"] == "known":
                summary["known"] += 1
            elif finding.get("severity") in SEVERITIES:
                summary[finding["severity"]] += 1
    gone = [d.get("id") or d.get("path") for d in previous["documents"] if id(d) not in matched_previous]
    return dict(report, documents=documents, summary=summary, baseline={
        "file": name, "known": known_total, "new": new_total, "resolved": resolved,
        "documents_not_checked_again": gone})


def render_text(section: dict[str, Any]) -> str:
    """A short account of the baseline, printed under the text report."""
    lines = [f"Baseline {section['file']}: {section['new']} new finding(s), {section['known']} already known "
             f"(shown as [known]; they do not fail the run), {len(section['resolved'])} resolved since then"]
    for item in section["resolved"]:
        lines.append(f"  resolved  {item['document']}  {item['rule']}")
    for doc in section.get("documents_not_checked_again") or []:
        lines.append(f"  not checked this time  {doc}")
    return "\n".join(lines) + "\n"
