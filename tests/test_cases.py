"""The cases/ folder is a conformance suite: every case meets the expectations it states."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_engine.reading.documents import load_document
from policy_engine.authoring.expectations import case_files, differences

ROOT = Path(__file__).resolve().parent.parent
CASES = list(case_files(ROOT / "cases"))


def test_cases_exist_for_every_kind() -> None:
    folders = {p.parent.name for p in CASES}
    assert {"violating", "compliant", "programmes"} <= folders
    assert any(p.suffix == ".md" for p in CASES if p.parent.name == "violating")


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case_meets_expectations(checker, path: Path) -> None:
    expect = load_document(path).data.get("expect")
    assert expect, f"{path} states no expectations"
    result = checker.check_path(path)
    assert differences(result, expect) == []


def test_every_rule_has_a_violating_case(checker) -> None:
    flagged = set()
    for path in CASES:
        expect = load_document(path).data.get("expect") or {}
        flagged.update(expect.get("must_flag") or [])
        flagged.update(expect.get("findings") or [])
    assert set(checker.rule_set.ids()) <= flagged


def test_real_programmes_have_no_violation(checker) -> None:
    real = [p for p in CASES if p.parent.name == "programmes"]
    assert len(real) >= 9
    for path in real:
        result = checker.check_path(path)
        assert result.error is None
        assert [f.rule for f in result.findings if f.severity == "violation"] == [], path
