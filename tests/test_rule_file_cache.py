"""A rule file read back from the cache has the data, duplicate keys and every line and column the
parser gave it; the places past where each top-level item starts are decoded only when asked for."""

from __future__ import annotations

import os
import shutil
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


def _aged(path: Path, seconds: int = 60) -> None:
    """Date a file back, as a file not touched in the last moments is (a fresh one is hashed every run)."""
    past = path.stat().st_mtime - seconds
    os.utime(path, (past, past))


def test_a_rule_folders_digest_is_remembered_while_its_files_are_unchanged(tmp_path, monkeypatch) -> None:
    from policy_engine.ruleset.rules import folder_digest, rule_files

    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    for file in folder.rglob("*.yaml"):
        _aged(file)
    first = folder_digest(folder, rule_files(folder))
    # the same folder again: every file's digest is remembered, nothing is read or hashed
    calls = []
    monkeypatch.setattr(cache, "sha256_hex", lambda data: calls.append(data) or "x")
    assert folder_digest(folder, rule_files(folder)) == first and calls == []
    monkeypatch.undo()
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    # one concept word more: a new digest, whatever the remembered ones say
    concepts = folder / "concepts" / "access.yaml"
    concepts.write_text(concepts.read_text(encoding="utf-8").replace("passport,", "passports,", 1), encoding="utf-8")
    _aged(concepts, 30)
    second = folder_digest(folder, rule_files(folder))
    assert second != first
    assert second == folder_digest(folder, rule_files(folder))


def test_a_file_changed_a_moment_ago_is_hashed_on_every_run(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    fresh = tmp_path / "fresh.yaml"
    fresh.write_text("a: 1\n", encoding="utf-8")
    assert cache._remembered.file(str(fresh)) == (cache.sha256_hex(b"a: 1\n"), False)
    # (its time could stay the same after another change in the same clock tick)
    assert cache._remembered.file(str(fresh))[1] is False
    _aged(fresh)
    cache._remembered.file(str(fresh))
    assert cache._remembered.file(str(fresh)) == (cache.sha256_hex(b"a: 1\n"), True)
