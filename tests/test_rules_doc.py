"""`policy-check rules doc`: the handbook in Markdown and HTML, complete, linked, escaped and stable."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from tests.rulekit import GOOD_RULE, ROOT, invoke, rule_file, rule_folder

HOSTILE = (GOOD_RULE.replace("no-feedback-channel", "hostile-rule")
           .replace("title: Migrants are neither consulted nor able to give feedback",
                    "title: \"<script>alert('t')</script> & co\"")
           .replace("message: The programme neither consulted migrants nor gives them a way to give feedback.",
                    "message: \"<img src=x onerror=alert(1)> *bold* [link](javascript:alert(1))\"")
           .replace("rationale: Principle 2 asks that migrants take part in the programmes meant for them.",
                    "rationale: '# Not a heading | not a cell. Principle 2 asks for participation.'")
           .replace("{id: ex, participation: {migrants_consulted: false}}",
                    "{id: ex, title: \"</code></pre><script>alert(2)</script>\", "
                    "participation: {migrants_consulted: false}}"))

ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "span", "ul", "li",
                "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])


def parse(path: Path) -> Tags:
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_writes_an_index_and_a_page_per_principle(tmp_path) -> None:
    out = tmp_path / "handbook"
    result = invoke("rules", "doc", "--out", str(out), str(ROOT / "rules"))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Wrote 22 files to {out} (")
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{stem}.{ext}" for stem in ["index"] + [f"principle-{n:02d}" for n in range(1, 11)]
                            for ext in ("md", "html")])
    index = (out / "index.md").read_text()
    for n in range(1, 11):
        assert f"](principle-{n:02d}.md)" in index


def test_every_html_link_resolves(tmp_path) -> None:
    out = tmp_path / "handbook"
    invoke("rules", "doc", "--out", str(out), str(ROOT / "rules"))
    pages = {p.name: parse(p) for p in out.glob("*.html")}
    for name, page in pages.items():
        for tag, attributes in page.tags:
            if tag != "a":
                continue
            target, _, anchor = attributes["href"].partition("#")
            target = target or name
            assert target in pages, (name, attributes["href"])
            assert not anchor or anchor in pages[target].ids, (name, attributes["href"])


def test_a_rule_section_has_why_examples_and_fix(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE)})
    invoke("rules", "doc", "--format", "md", "--out", str(tmp_path / "out"), str(rules))
    page = (tmp_path / "out" / "principle-02.md").read_text()
    section = page.split('<a id="no-feedback-channel"></a>\n\n')[1]
    assert section == r"""### Migrants are neither consulted nor able to give feedback

**Rule:** `no-feedback-channel`

**Severity:** Warning: the programme probably falls short of the policy

**Protects:** Principle 2 as a whole

**What it finds:** The programme neither consulted migrants nor gives them a way to give feedback.

#### Why it matters

Principle 2 asks that migrants take part in the programmes meant for them.

#### Example that falls short

```yaml
id: ex
participation:
  migrants_consulted: false
```

#### Example that meets the standard

```yaml
id: ex
participation:
  migrants_consulted: false
  feedback_mechanism: true
```

#### How to fix it

Consult migrants, or set up a feedback mechanism (participation.feedback\_mechanism).
"""
    assert not (tmp_path / "out" / "principle-02.html").exists()


def test_everything_from_the_rules_is_escaped(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(HOSTILE)})
    out = tmp_path / "out"
    invoke("rules", "doc", "--out", str(out), str(rules))
    html_page = (out / "principle-02.html").read_text()
    tags = parse(out / "principle-02.html").tags
    assert {tag for tag, _ in tags} <= ALLOWED_TAGS
    assert all(not a.get("href", "").lower().startswith("javascript") for _, a in tags)
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; &amp; co" in html_page
    assert "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html_page
    markdown = (out / "principle-02.md").read_text()
    assert "### &lt;script&gt;alert('t')&lt;/script&gt; &amp; co" in markdown
    assert ("**What it finds:** &lt;img src=x onerror=alert(1)&gt; \\*bold\\* \\[link\\](javascript:alert(1))"
            in markdown)
    assert "\n\\# Not a heading \\| not a cell. Principle 2 asks for participation.\n" in markdown
    # inside a fenced code block, text is shown literally by every Markdown renderer; nowhere else is markup
    outside_code = re.sub(r"```yaml\n.*?\n```", "", markdown, flags=re.S)
    assert not re.search(r"<(script|img)", outside_code)
    assert "title: </code></pre><script>alert(2)</script>" in markdown


def test_output_is_stable(tmp_path) -> None:
    for run in ("a", "b"):
        invoke("rules", "doc", "--out", str(tmp_path / run), str(ROOT / "rules"))
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()
