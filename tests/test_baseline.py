"""Baselines: only findings that are new since a previous JSON report, robust to edits elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_engine.findings.baseline import filter_new, fingerprint, load_report
from policy_engine.errors import InputError
from policy_engine.reports import build_report
from tests.rulekit import invoke

ROUND_1 = """\
id: prog-7
title: Shelter and food
eligibility:
  nationalities_only: [Syrian]
needs_assessment: {done: true, covers_vulnerabilities: true}
referral: {pathways: [{need: legal advice, to: legal clinic}]}
participation: {migrants_consulted: true, migrant_volunteers: true}
"""
# Round 2: lines added above, a pathway inserted first (list positions shift), and a new problem.
ROUND_2 = """\
id: prog-7
title: Shelter and food
summary: >
  Food parcels and shelter for people arriving in the port town,
  run with the municipality.
eligibility:
  criteria: ["Applicants must show a valid residence permit at registration."]
  nationalities_only: [Syrian]
needs_assessment: {done: true, covers_vulnerabilities: true}
referral: {pathways: [{need: health, to: district clinic}, {need: legal advice, to: legal clinic}]}
participation: {migrants_consulted: true, migrant_volunteers: true}
"""


def report_for(checker, path: Path) -> dict:
    return build_report([checker.check_path(path)], checker.rule_set)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_new_findings_are_told_from_known_ones_and_line_shifts_do_not_matter(checker, tmp_path) -> None:
    before = report_for(checker, write(tmp_path, "round-1.yaml", ROUND_1))
    (tmp_path / "round-1.yaml").unlink()
    after = report_for(checker, write(tmp_path, "round-2.yaml", ROUND_2))  # renamed: matched by id
    assert sorted(f["rule"] for f in after["documents"][0]["findings"]) == ["eligibility-documents",
                                                                            "eligibility-nationality"]
    new = filter_new(after, before, name="round-1.json")
    assert [(f["rule"], f["baseline"]) for f in new["documents"][0]["findings"]] == [
        ("eligibility-documents", "new"), ("eligibility-nationality", "known")]
    assert new["baseline"] == {"file": "round-1.json", "known": 1, "new": 1, "resolved": [],
                               "documents_not_checked_again": []}
    assert (new["summary"]["violation"], new["summary"]["known"], new["summary"]["documents"]) == (1, 1, 1)


def test_fingerprint_ignores_lines_and_list_positions_but_not_the_text() -> None:
    finding = {"rule": "r", "evidence": [{"field": "partners[0].name", "line": 3, "quote": "Border  Police"}]}
    moved = {"rule": "r", "evidence": [{"field": "partners[2].name", "line": 30, "quote": "border police"}]}
    other = {"rule": "r", "evidence": [{"field": "partners[0].name", "line": 3, "quote": "Coast guard"}]}
    assert fingerprint(finding) == fingerprint(moved) != fingerprint(other)


def test_resolved_findings_and_documents_not_checked_again(checker, tmp_path) -> None:
    before = report_for(checker, write(tmp_path, "a.yaml", ROUND_1))
    before["documents"].append({"path": "gone.yaml", "id": "", "findings": []})
    fixed = ROUND_1.replace("  nationalities_only: [Syrian]\n", "  description: Open to all.\n")
    (tmp_path / "a.yaml").unlink()  # renamed to b.yaml
    new = filter_new(report_for(checker, write(tmp_path, "b.yaml", fixed)), before)
    assert new["baseline"]["resolved"] == [{"document": "prog-7", "rule": "eligibility-nationality",
                                            "title": "Eligibility excludes people by nationality"}]
    assert new["baseline"]["documents_not_checked_again"] == ["gone.yaml"]


def test_documents_without_id_match_by_path_and_renamed_rules_by_alias(checker, tmp_path) -> None:
    path = write(tmp_path, "p.yaml", ROUND_1.replace("id: prog-7\n", ""))
    before = report_for(checker, path)
    before["documents"][0]["findings"][0]["rule"] = "old-nationality-rule"
    current = report_for(checker, path)
    assert filter_new(current, before)["baseline"]["new"] == 1
    assert filter_new(current, before, {"old-nationality-rule": "eligibility-nationality"})["baseline"]["new"] == 0


@pytest.mark.parametrize("text,message", [
    ("not json", "baseline is not JSON"),
    ('{"tool": {}}', "not a policy-check JSON report (expected a 'documents' list)"),
])
def test_a_bad_baseline_is_refused(tmp_path, text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_report(write(tmp_path, "old.json", text))
    assert info.value.message.startswith(message)


def test_cli_baseline_round_trip(tmp_path) -> None:
    first = write(tmp_path, "round-1.yaml", ROUND_1)
    old = tmp_path / "old.json"
    assert invoke("check", "--format", "json", "--out", str(old), str(first)).exit_code == 1
    # nothing new: passes, and shows what it knew
    same = invoke("check", "--baseline", str(old), str(first))
    assert same.exit_code == 0
    assert "[known]" in same.stdout
    assert same.stdout.splitlines()[-1] == (f"Baseline {old}: 0 new finding(s), 1 already known (shown as [known]; "
                                            "they do not fail the run), 0 resolved since then")
    first.unlink()  # renamed for round 2: matched by its id
    second = write(tmp_path, "round-2.yaml", ROUND_2)
    changed = invoke("check", "--baseline", str(old), "--format", "json", str(second))
    assert changed.exit_code == 1
    report = json.loads(changed.stdout)
    assert [f["rule"] for f in report["documents"][0]["findings"] if f["baseline"] == "new"] == ["eligibility-documents"]
    assert report["baseline"]["known"] == 1


def test_a_file_declaring_another_programmes_id_does_not_inherit_its_known_findings(checker, tmp_path) -> None:
    before = report_for(checker, write(tmp_path, "round-1.yaml", ROUND_1))
    impostor = report_for(checker, write(tmp_path, "other.yaml", ROUND_2))  # same id, round-1.yaml still there
    marked = filter_new(impostor, before)
    assert {f["baseline"] for f in marked["documents"][0]["findings"]} == {"new"}
    assert marked["baseline"]["known"] == 0
