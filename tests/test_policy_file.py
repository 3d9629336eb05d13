"""The policy file (policy.yaml) is the one source of the principles, their titles, the articles and the
scoring: checked against policy.schema.json with file:line errors, and honoured from a --rules folder by
every report."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from policy_engine.resources import SCHEMA_DIR
from policy_engine.ruleset.policy import read_policy
from policy_engine.ruleset.rules import load_rule_set
from policy_engine.ruleset.schemas import json_view
from tests.conftest import ROOT
from tests.rulekit import GOOD_RULE, invoke, rule_file, rule_folder

POLICY = (ROOT / "rules" / "policy.yaml").read_text(encoding="utf-8")
SCHEMA = json.loads((SCHEMA_DIR / "policy.schema.json").read_text(encoding="utf-8"))
DRAFT = str(ROOT / "cases/violating/eligibility-documents.yaml")


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_the_bundled_policy_passes_its_schema_as_an_editor_sees_it() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(json_view(yaml.safe_load(POLICY)))) == []
    assert POLICY.startswith("# yaml-language-server: $schema=../policy_engine/schemas/policy.schema.json")


def test_the_bundled_policy() -> None:
    policy, problems = read_policy(ROOT / "rules" / "policy.yaml")
    assert problems == []
    assert (policy.name, policy.version, sorted(policy.principles)) == ("IFRC Policy on Migration", "2009",
                                                                         list(range(1, 11)))
    assert policy.scoring == {"pass": 100, "needs review": 50, "fail": 0}
    assert policy.principles[7].title == "Work along the migratory trails" and "7.5" in policy.principles[7].articles
    assert policy.numbering() == "1 to 10"


@pytest.mark.parametrize("change,needle,message", [
    (("    title: Include migrants", "    titel: Include migrants"), "titel:",
     "at 'principles.2': unknown key 'titel' (allowed: articles, summary, title) (did you mean 'title'?)"),
    (("  needs review: 50", "  needs review: 150"), "needs review: 150",
     "at 'scoring.needs review': 150 is greater than the maximum of 100"),
    (("  fail: 0\n", ""), "scoring:", "at 'scoring': 'fail' is a required property"),
    (("  10:\n", "  ten:\n"), "ten:", "principle 'ten' is not a principle number (1, 2, ...)"),
    (('      "3.3": Bring', '      "4.9": Bring'), '"4.9"', "article '4.9' does not belong to principle 3"),
    (('      "7.4": Support', '      "7.d": Support'), '"7.d"', "article '7.d' is not an article number such as '7.5'"),
    (("  version: \"2009\"", "  version: 2009"), "version: 2009", "at 'policy.version': 2009 is not of type 'string'"),
])
def test_a_mistake_in_the_policy_file_is_one_located_error(tmp_path: Path, change: tuple[str, str], needle: str,
                                                           message: str) -> None:
    assert change[0] in POLICY
    text = POLICY.replace(*change)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    policy, problems = read_policy(path)
    assert not policy.principles and {p.path for p in problems} == {str(path)}
    assert [p.line for p in problems if p.message.startswith(message)] == [line_of(text, needle)], problems


def test_lint_names_the_policy_file_and_line(tmp_path: Path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE)}, concepts=False)
    text = POLICY.replace("  needs review: 50", "  needs review: lots")
    (rules / "policy.yaml").write_text(text, encoding="utf-8")
    result = invoke("rules", "lint", "--format", "json", str(rules))
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)["problems"]
    assert (problem["file"], problem["line"], problem["code"]) == (str(rules / "policy.yaml"),
                                                                   line_of(text, "needs review: lots"), "policy-file")
    assert "policy.schema.json" in problem["hint"]


# ---- a rule folder with its own policy ---------------------------------------------------------------

OWN_TITLES = {1: "Needs first, papers never", 5: "Do no harm with data"}


@pytest.fixture(scope="module")
def own_policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled rules with a policy of their own: two titles changed, an eleventh principle, other scores."""
    rules = tmp_path_factory.mktemp("own-policy") / "rules"
    shutil.copytree(ROOT / "rules", rules)
    text = POLICY
    text = text.replace("    title: Focus on the needs and vulnerabilities of migrants", f"    title: {OWN_TITLES[1]}")
    text = text.replace("    title: Link assistance, protection and humanitarian advocacy for migrants",
                        f"    title: {OWN_TITLES[5]}")
    text = text.replace("\n# The score each verdict", "  11:\n    title: Keep records of every decision\n"
                        "    summary: Made up for this test.\n\n# The score each verdict")
    text = text.replace("  pass: 100\n  needs review: 50\n  fail: 0\n", "  pass: 10\n  needs review: 4\n  fail: 0\n")
    (rules / "policy.yaml").write_text(text, encoding="utf-8")
    return rules


