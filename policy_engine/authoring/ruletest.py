"""Rule tests: every rule's and concept's own examples, and the expectations stated by the cases.

    items = collect(rule_set, sources, load_cases("cases"))
    results = [run(checker, item) for item in items]     # each: passed, or what differed

Four kinds of test:
  sentence  a rule's `fire` / `quiet` sentences (per language): put under a heading in a small draft,
            the rule must fire on each fire sentence and stay quiet on each quiet one;
  example   a rule's `violating` / `compliant` programme descriptions (structured fields);
  concept   a concept's `match` / `no_match` sentences: the reader must find the concept in each
            match sentence and not in any no_match sentence;
  case      a draft in cases/ with an `expect` block (see expectations.py), compared rule by rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..errors import PolicyCheckError
from ..evaluation.checker import Checker
from ..findings.result import CheckResult
from ..model import Document
from ..reading.documents import load_document, parse_document
from ..ruleset.lexicon import Concept
from ..ruleset.rules import Rule, RuleSet
from ..ruleset.rulesrc import RuleSource, walk_conditions
from .expectations import case_files, flags

EXAMPLE_KINDS = ("violating", "compliant")
SENTENCE_KINDS = ("fire", "quiet")
CONCEPT_KINDS = ("match", "no_match")
DEFAULT_SECTION = "activities"


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

    kind: str                      # "sentence" | "example" | "concept" | "case"
    name: str                      # e.g. "eligibility-documents: violating example 2" or "violating/x.yaml"
    location: str                  # file:line:col of the example or case
    rules: tuple[str, ...]         # the rules (or, for a concept test, the concept) it concerns
    expected_kind: str = ""        # violating | compliant | fire | quiet | match | no_match
    language: str = ""             # for sentences and concept examples
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


SENTENCE_KEYS = ("text", "language", "fields", "in")  # what a fire or quiet sentence written as a mapping may say


def sentence_examples(rule: Rule) -> list[tuple[str, str, dict[str, Any]]]:
    """A rule's fire/quiet sentences as (kind, path inside the rule, entry {text, language, fields, in}).

    They are written per language ({en: [...], es: [...]}) or as a list of entries, each a sentence
    or a mapping {text, language, fields, in} for a sentence that needs fields or another section (in a
    language's list, a mapping takes that language).
    """
    out = []
    for kind in SENTENCE_KINDS:
        body = rule.examples.get(kind)
        if isinstance(body, dict):
            for language, sentences in body.items():
                for index, sentence in enumerate(sentences if isinstance(sentences, list) else [sentences]):
                    entry = dict(sentence) if isinstance(sentence, dict) else {"text": sentence}
                    entry.setdefault("language", language)
                    out.append((kind, f"examples.{kind}.{language}[{index}]", entry))
        elif isinstance(body, list):
            for index, entry in enumerate(body):
                out.append((kind, f"examples.{kind}[{index}]",
                            dict(entry) if isinstance(entry, dict) else {"text": entry}))
    return out


def collect(rule_set: RuleSet, sources: dict[str, RuleSource], cases: Iterable[Case],
            only_rules: set[str] | None = None,
            concept_sources: dict[str, tuple[str, Any]] | None = None) -> list[RuleTest]:
    """The examples of every rule (or of only_rules), of every concept (unless only_rules is given),
    then the cases (those naming only_rules, if given)."""
    items: list[RuleTest] = []
    for rule in rule_set.rules:
        if only_rules is not None and rule.id not in only_rules:
            continue
        source = sources.get(rule.id)
        for kind, path, entry in sentence_examples(rule):
            location = source.location(path) if source else rule.source
            language = str(entry.get("language") or "en")
            number = path.rsplit("[", 1)[-1].rstrip("]")
            items.append(RuleTest("sentence", f"{rule.id}: {kind} ({language}) {int(number) + 1 if number.isdigit() else ''}",
                                  location, (rule.id,), kind, language, example=entry))
        for kind in EXAMPLE_KINDS:
            for index, example in enumerate(rule.examples.get(kind) or []):
                location = source.location(f"examples.{kind}[{index}]") if source else rule.source
                items.append(RuleTest("example", f"{rule.id}: {kind} example {index + 1}", location, (rule.id,),
                                      kind, example=example))
    if only_rules is None:
        for name in sorted(rule_set.lexicon.concepts):
            concept = rule_set.lexicon.concepts[name]
            for language in sorted(concept.examples):
                for kind in CONCEPT_KINDS:
                    for index, sentence in enumerate(concept.examples[language].get(kind, ())):
                        location = _concept_location(concept, f"examples.{language}.{kind}[{index}]", concept_sources)
                        items.append(RuleTest("concept", f"concept {name}: {kind} ({language}) {index + 1}", location,
                                              (name,), kind, language, example=sentence))
    for case in cases:
        if only_rules is not None and not case.rule_ids() & only_rules:
            continue
        location = f"{case.path}:{case.line}" if case.line else str(case.path)
        items.append(RuleTest("case", case.name, location, tuple(sorted(case.rule_ids())), case=case))
    return items


def _concept_location(concept: Concept, sub: str, sources: dict[str, tuple[str, Any]] | None) -> str:
    found = (sources or {}).get(concept.name)
    if found is not None:
        file, located = found
        path = f"{concept.path}.{sub}"
        while path:
            if path in located.lines:
                return f"{file}:{located.lines[path]}"
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
    return concept.source


def run(checker: Checker, item: RuleTest) -> Outcome:
    """Run one test item and compare."""
    if item.kind == "example":
        return _run_example(checker, item)
    if item.kind == "sentence":
        return _run_sentence(checker, item)
    if item.kind == "concept":
        return _run_concept(checker, item)
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


def example_section(rule: Rule) -> str:
    """Where a rule's sentence examples go by default: the first section topic its prose reads."""
    for node, _ in walk_conditions(rule.raw_when, "when"):
        body = node.get("prose")
        if isinstance(body, dict):
            for scope in body.get("in") or []:
                if isinstance(scope, str) and "." not in scope and scope != "*":
                    return scope
    return DEFAULT_SECTION


def heading_for(topic: str, rule_set: RuleSet) -> str:
    """A heading that puts text in the topic: its name if that works, else its first phrase."""
    sections = rule_set.sections
    name = topic.replace("_", " ")
    if topic in sections.topics_for(name):
        return name.capitalize()
    for phrase_topic, words in sections.phrases:
        if phrase_topic == topic:
            return " ".join(words).capitalize()
    return name.capitalize()


def sentence_draft(rule: Rule, entry: dict[str, Any], rule_set: RuleSet) -> Document:
    """A small Markdown draft holding one example sentence under its section heading."""
    fields = dict(entry.get("fields") or {})
    fields.setdefault("id", "example")
    fields.setdefault("language", str(entry.get("language") or "en"))
    section = str(entry.get("in") or example_section(rule))
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    text = f"---\n{front}---\n\n# Example\n\n## {heading_for(section, rule_set)}\n\n{entry.get('text', '')}\n"
    return parse_document(text, f"{rule.id}-example.md", ".md", rule_set.sections)


def _run_sentence(checker: Checker, item: RuleTest) -> Outcome:
    rule_id = item.rules[0]
    entry = item.example if isinstance(item.example, dict) else {}
    if not isinstance(entry.get("text"), str) or not entry["text"].strip():
        return Outcome(item, error="a sentence example needs text")
    try:
        doc = sentence_draft(checker.rule_set.get(rule_id), entry, checker.rule_set)
    except PolicyCheckError as exc:
        return Outcome(item, error=f"the example's fields are not a valid programme description: {exc.message}")
    if item.language not in checker.rule_set.lexicon.readable():
        return Outcome(item, error=f"no concepts for language '{item.language}': the sentence cannot be read")
    fired = {f.rule for f in checker.check(doc).findings}
    said = f'"{entry["text"]}"'
    if item.expected_kind == "fire" and rule_id not in fired:
        return Outcome(item, (Difference(rule_id, f"fires on {said}", "did not fire"),))
    if item.expected_kind == "quiet" and rule_id in fired:
        return Outcome(item, (Difference(rule_id, f"stays quiet on {said}", "fired"),))
    return Outcome(item)


def _run_concept(checker: Checker, item: RuleTest) -> Outcome:
    name = item.rules[0]
    bundle = checker.reader.compiled(item.language)
    if bundle is None:
        return Outcome(item, error=f"no concepts for language '{item.language}' (add rules/languages/"
                                   f"{item.language}.yaml and words for it)")
    compiled = bundle[0]
    reading = compiled.read(str(item.example))
    found = compiled.concept_ids[name] in reading.matches
    if item.expected_kind == "match" and not found:
        return Outcome(item, (Difference(name, f'found in "{item.example}"', "not found"),))
    if item.expected_kind == "no_match" and found:
        words = ", ".join(sorted({reading.words_of(m) for m in reading.matches[compiled.concept_ids[name]]}))
        return Outcome(item, (Difference(name, f'not found in "{item.example}"', f"found: {words}"),))
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
    counts = {kind: sum(1 for r in results if r.item.kind == kind) for kind in ("sentence", "example", "concept", "case")}
    failed = sum(1 for r in results if not r.passed)
    parts = ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in counts.items() if n)
    return f"Ran {len(results)} tests ({parts}): {len(results) - failed} passed, {failed} failed"


def to_json_dict(results: list[Outcome]) -> dict[str, Any]:
    failed = sum(1 for r in results if not r.passed)
    return {"tests": [r.to_dict() for r in results],
            "summary": {"tests": len(results), "passed": len(results) - failed, "failed": failed}}
