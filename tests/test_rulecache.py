"""The rule-set cache: a rule set rebuilt from it is the one the YAML files give, any change to the
files is a miss, and a damaged cache file is only ever a slower load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from policy_engine import rulecache
from policy_engine.checker import Checker
from policy_engine.documents import load_document
from policy_engine.expectations import case_files
from policy_engine.rules import All, AnyOf, ItemTest, Not, TextTest, folder_digest, load_rule_set, rule_files
from policy_engine.textscan import PatternSet
from tests.conftest import ROOT


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def rules(tmp_path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    return folder


def shape(value):
    """A rule set as plain data: conditions with their classes, pattern sets by their patterns."""
    if isinstance(value, PatternSet):
        return ("patterns", value.sources)
    if isinstance(value, (All, AnyOf)):
        return (type(value).__name__, [shape(c) for c in value.items])
    if isinstance(value, Not):
        return ("Not", shape(value.item))
    if isinstance(value, ItemTest):
        return ("ItemTest", value.quantifier, value.collection, shape(value.where))
    if isinstance(value, TextTest):
        return ("TextTest", value.key, value.scopes, shape(value.matches), shape(value.unless), value.negated)
    if hasattr(value, "_fields"):
        return (type(value).__name__, {name: shape(getattr(value, name)) for name in value._fields})
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [shape(v) for v in value])
    if isinstance(value, dict):
        return ("dict", [(shape(k), shape(v)) for k, v in value.items()])
    return (type(value).__name__, value)


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("ruleset-*.json"))


def test_a_rule_set_from_the_cache_is_the_one_from_the_files(cache, rules) -> None:
    loaded, problems = load_rule_set(rules)
    assert not problems and len(entries(cache)) == 1
    cached, problems = load_rule_set(rules)
    assert not problems
    assert shape(cached) == shape(loaded)
    assert shape(cached.rules[0].raw_when) == shape(loaded.rules[0].raw_when)
    assert any(r.examples for r in cached.rules) and cached.policy.principles[7].articles
    assert not any(t.matches.is_compiled("en") for t in Checker(cached).text_tests)


def test_checks_from_the_cache_find_what_checks_without_it_find(cache, rules, monkeypatch) -> None:
    """Every case: the same findings, evidence and notices, with the words the cache stored."""
    load_rule_set(rules)
    cached = Checker(load_rule_set(rules)[0])
    assert cached.text_tests[0].matches.stored_words  # the prefilter words came from the file
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", "")
    plain = Checker(load_rule_set(rules)[0])
    assert not plain.text_tests[0].matches.stored_words
    for path in case_files(ROOT / "cases"):
        doc = load_document(path)
        expected = plain.check(doc)
        result = cached.check(doc)
        assert ([f.to_dict() for f in result.findings], result.warnings) == \
            ([f.to_dict() for f in expected.findings], expected.warnings), path


@pytest.mark.parametrize("name,old,new", [
    ("p1-needs-and-access.yaml", "severity: violation", "severity: warning"),  # a rule file
    ("vocabulary.yaml", '"police",', '"police", "constabulary",'),     # a data file
])
def test_any_change_to_the_folder_is_a_miss(cache, rules, name, old, new) -> None:
    before = load_rule_set(rules)[0]
    text = (rules / name).read_text(encoding="utf-8")
    assert old in text
    (rules / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    after, problems = load_rule_set(rules)
    assert not problems and len(entries(cache)) == 2
    assert after.digest != before.digest and shape(after) != shape(before)
    assert shape(after) == shape(load_rule_set(rules)[0])  # and that new entry reads back the same


def test_copies_of_a_folder_share_an_entry_with_their_own_paths(cache, rules, tmp_path) -> None:
    load_rule_set(rules)
    copy = tmp_path / "elsewhere"
    shutil.copytree(rules, copy)
    rule_set = load_rule_set(copy)[0]
    assert len(entries(cache)) == 1
    assert rule_set.directory == str(copy) and all(r.source.startswith(str(copy)) for r in rule_set.rules)


def test_the_key_covers_the_code_that_reads_rules() -> None:
    here = Path(rulecache.__file__).parent
    assert all((here / name).is_file() for name in rulecache._CODE)


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],                                  # cut short
    lambda text: "[]",                                                    # another shape
    lambda text: text.replace('"rules":[[', '"rules":[[7,', 1),           # a rule with a field too many
    lambda text: text.replace('"field":[', '"field":[1,', 1),             # a condition of another shape
    lambda text: json.dumps({**json.loads(text), "digest": "0"}),         # another folder's
])
def test_a_damaged_entry_is_read_the_ordinary_way(cache, rules, damage) -> None:
    expected = shape(load_rule_set(rules)[0])
    entry, = entries(cache)
    text = entry.read_text(encoding="utf-8")
    assert damage(text) != text
    entry.write_text(damage(text), encoding="utf-8")
    files = rule_files(rules)
    assert rulecache.load(folder_digest(rules, files), rules, files) is None  # refused...
    rule_set, problems = load_rule_set(rules)  # ...so the files are read
    assert not problems and shape(rule_set) == expected


@pytest.mark.parametrize("spoilt", [[], [3], "words"])
def test_damaged_prefilter_words_are_derived_again(cache, rules, monkeypatch, spoilt) -> None:
    load_rule_set(rules)
    entry, = entries(cache)
    content = json.loads(entry.read_text(encoding="utf-8"))

    def spoil(node):  # every stored word list, of patterns and of terms, is replaced
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "words":
                    for found in value.values():
                        found[:] = [spoilt] * len(found)
                else:
                    spoil(value)
        elif isinstance(node, list):
            for value in node:
                spoil(value)

    spoil(content["rules"])
    content["terms"] = [[name, language, [spoilt] * len(found)] for name, language, found in content["terms"]]
    entry.write_text(json.dumps(content), encoding="utf-8")
    spoiled = Checker(load_rule_set(rules)[0])
    assert spoiled.text_tests[0].matches.stored_words
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", "")
    plain = Checker(load_rule_set(rules)[0])
    for name in ("deterrence-campaign.yaml", "data-shared-with-enforcement.md"):
        doc = load_document(ROOT / "cases" / "violating" / name)
        expected = [f.to_dict() for f in plain.check(doc).findings]
        assert any(f["evidence"][0]["quote"] for f in expected)  # findings on text
        assert [f.to_dict() for f in spoiled.check(doc).findings] == expected


def test_no_cache_folder_no_entry(tmp_path, rules, monkeypatch) -> None:
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert not load_rule_set(rules)[1]
    assert not list(tmp_path.rglob("ruleset-*.json"))


def test_the_cache_folder_keeps_only_the_newest_entries_of_each_kind(tmp_path, monkeypatch) -> None:
    import os
    from policy_engine import cache

    monkeypatch.setattr(cache, "KEEP", {**cache.KEEP, "yaml": 3})
    (tmp_path / "yaml-1-old.json").write_text("{}")          # an older format: never read again
    (tmp_path / "ruleset-1-other.json").write_text("{}")     # another kind: not this write's business
    (tmp_path / "literals-1.json").write_text("{}")
    for n in range(5):
        path = tmp_path / f"yaml-{cache._FORMAT}-{n}.json"
        cache.write_entry(path, "{}", "yaml", cache._FORMAT)
        os.utime(path, ns=(n * 10**9, n * 10**9))  # distinct times, oldest first
    cache.write_entry(tmp_path / f"yaml-{cache._FORMAT}-new.json", "{}", "yaml", cache._FORMAT)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["ruleset-1-other.json", "literals-1.json"] + [f"yaml-{cache._FORMAT}-{n}.json" for n in ("3", "4", "new")])
