"""The register on three review rounds of cases/ drafts (tests/registerkit.py says what changes between
them): every query checked against answers worked out by hand, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.registerkit import A, B, BACKENDS, C, D, E, P, build_rounds, invoke, new_register


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("rounds")
    return folder, build_rounds(folder)


@pytest.fixture(scope="module", params=BACKENDS)
def db(request: pytest.FixtureRequest, rounds: tuple[Path, list[Path]],
       tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder, reports = rounds
    for url in new_register(request.param, tmp_path_factory.mktemp("db")):
        for number, report in enumerate(reports, start=1):
            result = invoke("register", "record", str(report), "--round", f"r{number}", "--places", "places.yaml",
                            "--db", url, cwd=folder)
            assert result.exit_code == 0, result.output
        yield url


def ask(db: str, *args: str) -> dict[str, Any]:
    result = invoke("register", *args, "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def rows(db: str, *args: str, columns: tuple[str, ...]) -> list[tuple]:
    return [tuple(row[c] for c in columns) for row in ask(db, *args)["rows"]]


def test_recording_says_what_changed_since_the_previous_round(rounds, tmp_path) -> None:
    folder, reports = rounds
    url = str(tmp_path / "r.sqlite")
    first = invoke("register", "record", str(reports[0]), "--round", "r1", "--db", url, cwd=folder)
    second = invoke("register", "record", str(reports[1]), "--round", "r2", "--db", url, cwd=folder)
    assert first.stdout == "recorded round r1 (round 1): 5 submissions\n"
    assert second.stdout == ("recorded round r2 (round 2): 5 submissions; since round r1: 4 resubmitted, 1 not in "
                             "round r1, 1 not resubmitted; findings 1 fixed, 1 new, 7 persisting\n")


def test_rounds(db) -> None:
    assert rows(db, "rounds", columns=("round", "position", "submissions", "first_submitted", "resubmitted",
                                       "failing", "mean_score")) == [
        # scores: a failed principle 0, one needing review 50, the others 100, over the ten principles
        ("r1", 1, 5, 5, 0, 3, 90.0),   # A 90, B 80, C 100, P 85, D 95
        ("r2", 2, 5, 1, 4, 4, 88.0),   # A 100, B 80, C 90, E 85, P 85
        ("r3", 3, 6, 0, 6, 3, 90.0),   # A 100, B 80, C 90, E 85, P 90, D 95
    ]


def test_principles_failed_per_round(db) -> None:
    assert rows(db, "failing", "--by", "principle", "--per", "round",
                columns=("round", "principle", "failed", "submissions", "percent")) == [
        ("r1", 1, 3, 5, 60.0), ("r1", 5, 1, 5, 20.0),                          # A B P; B
        ("r2", 1, 3, 5, 60.0), ("r2", 5, 1, 5, 20.0), ("r2", 7, 1, 5, 20.0),   # B C P; B; E
        ("r3", 1, 2, 6, 33.3), ("r3", 5, 1, 6, 16.7), ("r3", 7, 1, 6, 16.7),   # B C; B; E
    ]


def test_principles_failed_over_all_rounds(db) -> None:
    assert rows(db, "failing", columns=("all", "principle", "failed", "submissions", "percent")) == [
        ("all", 1, 8, 16, 50.0), ("all", 5, 3, 16, 18.8), ("all", 7, 2, 16, 12.5)]


def test_articles_failed_per_country(db) -> None:
    # B's three violations all cite 1.2: it counts once per submission
    assert rows(db, "failing", "--by", "article", "--per", "country",
                columns=("country", "article", "failed", "submissions", "percent")) == [
        ("Dalvania", "1.2", 1, 3, 33.3),   # (nationality exclusion cites 1.2 alone)
        ("Italy", "1.2", 2, 3, 66.7),
        ("Ostria", "1.2", 2, 3, 66.7), ("Ostria", "1.3", 2, 3, 66.7),   # country from --places
        ("Sahelia", "7.5", 2, 2, 100.0),
        ("Vestria", "1.2", 3, 3, 100.0),
    ]


def test_principles_with_warnings_per_region_in_one_round(db) -> None:
    assert rows(db, "failing", "--per", "region", "--severity", "warning", "--round", "r3",
                columns=("region", "principle", "failed", "submissions", "percent")) == [
        ("Africa", 7, 1, 1, 100.0), ("Africa", 10, 1, 1, 100.0),
        ("Americas", 1, 1, 1, 100.0),
        ("Europe", 1, 3, 4, 75.0), ("Europe", 2, 1, 4, 25.0), ("Europe", 5, 1, 4, 25.0),
    ]


def test_principles_failed_per_organisation(db) -> None:
    assert rows(db, "failing", "--per", "organisation", "--round", "r2",
                columns=("organisation", "principle", "failed", "submissions")) == [
        ("Italian Red Cross", 1, 1, 1), ("Ostria Red Cross", 1, 1, 1), ("Red Crescent Society of Sahelia", 7, 1, 1),
        ("Vestria Red Cross", 1, 1, 1), ("Vestria Red Cross", 5, 1, 1)]


PERSISTENT = [
    (P, "migrants-not-consulted", 3, "r1"), (P, "needs-assessment-missing", 3, "r1"), (P, "referral-missing", 3, "r1"),
    (B, "aid-conditional-on-cooperation", 3, "r1"), (B, "contradiction-data-to-enforcement", 3, "r1"),
    # (B's data-shared-with-enforcement is said in full by contradiction-data-to-enforcement, which replaces it)
    (B, "contradiction-personal-data-shared", 3, "r1"),
    (C, "eligibility-nationality", 2, "r2"),
    (E, "deterrence-campaign", 2, "r2"), (E, "origin-work-aimed-at-stopping-migration", 2, "r2"),
    (D, "referral-missing", 2, "r1"),  # r1 and r3: two submissions in a row, though not two rounds
]


def test_persistent_findings(db) -> None:
    answer = ask(db, "persistent")
    assert [(r["programme"], r["rule"], r["submissions_in_a_row"], r["since"]) for r in answer["rows"]] == PERSISTENT
    assert answer["summary"] == {"programmes": 5, "findings": 10}
    assert {r["latest_round"] for r in answer["rows"]} == {"r3"}
    assert rows(db, "persistent", "--min-rounds", "3", columns=("programme", "rule", "submissions_in_a_row", "since")) \
        == PERSISTENT[:6]


def test_diff_of_two_rounds(db) -> None:
    answer = ask(db, "diff", "r1", "r2")
    assert answer["summary"] == {"programmes_in_both": 4, "only_in_first": 1, "only_in_second": 1,
                                 "fixed": 1, "new": 1, "persisting": 7}
    assert [(r["programme"], r["change"], r["rule"]) for r in answer["rows"]] == [
        (A, "fixed", "eligibility-nationality"), (C, "new", "eligibility-nationality"),
        (P, "persisting", "eligibility-documents"), (P, "persisting", "migrants-not-consulted"),
        (P, "persisting", "needs-assessment-missing"), (P, "persisting", "referral-missing"),
        (B, "persisting", "aid-conditional-on-cooperation"), (B, "persisting", "contradiction-data-to-enforcement"),
        (B, "persisting", "contradiction-personal-data-shared"),
        (D, "only in first round", ""), (E, "only in second round", "")]
    later = ask(db, "diff", "r2", "r3")
    assert later["summary"] == {"programmes_in_both": 5, "only_in_first": 0, "only_in_second": 1,
                                "fixed": 1, "new": 0, "persisting": 9}
    assert [(r["programme"], r["change"], r["rule"]) for r in later["rows"] if r["change"] != "persisting"] == [
        (P, "fixed", "eligibility-documents"), (D, "only in second round", "")]


def test_everything_about_one_programme(db) -> None:
    answer = ask(db, "programme", "Food parcels for families in transit")  # no id: found by its title
    assert [(s["round"], s["country"], s["region"], s["language"], s["verdict"], s["score"])
            for s in answer["summary"]["submissions"]] == [
        ("r1", "Ostria", "Europe", "en", "fail", 85.0), ("r2", "Ostria", "Europe", "en", "fail", 85.0),
        ("r3", "Ostria", "Europe", "en", "needs review", 90.0)]
    assert answer["summary"]["submissions"][0]["principles"]["1"] == "fail"
    assert answer["summary"]["submissions"][0]["principles"]["2"] == "needs review"
    assert [(r["round"], r["change"], r["rule"], r["articles"]) for r in answer["rows"]] == [
        ("r1", "new", "eligibility-documents", "1.2 1.3"), ("r1", "new", "needs-assessment-missing", "1.1"),
        ("r1", "new", "referral-missing", "1.3"), ("r1", "new", "migrants-not-consulted", ""),
        ("r2", "persisting", "eligibility-documents", "1.2 1.3"), ("r2", "persisting", "needs-assessment-missing", "1.1"),
        ("r2", "persisting", "referral-missing", "1.3"), ("r2", "persisting", "migrants-not-consulted", ""),
        ("r3", "persisting", "needs-assessment-missing", "1.1"), ("r3", "persisting", "referral-missing", "1.3"),
        ("r3", "persisting", "migrants-not-consulted", ""), ("r3", "fixed", "eligibility-documents", ""),
    ]
    fixed = ask(db, "programme", A)
    assert [(r["round"], r["change"], r["rule"], r["line"]) for r in fixed["rows"]] == [
        ("r1", "new", "eligibility-nationality", 19), ("r2", "fixed", "eligibility-nationality", None)]
    assert [s["round"] for s in ask(db, "programme", D)["summary"]["submissions"]] == ["r1", "r3"]


def test_text_and_csv_answers(db) -> None:
    text = invoke("register", "failing", "--per", "round", "--db", db).stdout
    assert text.splitlines()[:4] == [
        "Principles failed (a violation, not waived) per round over all rounds", "",
        "round  principle  failed  submissions  percent", "r1     1          3       5            60.0"]
    table = list(csv.reader(io.StringIO(invoke("register", "diff", "r1", "r2", "--format", "csv", "--db", db).stdout)))
    assert table[0] == ["programme", "change", "rule", "principle", "severity", "line"]
    assert table[1] == [A, "fixed", "eligibility-nationality", "1", "violation", "19"]
    assert len(table) == 12  # header, fixed, new and the seven persisting


def test_answers_are_the_same_bytes_every_time(db) -> None:
    for args in (("persistent",), ("diff", "r1", "r3"), ("failing", "--by", "article", "--per", "region")):
        first = invoke("register", *args, "--db", db).stdout
        assert invoke("register", *args, "--db", db).stdout == first


def test_page_of_the_register(db, tmp_path) -> None:
    page = tmp_path / "register.html"
    assert invoke("register", "html", "-o", str(page), "--db", db).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.count('<g class="series ') == 10 and html.count('<polyline ') == 10
    assert html.count('<g class="cell" ') == 6 * 10  # six countries (latest submissions) by ten principles
    # Italy's latest submission (r3) fails principle 1; Dalvania's (fixed in r2) fails nothing
    assert 'data-country="Italy" data-principle="1"><rect' in html
    assert "<title>Italy, principle 1: 100.0% of 1 programme(s)</title>" in html
    assert "<title>Dalvania, principle 1: 0.0% of 1 programme(s)</title>" in html
    assert "Principle 1 (Focus on the needs and vulnerabilities of migrants), round r3: 33.3%" in html
    second = tmp_path / "again.html"
    invoke("register", "html", "-o", str(second), "--db", db)
    assert second.read_bytes() == page.read_bytes()
