"""Waivers written in a programme or in a reviewers' central file; expired or unjustified ones are findings."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from policy_engine.reading.documents import load_document
from policy_engine.errors import InputError
from policy_engine.findings.waivers import WaiverPolicy, load_waiver_file
from policy_engine.model import Location
from tests.rulekit import ALIASED_RULE, invoke, rule_file, rule_folder

PROGRAMME = """\
id: prog-1
title: Test programme
eligibility:
  nationalities_only: [Syrian]
needs_assessment: {done: true, covers_vulnerabilities: true}
referral: {pathways: [{need: legal advice, to: legal clinic}]}
participation: {migrants_consulted: true, migrant_volunteers: true}
"""
WAIVER = """\
waivers:
  - rule: eligibility-nationality
    justification: Resettlement programme for a caseload named by the government.
    approved_by: Head of protection
    expires: 2025-12-31
"""
JUNE = datetime.date(2025, 6, 1)


def programme(tmp_path: Path, waivers: str = WAIVER, name: str = "prog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(PROGRAMME + waivers, encoding="utf-8")
    return path


def check(checker, path: Path, **policy):
    return checker.check(load_document(path), WaiverPolicy(**policy))


def test_a_valid_waiver_marks_the_finding_waived_with_its_justification(checker, tmp_path) -> None:
    result = check(checker, programme(tmp_path), today=JUNE)
    assert [(f.rule, f.waived) for f in result.findings] == [
        ("eligibility-nationality", "Resettlement programme for a caseload named by the government. "
                                    "(approved by Head of protection; until 2025-12-31)")]


def test_a_waiver_is_valid_up_to_and_including_its_expiry_date(checker, tmp_path) -> None:
    last_day = check(checker, programme(tmp_path), today=datetime.date(2025, 12, 31))
    assert [f.rule for f in last_day.findings if f.waived] == ["eligibility-nationality"]


def test_an_expired_waiver_is_a_finding_and_the_finding_is_back(checker, tmp_path) -> None:
    result = check(checker, programme(tmp_path), today=datetime.date(2026, 1, 1))
    assert [(f.rule, f.severity, f.waived) for f in result.findings] == [
        ("eligibility-nationality", "violation", None), ("waiver-expired", "warning", None)]
    expired = result.findings[1]
    assert expired.title == "The waiver of 'eligibility-nationality' does not apply: it expired on 2025-12-31"
    assert [e.to_dict() for e in expired.evidence] == [
        {"field": "waivers[0]", "line": 9, "column": 5, "quote": "rule: eligibility-nationality; expires: 2025-12-31"}]
    assert expired.location == Location(9, 5, "waivers[0]")  # the waiver's entry in the draft
    assert (expired.principle, expired.articles) == (1, ("1.2",))  # the waived rule's


@pytest.mark.parametrize("waiver,code,title", [
    ("waivers:\n  - rule: eligibility-nationality\n    approved_by: X\n", "waiver-unjustified",
     "The waiver of 'eligibility-nationality' does not apply: it gives no justification"),
    ("waivers:\n  - rule: eligibility-nationality\n    justification: '  '\n", "waiver-unjustified",
     "The waiver of 'eligibility-nationality' does not apply: it gives no justification"),
    ("waivers:\n  - rule: eligibility-nationality\n    justification: ok\n    expires: end of year\n",
     "waiver-invalid",
     "The waiver of 'eligibility-nationality' does not apply: its expiry date 'end of year' is not a date "
     "(YYYY-MM-DD)"),
])
def test_a_waiver_that_cannot_apply_is_a_finding(checker, tmp_path, waiver: str, code: str, title: str) -> None:
    result = check(checker, programme(tmp_path, waiver), today=JUNE)
    assert [(f.rule, f.waived) for f in result.findings] == [("eligibility-nationality", None), (code, None)]
    assert result.findings[1].title == title


def test_unknown_and_unused_waivers_are_noted(checker, tmp_path) -> None:
    waivers = ("waivers:\n  - rule: eligibility-nationalty\n    justification: typo\n"
               "  - rule: referral-missing\n    justification: not needed\n")
    path = programme(tmp_path, waivers)
    result = check(checker, path, today=JUNE)
    assert [(f.rule, f.waived) for f in result.findings] == [("eligibility-nationality", None)]
    assert result.warnings == [
        f"{path}: waivers[0]: waiver names no rule of the rule set: 'eligibility-nationalty'; did you mean "
        "'eligibility-nationality'?",
        f"{path}: waivers[1]: waiver for 'referral-missing' matches no finding; remove it if it is no longer needed",
    ]


def test_inline_waivers_can_be_refused(checker, tmp_path) -> None:
    path = programme(tmp_path)
    result = check(checker, path, today=JUNE, inline=False)
    assert [(f.rule, f.waived) for f in result.findings] == [("eligibility-nationality", None)]
    assert result.warnings == [f"{path}: 1 waiver(s) written in the file were not applied (inline waivers are "
                               "refused for this check)"]


def test_a_former_rule_id_still_waives(tmp_path) -> None:
    from policy_engine.evaluation.checker import Checker
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(ALIASED_RULE)})
    path = tmp_path / "p.yaml"
    path.write_text("id: p\nparticipation: {migrants_consulted: false}\n"
                    "waivers: [{rule: old-feedback-id, justification: pilot phase}]\n")
    result = Checker.from_directory(rules).check(load_document(path), WaiverPolicy(today=JUNE))
    assert [(f.rule, f.waived) for f in result.findings] == [("no-feedback-channel", "pilot phase")]


# ---- central waiver file ------------------------------------------------------------------------

CENTRAL = """\
waivers:
  - document: prog.yaml
    rule: eligibility-nationality
    justification: Agreed at the March review.
    approved_by: Review panel
    expires: 2025-09-30
  - document: "other-*.yaml"
    rule: eligibility-nationality
    justification: Pilot in the other region.
