"""`policy-check rules lint`: exact locations, codes and messages for each kind of mistake."""

from __future__ import annotations

import json

import pytest

from policy_engine.authoring.lint import MAX_PROGRAM_SIZE, lint, unmatchable_reason
from tests.rulekit import GOOD_RULE, without_examples, ROOT, invoke, rule_file, rule_folder

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
    ("no test at all", rule_file(without_examples(GOOD_RULE)),
     [(2, 5, "error", "untested-rule",
       "rule 'no-feedback-channel': rule has no test: no violating example, no sentence it fires on, and no "
       "case expects it"),
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
    ("sentence example without its text", rule_file(replaced(
        "        - {id: ex, participation: {migrants_consulted: false, feedback_mechanism: true}}\n",
        "        - {id: ex, participation: {migrants_consulted: false, feedback_mechanism: true}}\n"
        "      quiet:\n        en: [Migrants were consulted., {in: participation}]\n")),
     [(22, 40, "error", "invalid-example",
       "rule 'no-feedback-channel': a quiet sentence needs its text: a sentence, or {text: ..., in: SECTION}")]),
    ("sentence example whose comma ends its text", rule_file(replaced(
        "        - {id: ex, participation: {migrants_consulted: false, feedback_mechanism: true}}\n",
        "        - {id: ex, participation: {migrants_consulted: false, feedback_mechanism: true}}\n"
        "      quiet:\n        en: [{text: Migrants were asked, and they answered., in: participation}]\n")),
     [(22, 14, "error", "invalid-example",
       "rule 'no-feedback-channel': a quiet sentence has unknown key(s) 'and they answered.': an entry has only "
       "text, language, fields, in, and a text with a comma is written in quotes")]),
    ("duplicate id", rule_file(GOOD_RULE, GOOD_RULE),
     [(22, 5, "error", "duplicate-id",
       "duplicate rule id 'no-feedback-channel' (first defined at RULES/p2.yaml:2)")]),
    ("unknown key", rule_file(replaced("    title:", "    titel:")),
     [(2, 5, "error", "schema", "rule 'no-feedback-channel': at 'rules[0]': 'title' is a required property"),
      (3, 5, "error", "schema", "rule 'no-feedback-channel': at 'rules[0]': unknown key 'titel' (allowed: "
                                "aliases, articles, examples, id, in_prose, message, principle, rationale, remediation, "
                                "replaces, severity, title, when)")]),
    ("YAML syntax", "rules:\n  - id: x\n   title: y\n",
     [(3, 4, "error", "yaml-syntax", "YAML syntax error: did not find expected '-' indicator")]),
]


@pytest.mark.parametrize("what,text,expected", LINT_CASES, ids=[c[0] for c in LINT_CASES])
def test_lint_reports_exact_problem(tmp_path, what: str, text: str, expected: list) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": text}, concepts=False)
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
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(broken)}, concepts=False)
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
        "0 rules read, 0 concepts, 0 text patterns",
    ]


def test_warnings_pass_unless_strict(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE.split("      compliant:")[0])}, concepts=False)
    assert invoke("rules", "lint", str(rules)).exit_code == 0
    strict = invoke("rules", "lint", "--strict", str(rules))
    assert strict.exit_code == 1
    assert "[warning] rule 'no-feedback-channel': rule has no compliant example" in strict.stdout


def test_a_case_counts_as_a_test(tmp_path) -> None:
    case = ("id: c\nparticipation: {migrants_consulted: false}\nexpect:\n  must_flag: [no-feedback-channel]\n")
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(without_examples(GOOD_RULE))}, {"c.yaml": case},
                        concepts=False)
    problems, _ = lint(rules)  # cases/ beside rules/ by default
    assert [(p.level, p.code) for p in problems] == [("warning", "untested-rule")]


