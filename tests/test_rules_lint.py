"""`policy-check rules lint`: exact locations, codes and messages for each kind of mistake."""

from __future__ import annotations

import json

import pytest

from policy_engine.lint import MAX_PROGRAM_SIZE, lint, unmatchable_reason
from tests.rulekit import GOOD_RULE, ROOT, invoke, rule_file, rule_folder

TEXT_RULE = GOOD_RULE.replace("""\
      all:
        - field: participation.migrants_consulted
          equals: false
        - field: participation.feedback_mechanism
          missing: true
""", """\
      text:
        in: [participation]
        matches:
          en: ["not consulted"]
        unless:
          en: ["were not consulted by the ministry"]
""")


def replaced(old: str, new: str, rule: str = GOOD_RULE) -> str:
    assert old in rule, old
    return rule.replace(old, new)


# Each row: what is wrong, the rule file's text, and the problems lint must report (line, column, level,
# code, message). Rule files start with "rules:" on line 1, the rule's "- id:" on line 2.
LINT_CASES = [
    ("unknown article", rule_file(replaced('articles: []', 'articles: ["2.1"]')),
     [(5, 16, "error", "unknown-article", "rule 'no-feedback-channel': unknown article '2.1' "
                                          "(known: 1.1, 1.2, 1.3, 3.2, 3.3, 4.2, 7.4, 7.5)")]),
    ("unknown principle", rule_file(replaced("principle: 2", "principle: 11")),
     [(4, 5, "error", "unknown-principle",
       "rule 'no-feedback-channel': unknown principle 11 (principles are numbered 1 to 10)")]),
    ("field not in the programme schema", rule_file(replaced("participation.feedback_mechanism",
                                                             "participation.feedback_mechanisms")),
     [(14, 11, "error", "unknown-field",
       "rule 'no-feedback-channel': field 'participation.feedback_mechanisms' does not exist in the programme "
       "schema")]),
    ("invalid pattern", rule_file(replaced('"not consulted"', '"not (consulted"', TEXT_RULE)),
     [(14, 16, "error", "invalid-pattern",
       "rule 'no-feedback-channel': invalid pattern 'not (consulted': missing )")]),
    ("slow pattern", rule_file(replaced('"not consulted"', '"not.{0,900}consulted"', TEXT_RULE)),
     [(14, 16, "error", "slow-pattern",
       "rule 'no-feedback-channel': pattern is too costly: its RE2 program has 8,118 instructions "
       f"(limit {MAX_PROGRAM_SIZE:,})")]),
    ("exception in a language matches does not cover",
     rule_file(replaced('en: ["were not consulted by the ministry"]',
                        'en: ["were not consulted by the ministry"]\n          fr: ["pas consultes"]', TEXT_RULE)),
     [(17, 11, "error", "dead-exception",
       "rule 'no-feedback-channel': the 'fr' exception can never apply: 'matches' has no 'fr' patterns")]),
    ("exception that can never match normalised text",
     rule_file(replaced('"were not consulted by the ministry"', '"were not  consulted"', TEXT_RULE)),
     [(16, 16, "error", "dead-exception",
       "rule 'no-feedback-channel': exception 'were not  consulted' can never match: it needs two spaces in a "
       "row, but sentences are normalised to single spaces")]),
    ("exception identical to the pattern",
     rule_file(replaced('"were not consulted by the ministry"', '"not consulted"', TEXT_RULE)),
     [(16, 16, "error", "dead-condition",
       "rule 'no-feedback-channel': exception 'not consulted' is also a 'matches' pattern, so every sentence it "
       "finds is excused: that part of the test can never hit")]),
    ("not ruled out by a sibling", rule_file(replaced("""\
        - field: participation.feedback_mechanism
          missing: true
""", """\
        - not:
            field: participation.migrants_consulted
            equals: true
""")),
     [(14, 11, "error", "dead-exception",
       "rule 'no-feedback-channel': this exception can never apply: all[0] already requires "
       "'participation.migrants_consulted' to be false, never true")]),
    ("not identical to a sibling", rule_file(replaced("""\
        - field: participation.feedback_mechanism
          missing: true
""", """\
        - not:
            field: participation.migrants_consulted
            equals: false
""")),
     [(14, 11, "error", "dead-condition",
       "rule 'no-feedback-channel': this 'not' excludes exactly what all[0] requires, so the rule can never fire")]),
    ("text only in fields that are not prose", rule_file(replaced("in: [participation]", "in: [participation.migrant_staff]", TEXT_RULE)),
     [(12, 9, "error", "dead-condition",
       "rule 'no-feedback-channel': text in participation.migrant_staff is never scanned (codes, numbers and "
       "true/false fields are not prose), so this text test can never hit")]),
    ("no test at all", rule_file(GOOD_RULE.split("    examples:")[0]),
     [(2, 5, "error", "untested-rule",
       "rule 'no-feedback-channel': rule has no test: no violating example, and no case expects it"),
      (2, 5, "warning", "untested-rule",
       "rule 'no-feedback-channel': rule has no compliant example (one it must stay quiet on)")]),
    ("example that is not a programme", rule_file(replaced("{id: ex, participation: {migrants_consulted: false}}",
                                                           "{id: ex, participation: {migrants_consulted: nope}}")),
     [(18, 11, "error", "invalid-example",
       "rule 'no-feedback-channel': violating example 1 is not a valid programme description: field "
       "'participation.migrants_consulted': expected boolean, found text \"nope\"")]),
    ("example with an unknown field", rule_file(replaced("{id: ex, participation: {migrants_consulted: false}}",
                                                         "{id: ex, budget: 3, participation: {migrants_consulted: false}}")),
     [(18, 11, "warning", "invalid-example",
       "rule 'no-feedback-channel': violating example 1: unknown field 'budget' is ignored")]),
    ("duplicate id", rule_file(GOOD_RULE, GOOD_RULE),
     [(21, 5, "error", "duplicate-id",
       "duplicate rule id 'no-feedback-channel' (first defined at RULES/p2.yaml:2)")]),
    ("unknown key", rule_file(replaced("    title:", "    titel:")),
     [(2, 5, "error", "schema", "rule 'no-feedback-channel': at 'rules[0]': 'title' is a required property"),
      (3, 5, "error", "schema", "rule 'no-feedback-channel': at 'rules[0]': unknown key 'titel' (allowed: "
                                "aliases, articles, examples, id, message, principle, rationale, remediation, "
                                "severity, title, when)")]),
    ("YAML syntax", "rules:\n  - id: x\n   title: y\n",
     [(3, 4, "error", "yaml-syntax", "YAML syntax error: did not find expected '-' indicator")]),
]


