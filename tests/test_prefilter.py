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


def _fresh_memo(monkeypatch, folder) -> None:
    from policy_engine import prefilter
    monkeypatch.setenv("POLICY_CHECK_CACHE_DIR", str(folder))
    monkeypatch.setattr(prefilter, "_memo", None)
    monkeypatch.setattr(prefilter, "_memo_path", None)
    monkeypatch.setattr(prefilter, "_found", {})
    monkeypatch.setattr(prefilter, "_dirty", True)  # no write at exit from this test process


@pytest.mark.parametrize("content", ["[1, 2]", "{not json", '{"%s": 5}', '{"%s": [3]}', '{"%s": []}'])
def test_a_damaged_literal_cache_is_ignored(tmp_path, monkeypatch, content) -> None:
    import hashlib

    from policy_engine.prefilter import literals
    key = hashlib.sha256(b"residence card").hexdigest()[:24]
    (tmp_path / "literals-1.json").write_text(content.replace("%s", key), encoding="utf-8")
    _fresh_memo(monkeypatch, tmp_path)
    assert literals("residence card") == (b"residence card",)


def test_the_literal_cache_is_written_once_at_exit(tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys

    code = ("from policy_engine.prefilter import literals\n"
            "import policy_engine.atomic as atomic\n"
            "real = atomic.write_atomic\n"
            "def counted(*args):\n    print('write')\n    real(*args)\n"
            "atomic.write_atomic = counted\n"
            "print([literals(p) for p in ('residence card', 'deport\\\\w*', '(a|b)c', 'residence card')])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**os.environ, "POLICY_CHECK_CACHE_DIR": str(tmp_path)})
    assert out.stdout.splitlines() == ["[(b'residence card',), (b'deport',), None, (b'residence card',)]", "write"]
    assert sorted(json.loads((tmp_path / "literals-1.json").read_text()).values(), key=str) == \
        [None, ["deport"], ["residence card"]]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**os.environ, "POLICY_CHECK_CACHE_DIR": ""})
    assert "write" not in out.stdout.splitlines()  # no cache folder: nothing written


def test_a_full_literal_cache_keeps_only_what_the_run_used(tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys

    (tmp_path / "literals-1.json").write_text(json.dumps({f"old{n}": ["word"] for n in range(5)}), encoding="utf-8")
    code = ("import os\nimport policy_engine.prefilter as p\np.MAX_ENTRIES = 3\np.literals('residence card')\n"
            "os.environ['POLICY_CHECK_CACHE_DIR'] = ''  # changed after reading: the file read is the one written\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                   env={**os.environ, "POLICY_CHECK_CACHE_DIR": str(tmp_path)})
    assert list(json.loads((tmp_path / "literals-1.json").read_text()).values()) == [["residence card"]]