def test_json_format(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(replaced("principle: 2", "principle: 11"))}, concepts=False)
    result = invoke("rules", "lint", "--format", "json", str(rules))
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"problems": [{
        "file": f"{rules}/p2.yaml", "line": 4, "column": 5, "level": "error", "code": "unknown-principle",
        "message": "rule 'no-feedback-channel': unknown principle 11 (principles are numbered 1 to 10)",
        "hint": "principles are numbered 1 to 10, as in rules/policy.yaml"}],
        "rules": 1, "concepts": 0, "text_patterns": 0, "longest_text_pattern": 0}


def test_one_file_can_be_linted(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE),
                                   "p3.yaml": rule_file(replaced("principle: 2", "principle: 11"))}, concepts=False)
    assert invoke("rules", "lint", str(rules / "p2.yaml")).exit_code == 0
    assert invoke("rules", "lint", str(rules / "p3.yaml")).exit_code == 1


def test_bundled_rules_are_clean() -> None:
    result = invoke("rules", "lint", str(ROOT / "rules"))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("0 errors, 0 warnings in "), result.stdout


# ---- prose tests and concepts -------------------------------------------------------------------

PROSE_RULE = GOOD_RULE.split("    when:")[0] + """\
    when:
      prose:
        all: [residents, asked]
        said: denied
    examples:
      fire:
        en: ["Residents are never asked."]
        es: ["Nunca se pregunta a los residentes."]
      quiet:
        en: ["Residents are asked every month."]
"""

CONCEPTS = """\
concepts:
  residents:
    means: The people who live at the site.
    en: [resident, residents]
    es: [residente]
    examples:
      en: {match: ["A resident spoke."], no_match: ["A guard spoke."]}
      es: {match: ["Habló un residente."], no_match: ["Habló un guardia."]}
  asked:
    means: Being asked for an opinion.
    en: [ask, consult]
    es: [preguntar, consultar]
    fr: [demander]
    examples:
      en: {match: ["We ask them."], no_match: ["We feed them."]}
      es: {match: ["Les preguntamos."], no_match: ["Les damos comida."]}
  unused:
    means: Nothing any rule reads.
    en: [nothing]
"""


def prose_folder(tmp_path, rule: str = PROSE_RULE, concepts: str = CONCEPTS):
    return rule_folder(tmp_path, {"p2.yaml": rule_file(rule), "concepts/test.yaml": concepts}, concepts=False)


def test_lint_checks_concepts_with_their_lines(tmp_path) -> None:
    rules = prose_folder(tmp_path)
    problems, _ = lint(rules, cases_dir=tmp_path / "no-cases")
    got = [(p.file.replace(str(rules), "RULES"), p.line, p.level, p.code, p.message) for p in problems]
    assert got == [
        ("RULES/concepts/test.yaml", 2, "warning", "missing-language",
         "concept 'residents': no words in 'fr' (Français): rules that need it never hold in drafts written in "
         "Français"),
        ("RULES/concepts/test.yaml", 14, "warning", "untested-concept",
         "concept 'asked': no example sentence in 'fr' that it must be found in"),
        ("RULES/concepts/test.yaml", 17, "warning", "missing-language",
         "concept 'unused': no words in 'es' (Español): rules that need it never hold in drafts written in Español"),
        ("RULES/concepts/test.yaml", 17, "warning", "missing-language",
         "concept 'unused': no words in 'fr' (Français): rules that need it never hold in drafts written in Français"),
        ("RULES/concepts/test.yaml", 17, "warning", "untested-concept",
         "concept 'unused': no example sentence in 'en' that it must be found in"),
        ("RULES/concepts/test.yaml", 17, "warning", "unused-concept",
         "concept 'unused': no rule reads it and no concept includes it"),
        ("RULES/p2.yaml", 12, "warning", "missing-language",
         "rule 'no-feedback-channel': concept residents has no words in 'fr': this test can never hold in drafts "
         "written in Français"),
        ("RULES/p2.yaml", 14, "warning", "untested-rule",
         "rule 'no-feedback-channel': no sentence it fires on in fr (examples.fire): nothing shows the rule reads "
         "drafts in that language"),
    ]


