"""Where a finding points: the sentence or field at fault, with its line and column (docs/internals.md,
"Where a finding points"), in every output; and what it does not change (baselines, the register)."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from policy_engine.model import Location
from policy_engine.reading.columns import column
from policy_engine.reading.documents import load_document, parse_document
from policy_engine.reports import build_report, render
from tests.conftest import write
from tests.rulekit import invoke
from tests.test_engine import make_checker

# ---- the column of quoted words on a line ---------------------------------------------------------

EMOJI = "\N{ROCKET}"  # outside the Basic Multilingual Plane: 1 code point, 2 UTF-16 units, 4 UTF-8 bytes


@pytest.mark.parametrize("line,quote,expected", [
    ("The sessions aim to discourage young people.", "The sessions aim to discourage young people.", 1),
    ("Posters in schools. The sessions aim to discourage young people.", "The sessions aim to discourage young people.",
     21),                                                                   # the second sentence on its line
    ("- **Volunteers** will hand out [leaflets](https://example.org/a) now.",
     "- **Volunteers** will hand out leaflets now.", 5),                    # bullet and bold: the first word
    ("1. Volunteers go to the port.", "1. Volunteers go to the port.", 4),  # a numbered item
    ("See [the ministry's leaflet](https://x.org/l?a=1) on the route.", "See the ministry's leaflet on the route.", 1),
    ("Las familias piden información. La campaña busca desalentar la migración.",
     "La campaña busca desalentar la migración.", 33),
    (f"Première phrase. {EMOJI} Les séances visent à dissuader les jeunes.", "Les séances visent à dissuader les jeunes.",
     20),
    ("They said stay home. Stay home.", "Stay home.", 22),                   # a sentence start wins a tie
    ("    Only registered asylum seekers can enter.", "Only registered asylum seekers can enter.", 5),
    ("pass&shy;port checks are done at the door.", "passport checks are done at the door.", 1),
    ("| 2,500 | migrants |", "Target: 2,500 | Who: migrants", 3),           # a table row read with its header
    ("The sessions continue", "The sessions continue until the end of May.", 1),  # goes on below
    ("Nothing of the kind here.", "The programme will stop people.", None),
    ("", "Anything.", None),
])
def test_column_counts_code_points_from_the_first_word(line: str, quote: str, expected: int | None) -> None:
    assert column(line, quote) == expected


def test_code_points_not_bytes_nor_utf16() -> None:
    line = f"{EMOJI} Las sesiones buscan disuadir a los jóvenes."
    assert column(line, line) == 3
    assert len(f"{EMOJI} ".encode("utf-16-le")) // 2 + 1 == 4 and len(f"{EMOJI} ".encode()) + 1 == 6


def test_a_start_keeps_a_value_apart_from_its_key() -> None:
    assert column("awareness: awareness sessions", "awareness sessions") == 12
    assert column("awareness: awareness", "awareness", start=len("awareness")) == 12


def test_a_document_keeps_its_source_lines_and_the_columns_of_its_fields(tmp_path) -> None:
    doc = parse_document("---\nid: x\ntitle: Shelter\n---\n# Shelter\n\n- Beds.\n", "x.md", ".md")
    assert doc.source[4:7] == ("# Shelter", "", "- Beds.") and doc.columns["title"] == 1
    document = docx.Document()
    document.add_paragraph("Intro.")
    document.add_paragraph("")  # empty: not counted
    document.add_paragraph("\tBeds for 40 people.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Eligibility", "Everyone"
    document.save(tmp_path / "w.docx")
    # in a Word file a line is a paragraph; a table row is read as one ("label: text")
    assert load_document(tmp_path / "w.docx").source == ("Intro.", "\tBeds for 40 people.", "Eligibility: Everyone")


# ---- the place a finding points at, in drafts --------------------------------------------------------

DETERRENCE = "deterrence-campaign"


def located(checker, text: str, name: str, rule: str = DETERRENCE):
    doc = parse_document(text, name, Path(name).suffix)
    [finding] = [f for f in checker.check(doc).findings if f.rule == rule]
    return finding


def place(text: str, line: int, words: str) -> tuple[int, int]:
    """The line and 1-based code point column of words on that line of text."""
    return line, text.split("\n")[line - 1].index(words) + 1


TITLED = """\
---
id: t1
title: Youth awareness campaign in Kossa
---
# Youth awareness campaign in Kossa

## Activities