@pytest.mark.slow  # a new rule folder of every bundled rule: loaded, validated and compiled afresh
def test_the_text_report_names_the_folders_principles(own_policy: Path) -> None:
    rules = own_policy
    text = invoke("check", "--rules", str(rules), "-f", "text", DRAFT).stdout
    assert f"Principle 1: {OWN_TITLES[1]}" in text
    assert "Focus on the needs and vulnerabilities of migrants" not in text


@pytest.mark.slow  # the same, and an audit
def test_the_html_matrix_and_json_reports_take_principles_and_scores_from_the_folder(own_policy: Path,
                                                                                     tmp_path: Path) -> None:
    rules = own_policy
    out = tmp_path / "out"
    result = invoke("audit", "--rules", str(rules), "-j", "1", "-o", f"{out}/r.html", "-o", f"matrix:{out}/m.csv",
                    "-o", f"{out}/r.json", DRAFT)
    assert result.exit_code == 1, result.output
    page = (out / "r.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="policy-check-data">(.*?)</script>', page, re.S).group(1))
    assert data["meta"]["principles"]["1"] == OWN_TITLES[1] and data["meta"]["principles"]["11"]
    assert data["meta"]["scoring"] == {"pass": 10, "needs review": 4, "fail": 0}
    assert "scores 0 / 4 / 10" in page and "0 / 50 / 100" not in page
    [doc] = data["documents"]
    assert len(doc["verdicts"]) == 11 and doc["verdicts"][10] == "n/a"  # no rule cites principle 11
    rows = list(csv.reader(io.StringIO((out / "m.csv").read_text(encoding="utf-8-sig"))))
    row = dict(zip(rows[0], rows[1]))
    assert rows[0][-2:] == ["P11", "P11 score"] and row["P11"] == "n/a" and row["P11 score"] == ""
    assert row["P1"] == "fail" and row["P1 score"] == "0"
    assert {row[f"P{n} score"] for n in range(1, 11) if row[f"P{n}"] == "pass"} == {"10"}
    assert doc["score"] == float(row["score"]) <= 10
    assert json.loads((out / "r.json").read_text(encoding="utf-8"))["principles"]["5"] == OWN_TITLES[5]


def test_a_rule_citing_a_principle_the_policy_lacks_is_told_the_folders_numbering(tmp_path: Path) -> None:
    rules = rule_folder(tmp_path, {"p2.yaml": rule_file(GOOD_RULE.replace("principle: 2", "principle: 12"))}, concepts=False)
    (rules / "policy.yaml").write_text(POLICY.replace("\n# The score each verdict",
                                                      "  11:\n    title: Eleven\n\n# The score each verdict"),
                                       encoding="utf-8")
    _, problems = load_rule_set(rules)
    assert [(p.message, p.hint) for p in problems] == [
        ("rule 'no-feedback-channel': unknown principle 12 (principles are numbered 1 to 11)",
         "principles are numbered 1 to 11, as in rules/policy.yaml")]
