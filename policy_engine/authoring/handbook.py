"""`policy-check rules doc`: the minimum-standards handbook, generated from the rules.

One page per principle (its summary, the articles catalogued for it, and each rule with why it
matters, an example that breaks the standard, one that meets it, and how to fix), and an index.
Each page is built once as a list of blocks, then written as Markdown and as HTML, so the two never
drift apart. Every piece of text from the rule files is escaped in both formats: a rule file is
data, and must never inject markup into a published page. The output is deterministic (no dates),
so a changed page means a changed rule.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import yaml

from ..files.atomic import write_atomic
from ..ruleset.policy import Principle
from ..ruleset.rules import Rule, RuleSet

SEVERITY_WORDS = {"violation": "Violation: the programme goes against the policy",
                  "warning": "Warning: the programme probably falls short of the policy",
                  "advice": "Advice: the programme could follow the policy more closely"}


# ---- a tiny document model ------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Code:
    text: str


Inline = Union[str, Link, Code]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Label:
    """A short bold label with text after it, e.g. 'Severity: warning'."""

    label: str
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Items:
    items: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class CodeBlock:
    language: str
    text: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]


Block = Union[Heading, Para, Label, Items, CodeBlock, Table]


@dataclass(frozen=True)
class Page:
    name: str          # file stem, e.g. principle-07
    title: str
    blocks: tuple[Block, ...]


# ---- building the pages ---------------------------------------------------------------------------

def page_name(number: int) -> str:
    return f"principle-{number:02d}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _example(rule: Rule, kind: str) -> str | None:
    examples = rule.examples.get(kind) or []
    if not examples:
        return None
    return yaml.safe_dump(examples[0], allow_unicode=True, sort_keys=False, width=88).rstrip()


def _rule_blocks(rule: Rule, rule_set: RuleSet) -> list[Block]:
    articles: list[Inline] = []
    for n, article in enumerate(rule.articles):
        if n:
            articles.append(", ")
        articles.append(f"Article {article}")
    blocks: list[Block] = [
        Heading(3, rule.title, rule.id),
        Label("Rule", (Code(rule.id),) + ((" (formerly ", *[Code(a) for a in rule.aliases], ")")
                                          if rule.aliases else ())),
        Label("Severity", (SEVERITY_WORDS.get(rule.severity, rule.severity),)),
        Label("Protects", tuple(articles) if articles else (f"Principle {rule.principle} as a whole",)),
        Label("What it finds", (rule.message,)),
        Heading(4, "Why it matters"),
        Para((rule.rationale,)),
    ]
    violating, compliant = _example(rule, "violating"), _example(rule, "compliant")
    blocks.append(Heading(4, "Example that falls short"))
    blocks.append(CodeBlock("yaml", violating) if violating else Para(("No example yet.",)))
    blocks.append(Heading(4, "Example that meets the standard"))
    blocks.append(CodeBlock("yaml", compliant) if compliant else Para(("No example yet.",)))
    blocks.append(Heading(4, "How to fix it"))
    blocks.append(Para((rule.remediation,)))
    return blocks


def principle_page(principle: Principle, rule_set: RuleSet) -> Page:
    own = [r for r in rule_set.rules if r.principle == principle.number]
    elsewhere = [r for r in rule_set.rules if r.principle != principle.number
                 and set(r.articles) & set(principle.articles)]
    blocks: list[Block] = [
        Heading(1, f"Principle {principle.number}: {principle.title}"),
        Para((Link("All principles", "index"),)),
    ]
    if principle.summary:
        blocks.append(Para((principle.summary,)))
    blocks.append(Heading(2, "Articles", "articles"))
    if principle.articles:
        blocks.append(Items(tuple((Code(a), " ", text) for a, text in principle.articles.items())))
    else:
        blocks.append(Para(("No article of this principle is catalogued; its rules rest on the principle as "
                            "a whole.",)))
    blocks.append(Heading(2, "Minimum standards", "rules"))
    if own:
        blocks.append(Para((f"{len(own)} rule{'s' if len(own) != 1 else ''} check this principle:",)))
        blocks.append(Items(tuple((Link(r.title, f"#{r.id}"),) for r in own)))
        for rule in own:
            blocks.extend(_rule_blocks(rule, rule_set))
    elif elsewhere:
        blocks.append(Para(("No rule is filed under this principle yet; the rules below, filed under other "
                            "principles, protect its articles.",)))
    else:
        blocks.append(Para(("No automated check covers this principle yet. Reviewers assess it by reading the "
                            "programme.",)))
    if elsewhere:
        blocks.append(Heading(2, "Rules under other principles that protect these articles", "related"))
        blocks.append(Items(tuple((Link(r.title, f"{page_name(r.principle)}#{r.id}"),
                                   f" (Principle {r.principle}; ",
                                   ", ".join(f"Article {a}" for a in r.articles if a in principle.articles), ")")
                                  for r in elsewhere)))
    return Page(page_name(principle.number), f"Principle {principle.number}: {principle.title}", tuple(blocks))


def index_page(rule_set: RuleSet) -> Page:
    policy = rule_set.policy
    rows = []
    for number, principle in sorted(policy.principles.items()):
        count = sum(1 for r in rule_set.rules if r.principle == number)
        rows.append(((str(number),), (Link(principle.title, page_name(number)),), (principle.summary,),
                     (str(count),)))
    title = f"Minimum standards for programmes with migrants: {policy.name} ({policy.version})"
    blocks: list[Block] = [
        Heading(1, title),
        Para(("This handbook sets out, principle by principle, the minimum standards that programme descriptions "
              "are checked against, why each matters, what falling short and meeting the standard look like, "
              "and how to fix a shortfall. It is generated from the same rules that ",
              Code("policy-check"), " applies, so it always says what the checks do.",)),
        Table(("Principle", "Title", "Summary", "Rules"), tuple(rows)),
        Para((f"Generated from {len(rule_set.rules)} rules (rule set {rule_set.digest}).",)),
    ]
    return Page("index", title, tuple(blocks))


def build(rule_set: RuleSet) -> list[Page]:
    """Every page of the handbook: the index, then one per principle."""
    return [index_page(rule_set)] + [principle_page(p, rule_set) for _, p in sorted(rule_set.policy.principles.items())]


# ---- Markdown ---------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_text(text: str) -> str:
    """Plain text for Markdown: markup characters escaped, HTML characters as entities, one line."""
    text = re.sub(r"\s+", " ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", re.sub(r"^([-+#>=])", r"\\\1", text))


def _md_code(text: str) -> str:
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _md_inline(parts: tuple[Inline, ...], ext: str) -> str:
    out = []
    for part in parts:
        if isinstance(part, Link):
            out.append(f"[{md_text(part.text)}]({_href(part.href, ext)})")
        elif isinstance(part, Code):
            out.append(_md_code(part.text))
        else:
            out.append(md_text(part))
    return "".join(out)


def _href(href: str, ext: str) -> str:
    if href.startswith("#"):
        return "#" + slug(href[1:])
    page, _, anchor = href.partition("#")
    return f"{page}.{ext}" + (f"#{slug(anchor)}" if anchor else "")


def to_markdown(page: Page) -> str:
    lines: list[str] = []
    for block in page.blocks:
        if isinstance(block, Heading):
            if block.anchor:
                lines.append(f'<a id="{slug(block.anchor)}"></a>')
                lines.append("")
            lines.append(f"{'#' * block.level} {md_text(block.text)}")
        elif isinstance(block, Para):
            lines.append(_md_inline(block.parts, "md"))
        elif isinstance(block, Label):
            lines.append(f"**{md_text(block.label)}:** {_md_inline(block.parts, 'md')}")
        elif isinstance(block, Items):
            lines.extend(f"- {_md_inline(item, 'md')}" for item in block.items)
        elif isinstance(block, CodeBlock):
            fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", block.text)), default=0) + 1)
            lines += [f"{fence}{block.language}", block.text, fence]
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(md_text(h) for h in block.headers) + " |")
            lines.append("|" + "---|" * len(block.headers))
            for row in block.rows:
                lines.append("| " + " | ".join(_md_inline(cell, "md") for cell in row) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ---- HTML -------------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;
       color: #1b1b1b; }
h1 { font-size: 1.6rem; } h3 { margin-top: 2.5rem; border-top: 1px solid #ddd; padding-top: 1rem; }
pre { background: #f5f5f5; padding: .75rem; overflow-x: auto; } code { font-size: .95em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .3rem .5rem; vertical-align: top; }
.label { font-weight: 600; }
""".strip()


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_inline(parts: tuple[Inline, ...]) -> str:
    out = []
    for part in parts:
        if isinstance(part, Link):
            out.append(f'<a href="{_esc(_href(part.href, "html"))}">{_esc(part.text)}</a>')
        elif isinstance(part, Code):
            out.append(f"<code>{_esc(part.text)}</code>")
        else:
            out.append(_esc(re.sub(r"\s+", " ", part)))
    return "".join(out)


