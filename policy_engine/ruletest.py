"""Rule tests: every rule's own examples, and the expectations stated by the cases in cases/.

    items = collect(rule_set, load_cases("cases"))
    results = [run(checker, item) for item in items]     # each: passed, or what differed

A violating example must make its rule fire; a compliant one must not. A case states an `expect`
block (see expectations.py); here its result is compared field by field so that a failure says what
was expected and what came out, per rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from .checker import Checker, CheckResult
from .documents import load_document, parse_document
from .errors import PolicyCheckError
from .expectations import case_files, flags
from .rules import RuleSet
from .rulesrc import RuleSource

EXAMPLE_KINDS = ("violating", "compliant")


# ---- cases ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """A programme description in cases/ with the expectations it states (or why it could not be read)."""

    path: Path
    expect: dict[str, Any]
    line: int | None = None
    error: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    def rule_ids(self) -> set[str]:
        """Rule ids (not articles or principles) that the expectations name."""
        out = set()
        for key in ("findings", "must_flag", "must_not_flag"):
            for target in self.expect.get(key) or []:
                if not _is_article_or_principle(str(target)):
                    out.add(str(target))
        return out

    def targets(self, key: str) -> list[str]:
        return [str(t) for t in self.expect.get(key) or []]


def _is_article_or_principle(target: str) -> bool:
    return target[:1].isdigit() or (target[:1] in "Pp" and target[1:].isdigit())


def load_cases(cases_dir: str | Path | None) -> list[Case]:
    """Every case under a folder, sorted; a case that cannot be read is kept with its error."""
    if cases_dir is None or not Path(cases_dir).is_dir():
        return []
    cases = []
    for path in case_files(cases_dir):
        try:
            doc = load_document(path)
        except PolicyCheckError as exc:
            cases.append(Case(path, {}, exc.line, str(exc)))
            continue
        expect = doc.data.get("expect")
        cases.append(Case(path, expect if isinstance(expect, dict) else {}, doc.lines.get("expect")))
    return cases


def default_cases_dir(rules_dir: str | Path) -> Path | None:
    """cases/ beside the rule folder (the layout of a checkout), if there is one."""
    base = Path(rules_dir)
    base = base if base.is_dir() else base.parent
    candidate = base.parent / "cases"
    return candidate if candidate.is_dir() else None


# ---- test items and results ---------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    """One way a result departs from what was expected.

    target: the rule id, article ('7.5'), principle ('P7') or expectation ('findings') concerned.
    """

    target: str
    expected: str
    got: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "expected": self.expected, "got": self.got, "note": self.note}


@dataclass(frozen=True)
class RuleTest:
    """One rule test: a rule's example, or a case."""

    kind: str                      # "example" | "case"
    name: str                      # e.g. "eligibility-documents: violating example 2" or "violating/x.yaml"
    location: str                  # file:line:col of the example or case
    rules: tuple[str, ...]         # the rules it concerns
    expected_kind: str = ""        # for examples: violating | compliant
    example: Any = field(default=None, compare=False)
    case: Case | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Outcome:
    item: RuleTest
    differences: tuple[Difference, ...] = ()
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.differences and self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.item.kind, "name": self.item.name, "location": self.item.location,
                "rules": list(self.item.rules), "passed": self.passed, "error": self.error,
                "differences": [d.to_dict() for d in self.differences]}


def collect(rule_set: RuleSet, sources: dict[str, RuleSource], cases: Iterable[Case],
            only_rules: set[str] | None = None) -> list[RuleTest]:
    """The examples of every rule (or of only_rules), then the cases (those naming only_rules, if given)."""
    items: list[RuleTest] = []
    for rule in rule_set.rules:
        if only_rules is not None and rule.id not in only_rules:
            continue
        source = sources.get(rule.id)
        for kind in EXAMPLE_KINDS:
            for index, example in enumerate(rule.examples.get(kind) or []):
                location = source.location(f"examples.{kind}[{index}]") if source else rule.source
                items.append(RuleTest("example", f"{rule.id}: {kind} example {index + 1}", location, (rule.id,),
                                      kind, example=example))
    for case in cases:
        if only_rules is not None and not case.rule_ids() & only_rules:
            continue
        location = f"{case.path}:{case.line}" if case.line else str(case.path)
        items.append(RuleTest("case", case.name, location, tuple(sorted(case.rule_ids())), case=case))
    return items


def run(checker: Checker, item: RuleTest) -> Outcome:
    """Run one test item and compare."""
    if item.kind == "example":
        return _run_example(checker, item)
    assert item.case is not None
    case = item.case
    if case.error is not None:
        return Outcome(item, error=f"case could not be read: {case.error}")
    if not case.expect:
        return Outcome(item, error="case states no expectations (add an 'expect' block)")
    result = checker.check_path(case.path)
    return Outcome(item, tuple(compare(result, case.expect, checker.rule_set)), None)


