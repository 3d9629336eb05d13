"""The register as one self-contained HTML page, with its charts drawn as inline SVG here in Python.

No script and no charting library: the page needs nothing at run time, works offline and from a
file, and its Content-Security-Policy allows only its own style (by hash). Every piece of text from
the register (countries, round names) is HTML-escaped; SVG inline in HTML is parsed by the same
rules. Each chart is followed by its numbers as a table, for screen readers and for copying.
"""

from __future__ import annotations

from html import escape
from typing import Any

import sqlalchemy as sa

from .. import __version__
from ..reports.html import csp_hash, page_head
from . import queries

# Tableau 10: ten colours told apart by most readers, one per principle (a policy with more reuses them).
COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; } th, td { border: 1px solid #ccc; padding: 2px 6px; }
td.n { text-align: right; } .chart { max-width: 100%; height: auto; }
.legend span { display: inline-block; margin-right: 1em; } .legend i { display: inline-block; width: 1em;
  height: .6em; margin-right: .3em; }
""" + "".join(f".p{n} {{ stroke: {c}; fill: {c}; }} .legend i.p{n} {{ background: {c}; }}\n"
              for n, c in enumerate(COLOURS, start=1))
CSP = ("default-src 'none'; style-src " + csp_hash(STYLE)
       + "; img-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'")


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _colour(n: int) -> str:
    """A principle's colour class (p1 ... p10)."""
    return f"p{(n - 1) % len(COLOURS) + 1}"


def trend_chart(trend: dict[str, Any], principles: dict[int, str]) -> str:
    """A line per principle: the share of the round's submissions failing it, round after round."""
    names = trend["rounds"]
    width, height, left, right, top, bottom = 760, 320, 50, 20, 20, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(names) - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if len(names) > 1 else plot_w / 2)

    def y(percent: float) -> float:
        return top + plot_h * (1 - percent / 100)

    parts = [f'<svg id="trend" class="chart" role="img" aria-labelledby="trend-title" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             '<title id="trend-title">Share of submissions failing each principle, per round</title>']
    for tick in range(0, 101, 25):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick}%</text>')
    for i, name in enumerate(names):
        parts.append(f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="11">'
                     f'{_e(name)}</text>')
    for n in principles:
        values = trend["percent"][n]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<g class="series {_colour(n)}" data-principle="{n}">')
        if len(values) > 1:
            parts.append(f'<polyline points="{points}" fill="none" stroke-width="2"/>')
        for i, v in enumerate(values):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5"><title>Principle {n} '
                         f'({_e(principles.get(n, ""))}), round {_e(names[i])}: {v:.1f}%</title></circle>')
        parts.append("</g>")
    parts.append("</svg>")
    legend = "".join(f'<span><i class="{_colour(n)}"></i>{n}. {_e(title)}</span>' for n, title in principles.items())
    return "\n".join(parts) + f'\n<p class="legend">{legend}</p>'


def _heat_colour(percent: float) -> tuple[str, str]:
    """White (no programme fails) to dark red (all do); text white on the dark end."""
    t = max(0.0, min(percent, 100.0)) / 100
    r, g, b = round(255 - 75 * t), round(255 - 235 * t), round(255 - 225 * t)
    return f"#{r:02x}{g:02x}{b:02x}", "#fff" if t > 0.55 else "#222"


def heat_map(heat: dict[str, Any], principles: tuple[int, ...]) -> str:
    """Countries (rows) by principles (columns): the share of programmes whose latest submission fails."""
    countries = heat["countries"]
    cell_w, cell_h, left, top = 56, 22, 220, 30
    width, height = left + len(principles) * cell_w + 10, top + cell_h * len(countries) + 10
    parts = [f'<svg id="heat" class="chart" role="img" aria-labelledby="heat-title" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             '<title id="heat-title">Countries by principles: share of programmes failing, latest submissions'
             '</title>']
    for column, n in enumerate(principles):
        parts.append(f'<text x="{left + (column + 0.5) * cell_w:.1f}" y="{top - 10}" text-anchor="middle" '
                     f'font-size="12">P{n}</text>')
    for row, country in enumerate(countries):
        name = country or "(unknown)"
        shown = name if len(name) <= 32 else name[:31] + "…"
        cy = top + row * cell_h
        parts.append(f'<text x="{left - 8}" y="{cy + 15}" text-anchor="end" font-size="12">{_e(shown)}</text>')
        for column, n in enumerate(principles):
            percent = heat["percent"][row][column]
            fill, ink = _heat_colour(percent)
            cx = left + column * cell_w
            parts.append(f'<g class="cell" data-country="{_e(country)}" data-principle="{n}">'
                         f'<rect x="{cx}" y="{cy}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}">'
                         f'<title>{_e(name)}, principle {n}: {percent:.1f}% of {heat["programmes"][row]} '
                         f'programme(s)</title></rect>'
                         f'<text x="{cx + cell_w / 2 - 1:.1f}" y="{cy + 15}" text-anchor="middle" font-size="11" '
                         f'fill="{ink}">{percent:.0f}</text></g>')
    parts.append("</svg>")
    return "\n".join(parts)


def _table(columns: tuple[str, ...], rows: list[list[Any]], table_id: str) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f'<td class="n">{v:.1f}</td>' if isinstance(v, float)
                                    else f'<td class="n">{v}</td>' if isinstance(v, int)
                                    else f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def principle_names() -> dict[int, str]:
    """The principles and their names, in order, from the bundled policy (the reports recorded name them
    the same way)."""
    from ..ruleset.policy import bundled_policy
    return {number: p.title for number, p in bundled_policy().principles.items()}


def build_page(conn: sa.Connection, severity: str = "violation") -> str:
    names = principle_names()
    numbers = tuple(names)
    trend = queries.trends(conn, numbers, severity)
    heat = queries.heat(conn, numbers, severity)
    rounds = queries.rounds_table(conn).rows
    level = "a violation" if severity == "violation" else "a violation or a warning"
    rounds_rows = [[r["round"], r["submissions"], r["first_submitted"], r["resubmitted"], r["failing"],
                    r["mean_score"] if r["mean_score"] is not None else ""] for r in rounds]
    trend_rows = [[f"{n}. {title}"] + trend["percent"][n] for n, title in names.items()]
    heat_rows = [[c or "(unknown)", heat["programmes"][i]] + heat["percent"][i] for i, c in enumerate(heat["countries"])]
    return page_head("policy-check register", CSP, __version__, STYLE) + f"""<body>
<h1>Register of programmes across review rounds</h1>
<p>{sum(r["submissions"] for r in rounds)} submissions in {len(rounds)} round(s). A submission fails a principle
when {level} cites it and was not waived.</p>
<h2>Rounds</h2>
{_table(("round", "submissions", "first submitted", "resubmitted", "failing", "mean score"), rounds_rows, "rounds")}
<h2>Each principle over the rounds</h2>
<p>Share of each round's submissions failing the principle.</p>
{trend_chart(trend, names)}
{_table(("principle",) + tuple(trend["rounds"]), trend_rows, "trend-table")}
<h2>Countries by principles</h2>
<p>Share of each country's programmes whose latest submission fails the principle (0 to 100).</p>
{heat_map(heat, numbers)}
{_table(("country", "programmes") + tuple(f"P{n}" for n in numbers), heat_rows, "heat-table")}
</body>
</html>
"""
