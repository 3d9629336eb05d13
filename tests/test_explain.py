"""`policy-check explain RULE` and `check --explain`: what a rule is, and why it fired or did not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_engine.documents import load_document, parse_document
from policy_engine.explain import explain_document
from policy_engine.expectations import case_files
from policy_engine.rulesrc import rule_sources
from tests.rulekit import ALIASED_RULE, GOOD_RULE, ROOT, invoke, rule_file, rule_folder


def test_explain_rule_prints_everything_a_reader_needs(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(ALIASED_RULE)})
    result = invoke("explain", "--rules", str(rules), "no-feedback-channel")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "no-feedback-channel: Migrants are neither consulted nor able to give feedback",
        "",
        "  severity   warning",
        "  principle  2. Include migrants in humanitarian programming",
        "  articles   none: the rule rests on the principle as a whole",
        "             Migrants take part in designing, running and evaluating the programmes",
        "             meant for them.",
        "  aliases    old-feedback-id",
        f"  defined at {rules}/p2.yaml:2:5",
        "",
        "What it finds",
        "  The programme neither consulted migrants nor gives them a way to give feedback.",
        "",
        "Why it matters",
        "  Principle 2 asks that migrants take part in the programmes meant for them.",
        "",
        "How to fix it",
        "  Consult migrants, or set up a feedback mechanism (participation.feedback_mechanism).",
        "",
        "When it fires",
        "  all of:",
        "    participation.migrants_consulted equals false",
        "    participation.feedback_mechanism is not stated",
        "",
        "Example 1 it fires on (violating)",
        "    id: ex",
        "    participation:",
        "      migrants_consulted: false",
        "",
        "Example 1 it stays quiet on (compliant)",
        "    id: ex",
        "    participation:",
        "      migrants_consulted: false",
        "      feedback_mechanism: true",
    ]
    # a former id finds the rule too
    assert invoke("explain", "--rules", str(rules), "old-feedback-id").stdout == result.stdout


def test_explain_article_text_for_a_bundled_rule() -> None:
    out = invoke("explain", "eligibility-nationality").stdout
    assert "  articles   1.2  Make sure migrants can reach humanitarian assistance" in out
    assert "\nWhy it matters\n  Humanitarian help follows need and vulnerability alone." in out
    assert "\nExample 1 it stays quiet on (compliant)\n" in out


def test_explain_unknown_rule_suggests_the_closest() -> None:
    result = invoke("explain", "eligibility-nationalty")
    assert result.exit_code == 2
    assert "no such rule: \"eligibility-nationalty\"; did you mean 'eligibility-nationality'?" in result.output


def test_explain_builtin_waiver_check() -> None:
    result = invoke("explain", "waiver-expired")
    assert result.exit_code == 0
    assert result.stdout.startswith("waiver-expired: A waiver has expired\n\n  severity   warning\n")


def test_check_explain_says_which_condition_failed_first(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE, GOOD_RULE.replace("no-feedback-channel",
                                                                                       "second-rule"))})
    doc = tmp_path / "p.yaml"
    doc.write_text("id: p\ntitle: T\nparticipation:\n  migrants_consulted: false\n  feedback_mechanism: true\n")
    result = invoke("check", "--rules", str(rules), "--explain", str(doc))
    assert result.exit_code == 0
    explanation = result.stdout.split("\n\n")[-1]
    assert explanation.splitlines() == [
        f"Explanation for {doc}",
        "  not fired      no-feedback-channel",
        "                   when.all[1]  participation.feedback_mechanism is not stated: it is true (line 5)",
        f"                                (rule at {rules}/p2.yaml:14:11)",
        "  not fired      second-rule",
        "                   when.all[1]  participation.feedback_mechanism is not stated: it is true (line 5)",
        f"                                (rule at {rules}/p2.yaml:33:11)",
    ]


def test_check_explain_fired_and_any_branches(tmp_path) -> None:
    doc = ROOT / "cases" / "violating" / "eligibility-nationality.yaml"
    lines = invoke("check", "--explain", str(doc)).stdout.split("\n\nExplanation for ")[1].splitlines()
    start = lines.index("  not fired      eligibility-legal-status")
    assert [line.strip() for line in lines[start + 1:start + 7]] == [
        "when  none of these 4 alternatives holds:",
        "(rule at rules/p1-needs-and-access.yaml:82:5)",
        "when.any[0].all[0]  eligibility.legal_status_required is stated: not stated",
        "when.any[1]  eligibility.legal_status_excluded is stated: not stated",
        "when.any[2]  a sentence in eligibility, target_groups matches a pattern (unless "
        "an exception matches too): no sentence matches",
        "when.any[3]  a sentence in eligibility, target_groups, activities, summary, other matches a pattern "
        "(unless an exception matches too): no sentence matches",
    ]
    fired = lines.index("  FIRED          eligibility-nationality  [violation]")
    assert lines[fired + 1].strip() == "eligibility.nationalities_only (line 19): \"Syrian; Afghan\""


def test_check_explain_shows_an_exception_that_applied(checker, tmp_path) -> None:
    doc = tmp_path / "p.yaml"
    doc.write_text("id: p\neligibility:\n  criteria:\n    - Open to people of all nationalities, unlike the "
                   "schemes reserved for Syrian nationals.\n")
    lines = invoke("check", "--explain", str(doc)).stdout.splitlines()
    start = lines.index("  not fired      eligibility-nationality")
    assert lines[start + 5].strip() == (
        "when.any[2]  a sentence in eligibility, target_groups, activities, summary, other matches a pattern "
        "(unless an exception "
        "matches too): 1 sentence(s) matched, but an exception applied to each, e.g. line 4: \"Open to people of "
        "all nationalities, unlike the schemes reserved for Syrian nationals.\"")


def test_check_explain_json(tmp_path) -> None:
    doc = ROOT / "cases" / "violating" / "referral-missing.yaml"
    report = json.loads(invoke("check", "--explain", "--format", "json", str(doc)).stdout)
    explanation = {e["rule"]: e for e in report["documents"][0]["explanation"]}
    assert explanation["referral-missing"]["fired"] is True
    first = explanation["needs-assessment-missing"]["first_failure"]
    assert first[0]["path"] == "when.all[0]" and first[0]["location"].startswith("rules/p1-needs-and-access.yaml:")
    assert all(e["agrees_with_engine"] for e in explanation.values())


def test_explain_is_refused_with_line_format() -> None:
    result = invoke("check", "--explain", "--format", "line", str(ROOT / "cases" / "violating" / "referral-missing.yaml"))
    assert result.exit_code == 2


# ---- the explanation's own evaluation agrees with the engine -----------------------------------

def _agree(checker, doc) -> None:
    result = checker.check(doc)
    explanations = explain_document(checker, doc, result.findings, rule_sources(checker.rule_set))
    assert [e.rule for e in explanations if not e.agrees] == []
    for e in explanations:
        assert bool(e.steps) == (not e.fired)


@pytest.mark.parametrize("path", list(case_files(ROOT / "cases")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_explanation_agrees_with_engine_on_cases(checker, path: Path) -> None:
    _agree(checker, load_document(path))


def _examples(checker) -> list[dict]:
    return [e for r in checker.rule_set.rules for kind in ("violating", "compliant") for e in r.examples.get(kind, [])]


def test_explanation_agrees_with_engine_on_examples(checker) -> None:
    for index, example in enumerate(_examples(checker)):
        _agree(checker, parse_document(yaml.safe_dump(example), f"example-{index}.yaml", ".yaml"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_explanation_agrees_with_engine_on_mixed_examples(checker, data) -> None:
    examples = _examples(checker)
    picked = data.draw(st.lists(st.sampled_from(examples), min_size=1, max_size=4))
    merged: dict = {}
    for example in picked:  # later examples add or replace top-level blocks
        merged.update(example)
    _agree(checker, parse_document(yaml.safe_dump(merged), "mixed.yaml", ".yaml"))
