"""`policy-check rules coverage`: principles and articles with the rules and cases behind each."""

from __future__ import annotations

import json

from tests.rulekit import GOOD_RULE, ROOT, invoke, rule_file, rule_folder

# Two rules: one under principle 2 (no article), one under principle 1 citing articles 1.2 and 4.2.
CITING_RULE = (GOOD_RULE.replace("no-feedback-channel", "cites-articles").replace("principle: 2", "principle: 1")
               .replace("articles: []", 'articles: ["1.2", "4.2"]').replace("severity: warning", "severity: violation"))
FIRING_CASE = "id: a\nparticipation: {migrants_consulted: false}\nexpect:\n  must_flag: [no-feedback-channel, '4.2']\n"
QUIET_CASE = "id: b\nparticipation: {migrants_consulted: true}\nexpect:\n  no_violation: true\n"


def folder(tmp_path):
    return rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE, CITING_RULE)},
                       {"a.yaml": FIRING_CASE, "b.yaml": QUIET_CASE})


def test_table_rows_counts_and_gaps(tmp_path) -> None:
    result = invoke("rules", "coverage", str(folder(tmp_path)))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["SCOPE", "TITLE", "RULES", "EXAMPLES", "FIRING", "QUIET"]
    rows = {line[:6].strip(): line[60:].split() for line in lines[2:] if line[:6].strip()}
    assert rows["P1"] == ["1", "2", "0", "1", "<-", "no", "firing", "case"]  # quiet: b.yaml's no_violation
    assert rows["1.1"] == ["0", "0", "0", "0", "<-", "no", "rules"]
    assert rows["1.2"] == ["1", "2", "0", "1", "<-", "no", "firing", "case"]
    assert rows["P2"] == ["1", "2", "1", "0"]              # no-feedback-channel, flagged by a.yaml
    assert rows["4.2"] == ["1", "2", "1", "1"]             # a.yaml names the article itself
    assert rows["P4"] == ["1", "2", "1", "1"]              # through its article 4.2
    assert lines[-3:] == [
        "Principles without rules: P3, P5, P6, P7, P8, P9, P10",
        "Articles without rules: 1.1, 1.3, 3.2, 3.3, 7.4, 7.5",
        "Rules without cases: cites-articles",
    ]


def test_verbose_lists_rules_and_cases(tmp_path) -> None:
    lines = invoke("rules", "coverage", "-v", str(folder(tmp_path))).stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("P2 "))
    assert [line.strip() for line in lines[start + 1:start + 3]] == ["rule   no-feedback-channel",
                                                                     "fires  violating/a.yaml"]


def test_json_and_markdown(tmp_path) -> None:
    rules = folder(tmp_path)
    data = json.loads(invoke("rules", "coverage", "--format", "json", str(rules)).stdout)
    p2 = next(r for r in data["rows"] if r["scope"] == "P2")
    assert p2 == {"scope": "P2", "title": "Include migrants in humanitarian programming",
                  "rules": ["no-feedback-channel"], "examples": 2, "firing_cases": ["violating/a.yaml"],
                  "quiet_cases": []}
    assert data["gaps"]["rules_without_cases"] == ["cites-articles"]
    markdown = invoke("rules", "coverage", "--format", "markdown", str(rules)).stdout
    assert "| **P2** | Include migrants in humanitarian programming | `no-feedback-channel` | 2 | " \
           "violating/a.yaml | 0 |" in markdown.splitlines()


def test_strict_fails_on_gaps(tmp_path) -> None:
    assert invoke("rules", "coverage", "--strict", str(folder(tmp_path))).exit_code == 1


def test_bundled_coverage_lists_every_principle() -> None:
    result = invoke("rules", "coverage", str(ROOT / "rules"))
    assert result.exit_code == 0
    scopes = [line[:6].strip() for line in result.stdout.splitlines()[2:20]]
    assert [s for s in scopes if s.startswith("P")] == [f"P{n}" for n in range(1, 11)]
