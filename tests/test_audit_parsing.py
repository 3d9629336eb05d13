"""The parsing fast paths used by batch audits (documents.py, yamlsrc.py) change speed, never results.

The schema fast path may only say "valid" when jsonschema finds no error and no unknown field; when it
says "not sure", jsonschema runs and words every message as before.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_engine.reading import documents
from policy_engine.reading.documents import parse_document
from policy_engine.errors import InputError
from policy_engine.resources import schema

SCHEMA = schema("programme")
FIELDS = sorted(SCHEMA["properties"])
NAMES = sorted({name for node in SCHEMA["$defs"].values() for name in node.get("properties", {})}
               | {name for prop in SCHEMA["properties"].values() for name in prop.get("properties", {})}
               | {name for prop in SCHEMA["properties"].values() for name in prop.get("items", {}).get("properties", {})}
               | {"name", "type", "done", "legal_status", "bogus"})
WORDS = st.sampled_from(["origin", "transit", "any", "regular", "ngo", "police", "en", "EN", "x", "", "2024-01-01"])
SCALARS = st.one_of(WORDS, st.text(max_size=5), st.booleans(), st.none(), st.integers(-3, 3),
                    st.floats(allow_nan=False, allow_infinity=False, width=32))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(NAMES), inner, max_size=4)), max_leaves=12)
DOCS = st.dictionaries(st.sampled_from(FIELDS + ["bogus"]), VALUES, max_size=6)


def jsonschema_verdict(data: dict[str, Any]) -> bool:
    """What the fast path must agree with: no error at all (unknown fields count, as they give warnings)."""
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    return not any(True for _ in validator.iter_errors(data))


def test_fast_path_is_compiled_for_the_shipped_schema() -> None:
    assert documents._fast_check() is not None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS)
def test_fast_path_never_accepts_what_jsonschema_rejects(data: dict[str, Any]) -> None:
    fast = documents._fast_check()
    assert fast is not None
    if fast(data):
        assert jsonschema_verdict(data), data


@pytest.mark.parametrize("data", [
    {"id": "a", "phases": ["origin", "transit"], "eligibility": {"irrespective_of_legal_status": True}},
    {"funding": [{"amount": 1.5}, {"amount": 3}], "language": "en"},
    {"target_groups": [{"name": "x", "legal_status": ["any"]}], "waivers": [{"rule": "r"}]},
])
def test_fast_path_accepts_valid_documents(data: dict[str, Any]) -> None:
    assert jsonschema_verdict(data)
    assert documents._fast_check()(data)  # type: ignore[misc]


@pytest.mark.parametrize("data", [
    {"funding": [{"amount": True}]},             # a boolean is not a number
    {"funding": [{"amount": "12"}]},
    {"language": "EN"},                          # pattern
    {"phases": ["origin", 3]},                   # enum of strings
    {"waivers": [{"justification": "x"}]},       # required
    {"eligibility": {"bogus": 1}},               # unknown field: a warning, so not the fast path
    {1: "a"},
])
def test_fast_path_defers_to_jsonschema(data: dict[str, Any]) -> None:
    assert documents._fast_check()(data) is False  # type: ignore[misc]


@pytest.mark.parametrize("text,message", [
    ("id: a\nphases: [origin, 3]\ntitle: 5\n",
     "x.yaml:2: field 'phases[1]': expected string, found a number 3 (and 1 more)"),
    ("id: a\nfunding:\n  - amount: \"12\"\n", "x.yaml:3: field 'funding[0].amount': expected number, found text \"12\""),
    ("id: !!binary aGVsbG8=\n", "x.yaml:1: binary values are not supported"),
    ("id: a\nid: b\n", "x.yaml:2: duplicate key 'id' (the later value would silently replace the earlier one)"),
])
def test_messages_are_unchanged(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_document(text, "x.yaml", ".yaml")
    assert str(info.value) == message


def test_unknown_fields_still_warn() -> None:
    doc = parse_document("id: a\nfoo: 1\neligibility:\n  bar: 2\n", "x.yaml", ".yaml")
    assert doc.warnings == ("x.yaml:2: unknown field 'foo' is ignored", "x.yaml:4: unknown field 'eligibility.bar' is ignored")


def test_unknown_values_are_named_and_left_out() -> None:
    # a word outside a vocabulary ("resilence") leaves that value out, not the whole draft unchecked
    doc = parse_document("id: a\nphases: [origin, bogus, transit, other]\nactivities:\n  - type: resilence\n"
                         "    description: Parcels for all.\n  - type: food\n", "x.yaml", ".yaml")
    assert doc.data["phases"] == ["origin", "transit"]
    assert doc.data["activities"] == [{"description": "Parcels for all."}, {"type": "food"}]
    assert doc.warnings == (
        "x.yaml:2: 'bogus' is not an allowed value of 'phases[1]' and is ignored; allowed: origin, transit, destination, return",
        "x.yaml:2: 'other' is not an allowed value of 'phases[3]' and is ignored; allowed: origin, transit, destination, return",
        "x.yaml:4: 'resilence' is not an allowed value of 'activities[0].type' and is ignored; did you mean 'resilience'?; "
        "allowed: assistance, health, shelter, food, cash, psychosocial, first_aid, legal_aid, information, "
        "restoring_family_links, ...")


def test_a_draft_with_an_unknown_value_is_still_checked(tmp_path: Any) -> None:
    from policy_engine.evaluation.checker import Checker
    path = tmp_path / "d.yaml"
    path.write_text("id: a\ntitle: Parcels\nlanguage: en\nactivities:\n  - type: soup_kitchen\n"
                    "    description: Parcels are given only to people who show a valid residence permit.\n",
                    encoding="utf-8")
    result = Checker.from_directory().check_path(path)
    assert result.error is None
    assert "eligibility-documents" in {f.rule for f in result.findings}
    assert any("'soup_kitchen' is not an allowed value" in w for w in result.warnings)


def test_yaml_fast_path_keeps_merge_keys_lines_and_types() -> None:
    # an alias takes the line of its anchor, as before
    doc = parse_document("base: &b\n  name: x\npartners:\n  - <<: *b\n    type: ngo\n  - *b\n"
                         "period: 2024-01-01\nfunding:\n  - amount: 3\n", "x.yaml", ".yaml")
    assert doc.data["partners"] == [{"name": "x", "type": "ngo"}, {"name": "x"}]
    assert doc.data["period"] == "2024-01-01"
    assert doc.data["funding"] == [{"amount": 3}]
    assert doc.lines["partners[1]"] == 1 and doc.lines["funding[0].amount"] == 9


SENTENCE_TEXT = st.text(alphabet=st.sampled_from(list("ab A1.!?;:,-*+•)_\"»\n\t \u2028\x85\xa0é")), max_size=40)


@settings(max_examples=500, deadline=None)
@given(SENTENCE_TEXT, st.one_of(st.none(), st.integers(1, 50)))
def test_single_sentence_shortcut_matches_textscan(text: str, line: int | None) -> None:
    # the short-cut stands for documents.prose_sentences (textscan.sentences, with clauses joined by a
    # semicolon kept together)
    assert list(documents._sentences(text, line)) == list(documents.prose_sentences(text, line))


def test_single_sentence_shortcut_cuts_long_text_like_textscan() -> None:
    from policy_engine.text.textscan import MAX_UNIT_CHARS, sentences
    text = "  " + "word " * (MAX_UNIT_CHARS // 2) + "end"
    assert documents._MAY_SPLIT.search(text) is None
    assert list(documents._sentences(text, 3)) == list(sentences(text, 3))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aTtNn~01.-+<=!&*' \"xyz:")), min_size=0, max_size=8))
def test_tag_resolution_shortcut_matches_pyyaml(value: str) -> None:
    import yaml
    from policy_engine.files.yamlsrc import _Loader
    fast, slow = _Loader(""), yaml.SafeLoader("")
    try:
        for kind in (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode):
            for implicit in ((True, False), (False, True), (False, False)):
                assert fast.resolve(kind, value, implicit) == slow.resolve(kind, value, implicit)
    finally:
        fast.dispose()
        slow.dispose()


def test_a_synonym_of_a_listed_value_is_read_as_that_value() -> None:
    # "relief", "government", "local government": the words people write for a listed value, read as it
    doc = parse_document("id: a\nactivities:\n  - type: relief\npartners:\n  - type: government\n"
                         "  - type: Local Government\n", "x.yaml", ".yaml")
    assert doc.data["activities"] == [{"type": "assistance"}]
    assert doc.data["partners"] == [{"type": "ministry"}, {"type": "local_authority"}]
    assert doc.ignored_values == ()
    assert doc.warnings == ("x.yaml:3: 'relief' in 'activities[0].type' is read as 'assistance'",
                            "x.yaml:5: 'government' in 'partners[0].type' is read as 'ministry'",
                            "x.yaml:6: 'Local Government' in 'partners[1].type' is read as 'local_authority'")


def test_every_synonym_names_a_listed_value() -> None:
    for name, node in schema("programme")["$defs"].items():
        for word, value in (node.get("x-synonyms") or {}).items():
            assert value in node["enum"] and word not in node["enum"], (name, word)