@pytest.mark.parametrize("what,text,expected", LINT_CASES, ids=[c[0] for c in LINT_CASES])
def test_lint_reports_exact_problem(tmp_path, what: str, text: str, expected: list) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": text})
    problems, _ = lint(rules, cases_dir=tmp_path / "no-cases")
    got = [(p.line, p.column, p.level, p.code, p.message.replace(str(rules), "RULES")) for p in problems]
    assert got == expected
    assert all(p.file == str(rules / "p2.yaml") for p in problems)


def test_slow_pattern_limit_leaves_the_shipped_patterns_alone() -> None:
    problems, rule_set = lint(ROOT / "rules")
    assert [p for p in problems if p.code == "slow-pattern"] == []
    assert rule_set.rules


@pytest.mark.parametrize("pattern,reason", [
    ("no papers", None),
    ("no  papers", "two spaces in a row"),
    ("line\\nbreak", "a line break or tab"),
    ("[^a-z]cat", None),
])
def test_unmatchable_reason(pattern: str, reason: str | None) -> None:
    found = unmatchable_reason(pattern)
    assert (found is None) if reason is None else (found is not None and found.startswith(reason))


def test_several_problems_in_one_run_with_hints_and_exit_1(tmp_path) -> None:
    broken = replaced('articles: []', 'articles: ["2.1"]').replace("participation.feedback_mechanism",
                                                                  "participation.feedbak_mechanism")
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(broken)})
    result = invoke("rules", "lint", str(rules))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{rules}/p2.yaml:5:16: [error] rule 'no-feedback-channel': unknown article '2.1' (known: 1.1, 1.2, 1.3, "
        "3.2, 3.3, 4.2, 7.4, 7.5) (unknown-article)",
        "    hint: did you mean '1.1'?",
        f"{rules}/p2.yaml:14:11: [error] rule 'no-feedback-channel': field 'participation.feedbak_mechanism' does "
        "not exist in the programme schema (unknown-field)",
        "    hint: did you mean 'participation.feedback_mechanism'?",
        "2 errors, 0 warnings in 1 rule file",
    ]


def test_warnings_pass_unless_strict(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE.split("      compliant:")[0])})
    assert invoke("rules", "lint", str(rules)).exit_code == 0
    strict = invoke("rules", "lint", "--strict", str(rules))
    assert strict.exit_code == 1
    assert "[warning] rule 'no-feedback-channel': rule has no compliant example" in strict.stdout


def test_a_case_counts_as_a_test(tmp_path) -> None:
    case = ("id: c\nparticipation: {migrants_consulted: false}\nexpect:\n  must_flag: [no-feedback-channel]\n")
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE.split("    examples:")[0])}, {"c.yaml": case})
    problems, _ = lint(rules)  # cases/ beside rules/ by default
    assert [(p.level, p.code) for p in problems] == [("warning", "untested-rule")]


def test_json_format(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(replaced("principle: 2", "principle: 11"))})
    result = invoke("rules", "lint", "--format", "json", str(rules))
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"problems": [{
        "file": f"{rules}/p2.yaml", "line": 4, "column": 5, "level": "error", "code": "unknown-principle",
        "message": "rule 'no-feedback-channel': unknown principle 11 (principles are numbered 1 to 10)",
        "hint": "principles are numbered 1 to 10, as in rules/policy.yaml"}]}


def test_one_file_can_be_linted(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE),
                                   "p3.yaml": rule_file(replaced("principle: 2", "principle: 11"))})
    assert invoke("rules", "lint", str(rules / "p2.yaml")).exit_code == 0
    assert invoke("rules", "lint", str(rules / "p3.yaml")).exit_code == 1


def test_bundled_rules_are_clean() -> None:
    result = invoke("rules", "lint", str(ROOT / "rules"))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("0 errors, 0 warnings in "), result.stdout