def test_a_concept_that_hides_its_words_is_in_use_without_a_rule(tmp_path) -> None:
    # "living conditions" hides "conditions" from the concepts that would read a condition set on help
    concepts = CONCEPTS.replace("    means: Nothing any rule reads.\n",
                                "    means: Nothing any rule reads.\n    hides_words: true\n")
    rules = prose_folder(tmp_path, concepts=concepts)
    problems, _ = lint(rules, cases_dir=tmp_path / "no-cases")
    assert [p.code for p in problems if "'unused'" in p.message and p.code == "unused-concept"] == []
    assert "unused-concept" in {p.code for p in lint(prose_folder(tmp_path / "plain"), cases_dir=tmp_path)[0]}


@pytest.mark.parametrize("key", ["speaks_for_items", "short_names", "pronouns", "not_in_relative"])
def test_a_concept_flag_that_is_no_true_or_false_is_named_with_its_line(tmp_path, key) -> None:
    concepts = CONCEPTS.replace("    means: Nothing any rule reads.\n",
                                f"    means: Nothing any rule reads.\n    {key}: sometimes\n")
    problems, _ = lint(prose_folder(tmp_path, concepts=concepts), cases_dir=tmp_path / "no-cases")
    found = [p for p in problems if key in p.message]
    assert found and found[0].level == "error" and found[0].line > 0
    assert found[0].file.endswith("concepts/test.yaml")


def test_lint_warns_of_a_concept_entry_that_is_a_small_word(tmp_path) -> None:
    # a stray relative ("dont") or preposition ("para") alone matches nearly every sentence
    concepts = CONCEPTS.replace("es: [preguntar, consultar]", "es: [preguntar, para, consultar]") \
                       .replace("fr: [demander]", "fr: [demander, dont]")
    rules = prose_folder(tmp_path, concepts=concepts)
    problems, _ = lint(rules, cases_dir=tmp_path / "no-cases")
    got = [(p.line, p.column, p.code, p.message) for p in problems if p.code == "function-word"]
    assert got == [
        (12, 21, "function-word", "concept 'asked': 'para' (es) is one of the language's own small words (an "
                                  "article, preposition or relative): alone it matches almost every sentence"),
        (13, 20, "function-word", "concept 'asked': 'dont' (fr) is one of the language's own small words (an "
                                  "article, preposition or relative): alone it matches almost every sentence"),
    ]


def test_lint_finds_an_exception_that_silences_its_own_test(tmp_path) -> None:
    rule = PROSE_RULE.replace("        said: denied\n", "        said: denied\n        unless: [asked]\n")
    problems, _ = lint(prose_folder(tmp_path, rule), cases_dir=tmp_path / "no-cases")
    (dead,) = [p for p in problems if p.code == "dead-condition"]
    assert (dead.line, dead.level) == (14, "error")
    assert dead.message == ("rule 'no-feedback-channel': 'unless' names asked, which counts the words of asked that "
                            "the test needs: every sentence the test finds is excused, so it can never hold")


