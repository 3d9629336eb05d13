"""A damaged entry of a language's compiled terms, of any shape, is compiled again rather than
trusted (test_prose_reader checks that a sound entry reads back the same terms)."""

from __future__ import annotations

import pytest

from policy_engine.evaluation import reader
from policy_engine.evaluation.checker import Checker


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(tmp_path))
    return tmp_path


def _compiled(language: str):
    return Checker.from_directory(None).reader.compiled(language)[0]


@pytest.mark.parametrize("damage", ['{"sets": [[1, 2]], "terms": []}',
                                    '{"sets": [["a"]], "terms": [["a", [[5, 0]], [], [], false]]}',
                                    '{"sets": [["a"]], "terms": [["a", [[0, "x"]], [], [], false]]}',
                                    "not json", ""])
def test_a_damaged_entry_is_compiled_again(cache, damage) -> None:
    fresh = _compiled("en")
    for path in cache.glob("terms-*-en-*.json"):
        path.write_text(damage, encoding="utf-8")
        path.chmod(0o600)  # (a cache entry is read only when it is the user's alone)
    again = _compiled("en")
    assert not isinstance(again.terms, reader.StoredTerms)  # compiled, not read
    assert list(again.terms) == list(fresh.terms)
