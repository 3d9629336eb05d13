"""Where quoted words start on a line of their source file: the columns of findings."""

from __future__ import annotations

import json

import docx
import pytest

from policy_engine.reading.columns import column
from policy_engine.reading.documents import load_document, parse_document

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


# ---- every output uses it -------------------------------------------------------------------------------

def test_reports_point_at_the_location_and_read_reports_without_one(checker) -> None:
    from policy_engine.reports import build_report, render
    from tests.conftest import ROOT

    path = str(ROOT / "cases/violating/eligibility-documents.yaml")
    report = build_report([checker.check_path(path)], checker.rule_set)
    [finding] = report["documents"][0]["findings"]
    finding.pop("location", None)  # as written before findings had one: the first evidence's line
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
    from policy_engine.reports import build_report, render
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