@pytest.mark.parametrize("what,rule,concepts,expected", [
    ("unknown concept", PROSE_RULE.replace("[residents, asked]", "[residents, askd]"), CONCEPTS,
     ("RULES/p2.yaml", 12, "unknown-concept", "rule 'no-feedback-channel': unknown concept 'askd'",
      "did you mean 'asked'?")),
    ("a word read as true", PROSE_RULE, CONCEPTS.replace("[resident, residents]", "[resident, yes]"),
     ("RULES/concepts/test.yaml", 4, "malformed-entry", "concept 'residents' (en): entry 2 was read as true, not "
      "as a word", None)),
    ("a word twice", PROSE_RULE, CONCEPTS.replace("[preguntar, consultar]", "[preguntar, consultar, preguntar]"),
     ("RULES/concepts/test.yaml", 12, "malformed-entry", "concept 'asked' (es): 'preguntar' is listed twice", None)),
    ("a regular expression for a word", PROSE_RULE, CONCEPTS.replace("[resident, residents]", "[resident, resident(s)?]"),
     ("RULES/concepts/test.yaml", 4, "malformed-entry", None, None)),
    ("describes an unknown concept", PROSE_RULE, CONCEPTS.replace(
        "    means: Nothing any rule reads.\n", "    means: Nothing any rule reads.\n    describes: [residnts]\n"),
     ("RULES/concepts/test.yaml", 17, "unknown-concept", "concept 'unused' describes unknown concept 'residnts'",
      "did you mean 'residents'?")),
    ("an empty concept", PROSE_RULE, CONCEPTS.replace("    en: [nothing]\n", ""),
     ("RULES/concepts/test.yaml", 17, "empty-concept", "concept 'unused' has no words in any language and "
      "includes no other concept", None)),
])
def test_lint_names_concept_mistakes_with_file_and_line(tmp_path, what, rule, concepts, expected) -> None:
    rules = prose_folder(tmp_path, rule, concepts)
    problems, _ = lint(rules, cases_dir=tmp_path / "no-cases")
    errors = [p for p in problems if p.level == "error"]
    assert errors, what
    file, line, code, message, hint = expected
    first = errors[0]
    assert (first.file.replace(str(rules), "RULES"), first.line, first.code) == (file, line, code)
    if message:
        assert first.message == message
    if hint:
        assert hint in (first.hint or "")


def test_lint_prints_the_text_pattern_count(tmp_path) -> None:
    result = invoke("rules", "lint", str(ROOT / "rules"))
    count = result.stdout.splitlines()[-1]
    assert count.endswith(" text patterns") or "text pattern" in count
    rules, concepts = count.split(" rules read, ")[0], count.split(", ")[1]
    assert int(rules) >= 30 and concepts.endswith(" concepts")


@pytest.mark.parametrize("key", ["unless_mentioned", "unless_denied", "unless_in_sentence", "unless_subject"])
def test_lint_names_an_unknown_concept_in_an_exception(tmp_path, key) -> None:
    rule = PROSE_RULE.replace("        said: denied\n", f"        said: denied\n        {key}: [gards]\n")
    problems, _ = lint(prose_folder(tmp_path, rule), cases_dir=tmp_path / "no-cases")
    (unknown,) = [p for p in problems if p.code == "unknown-concept"]
    assert (unknown.line, unknown.message) == (14, "rule 'no-feedback-channel': unknown concept 'gards'")


def test_lint_finds_an_unless_mentioned_that_silences_its_own_test(tmp_path) -> None:
    rule = PROSE_RULE.replace("        said: denied\n", "        said: denied\n        unless_mentioned: [asked]\n")
    problems, _ = lint(prose_folder(tmp_path, rule), cases_dir=tmp_path / "no-cases")
    (dead,) = [p for p in problems if p.code == "dead-condition"]
    assert dead.line == 14 and dead.message.startswith("rule 'no-feedback-channel': 'unless_mentioned' names asked")


def test_lint_lets_unless_subject_name_the_tests_own_concept(tmp_path) -> None:
    # unless_subject reads what a concept of the test does (its clause's subject), not whether it is there
    rule = PROSE_RULE.replace("        said: denied\n", "        said: denied\n        unless_subject: [residents]\n")
    problems, _ = lint(prose_folder(tmp_path, rule), cases_dir=tmp_path / "no-cases")
    assert [p for p in problems if p.code == "dead-condition"] == []


def test_lint_counts_a_concept_that_a_read_one_describes_as_read(tmp_path) -> None:
    concepts = CONCEPTS.replace("    en: [resident, residents]\n", "    en: [resident, residents]\n    describes: [unused]\n")
    problems, _ = lint(prose_folder(tmp_path, concepts=concepts), cases_dir=tmp_path / "no-cases")
    assert [p for p in problems if p.code == "unused-concept" and "'unused'" in p.message] == []
    assert "unused-concept" in {p.code for p in lint(prose_folder(tmp_path / "plain"), cases_dir=tmp_path)[0]}


