"""A single check compiles only the patterns whose words occur in the draft, and finds exactly what
the whole compiled alternation finds."""

from __future__ import annotations

import shutil

import pytest
import yaml

import policy_engine.textscan as textscan
from policy_engine.checker import Checker
from policy_engine.documents import load_document, parse_document
from policy_engine.expectations import case_files
from policy_engine.rules import load_rule_set
from tests.conftest import ROOT
from tests.test_engine import make_checker

CASES = list(case_files(ROOT / "cases"))


def outcome(checker: Checker, doc) -> tuple:
    result = checker.check(doc)
    return [f.to_dict() for f in result.findings], result.warnings


@pytest.fixture(scope="module")
def fully_compiled() -> Checker:
    """Every language's whole alternation compiled up front, as before the lazy path existed."""
    checker = Checker.from_directory(ROOT / "rules")
    for test in checker.text_tests:
        for patterns in (test.matches, test.unless):
            for language in (patterns.languages() if patterns is not None else ()):
                patterns.regex_for(language)
    return checker


def test_the_lazy_scan_finds_what_the_whole_alternation_finds(fully_compiled, monkeypatch) -> None:
    """Every case, each checked by a fresh rule set (nothing compiled yet), gives the same findings,
    evidence (sentences, lines, order) and notices; and the lazy path did leave patterns out."""
    partial = []
    compile_pattern = textscan.compile_pattern
    monkeypatch.setattr(textscan, "compile_pattern", lambda p: partial.append(p) or compile_pattern(p))
    assert len(CASES) > 100
    for path in CASES:
        doc = load_document(path)
        expected = outcome(fully_compiled, doc)
        fresh = Checker(load_rule_set(ROOT / "rules")[0])
        assert outcome(fresh, doc) == expected, path
    joined = {patterns.expanded[lang] for t in fully_compiled.text_tests
              for patterns in (t.matches, t.unless) if patterns is not None for lang in patterns.languages()}
    assert any(p not in joined for p in partial)  # subsets of the alternations were compiled


def test_one_checker_over_many_drafts_finds_what_the_whole_alternation_finds(fully_compiled) -> None:
    """Several files in one check: the first draft gets what its words need, the next ones the whole
    alternation (or nothing, when none of a test's words occur)."""
    lazy = Checker.from_directory(ROOT / "rules")
    for path in CASES:
        doc = load_document(path)
        assert outcome(lazy, doc) == outcome(fully_compiled, doc), path


def fires(checker: Checker, summary: str) -> bool:
    doc = parse_document(f"summary: {summary}\n", "d.yaml", ".yaml")
    return any(f.rule == "r" for f in checker.check(doc).findings)


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """Every pattern compiled from now on, as compile_pattern receives it."""
    seen: list[str] = []
    compile_pattern = textscan.compile_pattern
    monkeypatch.setattr(textscan, "compile_pattern", lambda p: seen.append(p) or compile_pattern(p))
    return seen


VOCABULARY = """\
agency:
  en: ["police", "border guards?", "frontex"]
share:
  en: ["shar\\\\w*", "sent", "{agency} received"]
"""


def checker_in(folder, when: dict, vocabulary: str | None = None) -> Checker:
    """A fresh checker (the shipped data files, or this vocabulary), whose patterns nothing compiled."""
    folder.mkdir()
    for name in ("policy.yaml", "sections.yaml", "vocabulary.yaml"):
        shutil.copy(ROOT / "rules" / name, folder / name)
    if vocabulary is not None:
        (folder / "vocabulary.yaml").write_text(vocabulary, encoding="utf-8")
    rule = {"id": "r", "title": "Test rule", "principle": 7, "articles": ["7.5"], "severity": "violation",
            "message": "msg", "rationale": "why", "remediation": "fix", "when": when}
    (folder / "r.yaml").write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    rule_set, problems = load_rule_set(folder)  # validation compiles copies of its own
    assert not problems
    return Checker(load_rule_set(folder)[0])


def test_only_the_patterns_whose_words_occur_are_compiled(tmp_path, compiled) -> None:
    when = {"text": {"matches": ["residence card", r"deport\w*", "(a|b)c"],  # (a|b)c has no word: always kept
                     "unless": ["card is optional", "no card needed"]}}
    checker = checker_in(tmp_path / "1", when)
    compiled.clear()
    assert fires(checker, "A residence card is asked.")
    assert compiled == ["(?:residence card)|(?:(a|b)c)"]  # no deport, and no exception was needed

    checker = checker_in(tmp_path / "2", when)
    compiled.clear()
    assert not fires(checker, "A residence card is asked, but no card needed for children.")
    assert compiled == ["(?:residence card)|(?:(a|b)c)", "(?:no card needed)"]

    compiled.clear()
    assert not fires(checker, "Nothing here.")  # another text, which (a|b)c may match: the whole
    assert fires(checker, "It begins with bc.")  # alternation, compiled once, serves every later text
    assert fires(checker, "They were deported.")
    assert compiled == ["(?:residence card)|(?:deport\\w*)|(?:(a|b)c)"]

    checker = checker_in(tmp_path / "3", {"text": {"matches": ["residence card", r"deport\w*"]}})
    compiled.clear()
    assert not fires(checker, "Nothing here.")  # no word of any pattern: nothing compiled
    assert compiled == []


def test_only_the_vocabulary_terms_whose_words_occur_are_compiled(tmp_path, compiled) -> None:
    when = {"text": {"matches": ["(lists|data) (are |were )?{share} (with|to) (the )?{agency}"]}}
    checker = checker_in(tmp_path / "1", when, VOCABULARY)
    compiled.clear()
    assert fires(checker, "Lists are shared with the police.")
    assert compiled == [r"(?:(lists|data) (are |were )?(?:shar\w*) (with|to) (the )?(?:police))"]

    # A list none of whose terms occurs matches nothing; a term built on another list is kept only
    # when its own words occur.
    checker = checker_in(tmp_path / "2", {"text": {"matches": ["{agency} office", "data {share}"]}}, VOCABULARY)
    compiled.clear()
    assert not fires(checker, "The office shared data.")
    assert compiled == [r"(?:(?:[^\x00-\x{10FFFF}]) office)"]
    checker = checker_in(tmp_path / "3", {"text": {"matches": ["{agency} office", "data {share}"]}}, VOCABULARY)
    compiled.clear()
    assert fires(checker, "It was data police received.")
    assert compiled == [r"(?:data (?:(?:police) received))"]


def test_a_subset_still_confirms_a_match_on_its_sentence_alone(tmp_path) -> None:
    """A match that runs past a sentence's end is confirmed on the sentence alone, with the subset."""
    checker = make_checker(tmp_path, {"text": {"matches": ["residence[^ ]+card", "no papers"]}})
    assert not fires(checker, "We discussed residence. Card games were played.")  # compiles the first only
    assert fires(checker, "A residence-card is asked.")
