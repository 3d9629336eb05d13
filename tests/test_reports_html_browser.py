"""The HTML report in a real browser (Debian's headless Chromium driven by Playwright): it opens with no
error and no blocked resource, its numbers match the JSON report, filtering and sorting work, and no
script from a submission runs."""

from __future__ import annotations

import json
import runpy
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from cli import main
from tests.browserkit import launched, playwright_or_skip
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # a real browser

sync_api = playwright_or_skip("the HTML report's browser tests")

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_ORG = '<img src=x onerror="window.__xss=1;alert(2)">'
HOSTILE_QUOTE = "</script><script>window.__xss=3;alert(3)</script>"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("browser")
    subs = root / "subs"
    runpy.run_path(str(ROOT / "bench" / "make_corpus"))["write_corpus"](30, subs / "generated", seed=5, broken=0.1)
    for case in ("violating/eligibility-legal-status.yaml", "violating/referral-missing.yaml",
                 "compliant/asylum-reception-centre.yaml", "violating/needs-assessment-no-vulnerabilities.yaml",
                 "narrative/ar-maawa-iqama-sariya.md"):
        shutil.copy(ROOT / "cases" / case, subs / Path(case).name)
    (subs / "portugues.md").write_text(
        "# Apoio a migrantes\n\n## Elegibilidade\nA assistência é reservada às pessoas com autorização de residência "
        "válida.\n\n## Dados\nAs listas de beneficiários serão enviadas todas as semanas à polícia de imigração.\n",
        encoding="utf-8")
    (subs / "hostile.md").write_text(
        f"---\nid: hostile\ntitle: {json.dumps(HOSTILE_TITLE)}\norganisation: {json.dumps(HOSTILE_ORG)}\n---\n"
        f"## Eligibility\n\nOnly migrants holding a valid residence status may enrol {HOSTILE_QUOTE}.\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(subs), "-o", str(root / "report.html"),
                                       "-o", str(root / "report.json")], catch_exceptions=False)
    assert result.exit_code == 2, result.stderr  # the generated corpus has broken files
    return root / "report.html", json.loads((root / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched(sync_api)


@pytest.fixture()
def page(browser: Any, audited: tuple[Path, dict[str, Any]]) -> Iterator[Any]:
    page = browser.new_page()
    page.problems = []  # console errors, page errors, dialogs, requests other than the file itself
    page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    url = audited[0].as_uri()
    page.on("request", lambda r: page.problems.append(f"request: {r.url}") if r.url != url else None)
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    yield page
    page.close()


def active(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f.get("waived") is None]


def matching(page: Any) -> int:
    return int(page.get_attribute("#shown-count", "data-matching"))


def test_opens_without_errors_blocked_resources_or_requests(page: Any) -> None:
    assert page.title() == "policy-check audit report"
    assert page.problems == []
    # the stylesheet was allowed by the CSP (its hash matched): a violation badge is red
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize") != ""
    assert page.evaluate("getComputedStyle(document.querySelector('.cards')).display") == "flex"


def test_summary_numbers_match_the_json_report(page: Any, audited: tuple[Path, dict[str, Any]]) -> None:
    summary = audited[1]["summary"]
    for key in ("documents", "violation", "warning", "advice", "waived", "errors"):
        assert page.text_content(f"[data-summary={key}] dd") == str(summary[key]), key
    docs = audited[1]["documents"]
    row = page.locator("#principle-rows tr[data-principle='1'] td")
    p1 = [f for d in docs for f in active(d) if f["principle"] == 1]
    assert row.nth(2).text_content() == str(sum(f["severity"] == "violation" for f in p1))
    assert row.nth(3).text_content() == str(sum(f["severity"] == "warning" for f in p1))
    failing = sum(1 for d in docs if any(f["principle"] == 1 and f["severity"] == "violation" for f in active(d)))
    assert row.nth(5).text_content() == str(failing)
    # the average score is the mean of the page's own verdicts, scored with the scoring the page carries
    data = json.loads(page.text_content("#policy-check-data"))
    points = data["meta"]["scoring"]
    scored = [points[d["verdicts"][0]] for d in data["documents"] if d["verdicts"][0] in points]
    assert abs(float(row.nth(8).text_content()) - sum(scored) / len(scored)) <= 0.05
    assert matching(page) == len(docs)
    assert page.locator("#matrix-rows tr.doc-row").count() == len(docs)


def test_filters(page: Any, audited: tuple[Path, dict[str, Any]]) -> None:
    docs = audited[1]["documents"]
    page.select_option("#f-severity", "violation")
    with_violation = [d for d in docs if any(f["severity"] == "violation" for f in active(d))]
    assert 0 < matching(page) == len(with_violation) < len(docs)
    shown = page.locator("#matrix-rows tr.doc-row").evaluate_all("rows => rows.map(r => r.dataset.path)")
    assert shown == sorted(d["path"] for d in with_violation)
    page.select_option("#f-severity", "warning")
    page.select_option("#f-principle", "1")
    assert matching(page) == sum(1 for d in docs if any(f["severity"] == "warning" and f["principle"] == 1
                                                        for f in active(d)))
    page.select_option("#f-severity", "error")
    page.select_option("#f-principle", "*")
    assert matching(page) == sum(1 for d in docs if d["error"]) > 0
    page.select_option("#f-severity", "*")
    organisation = next(d["organisation"] for d in docs if d["organisation"] and not d["error"])
    page.select_option("#f-org", organisation)
    assert matching(page) == sum(1 for d in docs if d["organisation"] == organisation)
    page.select_option("#f-org", "*")
    page.fill("#f-text", "hostile")
    assert matching(page) == 1


def test_sorting_by_score(page: Any, audited: tuple[Path, dict[str, Any]]) -> None:
    page.click("#matrix-head th[data-sort=score] button")
    assert page.get_attribute("#matrix-head th[data-sort=score]", "aria-sort") == "ascending"
    scores = page.locator("#matrix-rows td.score").evaluate_all("cells => cells.map(c => c.textContent)")
    numbers = [float(s) for s in scores if s]
    # submissions without a score (not read, or not readable) come last whichever the direction
    assert scores[:len(numbers)] == [s for s in scores if s] and numbers == sorted(numbers)
    assert len(numbers) < len(scores)
    page.click("#matrix-head th[data-sort=score] button")
    scores = page.locator("#matrix-rows td.score").evaluate_all("cells => cells.map(c => c.textContent)")
    assert [float(s) for s in scores[:len(numbers)]] == sorted(numbers, reverse=True)
    assert not any(scores[len(numbers):])


def test_findings_show_their_quote_and_remediation(page: Any, audited: tuple[Path, dict[str, Any]]) -> None:
    doc = next(d for d in audited[1]["documents"] if d["path"].endswith("eligibility-legal-status.yaml"))
    row = page.locator(f"#matrix-rows tr.doc-row[data-path='{doc['path']}']")
    row.locator("button.toggle").click()
    details = page.locator("#matrix-rows tr.details")
    finding = doc["findings"][0]
    box = details.locator(f".finding[data-rule='{finding['rule']}']")
    assert box.locator(".remediation").text_content() == finding["remediation"]
    quotes = [e["quote"] for e in finding["evidence"] if e["quote"]]
    assert box.locator("q.quote").all_text_contents() == quotes


def test_nothing_from_a_submission_runs(page: Any, audited: tuple[Path, dict[str, Any]]) -> None:
    page.fill("#f-text", "hostile")
    row = page.locator("#matrix-rows tr.doc-row")
    assert row.locator(".doc-title").text_content() == HOSTILE_TITLE
    assert row.locator("td.org").text_content() == HOSTILE_ORG
    row.locator("button.toggle").click()
    quotes = page.locator("#matrix-rows tr.details q.quote").all_text_contents()
    # Markdown tags are markup, not text a reader sees: the quote keeps the words between them
    assert any("window.__xss=3;alert(3)" in q for q in quotes)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#matrix img").count() == 0 and page.locator("body script").count() == 2
    assert page.problems == []


def test_arabic_titles_and_quotes_run_right_to_left(page: Any, audited: tuple[Path, dict[str, Any]]) -> None:
    """Text from an Arabic draft takes its own direction (dir="auto"); the English around it does not move."""
    doc = next(d for d in audited[1]["documents"] if d["path"].endswith("ar-maawa-iqama-sariya.md"))
    row = page.locator(f"#matrix-rows tr.doc-row[data-path='{doc['path']}']")
    assert row.locator(".doc-title").evaluate("e => e.matches(':dir(rtl)')")
    row.locator("button.toggle").click()
    quote = page.locator("#matrix-rows tr.details q.quote").first
    assert quote.evaluate("e => e.matches(':dir(rtl)')")
    label = page.locator("#matrix-rows tr.details .evidence .path").first
    assert label.evaluate("e => e.matches(':dir(ltr)')")
    assert page.problems == []


def test_a_draft_not_read_is_marked_in_its_row_and_never_ranked_above_a_checked_one(
        page: Any, audited: tuple[Path, dict[str, Any]]) -> None:
    doc = next(d for d in audited[1]["documents"] if d["path"].endswith("portugues.md"))
    assert doc["status"] == "not_checked"
    row = page.locator(f"#matrix-rows tr.doc-row[data-path='{doc['path']}']")
    assert row.locator(".unread-badge").text_content() == "Not checked"
    assert row.locator("td.v.not-checked").count() == 10 - row.locator("td.v.n-a").count()
    assert row.locator("td.score").text_content() == ""
    assert page.locator("[data-summary=not_checked] dd").text_content() == "1"
    for _ in range(2):  # both directions
        page.click("#matrix-head th[data-sort=score] button")
        paths = page.locator("#matrix-rows tr.doc-row").evaluate_all("rows => rows.map(r => r.dataset.path)")
        scored = [d["path"] for d in audited[1]["documents"] if d["status"] == "ok"]
        assert paths.index(doc["path"]) > max(paths.index(p) for p in scored if p in paths)
