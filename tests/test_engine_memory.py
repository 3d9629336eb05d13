"""The engine leaves no state behind: 100,000 documents in one process, flat memory, same answers."""

from __future__ import annotations

import pytest

from policy_engine.reading.documents import load_document
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # a hundred thousand documents through one engine (about a minute)

CASES = ["cases/violating/eligibility-documents.md", "cases/compliant/transit-town-health-post.yaml",
         "cases/violating/awareness-directed-by-enforcement.yaml", "cases/violating/deterrence-campaign.md"]


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096 / 1e6


def test_hundred_thousand_documents_flat_memory(checker) -> None:
    facts = [checker.facts(load_document(ROOT / case)).facts for case in CASES]
    first = [sorted(name for name, _ in checker.engine.evaluate(f)) for f in facts]
    assert any(first) and not all(first)  # some documents fire rules, some do not
    checkpoints = {}
    for index in range(100_000):
        checker.engine.evaluate(facts[index % len(facts)])
        if index + 1 in (10_000, 100_000):
            checkpoints[index + 1] = rss_mb()
    growth = checkpoints[100_000] - checkpoints[10_000]
    assert growth < 2.0, f"memory grew {growth:.1f} MB between 10,000 and 100,000 documents"
    assert [sorted(name for name, _ in checker.engine.evaluate(f)) for f in facts] == first