Volunteers will hold awareness sessions in schools. The sessions aim to discourage young people from leaving the district.
"""


def test_the_finding_points_at_the_offending_sentence_not_the_title(checker) -> None:
    finding = located(checker, TITLED, "t.md")
    assert (finding.location.line, finding.location.column) == place(TITLED, 9, "The sessions") == (9, 53)
    assert finding.location.field == 'section "Activities"'
    first = finding.evidence[0]
    assert (first.line, first.column, first.quote) == (9, 53, "The sessions aim to discourage young people from "
                                                               "leaving the district.")
    # the title (whose words the rule also read) is context, after it, in the order of the draft
    assert [(e.line, e.column, e.field) for e in finding.evidence[1:]] == [(3, 8, "title"),
                                                                          (9, 1, 'section "Activities"')]


@pytest.mark.parametrize("name,text,line,words", [
    ("bullet.md", "---\nid: b\n---\n## Activities\n\n"
                  "- **Key message** for the [radio spots](https://example.org/spots): your future is here.\n",
     6, "Key message"),
    ("es.md", "---\nid: e\nlanguage: es\ntitle: Campaña juvenil\n---\n## Actividades\n\n"
              "Las familias piden información. La campaña busca desalentar la migración irregular de los jóvenes.\n",
     8, "La campaña"),
    ("fr.md", "---\nid: f\nlanguage: fr\ntitle: Campagne des jeunes\n---\n## Activités\n\n"
              f"Première phrase sur les activités. {EMOJI} La campagne vise à dissuader les jeunes de partir.\n",
     8, "La campagne"),
    ("fr.txt", "Campagne des jeunes\n\nACTIVITÉS\n\n"
               f"  Première phrase. {EMOJI} La campagne vise à dissuader les jeunes de partir.\n",
     5, "La campagne"),
    ("literal.yaml", "id: y\nawareness:\n  aims: [inform]\nsummary: |\n    Posters in the market.\n"
                     "    The sessions aim to discourage young people from leaving the district.\n",
     6, "The sessions"),
    ("indented.yaml", "id: y\nawareness:\n  aims: [inform]\nsummary: |\n      Posters. The sessions aim to "
                      "discourage young people from leaving the district.\n",
     5, "The sessions"),
])
def test_the_column_is_where_the_sentence_starts_on_its_line(checker, name: str, text: str, line: int,
                                                             words: str) -> None:
    finding = located(checker, text, name)
    assert (finding.location.line, finding.location.column) == place(text, line, words)


def test_a_sentence_in_a_folded_yaml_scalar_is_found_on_its_own_line(checker) -> None:
    text = ("id: y\nawareness:\n  aims: [inform]\nsummary: >\n  Posters in the market and radio spots\n"
            "  in three languages.\n  The sessions aim to discourage young people from leaving the district.\n"
            "objectives: [Inform]\n")
    finding = located(checker, text, "folded.yaml")
    # the reader puts every sentence of a folded scalar on its first line (5); the location is exact
    assert finding.evidence[0].line == 5 and finding.evidence[0].column is None
    assert (finding.location.line, finding.location.column) == place(text, 7, "The sessions") == (7, 3)


def test_a_word_draft_counts_columns_in_its_paragraph(checker, tmp_path) -> None:
    document = docx.Document()
    document.add_heading("Activities", 1)
    document.add_paragraph(f"Posters in schools. {EMOJI} The sessions aim to discourage young people from leaving "
                           "the district.")
    path = tmp_path / "w.docx"
    document.save(path)
    [finding] = [f for f in checker.check_path(path).findings if f.rule == DETERRENCE]
    assert finding.location == Location(2, 23, 'section "Activities"')  # paragraph 2, after the emoji


def test_a_field_rule_points_at_the_field_and_its_value(tmp_path) -> None:
    checker = make_checker(tmp_path, {"field": "needs_assessment.done", "equals": False})
    finding = located(checker, "id: x\nneeds_assessment:\n  done: false\n", "x.yaml", "r")
    assert finding.location == Location(3, 9, "needs_assessment.done")


@pytest.mark.parametrize("text,expected", [
    ("id: x\nneeds_assessment:\n  done: true\n", Location(2, 1, "needs_assessment.method")),  # where it belongs
    ("id: x\n", Location(None, None, "needs_assessment.method")),                         # nowhere: no line
])
def test_a_missing_field_points_where_it_was_expected(tmp_path, text: str, expected: Location) -> None:
    checker = make_checker(tmp_path, {"field": "needs_assessment.method", "missing": True})
    assert located(checker, text, "x.yaml", "r").location == expected


def test_what_a_section_does_not_say_points_at_that_section(tmp_path) -> None:
    checker = make_checker(tmp_path, {"not": {"prose": {"all": ["referral"], "in": ["referral"], "stance": "any"}}})
    text = "---\nid: x\n---\n# Shelter\n\n## Activities\n\nBeds.\n\n## 4. Referral pathways\n\nTo be decided.\n"
    assert located(checker, text, "x.md", "r").location == Location(10, 7, 'section "4. Referral pathways"')
    # a draft with no such section: no line, and the location says so rather than naming a place
    assert located(checker, "---\nid: x\n---\n# Shelter\n\nBeds.\n", "y.md", "r").location == Location(None)


def test_a_prose_draft_missing_everywhere_has_no_line(checker) -> None:
    finding = located(checker, "# Food parcels\n\nWeekly food parcels are handed out at the church.\n", "n.md",
                      "needs-assessment-missing")
    assert finding.location == Location(None)
    assert finding.evidence[0].missing is not None


# ---- every output uses it -------------------------------------------------------------------------------

@pytest.fixture()
def titled(tmp_path) -> Path:
    return write(tmp_path, "titled.md", TITLED)


def test_line_format_is_path_line_column(titled) -> None:
    out = invoke("check", "--format", "line", "--select", DETERRENCE, str(titled)).stdout
    assert out.splitlines() == [f"{titled}:9:53: [violation] Awareness work aims to stop people from migrating "
                                f"({DETERRENCE})"]


def test_line_format_of_a_finding_with_no_line_names_only_the_file(tmp_path) -> None:
    path = write(tmp_path, "n.md", "# Food parcels\n\nWeekly food parcels are handed out at the church.\n")
    out = invoke("check", "--format", "line", "--select", "needs-assessment-missing", str(path)).stdout
    assert out.splitlines() == [f"{path}: [warning] No assessment of migrants' needs and vulnerabilities "
                                "(needs-assessment-missing)"]


def test_json_has_the_location_beside_the_evidence(titled) -> None:
    report = json.loads(invoke("check", "--format", "json", "--select", DETERRENCE, str(titled)).stdout)
    [finding] = report["documents"][0]["findings"]
    assert finding["location"] == {"line": 9, "column": 53, "field": 'section "Activities"'}
    assert list(finding)[list(finding).index("location") + 1] == "evidence"
    assert finding["evidence"][0] == {"field": 'section "Activities"', "line": 9, "column": 53, "quote":
                                      "The sessions aim to discourage young people from leaving the district."}


def test_sarif_region_and_related_locations(checker, titled) -> None:
    from tests.test_reports_formats import sarif_schema
    import jsonschema

    report = build_report([checker.check_path(titled)], checker.rule_set)
    log = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    [result] = [r for r in log["runs"][0]["results"] if r["ruleId"] == DETERRENCE]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 9, "startColumn": 53}
    related = [r["physicalLocation"]["region"] for r in result["relatedLocations"]]
    assert related == [{"startLine": 3, "startColumn": 8}, {"startLine": 9, "startColumn": 1}]
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"


def test_text_csv_junit_and_html_show_the_column(checker, titled) -> None:
    report = build_report([checker.check_path(titled)], checker.rule_set)
    report["documents"][0]["findings"] = [f for f in report["documents"][0]["findings"] if f["rule"] == DETERRENCE]
    text = render(report, "text")
    assert f'at    {titled}:9:53  section "Activities": "The sessions aim' in text
    assert f"at    {titled}:3:8  title:" in text
    rows = render(report, "csv").splitlines()
    header = rows[0].lstrip("\ufeff").split(",")
    assert header[header.index("line"):header.index("line") + 3] == ["line", "column", "field"]
    assert ',9,53,"section ""Activities""",' in rows[1]
    assert 'at line 9, column 53, section "Activities": "The sessions aim' in render(report, "junit").replace(
        "&quot;", '"')
    html = render(report, "html")
    assert '"line":9,"column":53' in html and "\", column \" + e.column" in html