def to_html(page: Page) -> str:
    body: list[str] = []
    for block in page.blocks:
        if isinstance(block, Heading):
            anchor = f' id="{_esc(slug(block.anchor))}"' if block.anchor else ""
            body.append(f"<h{block.level}{anchor}>{_esc(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            body.append(f"<p>{_html_inline(block.parts)}</p>")
        elif isinstance(block, Label):
            body.append(f'<p><span class="label">{_esc(block.label)}:</span> {_html_inline(block.parts)}</p>')
        elif isinstance(block, Items):
            body.append("<ul>" + "".join(f"<li>{_html_inline(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, CodeBlock):
            body.append(f'<pre><code class="language-{_esc(block.language)}">{_esc(block.text)}</code></pre>')
        elif isinstance(block, Table):
            head = "".join(f"<th>{_esc(h)}</th>" for h in block.headers)
            rows = "".join("<tr>" + "".join(f"<td>{_html_inline(cell)}</td>" for cell in row) + "</tr>"
                           for row in block.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_esc(page.title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def write(rule_set: RuleSet, out: str | Path, formats: tuple[str, ...] = ("md", "html")) -> list[Path]:
    """Write the handbook into a folder; returns the files written."""
    out = Path(out)
    written = []
    for page in build(rule_set):
        for ext in formats:
            path = out / f"{page.name}.{ext}"
            write_atomic(path, to_markdown(page) if ext == "md" else to_html(page))
            written.append(path)
    return written
