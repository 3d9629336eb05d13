"""Machine-readable formats: JSON (the contract) and one line per finding for editors and grep."""

from __future__ import annotations

import json
from typing import Any

from . import location_of, not_checked_note
from .display import shown


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def to_lines(report: dict[str, Any]) -> str:
    """file:line:col: [severity] message (rule-id), as compilers and linters print; a finding that
    points at no line (what is missing has no place in the draft) is file: [severity] message (rule-id)."""
    out = [record for doc in report["documents"] for record in document_records(doc)]
    return "\n".join(out) + ("\n" if out else "")


def document_records(doc: dict[str, Any]) -> list[str]:
    """The `line` records of one report["documents"] entry (also streamed by `audit -f line`)."""
    out = []
    path = shown(doc["path"])  # one record per line: a newline in a file name cannot split it
    if doc["error"]:
        error = doc["error"][len(doc["path"]):] if doc["error"].startswith(doc["path"] + ":") else ": " + doc["error"]
        return [f"{path}{shown(error)} [error]"]
    parts = doc.get("not_checked") or []
    if parts:
        line = parts[0]["lines"][0] or 1
        out.append(f"{path}:{line}:1: [not checked] {shown(not_checked_note(doc).replace('not checked: ', '', 1))}")
    for f in doc["findings"]:
        location = location_of(f)
        where = f"{path}:{location['line']}:{location.get('column') or 1}:" if location.get("line") else f"{path}:"
        status = "waived " if f.get("waived") is not None else "known " if f.get("baseline") == "known" else ""
        out.append(f"{where} [{status}{f['severity']}] {shown(f['title'])} ({shown(f['rule'])})")
    for warning in doc.get("warnings") or []:  # notes name their file themselves
        text = warning[len(doc["path"]) + 2:] if warning.startswith(doc["path"] + ": ") else warning
        out.append(f"{path}:1:1: [note] {shown(text)}")
    return out
