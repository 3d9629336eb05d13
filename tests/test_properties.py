"""Property-based tests: for any input, the loaders, the rule compiler and the reporters give a
result or a clean PolicyCheckError, never another exception."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from policy_engine.reading.documents import parse_document
from policy_engine.errors import PolicyCheckError
from policy_engine.reports import build_report
from policy_engine.reports.formats import NAMES, whole_report
from policy_engine.findings.result import CheckResult
from policy_engine.model import Evidence, Finding
from policy_engine.ruleset.rules import load_rule_set
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # property-based: hundreds of generated inputs

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.text(max_size=30),
                    st.sampled_from(["origin", "return", "border_authority", "police", "ngo", "any", True, False]))
keys = st.sampled_from(["id", "title", "phases", "partners", "type", "role", "eligibility", "criteria",
                        "documents_required", "needs_assessment", "done", "funding", "awareness", "aims",
                        "data_sharing", "recipient_type", "consent", "unknown", "language"])
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(keys, inner, max_size=5)), max_leaves=25)


@SETTINGS
@given(st.text(max_size=400), st.sampled_from([".yaml", ".json", ".md", ".txt"]))
def test_any_text_loads_or_fails_cleanly(text, suffix) -> None:
    try:
        parse_document(text, "x" + suffix, suffix)
    except PolicyCheckError as exc:
        assert "\n" not in exc.message


@SETTINGS
@given(st.dictionaries(keys, values, max_size=8), st.text(max_size=200))
def test_any_structure_checks_or_fails_cleanly(checker, data, body) -> None:
    for text, suffix in ((yaml.safe_dump(data), ".yaml"), (json.dumps(data), ".json"),
                         ("---\n" + yaml.safe_dump(data) + "---\n" + body, ".md")):
        try:
            doc = parse_document(text, "x" + suffix, suffix)
        except PolicyCheckError:
            continue
        result = checker.check(doc)
        report = build_report([result], checker.rule_set)
        for fmt in map(whole_report, NAMES):
            assert isinstance(fmt(report), str)


conditions = st.recursive(
    st.one_of(
        st.fixed_dictionaries({"field": st.sampled_from(["needs_assessment.done", "phases", "nope", "awareness"]),
                               "equals": scalars}),
        st.sampled_from(["exists", "missing", "contains", "gt", "bogus"]).flatmap(
            lambda op: st.fixed_dictionaries({"field": st.sampled_from(["phases", "needs_assessment"]), op: scalars})),
        st.sampled_from(["any_item", "no_item", "all_items"]).flatmap(
            lambda q: st.fixed_dictionaries({q: st.sampled_from(["partners", "phases", "title", "zzz"])})),
        st.fixed_dictionaries({"text": st.fixed_dictionaries(
            {"matches": st.lists(st.sampled_from(["a(b", "residence", "form [0-9]+", "", "x{2,1}", "a" * 90]),
                                 max_size=3)})}),
        st.fixed_dictionaries({"prose": st.fixed_dictionaries(
            {"all": st.lists(st.sampled_from(["identity_document", "restriction", "nope", "", "campaign"]), max_size=3)},
            optional={"said": st.sampled_from(["denied", "any", "maybe"]),
                      "within": st.sampled_from(["clause", "sentence", "page"]),
                      "near": st.sampled_from([0, 3, -1, True, 99]),
                      "unless": st.sampled_from([["open_access"], ["restriction"], "x", []]),
                      "said_of": st.sampled_from([["restriction"], ["campaign"]]),
                      "said_done": st.sampled_from([["restriction"], ["campaign"], ["identity_document"]]),
                      "stance": st.sampled_from(["plan", "any", "nope", ["background"]])})}),
        values,
    ),
    lambda inner: st.one_of(st.fixed_dictionaries({"all": st.lists(inner, max_size=3)}),
                            st.fixed_dictionaries({"any": st.lists(inner, max_size=3)}),
                            st.fixed_dictionaries({"not": inner})),
    max_leaves=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conditions)
@example(when={"field": "phases", "contains": "\n"})  # (a value outside the allowed ones, with a line break)
def test_any_rule_condition_compiles_or_fails_cleanly(tmp_path_factory, when) -> None:
    folder = tmp_path_factory.mktemp("rules")
    for name in ("policy.yaml", "sections.yaml"):
        (folder / name).write_text((ROOT / "rules" / name).read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("concepts", "languages"):
        shutil.copytree(ROOT / "rules" / name, folder / name)
    rule = {"id": "prop", "title": "Property rule", "principle": 1, "articles": ["1.1"], "severity": "advice",
            "message": "msg", "rationale": "why", "remediation": "fix", "when": when}
    (folder / "r.yaml").write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    rule_set, problems = load_rule_set(folder)
    for problem in problems:
        assert isinstance(problem, PolicyCheckError) and "\n" not in problem.message
    if not problems:
        from policy_engine.evaluation.checker import Checker
        checker = Checker(rule_set)
        checker.check(parse_document("id: x\nphases: [origin]\n", "x.yaml", ".yaml"))


text_st = st.text(max_size=60)


@SETTINGS
@given(st.lists(st.tuples(text_st, st.sampled_from(["violation", "warning", "advice"]), st.integers(1, 10),
                          st.one_of(st.none(), st.integers(1, 10_000)), text_st), max_size=6), text_st)
def test_reporters_never_fail(findings, path) -> None:
    from policy_engine.ruleset.rules import RuleSet
    from policy_engine.ruleset.policy import Policy
    result = CheckResult(path or "p", "id", [Finding(rule or "r", sev, principle, ("1.1",), rule, rule, rule, rule,
                                                     (Evidence(line, "field", rule),))
                                             for rule, sev, principle, line, _ in findings])
    report = build_report([result, CheckResult("bad", error=path)], RuleSet(Policy("p", "1", {}, {}), (), "d", "r"))
    for fmt in map(whole_report, NAMES):
        assert isinstance(fmt(report), str)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4),
                            st.dictionaries(st.integers(), inner, max_size=2)), max_leaves=30)


@SETTINGS
@given(json_values, st.sampled_from(["", "  ", "    "]))
def test_the_streamed_json_is_what_json_dumps_writes(value, indent) -> None:
    """The audit's own JSON writer (faster than json's pure-Python indented one) writes the same bytes."""
    from policy_engine.reports.stream import _nested

    assert _nested(value, indent) == json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)
