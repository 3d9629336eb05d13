"""`policy-check explain RULE` and `check --explain`: what a rule is, and why it fired or did not."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from policy_engine.authoring.explain import describe_prose
from policy_engine.reading.documents import load_document
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
    assert steps[0] == "when  none of these 8 alternatives holds:"
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
        "plan; not when it also says staff_role or open_access or public_system or share or at_request or aggregate_report "
        "or focus_group or campaign or stateless: "
        "line 6: \"The shelter is reserved "
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


# ---- explain's answers on drafts that break a rule and drafts that keep it ---------------------------
# Whether each part of a rule holds is durable_rules' answer (evaluation/nodes.py); these show what
# explain says with it, for each kind of condition.

def _rule(rule_id: str, when: str) -> str:
    return f"""\
  - id: {rule_id}
    title: A test rule
    principle: 6
    articles: []
    severity: warning
    message: Something the test looks for.
    rationale: Tests need a reason.
    remediation: Change the draft.
    when:
{textwrap.indent(textwrap.dedent(when).strip(), "      ")}
"""


LIST_RULES = rule_file(
    _rule("every-partner-civil", """
        all_items: partners
        where:
          field: type
          one_of: [ngo, community_group]
    """),
    _rule("police-partner", """
        any_item: partners
        where:
          field: type
          equals: police
    """),
)


def _explained(rules: Path, doc: Path, rule_id: str) -> list[str]:
    """The lines explain prints for one rule on a draft."""
    lines = invoke("check", "--rules", str(rules), "--explain", str(doc)).stdout.split("\n\nExplanation for ")[1]
    lines = lines.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[-1:] == [rule_id] or f" {rule_id}  [" in line)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("   ")), len(lines))
    return [line.strip() for line in lines[start:end]]


def test_explain_a_list_test_names_the_item(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p6.yaml": LIST_RULES})
    doc = tmp_path / "p.yaml"
    doc.write_text("id: p\npartners:\n  - {name: A, type: ngo}\n  - {name: B, type: police}\n")
    assert _explained(rules, doc, "every-partner-civil") == [
        "not fired      every-partner-civil",
        "when  every item of partners matches {field: type, one_of: [ngo, community_group]}: partners[1] (line 4) "
        "does not",
        f"(rule at {rules}/p6.yaml:10:5)"]
    assert _explained(rules, doc, "police-partner") == [
        "FIRED          police-partner  [warning]",
        "because some item of partners matches {field: type, equals: police}: partners[1] (line 4) does",
        f"(rule at {rules}/p6.yaml:23:5)",
        "partners[1].type (line 4): \"police\""]
    doc.write_text("id: p\npartners:\n  - {name: A, type: ngo}\n  - {name: B, type: community_group}\n")
    assert _explained(rules, doc, "every-partner-civil")[:2] == [
        "FIRED          every-partner-civil  [warning]",
        "because every item of partners matches {field: type, one_of: [ngo, community_group]}: all 2 item(s) do"]
    assert _explained(rules, doc, "police-partner")[1] == (
        "when  some item of partners matches {field: type, equals: police}: none of its 2 item(s) does")
    doc.write_text("id: p\n")
    assert _explained(rules, doc, "every-partner-civil")[1].endswith(": partners has no items")


SCOPED_RULE = rule_file(_rule("documents-at-the-door", """
    prose:
      all: [identity_document, restriction]
      in: [eligibility]
"""))


def test_explain_a_prose_test_with_scopes(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p6.yaml": SCOPED_RULE})
    doc = tmp_path / "p.md"
    doc.write_text("---\nid: p\n---\n# Shelter\n\n## Eligibility\n\nOnly people with a passport are admitted.\n")
    assert _explained(rules, doc, "documents-at-the-door")[:2] == [
        "FIRED          documents-at-the-door  [warning]",
        "because one clause says identity_document + restriction, as the programme's own plan, in eligibility: "
        "line 8: \"Only people with a passport are admitted.\" (words: \"passport\", \"Only\")"]
    # the same sentence in another section: where it is, and why that does not count
    doc.write_text("---\nid: p\n---\n# Shelter\n\n## Activities\n\nOnly people with a passport are admitted.\n")
    assert _explained(rules, doc, "documents-at-the-door")[:2] == [
        "not fired      documents-at-the-door",
        "when  one clause says identity_document + restriction, as the programme's own plan, in eligibility: "
        "line 8: \"Only people with a passport are admitted.\" (words: \"passport\", \"Only\"), but it is in "
        "activities, not in eligibility"]
    # in its section, but said as not done
    doc.write_text("---\nid: p\n---\n# Shelter\n\n## Eligibility\n\nNobody is asked for a passport.\n")
    assert _explained(rules, doc, "documents-at-the-door")[1].endswith(
        "(words: \"passport\", \"is asked for\"), but it is negated, and the test wants it affirmed")


MISSING_RULE = rule_file(_rule("consultation-unstated", """
    all:
      - field: participation.migrants_consulted
        missing: true
      - not:
          any:
            - prose: {all: [consulted], stance: any}
            - prose: {all: [migrant_or_peer, taking_part], stance: any}