GUARDS = CONCEPTS.replace("  unused:\n", """\
  guards:
    means: The guards at the gate.
    en: [guard, guards]
    es: [guardia]
    examples:
      en: {match: ["A guard spoke."], no_match: ["A resident spoke."]}
      es: {match: ["Habló un guardia."], no_match: ["Habló un residente."]}
  unused:
""")


@pytest.mark.parametrize("key, text, fires", [
    # "Residents are never asked, nor are the guards": the guards are mentioned, but denied
    ("unless", "Residents are never asked, nor are the guards.", True),
    ("unless_mentioned", "Residents are never asked, nor are the guards.", False),
    # unless_denied: only when the clause denies them ("nor are the guards"), not when it affirms them
    ("unless_denied", "Residents are never asked, nor are the guards.", False),
    ("unless_denied", "With the guards at the door, residents are never asked.", True),
    ("unless", "With the guards at the door, residents are never asked.", False),
    # unless reads the clause, unless_in_sentence all of the sentence, past a ';'
    ("unless", "Residents are never asked; the guards decide.", True),
    ("unless_in_sentence", "Residents are never asked; the guards decide.", False),
    # unless_subject: only when the guards open the clause and do what the test says ("never ask" follows them)
    ("unless_subject", "The guards never ask residents.", False),
    ("unless_between", "The guards never ask residents.", True),  # (the sentence raises it otherwise)
    ("unless_subject", "Residents are never asked by the guards.", True),
    ("unless_subject", "To the guards, residents are never asked.", True),
    # ...or a relative clause's subject ("that the guards never ask"), but not a possessive, which owns what follows
    ("unless_subject", "These are the forms that the guards never ask residents to sign.", False),
    ("unless_subject", "The forms that the guards' office never asks residents to sign.", True),
    ("unless_subject", "The guard's office never asks residents.", True),
])
def test_what_each_exception_key_reads(tmp_path, key, text, fires) -> None:
    rule = PROSE_RULE.replace("        said: denied\n", f"        said: denied\n        {key}: [guards]\n")
    assert _fires_on(tmp_path, prose_folder(tmp_path, rule, GUARDS), text) is fires


def _fires_on(tmp_path, rules, text: str) -> bool:
    """Whether the test rule fires on a draft whose Participation section says `text`."""
    draft = tmp_path / "draft.md"
    draft.write_text(f"---\nid: d\nlanguage: en\n---\n\n# Plan\n\n## Participation\n\n{text}\n", encoding="utf-8")
    result = invoke("check", str(draft), "--rules", str(rules), "--format", "json")
    return "no-feedback-channel" in [f["rule"] for d in json.loads(result.stdout)["documents"] for f in d["findings"]]


def test_lint_warns_of_an_idiom_with_a_gap(tmp_path) -> None:
    # an idiom hides its words only when they stand close together: "sent ... back" hides nothing in
    # "the police sent some people back", so it is reported where it is written
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    english = rules / "languages" / "en.yaml"
    text = english.read_text(encoding="utf-8")
    english.write_text(text.replace("idioms: [lack of jobs,", "idioms: [lack of jobs, sent ... back,", 1), encoding="utf-8")
    problems, _ = lint(rules, cases_dir=ROOT / "cases")
    got = [(p.file, p.line, p.column, p.level, p.code) for p in problems]
    line = text[:text.index("idioms: [lack of jobs,")].count("\n") + 1
    assert got == [(str(english), line, len("idioms: [lack of jobs, ") + 1, "warning", "gapped-idiom")]
    assert "'sent ... back' has a '...' gap" in problems[0].message


