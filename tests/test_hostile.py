"""Hostile and broken programme files: each is one located error, fast, with bounded memory."""

from __future__ import annotations

import os
import time
import tracemalloc

import pytest

from policy_engine.reading.documents import load_document
from policy_engine.errors import InputError


def billion_laughs() -> str:
    text, previous = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n', "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join(["*" + previous] * 9) + "]\n"
        previous = name
    return text


HOSTILE = [
    ("empty.yaml", b"", "file is empty"),
    ("blank.md", b"\n\n   \n", "file is empty"),
    ("binary.yaml", bytes(range(256)) * 8, "binary"),
    ("latin1.md", "# Contexte\nCaf\xe9 ouvert".encode("latin-1"), "not UTF-8"),
    ("truncated.yaml", b'id: x\ntitle: "unterminated\n', "YAML syntax error"),
    ("truncated.json", b'{"id": "x", "partners": [{"name": ', "JSON syntax error"),
    ("types.yaml", b"id: 5\ntitle: [1, 2]\nphases: origin\n", "expected"),
    ("duplicate.yaml", b"id: x\nsummary: first text\nsummary: second text\n", "duplicate key 'summary'"),
    ("python-tag.yaml", b"id: !!python/object/apply:os.system ['echo hacked']\n", "unsupported YAML tag"),
    ("python-scalar.yaml", b"id: !!python/name:os.system ''\n", "unsupported YAML value"),
    ("alias-bomb.yaml", billion_laughs().encode(), "alias bomb"),
    ("deep-flow.yaml", b"a: " + b"[" * 20000 + b"]" * 20000, "nesting deeper"),
    ("deep-block.yaml", b"- " * 5000 + b"x", "nesting deeper"),
    ("deep-map.yaml", "".join("  " * i + f"k{i}:\n" for i in range(200)).encode() + b"  " * 200 + b"x\n",
     "nesting deeper"),
    ("deep.json", b'{"a":' * 5000 + b"1" + b"}" * 5000, "nesting"),
    ("front.md", b"---\nid: x\ntitle: never closed\n", "never closed"),
    ("list.yaml", b"- just\n- a list\n", "expected a mapping"),
]


@pytest.mark.parametrize("name,content,message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_is_one_clean_error(tmp_path, name, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_document(path)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert message in info.value.message
    text = str(info.value)
    assert text.startswith(str(path)) and "\n" not in text
    assert elapsed < 0.5, f"took {elapsed:.2f} s"
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no need to write 50 MB
    start = time.perf_counter()
    with pytest.raises(InputError, match="file too large"):
        load_document(path)
    assert time.perf_counter() - start < 0.1


def test_unreadable_path(tmp_path) -> None:
    with pytest.raises(InputError, match="cannot read file"):
        load_document(tmp_path / "missing.yaml")
    if os.geteuid() != 0:  # root can read anything
        path = tmp_path / "locked.yaml"
        path.write_text("id: x\n")
        path.chmod(0)
        with pytest.raises(InputError, match="cannot read file"):
            load_document(path)
