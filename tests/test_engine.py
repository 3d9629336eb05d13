"""The durable_rules layer and the compiler: conditions mean what the DSL says, and no state is left."""

from __future__ import annotations

import pytest
import yaml

import shutil

from policy_engine.evaluation.checker import Checker
from policy_engine.reading.documents import parse_document
from policy_engine.evaluation.engine import Engine
from policy_engine.model import Location
from tests.conftest import ROOT

POLICY = (ROOT / "rules" / "policy.yaml").read_text(encoding="utf-8")
SECTIONS = (ROOT / "rules" / "sections.yaml").read_text(encoding="utf-8")


def make_checker(tmp_path, when: dict) -> Checker:
    """A rule folder with the bundled policy, sections, concepts and languages, and one rule 'r'."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "sections.yaml").write_text(SECTIONS, encoding="utf-8")
    for folder in ("concepts", "languages"):
        if not (tmp_path / folder).exists():
            shutil.copytree(ROOT / "rules" / folder, tmp_path / folder)
    rule = {"id": "r", "title": "Test rule", "principle": 7, "articles": ["7.5"], "severity": "violation",
            "message": "msg", "rationale": "why", "remediation": "fix", "when": when}
    (tmp_path / "r.yaml").write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    return Checker.from_directory(tmp_path)


def fires(checker: Checker, data: dict, body: str = "") -> bool:
    text = yaml.safe_dump(data) if not body else "---\n" + yaml.safe_dump(data) + "---\n" + body
    doc = parse_document(text, "d.md" if body else "d.yaml", ".md" if body else ".yaml")
    return any(f.rule == "r" for f in checker.check(doc).findings)


CORRELATION = {"all": [
    {"field": "awareness", "exists": True},
    {"any_item": "funding", "where": {"field": "type", "one_of": ["border_authority", "immigration_authority"]}},
]}


@pytest.mark.parametrize("when,data,expected", [
    ({"field": "needs_assessment.done", "equals": False}, {"needs_assessment": {"done": False}}, True),
    ({"field": "needs_assessment.done", "equals": False}, {"needs_assessment": {"done": True}}, False),
    ({"field": "needs_assessment", "missing": True}, {}, True),
    ({"field": "needs_assessment", "missing": True}, {"needs_assessment": {"done": True}}, False),
    ({"not": {"field": "needs_assessment.done", "equals": True}}, {}, True),  # not equals: true when missing
    ({"field": "funding", "exists": True}, {"funding": []}, False),          # an empty list is not there
    ({"field": "phases", "contains": "return"}, {"phases": ["origin", "return"]}, True),
    ({"field": "phases", "contains": "return"}, {"phases": ["origin"]}, False),
    ({"not": {"field": "phases", "contains": "return"}}, {"phases": ["origin"]}, True),
    ({"any_item": "partners", "where": {"field": "type", "equals": "police"}},
     {"partners": [{"type": "ngo"}, {"type": "police"}]}, True),
    ({"no_item": "partners", "where": {"field": "type", "equals": "police"}},
     {"partners": [{"type": "ngo"}, {"type": "police"}]}, False),
    ({"no_item": "partners"}, {}, True),
    ({"all_items": "partners", "where": {"field": "type", "equals": "ngo"}}, {"partners": [{"type": "ngo"}]}, True),
    ({"all_items": "partners", "where": {"field": "type", "equals": "ngo"}},
     {"partners": [{"type": "ngo"}, {"type": "police"}]}, False),
    ({"all_items": "partners", "where": {"field": "type", "equals": "ngo"}}, {}, False),
    (CORRELATION, {"awareness": {"aims": ["x"]}, "funding": [{"type": "border_authority"}]}, True),
    (CORRELATION, {"awareness": {"aims": ["x"]}, "funding": [{"type": "ngo"}]}, False),
    (CORRELATION, {"funding": [{"type": "border_authority"}]}, False),
    ({"any": [{"field": "return_assistance.voluntary", "equals": False},
              {"not": {"any_item": "partners"}}]}, {"partners": [{"type": "ngo"}]}, False),
    ({"field": "funding", "exists": True}, {"funding": [{"amount": 10}]}, True),
    # a negation must see items asserted after the first positive item (engine ordering regression)
    ({"all": [{"any_item": "partners"}, {"no_item": "partners", "where": {"field": "type", "equals": "police"}}]},
     {"partners": [{"type": "ngo"}, {"type": "police"}]}, False),
    ({"all": [{"any_item": "partners"}, {"no_item": "partners", "where": {"field": "type", "equals": "police"}}]},
     {"partners": [{"type": "ngo"}, {"type": "un_agency"}]}, True),
])
def test_condition_semantics(tmp_path, when, data, expected) -> None:
    assert fires(make_checker(tmp_path, when), data) is expected


def test_prose_scope_stance_and_polarity(tmp_path) -> None:
    checker = make_checker(tmp_path, {"prose": {"all": ["identity_document", "restriction"], "in": ["eligibility"]}})
    assert fires(checker, {"eligibility": {"criteria": ["A residence card is required."]}})
    assert not fires(checker, {"eligibility": {"criteria": ["No residence card is required."]}})  # negated
    assert not fires(checker, {"summary": "A residence card is required."})  # out of scope
    assert fires(checker, {"id": "x"}, "## Eligibility\nA valid Résidence Card is required.\n")
    assert not fires(checker, {"id": "x"}, "## Background\nA residence card is required.\n")


def test_prose_said_and_stance_reach_the_engine(tmp_path) -> None:
    denied = make_checker(tmp_path / "a", {"prose": {"all": ["needs_assessment_named"], "said": "denied"}})
    assert fires(denied, {"summary": "No needs assessment will be carried out."})
    assert not fires(denied, {"summary": "A needs assessment was carried out in May."})
    anywhere = make_checker(tmp_path / "b", {"prose": {"all": ["campaign", "stop_deter", "migration_movement"],
                                                        "stance": "any"}})
    plan = make_checker(tmp_path / "c", {"prose": {"all": ["campaign", "stop_deter", "migration_movement"]}})
    background = "## Background\nThe ministry runs a campaign to discourage irregular migration.\n"
    assert fires(anywhere, {"id": "x"}, background)
    assert not fires(plan, {"id": "x"}, background)
    assert fires(plan, {"id": "x"}, "## Activities\nWe run a campaign to discourage irregular migration.\n")


def test_text_patterns_stay_as_an_escape_hatch(tmp_path) -> None:
    checker = make_checker(tmp_path, {"text": {"in": ["eligibility"], "matches": ["form [a-z]-?[0-9]{3}"],
                                                "unless": ["form [a-z]-?[0-9]{3} is not"]}})
    assert fires(checker, {"eligibility": {"criteria": ["Applicants fill in form B-104."]}})
    assert not fires(checker, {"eligibility": {"criteria": ["Form B-104 is not used."]}})
    assert not fires(checker, {"summary": "Applicants fill in form B-104."})  # out of scope


def test_findings_carry_evidence_with_lines(tmp_path) -> None:
    checker = make_checker(tmp_path, CORRELATION)
    doc = parse_document("id: x\nawareness:\n  aims: [inform]\nfunding:\n  - source: Border fund\n"
                         "    type: border_authority\n", "d.yaml", ".yaml")
    (finding,) = checker.check(doc).findings
    # the list item at fault comes before a field that only sets the context (docs/internals.md)
    assert finding.location == Location(6, 11, "funding[0].type")
    assert [(e.line, e.column, e.field, e.quote) for e in finding.evidence] == [
        (6, 11, "funding[0].type", "border_authority"), (2, 1, "awareness", "inform")]


def test_engine_leaves_no_state_behind(checker) -> None:
    violating = parse_document((ROOT / "cases/violating/eligibility-documents.yaml").read_text(), "v.yaml", ".yaml")
    compliant = parse_document((ROOT / "cases/compliant/transit-town-health-post.yaml").read_text(), "c.yaml", ".yaml")
    first = [f.to_dict() for f in checker.check(compliant).findings]
    for _ in range(50):
        assert checker.check(violating).findings
        assert [f.to_dict() for f in checker.check(compliant).findings] == first


def test_engine_direct_matches_are_sorted_and_complete() -> None:
    engine = Engine({"a": {"all": [{"x": {"t": "item"}}, {"p": {"t": "programme"}}]},
                     "b": {"all": [{"p": {"t": "programme"}}, {"n$not": {"t": "item"}}]}}, name="test_direct")
    assert sorted(name for name, _ in engine.evaluate([{"t": "item", "i": 0}, {"t": "programme"}])) == ["a"]
    assert sorted(name for name, _ in engine.evaluate([{"t": "programme"}])) == ["b"]
    two = engine.evaluate([{"t": "item", "i": 0}, {"t": "item", "i": 1}, {"t": "programme"}])
    assert [name for name, _ in two] == ["a", "a"]


def test_a_text_match_never_spans_two_sentences(tmp_path) -> None:
    checker = make_checker(tmp_path, {"text": {"matches": ["residence[^ ]+card"]}})
    assert not fires(checker, {"summary": "We discussed residence. Card games were played."})
    assert fires(checker, {"summary": "We discussed it. A residence-card is asked."})


def test_unreadable_language_is_not_taken_as_absent_prose(tmp_path) -> None:
    checker = make_checker(tmp_path, {"not": {"prose": {"all": ["people_served", "involvement"], "stance": "any"}}})
    assert fires(checker, {"language": "en", "summary": "Nothing about it."})
    assert not fires(checker, {"language": "fa", "summary": "هیچ چیز."})
    doc = parse_document("language: fa\nsummary: هیچ چیز.\n", "d.yaml", ".yaml")
    assert checker.check(doc).status == "not_checked"


@pytest.mark.slow  # a batch in worker processes
def test_the_batch_reads_what_the_single_check_reads(tmp_path) -> None:
    """prepare_batch compiles every language up front: every case, and a draft in a language the
    concepts do not cover, come out the same, notices included."""
    from policy_engine.authoring.expectations import case_files
    from policy_engine.reading.documents import load_document

    persian = tmp_path / "fa.md"
    persian.write_text("---\nlanguage: fa\n---\n# فعالیت‌ها\nما به همه مهاجران کمک می‌کنیم.\n", encoding="utf-8")
    docs = [load_document(p) for p in case_files(ROOT / "cases")] + [load_document(persian)]
    single, batch = Checker.from_directory(ROOT / "rules"), Checker.from_directory(ROOT / "rules")
    batch.prepare_batch()
    outcomes = []
    for checker in (single, batch):
        outcomes.append([([f.to_dict() for f in r.findings], r.warnings, r.status, r.unread)
                         for r in map(checker.check, docs)])
    assert outcomes[0] == outcomes[1]
    assert any(findings for findings, *_ in outcomes[1])
    assert outcomes[1][-1][2] == "not_checked" and outcomes[1][-1][3][0].language == "fa"


def test_each_ruleset_is_sent_only_the_facts_its_patterns_can_take(monkeypatch) -> None:
    import json
    import policy_engine.evaluation.engine as module

    text = {"$and": [{"t": "text"}, {"k": "w"}]}
    rules = {f"a{n:02d}": {"all": [{"p": {"t": "programme"}}, {"x": {"$and": [{"t": "item"}, {"v": n}]}}]}
             for n in range(50)}  # the first ruleset reads items; the second, one text key and an absence
    rules["b0"] = {"all": [{"p": {"t": "programme"}}, {"x": text}]}
    rules["b1"] = {"all": [{"p": {"t": "programme"}}, {"n$not": {"$and": [{"t": "text"}, {"k": "q"}]}}]}
    engine = Engine(rules)
    sent: list[tuple[int, str]] = []
    real = module._core.assert_fact
    monkeypatch.setattr(module._core, "assert_fact", lambda handle, fact: sent.append((handle, fact)) or real(handle, fact))
    facts = [{"t": "item", "v": 3}, {"t": "text", "k": "w"}, {"t": "text", "k": "q"}, {"t": "text", "k": "z"},
             {"t": "programme"}]
    fired = sorted(name for name, _ in engine.evaluate(facts))
    assert fired == ["a03", "b0"]  # b1 saw its text fact: the absence does not hold
    first, second = engine._handles
    assert [json.loads(f)["t"] for h, f in sent if h == first] == ["item", "programme"]
    assert [json.loads(f).get("k") for h, f in sent if h == second] == ["w", "q", None]
    # a pattern without a plain type tag: that ruleset takes every fact
    assert module._routes({"r": {"all": [{"p": {"$or": [{"t": "a"}, {"t": "b"}]}}]}}) is None
    # a choice of prose tests (one pattern, an $or of their keys): routed by each of its keys
    choice = {"$and": [{"t": "prose"}, {"$or": [{"k": "a"}, {"$and": [{"k": "b"}, {"st": "plan"}]}]}]}
    assert module._routes({"r": {"all": [{"p": {"t": "programme"}}, {"s0": choice}]}}) == \
        {("programme", None), ("prose", "a"), ("prose", "b")}


def test_prose_tests_side_by_side_are_one_choice_cut_under_the_engine_limit(tmp_path) -> None:
    from policy_engine.evaluation.compiler import MAX_SEQUENCE, sequence_length

    # forty ways of saying it, each in its own sections and stance: too many branches for one pattern
    concepts = ["identity_document", "legal_status", "nationals", "registered"]
    tests = [{"prose": {"all": [c, "restriction"], "in": [section], "stance": stance}}
             for c in concepts for section in ("eligibility", "activities", "summary", "target_groups", "partners")
             for stance in ("plan", "any")]
    checker = make_checker(tmp_path, {"all": [{"field": "id", "exists": True}, {"any": tests}]})
    conjuncts = list(checker.conjuncts.values())
    assert 1 < len(conjuncts) < len(tests)  # cut into a few choices, not one engine rule per test
    for conj in conjuncts:  # each pattern within the engine's limit (the rule set compiled: none over it)
        assert all(sequence_length(p) <= MAX_SEQUENCE for p in conj.to_durable()["all"])
    assert sorted(t.key for c in conjuncts for _, choice in c.proses for t in choice) == \
        sorted(checker.rule_set.get("r").when.items[1].items[n].key for n in range(len(tests)))
    assert fires(checker, {"id": "x", "eligibility": {"criteria": ["Only nationals may register."]}})
    assert fires(checker, {"id": "x", "summary": "A residence card is required."})
    assert not fires(checker, {"id": "x", "summary": "No residence card is required."})
    assert not fires(checker, {"id": "x", "background": "A residence card is required."})
