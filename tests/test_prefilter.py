"""The literal prefilter is sound: whenever a pattern matches a sentence, one of its words is there."""

from __future__ import annotations

import pytest

from policy_engine.documents import load_document
from policy_engine.expectations import case_files
from policy_engine.prefilter import derive
from tests.conftest import ROOT


@pytest.mark.parametrize("pattern,words", [
    ("residence (card|permit)s?", ["residence "]),
    ("(passport|visa)s? (is|are) required", [" required"]),
    ("(a|b)c", None),                      # no word of three letters is required
    ("(legal|lawful) (status|residence)", ["residence", "status"]),
    (r"\pL+ card", None),                  # syntax Python's parser lacks: no prefilter, always run
    ("Résidence CARD", ["residence card"]),
])
def test_derived_words(pattern, words) -> None:
    assert derive(pattern) == words


def test_prefilter_never_hides_a_match(checker) -> None:
    units = [u for p in case_files(ROOT / "cases") for u in load_document(p).units]
    checked = 0
    for test in checker.text_tests:
        for language in test.matches.expanded:
            regex = test.matches.regex_for(language)
            words = test.matches.literals_for(language)
            if words is None:
                continue
            for unit in units:
                if regex.search(unit.normalised):
                    checked += 1
                    text = unit.normalised.encode("utf-8")
                    assert any(w in text for w in words), (test.key, language, unit.text)
    assert checked > 100
