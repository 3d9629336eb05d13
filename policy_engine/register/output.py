"""A query's answer as text (for people), CSV (for spreadsheets) or JSON (for scripts).

Submission text (titles, organisations, countries) is untrusted: in text its control characters are
made visible and right-to-left runs isolated (report/display.py); in CSV a cell that would start a
formula is defused (report/tables.py); JSON escapes what it must and cli.echo_json does the rest.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..reports.display import shown
from ..reports.tables import safe_cell
from .choices import FORMATS  # noqa: F401
from .queries import Table

MAX_CELL = 60  # characters of one cell in text; the CSV and JSON keep everything
UNKNOWN_COLUMNS = ("country", "region", "organisation")


def render(table: Table, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"query": table.name, "title": table.title, "summary": table.summary,
                           "rows": table.rows}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(table.columns, table.rows)
    return to_text(table)


def to_csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell("" if row[c] is None else row[c]) for c in columns])
    return out.getvalue()


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    text = shown(str(value))
    if text == "" and column in UNKNOWN_COLUMNS:
        return "(unknown)"
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def grid(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> list[str]:
    cells = [[_cell(c, row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return lines


def to_text(table: Table) -> str:
    lines = [shown(table.title), ""]
    for key, value in table.summary.items():
        if isinstance(value, list):
            continue
        lines.append(f"{key.replace('_', ' ')}: {_cell(key, value)}")
    for key, value in table.summary.items():
        if isinstance(value, list) and value:
            columns = tuple(c for c in value[0] if not isinstance(value[0][c], dict))
            lines += ["", key.replace("_", " ") + ":"] + ["  " + line for line in grid(columns, value)]
    if table.summary:
        lines.append("")
    lines += grid(table.columns, table.rows) if table.rows else ["(nothing)"]
    return "\n".join(lines) + "\n"
