"""Missing information in prose terms for prose drafts (the rule's in_prose wording, data in the rule
file), and in field terms for YAML drafts."""

from __future__ import annotations

import json
from pathlib import Path

from policy_engine.authoring.lint import lint
from tests.conftest import ROOT
from tests.rulekit import GOOD_RULE, invoke, rule_file, rule_folder

PROSE = str(ROOT / "cases/narrative/cash-regular-status.md")       # says nothing of a needs assessment
YAML = str(ROOT / "cases/violating/needs-assessment-missing.yaml")


def finding(path: str, rule: str, *args: str) -> dict:
    report = json.loads(invoke("check", "-f", "json", *args, path).stdout)
    [found] = [f for f in report["documents"][0]["findings"] if f["rule"] == rule]
    return found


def test_prose_draft_is_told_what_it_does_not_say_and_which_section_to_add() -> None:
    found = finding(PROSE, "needs-assessment-missing")
    # the draft has no place for it: the location says so (no line), and names no field of a schema
    assert found["location"] == {"line": None, "column": None, "field": None}
    assert found["evidence"] == [{"field": "", "line": None, "column": None, "quote": None, "missing":
                                  "the draft does not say how the needs and vulnerabilities of the people it "
                                  "serves were assessed"}]
    assert found["remediation"].startswith('Add a "Needs assessment" section')
    assert "needs_assessment" not in found["remediation"]
    text = invoke("check", PROSE).stdout
    assert f"at    {PROSE}  the draft does not say how the needs and vulnerabilities" in text
    assert "not stated" not in text


def test_yaml_draft_keeps_field_terms() -> None:
    found = finding(YAML, "needs-assessment-missing")
    assert [(e["field"], e["quote"]) for e in found["evidence"]] == [("needs_assessment", None)]
    assert "missing" not in found["evidence"][0]
    assert found["remediation"].startswith("Add a needs_assessment block")
    assert "needs_assessment: not stated" in invoke("check", YAML).stdout


def test_every_format_shows_the_prose_wording(tmp_path: Path) -> None:
    said = "the draft does not say how the needs and vulnerabilities"
    for name in ("line", "csv", "sarif", "junit", "html"):
        out = tmp_path / f"r.{name}"
        invoke("check", PROSE, "-o", f"{name}:{out}")
        text = out.read_text(encoding="utf-8")
        if name != "line":  # a line record holds only the title
            assert said in text, name


def test_the_wording_is_data_in_the_rule_file(tmp_path: Path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE)}, concepts=False)
    draft = tmp_path / "d.md"
    draft.write_text("---\nid: d\nparticipation:\n  migrants_consulted: false\n---\n# Food parcels\n\n"
                     "Parcels are handed out weekly.\n", encoding="utf-8")
    text = invoke("check", "--rules", str(rules), str(draft)).stdout
    assert f"at    {draft}  the draft does not say how migrants can give feedback" in text
    assert "fix   Add a Feedback section saying how." in text


def test_lint_asks_for_prose_wording_on_a_rule_that_reports_missing_fields(tmp_path: Path) -> None:
    bare = GOOD_RULE.replace(GOOD_RULE[GOOD_RULE.index("    in_prose:"):], "")
    problems, _ = lint(rule_folder(tmp_path, {"p2.yaml": rule_file(bare)}, concepts=False))
    assert [(p.line, p.level, p.code) for p in problems] == [(2, "warning", "no-prose-wording")]
    broken = GOOD_RULE.replace("fix: Add a Feedback section saying how.", "fixx: Add a Feedback section.")
    problems, _ = lint(rule_folder(tmp_path / "b", {"p2.yaml": rule_file(broken)}, concepts=False))
    assert [(p.line, p.level, p.code) for p in problems] == [(21, "error", "schema")] * 2
    assert "'rules[0].in_prose': 'fix' is a required property" in problems[0].message
    assert problems[1].hint == "did you mean 'fix'?"