def _run_example(checker: Checker, item: RuleTest) -> Outcome:
    rule_id = item.rules[0]
    if not isinstance(item.example, dict):
        return Outcome(item, error="an example must be a mapping of programme fields")
    text = yaml.safe_dump(item.example, allow_unicode=True, sort_keys=False)
    try:
        doc = parse_document(text, f"{rule_id}-{item.expected_kind}-example.yaml", ".yaml")
    except PolicyCheckError as exc:
        return Outcome(item, error=f"not a valid programme description: {exc.message}")
    findings = checker.check(doc).findings
    fired = sorted({f.rule for f in findings})
    if item.expected_kind == "violating" and rule_id not in fired:
        others = f" (fired: {', '.join(fired)})" if fired else " (no rule fired)"
        return Outcome(item, (Difference(rule_id, "fires", "did not fire" + others),))
    if item.expected_kind == "compliant" and rule_id in fired:
        finding = next(f for f in findings if f.rule == rule_id)
        quotes = [f'{e.field}: "{e.quote}"' if e.quote else f"{e.field}: not stated" for e in finding.evidence]
        return Outcome(item, (Difference(rule_id, "does not fire", "fired on " + "; ".join(quotes[:3])),))
    return Outcome(item)


def compare(result: CheckResult, expect: dict[str, Any], rule_set: RuleSet) -> list[Difference]:
    """Like expectations.differences, but one record per target, with expected and got apart."""
    if result.error is not None:
        return [Difference("(document)", "checked", f"could not be checked: {result.error}")]
    active = [f for f in result.findings if f.waived is None]
    got = sorted({f.rule for f in active})
    shown = ", ".join(got) or "none"
    known = set(rule_set.ids()) | {a for r in rule_set.rules for a in r.aliases}
    out: list[Difference] = []

    def note(target: str) -> str | None:
        if _is_article_or_principle(target):
            if target[:1].isdigit() and rule_set.policy.article(target) is None:
                return f"'{target}' is not an article of rules/policy.yaml"
            return None
        if target not in known:
            return f"'{target}' is not a rule in the rule set (not written yet, or a typo)"
        return None

    if "findings" in expect:
        wanted = sorted({str(t) for t in expect["findings"] or []})
        if wanted != got:
            missing = sorted(set(wanted) - set(got))
            extra = sorted(set(got) - set(wanted))
            for target in missing:
                out.append(Difference(target, "fires (listed in findings)", f"did not fire (findings: {shown})",
                                      note(target)))
            for target in extra:
                out.append(Difference(target, "does not fire (not listed in findings)", "fired"))
    for target in (str(t) for t in expect.get("must_flag") or []):
        if not any(flags(f, target) for f in active):
            out.append(Difference(target, "flagged", f"not flagged (findings: {shown})", note(target)))
    for target in (str(t) for t in expect.get("must_not_flag") or []):
        hit = sorted({f.rule for f in active if flags(f, target)})
        if hit:
            out.append(Difference(target, "not flagged", f"flagged by {', '.join(hit)}", note(target)))
    if expect.get("no_violation"):
        bad = sorted({f.rule for f in active if f.severity == "violation"})
        if bad:
            out.append(Difference("no_violation", "no violation", f"violations: {', '.join(bad)}"))
    return out


def unknown_rules(result: Outcome) -> bool:
    """Whether a failure is (only) about rules that are not in the rule set."""
    return bool(result.differences) and all(d.note and "not a rule in the rule set" in d.note
                                            for d in result.differences)


# ---- report --------------------------------------------------------------------------------------

def render_text(results: list[Outcome], verbose: bool = False) -> str:
    lines: list[str] = []
    for result in results:
        item = result.item
        label = f"{item.kind} {item.name}" if item.kind == "case" else item.name
        if result.passed:
            if verbose:
                lines.append(f"PASS {label}")
            continue
        lines.append(f"FAIL {label}  ({item.location})")
        if result.error is not None:
            lines.append(f"     error:    {result.error}")
        for diff in result.differences:
            lines.append(f"     rule:     {diff.target}")
            lines.append(f"     expected: {diff.expected}")
            lines.append(f"     got:      {diff.got}")
            if diff.note:
                lines.append(f"     note:     {diff.note}")
    lines.append(summary_line(results))
    return "\n".join(lines) + "\n"


def summary_line(results: list[Outcome]) -> str:
    examples = sum(1 for r in results if r.item.kind == "example")
    failed = sum(1 for r in results if not r.passed)
    return (f"Ran {len(results)} tests ({examples} examples, {len(results) - examples} case"
            f"{'' if len(results) - examples == 1 else 's'}): "
            f"{len(results) - failed} passed, {failed} failed")


def to_json_dict(results: list[Outcome]) -> dict[str, Any]:
    failed = sum(1 for r in results if not r.passed)
    return {"tests": [r.to_dict() for r in results],
            "summary": {"tests": len(results), "passed": len(results) - failed, "failed": failed}}
