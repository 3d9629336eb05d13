"""The durable_rules layer and the compiler: conditions mean what the DSL says, and no state is left."""

from __future__ import annotations

import pytest
import yaml

from policy_engine.checker import Checker
from policy_engine.documents import parse_document
from policy_engine.engine import Engine
from tests.conftest import ROOT

POLICY = (ROOT / "rules" / "policy.yaml").read_text(encoding="utf-8")
VOCAB = (ROOT / "rules" / "vocabulary.yaml").read_text(encoding="utf-8")
SECTIONS = (ROOT / "rules" / "sections.yaml").read_text(encoding="utf-8")


def make_checker(tmp_path, when: dict) -> Checker:
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "vocabulary.yaml").write_text(VOCAB, encoding="utf-8")
    (tmp_path / "sections.yaml").write_text(SECTIONS, encoding="utf-8")
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


def test_text_scope_exceptions_and_sections(tmp_path) -> None:
    checker = make_checker(tmp_path, {"text": {"in": ["eligibility"], "matches": ["residence (card|permit)s?"],
                                                "unless": ["no [a-z ]*(is|are) required"]}})
    assert fires(checker, {"eligibility": {"criteria": ["A residence card is checked."]}})
    assert not fires(checker, {"eligibility": {"criteria": ["No residence permit is required."]}})
    assert not fires(checker, {"summary": "A residence card is checked."})  # out of scope
    assert fires(checker, {"id": "x"}, "## Eligibility\nA valid Résidence Card is checked.\n")
    assert not fires(checker, {"id": "x"}, "## Background\nA residence card is checked.\n")


def test_findings_carry_evidence_with_lines(tmp_path) -> None:
    checker = make_checker(tmp_path, CORRELATION)
    doc = parse_document("id: x\nawareness:\n  aims: [inform]\nfunding:\n  - source: Border fund\n"
                         "    type: border_authority\n", "d.yaml", ".yaml")
    (finding,) = checker.check(doc).findings
    assert [(e.line, e.field, e.quote) for e in finding.evidence] == [
        (2, "awareness", "inform"), (6, "funding[0].type", "border_authority")]


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


def test_upper_case_escapes_keep_their_meaning(tmp_path) -> None:
    checker = make_checker(tmp_path, {"text": {"matches": [r"card\S+ required"]}})
    assert fires(checker, {"summary": "Cards! required."})
    assert not fires(checker, {"summary": "Card  required."})


def test_a_match_never_spans_two_sentences(tmp_path) -> None:
    checker = make_checker(tmp_path, {"text": {"matches": ["residence[^ ]+card"]}})
    assert not fires(checker, {"summary": "We discussed residence. Card games were played."})
    assert fires(checker, {"summary": "We discussed it. A residence-card is asked."})


def test_unreadable_language_is_not_taken_as_absent_text(tmp_path) -> None:
    checker = make_checker(tmp_path, {"not": {"text": {"matches": {"en": ["migrants were consulted"]}}}})
    assert fires(checker, {"language": "en", "summary": "Nothing about it."})
    assert not fires(checker, {"language": "es", "summary": "Nada."})
    doc = parse_document("language: es\nsummary: Nada.\n", "d.yaml", ".yaml")
    assert any("no text patterns for language 'es'" in w for w in checker.check(doc).warnings)


def test_skipping_unusable_text_tests_changes_no_finding(checker, monkeypatch) -> None:
    """The pre-check that skips text no rule can use must never change a result."""
    import policy_engine.checker as module
    from policy_engine.expectations import case_files
    from policy_engine.documents import load_document

    docs = [load_document(p) for p in case_files(ROOT / "cases")]
    fast = [[f.to_dict() for f in checker.check(d).findings] for d in docs]
    monkeypatch.setattr(module, "_may_hold", lambda tests, doc: True)
    assert [[f.to_dict() for f in checker.check(d).findings] for d in docs] == fast


def test_the_batch_scan_finds_what_the_single_check_finds(tmp_path) -> None:
    """prepare_batch swaps the per-test search for one RE2 Set pass per sentence: every case, and
    drafts in a language without patterns, must come out the same, notices included."""
    from policy_engine.expectations import case_files
    from policy_engine.documents import load_document

    arabic = tmp_path / "ar.md"
    arabic.write_text("---\nlanguage: ar\n---\n# الأنشطة\nنقدم المساعدة لجميع المهاجرين.\n", encoding="utf-8")
    docs = [load_document(p) for p in case_files(ROOT / "cases")] + [load_document(arabic)]
    single, batch = Checker.from_directory(ROOT / "rules"), Checker.from_directory(ROOT / "rules")
    batch.prepare_batch()
    outcomes = []
    for checker in (single, batch):
        outcomes.append([([f.to_dict() for f in r.findings], r.warnings) for r in map(checker.check, docs)])
    assert outcomes[0] == outcomes[1]
    assert any(findings for findings, _ in outcomes[1])
    assert any("no text patterns for language 'ar'" in w for w in outcomes[1][-1][1])


def test_the_batch_scan_keeps_exceptions_scopes_and_sentences_apart(tmp_path) -> None:
    checker = make_checker(tmp_path, {"text": {"matches": ["residence[^ ]+card", "no papers"],
                                               "unless": ["papers are not needed"], "in": ["eligibility"]}})
    checker.prepare_batch()
    assert fires(checker, {"eligibility": {"criteria": ["A residence-card is asked."]}})
    assert not fires(checker, {"summary": "A residence-card is asked."})  # out of scope
    assert not fires(checker, {"eligibility": {"criteria": ["We discussed residence. Card games were played."]}})
    assert fires(checker, {"eligibility": {"criteria": ["No papers, no help."]}})
    assert not fires(checker, {"eligibility": {"criteria": ["No papers: papers are not needed here."]}})


def test_each_ruleset_is_sent_only_the_facts_its_patterns_can_take(monkeypatch) -> None:
    import json
    import policy_engine.engine as module

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


def test_a_pattern_set_reports_its_patterns_never_its_probe() -> None:
    from policy_engine.textscan import _PROBE, MultiPattern

    found = MultiPattern([(7, "border (police|guards)"), (3, "residence"), (5, "no")])
    assert found.matches(b"residence checks by the border police") == [3, 7]
    assert found.matches(b"nothing here " + _PROBE) == []
    assert len(found) == 3


def test_the_batch_falls_back_to_one_search_per_test_when_re2_cannot_build_the_set(monkeypatch) -> None:
    import policy_engine.textscan as textscan
    from policy_engine.documents import load_document
    from policy_engine.expectations import case_files

    docs = [load_document(p) for p in case_files(ROOT / "cases")][:20]
    expected = [[f.to_dict() for f in r.findings] for r in map(Checker.from_directory(ROOT / "rules").check, docs)]
    monkeypatch.setattr(textscan._SET_OPTIONS, "max_mem", 1 << 20)  # too small for the rule set's program
    batch = Checker.from_directory(ROOT / "rules")
    batch.prepare_batch()
    assert batch._indexes and all(index is None for index in batch._indexes.values())
    assert [[f.to_dict() for f in r.findings] for r in map(batch.check, docs)] == expected