""").replace("    when:", "    in_prose: {missing: whether migrants were consulted, fix: Say how.}\n    when:"))


def test_explain_a_missing_thing_and_its_negated_condition(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p6.yaml": MISSING_RULE})
    doc = tmp_path / "p.md"
    doc.write_text("---\nid: p\n---\n# Food\n\n## Activities\n\nWeekly food parcels are handed out.\n")
    assert _explained(rules, doc, "consultation-unstated") == [
        "FIRED          consultation-unstated  [warning]",
        "because participation.migrants_consulted is not stated: not stated",
        f"(rule at {rules}/p6.yaml:13:11)",
        "because not: any of",
        f"(rule at {rules}/p6.yaml:15:11)",
        "the draft does not say whether migrants were consulted"]
    # the 'none of' fails: the alternative that holds, with its sentence and words
    doc.write_text("---\nid: p\n---\n# Food\n\n## Activities\n\nWeekly food parcels are handed out.\n\n"
                   "## Participation\n\nFamilies were consulted on the contents of the parcels.\n")
    assert _explained(rules, doc, "consultation-unstated")[:2] == [
        "not fired      consultation-unstated",
        "when.all[1]  the exception applies: a clause says consulted, in any voice: line 12: \"Families were "
        "consulted on the contents of the parcels.\" (words: \"consulted\")"]


def test_explain_a_negated_condition_on_a_partly_unread_draft(tmp_path) -> None:
    """Part of the draft is in a language the rules cannot read: neither 'not' nor what it negates holds."""
    rules = rule_folder(tmp_path, {"p6.yaml": MISSING_RULE})
    doc = tmp_path / "p.md"
    doc.write_text("---\nid: p\nlanguage: en\n---\n# Food\n\n## Activities\n\nWeekly food parcels are handed "
                   "out at the church hall to every family who comes.\n\n## Beteiligung\n\nWir haben im März "
                   "die Familien befragt und mit Gruppen über ihre Bedürfnisse gesprochen.\n")
    lines = _explained(rules, doc, "consultation-unstated")
    assert lines[:2] == [
        "not fired      consultation-unstated",
        "when.all[1]  part of the prose (from line 13) is in a language the rules cannot read ('de'), so the "
        "draft cannot be said to be silent on this"]
    assert "disagrees" not in " ".join(lines)


def test_explain_answers_come_from_the_engine(checker) -> None:
    """Every node of every rule is asked of durable_rules once per document; the rules are built once
    for a rule folder."""
    from policy_engine.evaluation.checker import Checker
    from policy_engine.evaluation.nodes import node_rules

    rules = tuple(checker.rule_set.rules)
    built = node_rules(checker, rules)
    assert node_rules(checker, rules) is built
    assert node_rules(Checker(checker.rule_set), rules) is built
    assert all(len(names) >= 1 for names in built.names.values())
    doc = load_document(ROOT / "cases" / "violating" / "eligibility-nationality.yaml")
    answers = built.evaluate(checker.facts(doc).facts)
    fired = {f.rule for f in checker.check(doc).findings}
    assert {rule.id for rule in rules if answers.holds(rule.when)} == fired


@pytest.mark.parametrize(("body", "words"), [
    ({"all": ["consulted"]}, "a clause says consulted"),
    ({"all": ["consulted"], "within": "sentence"}, "a sentence says consulted"),
    ({"all": ["identity_document", "restriction"]}, "one clause says identity_document + restriction"),
    ({"all": ["identity_document", "restriction"], "within": "sentence"},
     "one sentence says identity_document + restriction"),
])
def test_describe_prose_names_the_unit_a_test_reads(body, words) -> None:
    # a one-concept test over a sentence counts its exceptions over the sentence, so it must say so
    assert describe_prose(body).startswith(words + ",")
