"""`policy-check explain RULE` and `check --explain`: what a rule is, and why it fired or did not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_engine.reading.documents import load_document, parse_document
from policy_engine.authoring.explain import explain_document
from policy_engine.authoring.expectations import case_files
from policy_engine.ruleset.rulesrc import rule_sources
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
    assert "no such rule or concept: \"eligibility-nationalty\"; did you mean 'eligibility-nationality'?" \
        in result.output


def test_explain_a_rule_lists_its_concepts_and_sentences() -> None:
    out = invoke("explain", "eligibility-documents").stdout
    assert "    one clause says identity_document + restriction, as the programme's own plan; not when it\n" \
           "        also says staff_vetting" in out
    assert "\nConcepts it reads (every form of each word counts: 'refuse' finds 'refused')\n" \
           "  identity_document  An identity, travel, residence or registration document" in out
    assert "      defined at rules/concepts/access.yaml:" in out
    assert "\nSentences it fires on\n  [en] " in out and "\n  [es] " in out and "\n  [fr] " in out


def test_explain_a_concept_shows_its_words_examples_and_readers() -> None:
    result = invoke("explain", "identity_document")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "identity_document: An identity, travel, residence or registration document that people " \
                       "may be asked to show."
    assert lines[2].startswith("  defined at rules/concepts/access.yaml:")
    readers = next(line for line in lines if line.startswith("  read by"))
    assert "eligibility-documents" in readers
    assert any(line.startswith("  en: passport, ID,") for line in lines)
    assert any(line.startswith("  es: pasaporte") for line in lines)
    assert any(line.startswith("  found in: [en] ") for line in lines)


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
        f"                                (rule at {rules}/p2.yaml:34:11)",
    ]


def test_check_explain_fired_and_any_branches(tmp_path) -> None:
    doc = ROOT / "cases" / "violating" / "eligibility-nationality.yaml"
    lines = invoke("check", "--explain", str(doc)).stdout.split("\n\nExplanation for ")[1].splitlines()
    start = lines.index("  not fired      eligibility-legal-status")
    steps = [line.strip() for line in lines[start + 1:start + 6]]
    assert steps[0] == "when  none of these 5 alternatives holds:"
    assert steps[1].startswith("(rule at rules/p1-needs-and-access.yaml:")
    assert steps[2:4] == ["when.any[0].all[0]  eligibility.legal_status_required is stated: not stated",
                          "when.any[1]  eligibility.legal_status_excluded is stated: not stated"]
    assert steps[4].startswith("when.any[2]  one clause says legal_status + restriction, as the programme's own "
                               "plan; not when it also says")
    assert steps[4].endswith(": no sentence mentions legal_status or restriction")
    fired = lines.index("  FIRED          eligibility-nationality  [violation]")
    assert lines[fired + 1].strip() == "because eligibility.nationalities_only is stated: it has 2 item(s) (line 19)"
    assert lines[fired + 3].strip() == "eligibility.nationalities_only (line 19): \"Syrian; Afghan\""


def test_check_explain_shows_the_words_and_the_clause_that_fired(tmp_path) -> None:
    doc = tmp_path / "p.md"
    doc.write_text("---\nid: p\n---\n# Eligibility\n\nThe shelter is reserved for Syrian families.\n")
    lines = invoke("check", "--explain", str(doc)).stdout.splitlines()
    fired = lines.index("  FIRED          eligibility-nationality  [violation]")
    assert lines[fired + 1].strip() == (
        "because one clause says nationality_group + only_for (at most 3 words apart), as the programme's own "
        "plan; not when it also says staff_role or open_access or public_system: line 6: \"The shelter is reserved "
        "for Syrian families.\" (words: \"Syrian\", \"reserved for\")")


def test_check_explain_shows_an_exception_that_applied(checker, tmp_path) -> None:
    doc = tmp_path / "p.yaml"
    doc.write_text("id: p\neligibility:\n  criteria:\n    - Open to people of all nationalities, unlike the "
                   "schemes reserved for Syrian nationals.\n")
    lines = invoke("check", "--explain", str(doc)).stdout.splitlines()
    start = lines.index("  not fired      eligibility-nationality")
    assert lines[start + 5].strip().endswith(
        "line 4: \"Open to people of all nationalities, unlike the schemes reserved for Syrian nationals.\" "
        "(words: \"Syrian\", \"reserved for\"), but it is rejected, and the test wants it affirmed")
    doc.write_text("id: p\neligibility:\n  criteria:\n    - Shelter for Syrian families only, whatever their "
                   "status.\n")
    lines = invoke("check", "--explain", str(doc)).stdout.splitlines()
    start = lines.index("  not fired      eligibility-nationality")
    assert lines[start + 5].strip().endswith(
        "line 4: \"Shelter for Syrian families only, whatever their status.\" says it, but an exception "
        "(unless) applies")


def test_check_explain_json(tmp_path) -> None:
    doc = ROOT / "cases" / "violating" / "referral-missing.yaml"
    report = json.loads(invoke("check", "--explain", "--format", "json", str(doc)).stdout)
    explanation = {e["rule"]: e for e in report["documents"][0]["explanation"]}
    assert explanation["referral-missing"]["fired"] is True
    first = explanation["needs-assessment-missing"]["first_failure"]
    assert first[0]["path"] == "when" and first[0]["location"].startswith("rules/p1-needs-and-access.yaml:")
    assert [step["path"] for step in first[1:3]] == ["when.any[0].all[0]", "when.any[0].all[0].any[0]"]
    because = explanation["referral-missing"]["because"]
    assert because and all(step["text"] for step in because)
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
        assert e.steps, e.rule  # what held, or what failed first


@pytest.mark.slow  # explain and the engine agree on every case: an equivalence proof
@pytest.mark.parametrize("path", list(case_files(ROOT / "cases")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_explanation_agrees_with_engine_on_cases(checker, path: Path) -> None:
    _agree(checker, load_document(path))


def _examples(checker) -> list[dict]:
    return [e for r in checker.rule_set.rules for kind in ("violating", "compliant") for e in r.examples.get(kind, [])]


@pytest.mark.slow  # explain and the engine agree on every case: an equivalence proof
def test_explanation_agrees_with_engine_on_examples(checker) -> None:
    for index, example in enumerate(_examples(checker)):
        _agree(checker, parse_document(yaml.safe_dump(example), f"example-{index}.yaml", ".yaml"))


@pytest.mark.slow  # explain and the engine agree on every case: an equivalence proof
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_explanation_agrees_with_engine_on_mixed_examples(checker, data) -> None:
    examples = _examples(checker)
    picked = data.draw(st.lists(st.sampled_from(examples), min_size=1, max_size=4))
    merged: dict = {}
    for example in picked:  # later examples add or replace top-level blocks
        merged.update(example)
    _agree(checker, parse_document(yaml.safe_dump(merged), "mixed.yaml", ".yaml"))


DEVSET = ROOT.parent / "shared" / "devset"


@pytest.mark.slow  # explain and the engine agree on every case: an equivalence proof
@pytest.mark.parametrize("path", sorted(DEVSET.glob("dev_*")), ids=lambda p: p.name)
def test_explanation_agrees_with_engine_on_the_devset(checker, path: Path) -> None:
    """Drafts written without the rules in mind: prose of every kind, in three languages."""
    _agree(checker, checker.load(path))
