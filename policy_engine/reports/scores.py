"""Per-principle verdicts and scores for the submissions x principles matrix.

In the spirit of MIPEX, each (submission, principle) pair gets a verdict, and the scored verdicts a score
from the policy file's `scoring` (rules/policy.yaml: 100, 50, 0):
    fail              an unwaived violation cites the principle
    needs review      no violation, but an unwaived warning does
    pass              neither (advice never lowers a score: it is a suggestion)
    n/a               the rule set has no rule for the principle, so nothing was assessed
    not checked       the prose (or part of it) is in a language the rules cannot read, and no finding
                      was made on the principle: nothing can be said to pass
    error             the submission could not be checked
A submission's overall score is the mean of its scored principles, to one decimal; a submission not
fully read has no score. Findings known from a baseline count like any other: they are still there.
The principles are those of the policy (the report's "principles"), never a number written here.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..model import UNREAD_STATUSES

PASS, REVIEW, FAIL, NOT_ASSESSED, NOT_CHECKED, ERROR = "pass", "needs review", "fail", "n/a", "not checked", "error"


def verdicts(document: dict[str, Any], principles: Iterable[int], assessed: Iterable[int]) -> dict[int, str]:
    """The verdict for each principle of the policy, in order."""
    principles = tuple(principles)
    if document["error"] is not None:
        return {n: ERROR for n in principles}
    assessed = set(assessed)
    worst: dict[int, str] = {n: PASS for n in principles if n in assessed}
    for finding in document["findings"]:
        if finding.get("waived") is not None or finding["principle"] not in worst:
            continue
        if finding["severity"] == "violation":
            worst[finding["principle"]] = FAIL
        elif finding["severity"] == "warning" and worst[finding["principle"]] != FAIL:
            worst[finding["principle"]] = REVIEW
    if document.get("status") in UNREAD_STATUSES:
        worst = {n: NOT_CHECKED if verdict == PASS else verdict for n, verdict in worst.items()}
    return {n: worst.get(n, NOT_ASSESSED) for n in principles}


def overall(by_principle: dict[int, str], scoring: Mapping[str, float]) -> float | None:
    """The mean score of the scored principles, rounded to one decimal; None when none was scored,
    or when any principle could not be checked (a mean of the rest would rank the draft too high).

    Args:
        scoring: the policy's score for each scored verdict (pass, needs review, fail).
    """
    if NOT_CHECKED in by_principle.values():
        return None
    scored = [scoring[v] for v in by_principle.values() if v in scoring]
    if not scored:
        return None
    return round(sum(scored) / len(scored), 1)


def format_score(value: float | None) -> str:
    """83.3, 100, 50: no trailing '.0', so spreadsheets and people read the same number."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else f"{value:.1f}"
