"""The human report: findings grouped by principle, each with article, evidence, why and how to fix."""

from __future__ import annotations

import textwrap
from typing import Any

from . import evidence_places, line_and_column, not_checked_note
from .display import shown

MARK = {"violation": "✖", "warning": "▲", "advice": "●"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 or word == "advice" else "s")


def summary_line(summary: dict[str, Any]) -> str:
    parts = [_plural(summary["documents"], "document"), _plural(summary["violation"], "violation"),
             _plural(summary["warning"], "warning"), _plural(summary["advice"], "advice")]
    if summary.get("waived"):
        parts.append(f"{summary['waived']} waived")
    if summary.get("known"):
        parts.append(f"{summary['known']} known")
    parts.append(_plural(summary["errors"], "error"))
    unread = [f"{summary[key]} {key.replace('_', ' ')}" for key in ("not_checked", "partly_checked") if summary.get(key)]
    return "Summary: " + ", ".join(parts) + (f" ({', '.join(unread)})" if unread else "")


def _wrap(label: str, text: str) -> list[str]:
    return textwrap.wrap(text, width=96, initial_indent=f"      {label:<5} ", subsequent_indent=" " * 12)


def document_lines(doc: dict[str, Any], titles: dict[Any, str]) -> list[str]:
    """The lines for one document, ending with a blank line (the text report streams these)."""
    lines: list[str] = []
    name = shown(doc["path"]) + (f"  ({shown(doc['id'])})" if doc.get("id") else "")
    if doc["error"]:
        return [f"{name}\n  error: {shown(doc['error'])}", ""]
    lines.append(name)
    unread = not_checked_note(doc)
    if unread:
        lines.extend(textwrap.wrap(shown(unread.replace("not checked: ", "", 1)), width=96,
                                   initial_indent="  NOT CHECKED  ", subsequent_indent=" " * 15))
    for warning in doc.get("warnings", []):
        lines.append(f"  note: {shown(warning)}")
    if not doc["findings"] and doc.get("status") != "not_checked":
        lines.append("  no findings" + (" in the part that was read" if unread else ""))
    current = None
    for f in doc["findings"]:
        if f["principle"] != current:
            current = f["principle"]
            title = titles.get(current) or titles.get(str(current)) or ""
            lines.append(f"  Principle {current}" + (f": {title}" if title else ""))
        articles = ", ".join(f"Art. {a}" for a in f["articles"]) or f"Principle {f['principle']}"
        waived = "  [waived]" if f.get("waived") is not None else "  [known]" if f.get("baseline") == "known" else ""
        lines.append(f"    {MARK[f['severity']]} {f['severity']:<9} {f['rule']}  ({articles}){waived}")
        lines.append(f"      {f['title']}")
        for e, line, column in evidence_places(f):
            where = f"{shown(doc['path'])}:{line_and_column(line, column)}" if line else shown(doc["path"])
            if e.get("missing"):  # a prose draft is told what it does not say, not which field is empty
                lines.append(f"      at    {where}  {shown(e['missing'])}")
            elif e["quote"] is None:
                lines.append(f"      at    {where}  {shown(e['field'])}: not stated")
            else:
                lines.append(f"      at    {where}  {shown(e['field'])}: \"{shown(e['quote'])}\"")
        lines.extend(_wrap("what", f["message"]))
        lines.extend(_wrap("why", f["rationale"]))
        lines.extend(_wrap("fix", f["remediation"]))
        if f.get("waived") is not None:
            lines.extend(_wrap("waive", f"waived: {f['waived']}"))
    lines.append("")
    return lines


def to_text(report: dict[str, Any], principles: dict[int, str] | None = None) -> str:
    lines: list[str] = []
    titles = principles or report.get("principles") or {}
    for doc in report["documents"]:
        lines.extend(document_lines(doc, titles))
    lines.append(summary_line(report["summary"]))
    return "\n".join(lines) + "\n"
