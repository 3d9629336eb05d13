"""The register's page in a real browser (Debian's headless Chromium driven by Playwright): it opens
with no console error and no request, both charts are drawn at a visible size, and hostile names
stay text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.browserkit import launched, playwright_or_skip
from tests.registerkit import build_rounds, invoke

pytestmark = pytest.mark.slow  # a real browser

sync_api = playwright_or_skip("the register page's browser tests")


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("register-page")
    reports = build_rounds(folder)
    db = str(folder / "register.sqlite")
    (folder / "places.yaml").write_text((folder / "places.yaml").read_text(encoding="utf-8").replace(
        "  Ostria: Europe\n", "  Ostria: Europe\n  \"<img src=x onerror=alert(1)>\": Nowhere\n"), encoding="utf-8")
    hostile = json.loads(reports[2].read_text(encoding="utf-8"))
    for doc in hostile["documents"]:
        if doc["path"].endswith("food-parcels.md"):
            doc["organisation"] = "<script>alert(2)</script>"
    (folder / "hostile.json").write_text(json.dumps(hostile), encoding="utf-8")
    (folder / "places.yaml").write_text((folder / "places.yaml").read_text(encoding="utf-8").replace(
        "organisations:\n", "organisations:\n  \"<script>alert(2)</script>\": \"<img src=x onerror=alert(1)>\"\n"),
        encoding="utf-8")
    for number, report in enumerate([*reports[:2], folder / "hostile.json"], start=1):
        result = invoke("register", "record", str(report), "--round", f"r{number}", "--places", "places.yaml",
                        "--db", db, cwd=folder)
        assert result.exit_code == 0, result.output
    out = folder / "register.html"
    assert invoke("register", "html", "-o", str(out), "--db", db).exit_code == 0
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched(sync_api)


@pytest.fixture()
def page(browser: Any, page_file: Path) -> Iterator[Any]:
    page = browser.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    url = page_file.as_uri()
    page.on("request", lambda r: page.problems.append(f"request: {r.url}") if r.url != url else None)
    page.goto(url)
    page.wait_for_load_state("load")
    yield page
    page.close()


def test_page_opens_cleanly(page: Any) -> None:
    assert page.title() == "policy-check register"
    assert page.problems == []


def test_trend_chart_is_drawn(page: Any) -> None:
    box = page.locator("svg#trend").bounding_box()
    assert box["width"] > 300 and box["height"] > 150
    assert page.locator("svg#trend polyline").count() == 10
    assert page.locator("svg#trend circle").count() == 30  # ten principles by three rounds
    # principle 1 failed in 3 of 5, 3 of 5, then 2 of 6 submissions: its line falls in the third round
    ys = page.eval_on_selector_all("svg#trend g[data-principle='1'] circle",
                                   "els => els.map(e => e.getBoundingClientRect().y)")
    assert ys[0] == ys[1] < ys[2]
    assert page.locator("svg#trend polyline").first.evaluate("e => getComputedStyle(e).stroke") != "none"


def test_heat_map_is_drawn(page: Any) -> None:
    box = page.locator("svg#heat").bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    cells = page.locator("svg#heat g.cell")
    assert cells.count() == 7 * 10  # six countries and the hostile one
    italy = page.locator("svg#heat g.cell[data-country='Italy'][data-principle='1'] rect")
    dalvania = page.locator("svg#heat g.cell[data-country='Dalvania'][data-principle='1'] rect")
    assert italy.get_attribute("fill") != dalvania.get_attribute("fill") == "#ffffff"
    assert italy.is_visible()


def test_hostile_names_stay_text(page: Any) -> None:
    assert page.evaluate("document.querySelectorAll('img, script').length") == 0
    assert "<img src=x onerror=alert(1)>" in page.locator("#heat-table").inner_text()
    assert page.problems == []