@pytest.mark.parametrize("said_done, text, fires", [
    # "No residents are ever asked": the residents are denied with the asking; said_done asks for them said as done
    ([], "No residents are ever asked.", True),
    (["residents"], "No residents are ever asked.", False),
])
def test_said_done_asks_for_a_concept_said_as_done(tmp_path, said_done, text, fires) -> None:
    rule = PROSE_RULE.replace("        said: denied\n", "        said: denied\n        said_of: [asked]\n"
                              + (f"        said_done: [{', '.join(said_done)}]\n" if said_done else ""))
    assert _fires_on(tmp_path, prose_folder(tmp_path, rule), text) is fires


def test_said_done_must_name_one_of_the_test_s_own_concepts(tmp_path) -> None:
    rule = PROSE_RULE.replace("        said: denied\n", "        said: denied\n        said_done: [guards]\n")
    problems, _ = lint(prose_folder(tmp_path, rule, GUARDS), cases_dir=tmp_path / "no-cases")
    errors = [p for p in problems if p.level == "error"]
    assert errors and "'said_done' names guards, which is not in 'all'" in errors[0].message


# A rule that reads PROSE_RULE's prose tests through 'prose_of', as a contradiction rule reads its pair's.
BORROWING_RULE = GOOD_RULE.replace("no-feedback-channel", "residents-never-asked-contradiction").split("    when:")[0] + """\
    when:
      all:
        - field: participation.migrants_consulted
          equals: true
        - prose_of: no-feedback-channel
    examples:
      fire:
        - {fields: {participation: {migrants_consulted: true}}, text: "Residents are never asked."}
      quiet:
        - {fields: {participation: {migrants_consulted: true}}, text: "Residents are asked every month."}
"""


def test_prose_of_reads_the_other_rule_s_prose_tests(tmp_path) -> None:
    rules = prose_folder(tmp_path, PROSE_RULE + BORROWING_RULE)
    problems, _ = lint(rules, cases_dir=tmp_path / "no-cases")
    assert not [p for p in problems if p.level == "error"]
    # its examples fire and stay quiet as the borrowed test reads them
    result = invoke("rules", "test", str(rules), "--no-cases", "--rule", "residents-never-asked-contradiction")
    assert result.exit_code == 0, result.stdout
    assert "2 passed, 0 failed" in result.stdout
    # and a sentence the borrowed test does not read leaves it quiet: it reads nothing of its own
    broken = BORROWING_RULE.replace('text: "Residents are asked every month."', 'text: "Residents are never consulted."')
    rules = prose_folder(tmp_path / "again", PROSE_RULE + broken)
    result = invoke("rules", "test", str(rules), "--no-cases", "--rule", "residents-never-asked-contradiction")
    assert result.exit_code == 1 and "stays quiet on \"Residents are never consulted.\"" in result.stdout


@pytest.mark.parametrize("target,line,message,hint", [
    ("no-feedback-chanel", 32, "'prose_of' names rule 'no-feedback-chanel', which does not exist",
     "did you mean 'no-feedback-channel'?"),
    ("residents-never-asked-contradiction", 32, "'prose_of' names the rule itself; name the rule whose prose tests "
     "this one reads", None),
])
def test_prose_of_names_a_wrong_rule_with_its_line(tmp_path, target, line, message, hint) -> None:
    rule = BORROWING_RULE.replace("prose_of: no-feedback-channel", f"prose_of: {target}")
    problems, _ = lint(prose_folder(tmp_path, PROSE_RULE + rule), cases_dir=tmp_path / "no-cases")
    errors = [p for p in problems if p.level == "error"]
    assert [(p.line, p.message) for p in errors] == [(line, f"rule 'residents-never-asked-contradiction': {message}")]
    if hint:
        assert hint in (errors[0].hint or "")


def test_prose_of_a_rule_without_prose_tests_is_named(tmp_path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE, BORROWING_RULE)})
    problems, _ = lint(rules, cases_dir=tmp_path / "no-cases")
    errors = [p for p in problems if p.level == "error"]
    assert [p.message for p in errors] == [
        "rule 'residents-never-asked-contradiction': rule 'no-feedback-channel' has no prose tests to read: "
        "'prose_of' reads the prose tests a rule lists directly under 'when' or 'when: any'"]
