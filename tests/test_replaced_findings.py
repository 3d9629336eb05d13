"""A contradiction rule that 'replaces' the rule it pairs with: one finding, not two, when both fire on the
same evidence; both when the paired rule found more; and a located error for a rule that does not exist."""

from __future__ import annotations

import json

from policy_engine.authoring.lint import lint
from policy_engine.reading.documents import load_document
from tests.rulekit import GOOD_RULE, invoke, rule_file, rule_folder

ESCORT = "Volunteers will accompany the charter flights to the capital."


def draft(tmp_path, text: str, voluntary: bool = True):
    path = tmp_path / "d.md"
    path.write_text("---\nid: d\nreturn_assistance:\n  provided: true\n  voluntary: "
                    f"{str(voluntary).lower()}\n---\n# Activities\n\n{text}\n", encoding="utf-8")
    return path


def rules_fired(checker, path) -> list[str]:
    return [f.rule for f in checker.check(load_document(path)).findings]


def test_the_contradiction_s_finding_replaces_its_pair_s(checker, tmp_path) -> None:
    fired = rules_fired(checker, draft(tmp_path, ESCORT))
    assert "contradiction-voluntary-return" in fired and "participation-in-removals" not in fired
    # without the field that contradicts the text, the paired rule reports it itself
    fired = rules_fired(checker, draft(tmp_path, ESCORT, voluntary=False))
    assert "participation-in-removals" in fired and "contradiction-voluntary-return" not in fired


def test_police_using_the_lists_that_are_sent_to_them_is_one_data_finding(checker, tmp_path) -> None:
    # the sentence that sends the lists also says what the police do with them: one finding, the data one
    sent = ("The Immigration Office has asked to receive our daily list, to identify those who have not yet "
            "claimed asylum; the coordinator will email it to them every morning.")
    fired = rules_fired(checker, draft(tmp_path, sent))
    assert "data-shared-with-enforcement" in fired and "enforcement-partner-role" not in fired
    # police checking papers at the distribution, with no list sent, stays the partner-role finding
    fired = rules_fired(checker, draft(tmp_path, "Immigration officers will check the identity of everyone at our "
                                                 "distribution point."))
    assert "enforcement-partner-role" in fired and "data-shared-with-enforcement" not in fired


def test_volunteers_escorting_a_removal_with_the_police_is_one_return_finding(checker, tmp_path) -> None:
    # handing a resident over to the police escort is taking part in the removal (Principle 8); the same
    # sentence is not also reported as the police's use of the programme
    escort = ("On days of an enforced departure, two volunteers will travel with the resident in the police "
              "escort vehicle and hand them over to the escort officers at the gate.")
    fired = rules_fired(checker, draft(tmp_path, escort, voluntary=False))
    assert "participation-in-removals" in fired and "enforcement-partner-role" not in fired


def test_a_pair_that_found_more_is_kept(checker, tmp_path) -> None:
    # the paired rule also holds on a field the contradiction does not read: its finding says more, so it stays
    path = tmp_path / "d.md"
    path.write_text("---\nid: d\nreturn_assistance:\n  provided: true\n  voluntary: true\n"
                    "  participates_in_removals: true\n---\n# Activities\n\n" + ESCORT + "\n", encoding="utf-8")
    fired = rules_fired(checker, path)
    assert "contradiction-voluntary-return" in fired and "participation-in-removals" in fired


def test_explain_says_which_finding_reports_a_replaced_rule(tmp_path) -> None:
    out = invoke("check", "--explain", "--fail-on", "never", str(draft(tmp_path, ESCORT))).stdout
    lines = out.split("Explanation for ")[1].splitlines()
    at = lines.index("  FIRED          participation-in-removals  [violation]")
    assert lines[at + 1].strip() == ("reported as contradiction-voluntary-return, whose finding says it in full")
    data = json.loads(invoke("check", "--explain", "--format", "json", "--fail-on", "never",
                             str(draft(tmp_path, ESCORT))).stdout)
    (item,) = [e for e in data["documents"][0]["explanation"] if e["rule"] == "participation-in-removals"]
    assert item["replaced_by"] == "contradiction-voluntary-return" and item["agrees_with_engine"]


def test_replaces_names_an_unknown_rule_with_its_line(tmp_path) -> None:
    rule = GOOD_RULE.replace("    title:", "    replaces: [no-feedback-chanel]\n    title:", 1)
    problems, _ = lint(rule_folder(tmp_path, {"p2.yaml": rule_file(rule)}), cases_dir=tmp_path / "no-cases")
    errors = [p for p in problems if p.level == "error"]
    assert [(p.line, p.message) for p in errors] == [
        (3, "rule 'no-feedback-channel': 'replaces' names rule 'no-feedback-chanel', which does not exist")]
    assert "did you mean 'no-feedback-channel'?" in (errors[0].hint or "")


def test_replaces_that_is_no_list_is_one_schema_error(tmp_path) -> None:
    rule = GOOD_RULE.replace("    title:", "    replaces: no-feedback-channel\n    title:", 1)
    problems, _ = lint(rule_folder(tmp_path, {"p2.yaml": rule_file(rule)}), cases_dir=tmp_path / "no-cases")
    errors = [p for p in problems if p.level == "error"]
    assert [(p.code, p.message) for p in errors] == [
        ("schema", "rule 'no-feedback-channel': at 'rules[0].replaces': 'no-feedback-channel' is not of type 'array'")]
