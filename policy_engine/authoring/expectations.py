"""Expectations stated by test cases (an `expect` block) and rule examples, and how results compare.

    expect:
      findings: [rule-id, ...]       exactly these rules fire
      must_flag: [rule-id | 7.5 | P7] each must be flagged by some finding
      must_not_flag: [...]            none may be flagged
      no_violation: true              no finding of severity violation
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from ..findings.result import CheckResult
from ..model import Finding
from ..reading.documents import SUPPORTED_SUFFIXES


def flags(finding: Finding, target: str) -> bool:
    """Whether a finding flags a rule id, an article ('7.5') or a principle ('P7')."""
    if target.upper().startswith("P") and target[1:].isdigit():
        return finding.principle == int(target[1:])
    if target[:1].isdigit():
        return target in finding.articles
    return finding.rule == target


def differences(result: CheckResult, expect: dict[str, Any]) -> list[str]:
    """Every way the result departs from the expectations; empty when it meets them."""
    if result.error is not None:
        return [f"could not be checked: {result.error}"]
    active = [f for f in result.findings if f.waived is None]
    got = sorted({f.rule for f in active})
    out = []
    if "findings" in expect:
        wanted = sorted(set(expect["findings"] or []))
        if wanted != got:
            missing = sorted(set(wanted) - set(got))
            extra = sorted(set(got) - set(wanted))
            out.append(f"expected findings {wanted}, got {got}"
                       + (f" (missing {missing})" if missing else "") + (f" (unexpected {extra})" if extra else ""))
    for target in expect.get("must_flag") or []:
        if not any(flags(f, str(target)) for f in active):
            out.append(f"expected '{target}' to be flagged, got {got}")
    for target in expect.get("must_not_flag") or []:
        hit = sorted({f.rule for f in active if flags(f, str(target))})
        if hit:
            out.append(f"'{target}' must not be flagged, but {hit} fired")
    if expect.get("no_violation"):
        bad = sorted({f.rule for f in active if f.severity == "violation"})
        if bad:
            out.append(f"expected no violation, got {bad}")
    return out


def case_files(root: str | Path) -> Iterator[Path]:
    """Every programme file under a cases folder, sorted."""
    for path in sorted(Path(root).rglob("*")):
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith("."):
            yield path
