"""A rule file read back from the cache has the data, duplicate keys and every line and column the
parser gave it; the places past where each top-level item starts are decoded only when asked for."""

from __future__ import annotations

from pathlib import Path

from policy_engine.files import cache
from policy_engine.files.yamlsrc import locate

ROOT = Path(__file__).resolve().parent.parent


def test_a_cached_rule_file_keeps_every_place(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(tmp_path))
    raw = (ROOT / "rules" / "p8-return.yaml").read_bytes()
    fresh = cache.load_yaml_file(raw, "p8-return.yaml")  # parsed, and stored
    stored = cache.load_yaml_file(raw, "p8-return.yaml")
    assert isinstance(stored.lines, cache._Positions) and not isinstance(fresh.lines, cache._Positions)
    assert stored.data == fresh.data and stored.duplicates == fresh.duplicates
    # where each rule starts (what a check asks) is on the entry's first line
    assert stored.lines["rules[2]"] == fresh.lines["rules[2]"] and stored.lines._all is None
    deep = "rules[2].when.any[1].prose.all"
    assert locate(stored, deep) == locate(fresh, deep) != (None, None)
    assert dict(stored.lines) == dict(fresh.lines) and dict(stored.columns) == dict(fresh.columns)
    assert "rules[2].nowhere" not in stored.lines and stored.lines.get("rules[2].nowhere") is None


def test_a_duplicate_key_is_still_reported_from_the_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(tmp_path))
    raw = b"rules:\n  - id: a\n    title: One\n    title: Two\n"
    for _ in range(2):  # parsed, then read back
        located = cache.load_yaml_file(raw, "dup.yaml")
        assert located.duplicates == [("rules[0].title", 4)] and located.columns["rules[0].title"] == 5