def test_reports_point_at_the_location_and_read_reports_without_one(checker) -> None:
    from tests.conftest import ROOT

    path = str(ROOT / "cases/violating/eligibility-documents.yaml")
    report = build_report([checker.check_path(path)], checker.rule_set)
    [finding] = report["documents"][0]["findings"]
    finding.pop("location", None)  # as written before findings had one: the first evidence's line
    finding["evidence"] = [{k: v for k, v in e.items() if k != "column"} for e in finding["evidence"]]
    line = f"{path}:20:1: [violation] Eligibility requires identity or residence documents (eligibility-documents)"
    assert render(report, "line").splitlines() == [line]
    finding["location"] = {"line": 20, "column": 7, "field": "eligibility.documents_required[0]"}
    assert render(report, "line").splitlines() == [line.replace(":20:1:", ":20:7:")]
    region = json.loads(render(report, "sarif"))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert region["region"] == {"startLine": 20, "startColumn": 7}
    assert f"at    {path}:20:7  eligibility.documents_required[0]:" in render(report, "text")
    finding["location"] = {"line": None, "column": None, "field": None}  # no place in the draft
    assert render(report, "line").splitlines() == [line.replace(":20:1:", ":")]
    sarif = json.loads(render(report, "sarif"))["runs"][0]["results"][0]
    assert sarif["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}  # code scanning needs a line


def test_the_sarif_fingerprint_does_not_follow_the_order_of_evidence(checker) -> None:
    from tests.conftest import ROOT

    report = build_report([checker.check_path(ROOT / "cases/violating/deterrence-campaign.md")], checker.rule_set)

    def fingerprints() -> list[str]:
        log = json.loads(render(report, "sarif"))
        return [r["partialFingerprints"]["policyCheckFinding/v1"] for r in log["runs"][0]["results"]]

    before = fingerprints()
    for finding in report["documents"][0]["findings"]:
        finding["evidence"].reverse()
        finding["evidence"] = [dict(e, column=3) for e in finding["evidence"]]
    assert fingerprints() == before


# ---- what it does not change ------------------------------------------------------------------------------

def written_before_locations(report: dict) -> dict:
    """The report as policy-check wrote it before findings had a location: no location, no columns,
    what the draft does not say first, then the first five places in the order of the draft, then how
    many more (the place a finding points at was not listed apart)."""
    old = json.loads(json.dumps(report))
    for doc in old["documents"]:
        for finding in doc["findings"]:
            finding.pop("location")
            evidence = [{k: v for k, v in e.items() if k != "column"} for e in finding["evidence"]]
            told = [e for e in evidence if "missing" in e]
            more = [e for e in evidence if e["field"] == "…"]
            places = sorted((e for e in evidence if e not in told and e not in more),
                            key=lambda e: (e["line"] is None, e["line"] or 0, e["field"], e["quote"] or ""))
            total = len(places) + sum(int(e["quote"].split()[1]) for e in more)
            finding["evidence"] = told + places[:5] + (
                [{"field": "…", "line": None, "quote": f"and {total - 5} more place(s) like these"}]
                if total > 5 else [])
    return old


@pytest.mark.parametrize("case", ["cases/violating/deterrence-campaign.md", "cases/violating/deterrence-campaign.yaml",
                                  "cases/narrative/es-campana-desalentar.md", "cases/narrative/community-centre-language.txt"])
def test_a_baseline_written_before_locations_still_matches(checker, case: str, tmp_path, monkeypatch) -> None:
    from policy_engine.findings.baseline import filter_new, load_report
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    report = build_report([checker.check_path(case)], checker.rule_set)
    assert report["documents"][0]["findings"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(written_before_locations(report)), encoding="utf-8")
    baseline = filter_new(report, load_report(old))["baseline"]
    assert (baseline["new"], baseline["resolved"]) == (0, [])


def test_the_fingerprint_does_not_depend_on_columns_or_the_order_of_evidence() -> None:
    from policy_engine.findings.baseline import fingerprint

    evidence = [{"field": "title", "line": 3, "column": 8, "quote": "Youth campaign"},
                {"field": 'section "Activities"', "line": 9, "column": 53, "quote": "The sessions aim to deter."}]
    finding = {"rule": "r", "location": {"line": 9, "column": 53, "field": 'section "Activities"'},
               "evidence": evidence[::-1]}
    before = {"rule": "r", "evidence": [{k: v for k, v in e.items() if k != "column"} for e in evidence]}
    moved = {"rule": "r", "evidence": [dict(e, column=1) for e in evidence]}
    assert fingerprint(finding) == fingerprint(before) == fingerprint(moved)


def test_the_register_records_reports_with_and_without_locations(checker, tmp_path, monkeypatch) -> None:
    import sqlite3

    from tests.conftest import ROOT
    from tests.registerkit import invoke as register

    monkeypatch.chdir(ROOT)
    cases = ["cases/violating/deterrence-campaign.md", "cases/narrative/es-campana-desalentar.md"]
    report = build_report([checker.check_path(case) for case in cases], checker.rule_set)
    recorded = {}
    for name, written in (("now", report), ("before", written_before_locations(report))):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(written), encoding="utf-8")
        database = tmp_path / f"{name}.sqlite"
        result = register("register", "record", str(path), "--round", "r1", "--db", str(database))
        assert result.exit_code == 0, result.output
        with sqlite3.connect(database) as connection:
            recorded[name] = {(path, rule): (line, field, quote) for path, rule, line, field, quote in connection.execute(
                "SELECT s.path, f.rule, f.line, f.field, f.quote FROM findings f JOIN submissions s "
                "ON s.id = f.submission_id")}
    now, before = recorded["now"], recorded["before"]
    assert set(now) == set(before)
    # with a location: where the finding points; before: the first evidence that had a line (the title)
    assert now[cases[0], DETERRENCE][:2] == (53, 'section "Activities"')
    assert before[cases[0], DETERRENCE][:2] == (3, "title")
    assert now[cases[1], "needs-assessment-missing"] == (None, "", None)  # no place in the draft
