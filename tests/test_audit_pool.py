"""policy_engine.batch on its own: discovery order and glob rules, and the worker pool's ordering,
streaming window and watchdog."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from policy_engine.batch import pool as batch
from policy_engine.batch.discovery import Discovery, discover
from policy_engine.batch.pool import AuditPool
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # worker processes

CASE = ROOT / "cases" / "violating" / "eligibility-legal-status.yaml"


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("a/x.yaml", "a/y.md", "a-b/z.json", "a/deep/er/w.txt", "a/.hidden/v.yaml", "a/.u.yaml",
                 "b.yaml", "a/doc.pdf", "a/README"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("id: x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("inputs,expected,hidden,unsupported", [
    (["."], ["a/deep/er/w.txt", "a/x.yaml", "a/y.md", "a-b/z.json", "b.yaml"], 2, {".pdf": 1, "(none)": 1}),
    (["a"], ["a/deep/er/w.txt", "a/x.yaml", "a/y.md"], 2, {".pdf": 1, "(none)": 1}),
    (["a/*"], ["a/x.yaml", "a/y.md"], 0, {".pdf": 1, "(none)": 1}),
    (["a/**/*.txt"], ["a/deep/er/w.txt"], 0, {}),
    (["**/*.yaml"], ["a/x.yaml", "b.yaml"], 0, {}),          # '**' matches no hidden folder
    (["a/.*.yaml"], ["a/.u.yaml"], 0, {}),                  # unless the pattern says so
    (["b.yaml", "./b.yaml", "a/x.yaml", "a"], ["a/deep/er/w.txt", "a/x.yaml", "a/y.md", "b.yaml"], 2,
     {".pdf": 1, "(none)": 1}),
    (["a/.u.yaml", "a/doc.pdf", "nope.yaml"], ["a/.u.yaml", "nope.yaml"], 0, {".pdf": 1}),
])
def test_discover(tree: Path, inputs: list[str], expected: list[str], hidden: int, unsupported: dict) -> None:
    stats = Discovery()
    assert list(discover(inputs, stats)) == expected
    assert stats.hidden == hidden and dict(stats.unsupported) == unsupported


def test_unmatched_patterns_are_recorded(tree: Path) -> None:
    stats = Discovery()
    assert list(discover(["a/*.docx", "zz/*.md"], stats)) == []
    assert stats.unmatched == ["a/*.docx", "zz/*.md"]


def test_discovery_is_lazy(tree: Path) -> None:
    stream = discover(["."], Discovery())
    assert isinstance(stream, Iterator)
    assert next(stream) == "a/deep/er/w.txt"


@pytest.fixture(scope="module")
def pool_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("pool")
    paths = []
    for n in range(60):
        path = folder / f"d{n:03d}.yaml"
        shutil.copy(CASE, path)
        paths.append(str(path))
    return paths


def test_results_come_back_in_input_order_with_a_bounded_read_ahead(checker, pool_files: list[str]) -> None:
    pulled = 0

    def source() -> Iterator[str]:
        nonlocal pulled
        for path in pool_files:
            pulled += 1
            yield path

    with AuditPool(checker, jobs=3, timeout=30) as pool:
        seen = []
        for entry in pool.imap(source()):
            seen.append(entry["path"])
            assert pulled - len(seen) <= 3 * batch.PREFETCH * 4  # memory stays flat in the number of files
    assert seen == pool_files
    assert pool.replaced == 0


def test_crashed_workers_are_replaced_and_only_their_document_fails(checker, pool_files: list[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(batch.TEST_HOOK_ENV, "crash:d010,crash:d011,crash:d012,segv:d040")
    with AuditPool(checker, jobs=2, timeout=30) as pool:
        entries = list(pool.imap(pool_files))
    assert [e["path"] for e in entries] == pool_files
    failed = [Path(e["path"]).stem for e in entries if e["error"]]
    assert failed == ["d010", "d011", "d012", "d040"]
    assert pool.replaced == 4
    assert all(e["findings"] for e in entries if not e["error"])


def test_workers_that_always_fail_still_end_the_batch(checker, pool_files: list[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(batch.TEST_HOOK_ENV, "crash:d0")
    with AuditPool(checker, jobs=2, timeout=30) as pool:
        entries = list(pool.imap(pool_files[:12]))
    assert [e["error"].endswith("evaluation crashed (the worker process exited with status 70)") for e in entries] \
        == [True] * 12


def test_spawned_workers_build_their_own_checker(checker, pool_files: list[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pool = AuditPool(checker, rules_dir=str(ROOT / "rules"), jobs=1, timeout=60)
    import multiprocessing
    pool.context = multiprocessing.get_context("spawn")
    with pool:
        entries = list(pool.imap(pool_files[:3]))
    with AuditPool(checker, jobs=1, timeout=60) as forked:
        assert entries == list(forked.imap(pool_files[:3]))


def test_the_benchmark_corpus_is_deterministic_and_varied(tmp_path: Path) -> None:
    import runpy
    write_corpus = runpy.run_path(str(ROOT / "bench" / "make_corpus"))["write_corpus"]
    first = write_corpus(120, tmp_path / "a", seed=3, broken=0.05)
    second = write_corpus(120, tmp_path / "b", seed=3, broken=0.05)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert {p.suffix for p in first} == {".yaml", ".json", ".md", ".txt"}
    words = sorted(len(p.read_text(encoding="utf-8", errors="replace").split()) for p in first)
    assert 380 <= words[len(words) // 2] <= 620  # about 500 words each