"""


def test_a_central_waiver_is_bound_to_files_not_to_a_declared_id(checker, tmp_path) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(CENTRAL.replace("document: prog.yaml", "document: prog-1"))
    impostor = tmp_path / "impostor.yaml"
    impostor.write_text(PROGRAMME)  # declares id prog-1 too
    result = check(checker, impostor, central=tuple(load_waiver_file(central)), today=JUNE)
    assert [f.waived for f in result.findings] == [None]
    assert any("bound to files" in note for note in result.warnings)


def test_central_waivers_match_by_path_or_glob(checker, tmp_path) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(CENTRAL)
    waivers = tuple(load_waiver_file(central))
    by_id = check(checker, programme(tmp_path, ""), central=waivers, today=JUNE)
    assert [f.waived for f in by_id.findings] == ["Agreed at the March review. (approved by Review panel; "
                                                  "until 2025-09-30)"]
    other = tmp_path / "other-2.yaml"
    other.write_text(PROGRAMME.replace("id: prog-1", "id: prog-2"))
    assert [f.waived for f in check(checker, other, central=waivers, today=JUNE).findings] == [
        "Pilot in the other region."]
    third = tmp_path / "third.yaml"
    third.write_text(PROGRAMME.replace("id: prog-1", "id: prog-3"))
    assert [f.waived for f in check(checker, third, central=waivers, today=JUNE).findings] == [None]


def test_an_expired_central_waiver_points_at_the_central_file(checker, tmp_path) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(CENTRAL)
    result = check(checker, programme(tmp_path, ""), central=tuple(load_waiver_file(central)),
                   today=datetime.date(2025, 10, 1))
    expired = [f for f in result.findings if f.rule == "waiver-expired"]
    assert [e.to_dict() for e in expired[0].evidence] == [
        {"field": f"{central}:2 waivers[0]", "line": None, "column": None,
         "quote": "rule: eligibility-nationality; expires: 2025-09-30"}]
    assert expired[0].location == Location(None, None, f"{central}:2 waivers[0]")  # not in the draft


def test_central_waivers_apply_even_when_inline_ones_are_refused(checker, tmp_path) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(CENTRAL)
    result = check(checker, programme(tmp_path), central=tuple(load_waiver_file(central)), inline=False, today=JUNE)
    assert [f.waived for f in result.findings] == ["Agreed at the March review. (approved by Review panel; "
                                                   "until 2025-09-30)"]


@pytest.mark.parametrize("text,message,line", [
    ("waivers:\n  - rule: x\n    justification: y\n", "not a waiver file: at 'waivers[0]': 'document' is a "
     "required property", 2),
    ("waivers:\n  - document: p\n    rule: x\n    reason: y\n", "not a waiver file: at 'waivers[0]': Additional "
     "properties are not allowed ('reason' was unexpected)", 2),
    ("- rule: x\n", "not a waiver file: at '(top)': [{'rule': 'x'}] is not of type 'object'", 1),
])
def test_a_bad_central_file_is_refused_with_its_line(tmp_path, text: str, message: str, line: int) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(text)
    with pytest.raises(InputError) as info:
        load_waiver_file(central)
    assert (info.value.message.split(" (expected")[0], info.value.line) == (message, line)


# ---- through the CLI ----------------------------------------------------------------------------

def test_cli_waived_finding_does_not_fail_and_is_reported(tmp_path) -> None:
    path = programme(tmp_path)
    result = invoke("check", "--today", "2025-06-01", str(path))
    assert result.exit_code == 0
    assert "    ✖ violation eligibility-nationality  (Art. 1.2)  [waived]" in result.stdout
    assert result.stdout.rstrip().endswith("Summary: 1 document, 0 violations, 0 warnings, 0 advice, 1 waived, "
                                           "0 errors")
    report = json.loads(invoke("check", "--today", "2025-06-01", "--format", "json", str(path)).stdout)
    assert report["documents"][0]["findings"][0]["waived"].startswith("Resettlement programme")


def test_cli_expired_or_refused_waivers_fail(tmp_path) -> None:
    path = programme(tmp_path)
    expired = invoke("check", "--today", "2026-01-01", "--format", "line", str(path))
    assert (expired.exit_code, expired.stdout.splitlines()) == (1, [
        f"{path}:4:24: [violation] Eligibility excludes people by nationality (eligibility-nationality)",
        f"{path}:9:5: [warning] The waiver of 'eligibility-nationality' does not apply: it expired on 2025-12-31 "
        "(waiver-expired)"])
    refused = invoke("check", "--today", "2025-06-01", "--ignore-inline-waivers", str(path))
    assert refused.exit_code == 1
    assert "note: " + f"{path}: 1 waiver(s) written in the file were not applied" in refused.stdout


def test_cli_central_waiver_file(tmp_path) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(CENTRAL)
    result = invoke("check", "--today", "2025-06-01", "--waivers", str(central), "--ignore-inline-waivers",
                    str(programme(tmp_path)))
    assert result.exit_code == 0
    assert "Agreed at the March review." in result.stdout
