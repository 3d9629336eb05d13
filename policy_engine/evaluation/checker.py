"""Check documents against a rule set: the library entry point that the CLI calls.

    checker = Checker.from_directory()          # load, validate and compile the rules once
    result = checker.check_path("draft.md")     # -> CheckResult with findings, or an error

One document's path: it is read into units (reading/documents.py); the prose reader finds where each
prose test's concepts occur together (prose.py, reader.py); the rare text pattern is searched; every such place, each
list item and the programme's fields become facts; durable_rules (engine.py) decides which rules
hold; each firing's matched facts become the finding's evidence.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from ..errors import PolicyCheckError, RuleError
from ..findings.result import CheckResult, UnreadPart
from ..findings.waivers import WaiverPolicy
from ..model import MAX_EVIDENCE, Document, Evidence, Finding, Location, TextUnit
from ..reading.columns import Locator
from ..reading.documents import load_document
from ..ruleset.rules import Rule, RuleSet, TextTest, load_rule_set
from .compiler import MISSING, UNREAD, Conjunct, FactPlan, Fault, compile_rule, evidence_for, plan_for, quote
from .engine import Engine
from .prose import DocumentReading, ProseReader
from .prose import facts as prose_facts



def text_matches(test: TextTest, doc: Document) -> Iterator[tuple[TextUnit, bool]]:
    """Each sentence in scope that a text test's patterns find, and whether its exception excuses it
    (what check and explain both read)."""
    for unit in doc.units:
        language = unit.language or doc.language
        if not test.matches.covers(language) or not in_scope(unit.scopes, test.scopes) \
                or not test.matches.search(language, unit.normalised):
            continue
        yield unit, test.unless is not None and bool(test.unless.search(language, unit.normalised))


def in_scope(unit_scopes: tuple[str, ...], test_scopes: tuple[str, ...]) -> bool:
    """Whether a unit (its topics, or its field path) is in a test's 'in' list ('*': anywhere)."""
    for wanted in test_scopes:
        if wanted == "*":
            return True
        for scope in unit_scopes:
            if scope == wanted or scope.startswith(wanted + "."):
                return True
    return False


class DocumentFacts(NamedTuple):
    """One document as the engine sees it (Checker.facts)."""

    reading: DocumentReading
    facts: list[dict[str, Any]]                 # items, text hits, prose places, the anchor last
    text_evidence: dict[str, list[Evidence]]    # per text test that holds: the sentences it found
    unread: list[UnreadPart]                    # parts in a language the rules cannot read


def prose_evidence(doc: Document, fact: dict[str, Any]) -> Evidence | None:
    """The sentence a prose fact stands for."""
    index = fact.get("u")
    if not isinstance(index, int) or not 0 <= index < len(doc.units):
        return None
    return unit_evidence(doc.units[index])


class Checker:
    """A rule set compiled into durable_rules, ready to check any number of documents."""

    def __init__(self, rule_set: RuleSet) -> None:
        self.rule_set = rule_set
        self.conjuncts: dict[str, Conjunct] = {}
        for index, rule in enumerate(rule_set.rules):
            for conj in compile_rule(rule, index):
                self.conjuncts[conj.name] = conj
        self.plan: FactPlan = plan_for(list(self.conjuncts.values()))
        texts: dict[str, TextTest] = {}
        specs = {}
        for conj in self.conjuncts.values():
            for test in [t for _, t in conj.texts] + list(conj.absent_texts):
                texts[test.key] = test
            for prose in [t for _, choice in conj.proses for t in choice] + list(conj.absent_proses):
                specs[prose.key] = prose.spec
        self.text_tests = [texts[k] for k in sorted(texts)]
        self.reader = ProseReader(rule_set.lexicon, [specs[k] for k in sorted(specs)],
                                  rule_set.sections.context_topics, rule_set.digest)
        self.engine = Engine({name: c.to_durable() for name, c in self.conjuncts.items()},
                             name=f"policy_{rule_set.digest}")

    @classmethod
    def from_directory(cls, directory: str | Path | None = None) -> "Checker":
        """Load and compile a rule folder; raises RuleError listing every problem found."""
        rule_set, problems = load_rule_set(directory)
        if problems:
            first = problems[0]
            more = f" (and {len(problems) - 1} more problem(s); run 'policy-check rules lint')" \
                if len(problems) > 1 else ""
            raise RuleError(first.message + more, first.path, first.line, first.column)
        return cls(rule_set)

    def prepare_batch(self) -> None:
        """Get ready to check many documents: compile every language's concepts now, before
        workers fork, so that they inherit them instead of each compiling its own."""
        for language in self.rule_set.lexicon.readable():
            self.reader.compiled(language)

    def scan_text(self, doc: Document) -> tuple[set[str], dict[str, list[Evidence]]]:
        """Search the rare text patterns: the keys of the tests that hold, and their evidence."""
        hits: dict[str, list[Evidence]] = {}
        for test in self.text_tests:
            for unit, excused in text_matches(test, doc):
                if not excused:
                    hits.setdefault(test.key, []).append(unit_evidence(unit))
        return set(hits), hits

    def facts(self, doc: Document, keep_readings: bool = False) -> DocumentFacts:
        """What check asserts for a document: its list items, text hits and prose places, then the
        anchor; explain asserts the very same facts to say why each rule fired or not.

        Args:
            doc: the document.
            keep_readings: keep every sentence's reading (explain shows the words that matched).
        """
        reading = self.reader.read(doc, keep_readings)
        text_hits, text_evidence = self.scan_text(doc)
        extra: list[dict[str, Any]] = list(prose_facts(doc, reading))
        unread = unread_parts(doc, reading.unread) if self.reader.specs else []
        if unread:
            # no rule may conclude that the draft is silent on something: it may say it in the unread part
            extra.append({"t": UNREAD})
        # a value left out may be what a rule looks for (an activity's or a partner's type): the draft is partly
        # checked, though all its prose was read
        unread += [UnreadPart("", (v.field,), v.line, v.line, v.value) for v in doc.ignored_values]
        return DocumentFacts(reading, list(self.plan.facts(doc, text_hits, extra)), text_evidence, unread)

    def check(self, doc: Document, waivers: WaiverPolicy | None = None) -> CheckResult:
        """Evaluate one document; every matching rule gives one finding with all its evidence.

        Args:
            doc: the document.
            waivers: how waivers apply; by default those written in the document, judged against today.
        """
        found = self.facts(doc)
        notices: list[str] = []

        def place_evidence(fact: dict[str, Any]) -> Evidence | None:
            return prose_evidence(doc, fact)

        locator = Locator(doc)
        fired: dict[str, list[Evidence]] = defaultdict(list)
        faults: dict[str, Fault] = {}
        for name, matched in self.engine.evaluate(found.facts):
            conj = self.conjuncts[name]
            evidence, fault = evidence_for(conj, matched, doc, found.text_evidence, place_evidence, locator)
            fired[conj.rule.id].extend(evidence)
            if conj.rule.id not in faults or fault.order() < faults[conj.rule.id].order():
                faults[conj.rule.id] = fault  # of all firings: the best kind of place, then the first in the draft
        for rule_id in replaced_findings(self.rule_set, fired):
            del fired[rule_id]
        findings = [with_columns(make_finding(self.rule_set.get(rule_id), evidence, doc.prose, faults[rule_id]),
                                 locator) for rule_id, evidence in fired.items()]
        findings.sort(key=Finding.sort_key)
        findings, waiver_notes = (waivers or WaiverPolicy()).apply(doc, findings, self.rule_set)
        return CheckResult(doc.path, doc.id, findings, list(doc.warnings) + notices + waiver_notes,
                           organisation=doc.organisation, title=doc.title, unread=found.unread,
                           read_any=found.reading.readable)

    def load(self, path: str | Path) -> Document:
        """Read a document with this rule set's section topics."""
        return load_document(path, self.rule_set.sections)

    def check_path(self, path: str | Path, waivers: WaiverPolicy | None = None) -> CheckResult:
        """Load and check one file; a file that cannot be read or checked becomes an error result."""
        try:
            doc = self.load(path)
        except PolicyCheckError as exc:
            return CheckResult(str(path), error=str(exc))
        try:
            return self.check(doc, waivers)
        except PolicyCheckError as exc:
            return CheckResult(str(path), doc.id, error=f"{path}: {exc.message}")


def replaced_findings(rule_set: RuleSet, fired: dict[str, list[Evidence]]) -> set[str]:
    """The rules whose finding another fired rule says in full (its 'replaces', on all of the same evidence: a
    contradiction rule and the rule it pairs with)."""
    return {replaced for rule_id in fired for replaced in rule_set.get(rule_id).replaces
            if replaced in fired and set(fired[replaced]) <= set(fired[rule_id])}


def unread_parts(doc: Document, indices: tuple[int, ...]) -> list[UnreadPart]:
    """The unread units gathered into runs of one language, each naming its sections and lines."""
    parts: list[UnreadPart] = []
    previous = -2
    for index in indices:
        unit = doc.units[index]
        language = unit.language or doc.language
        section = unit.field[len("section "):].strip('"') if unit.field.startswith("section ") else \
            unit.field.split("[")[0].split(".")[0]
        if parts and index == previous + 1 and parts[-1].language == language:
            last = parts[-1]
            sections = last.sections if section in last.sections else last.sections + (section,)
            parts[-1] = last._replace(sections=sections, last_line=unit.line or last.last_line,
                                      first_line=last.first_line or unit.line)
        else:
            parts.append(UnreadPart(language, (section,) if section else (), unit.line, unit.line))
        previous = index
    return parts


def unit_evidence(unit: TextUnit) -> Evidence:
    """Evidence of a sentence: its line, field and words."""
    return Evidence(unit.line, unit.field, quote(unit.text))


def with_columns(finding: Finding, locator: Locator) -> Finding:
    """The finding with the column of each of its evidence (computed for the few it keeps)."""
    return finding._replace(evidence=tuple(
        e._replace(column=locator.evidence_column(e.line, e.field, e.quote)) if e.line is not None else e
        for e in finding.evidence))


def make_finding(rule: Rule, evidence: list[Evidence], prose: bool = False, fault: Fault | None = None) -> Finding:
    """The finding of a rule that fired. In a prose draft, a rule with in_prose wording says what the
    draft does not say, and how to fix it, in place of the fields that are not stated.

    The finding points at the fault's location; its evidence starts with the evidence there, then
    what the draft does not say (if told), then the rest in the order of the draft (see docs/internals.md)."""
    remediation = rule.remediation
    location = fault.location if fault is not None else Location(None)
    primary = fault.evidence if fault is not None else None
    if prose and rule.in_prose is not None and any(e.quote is None for e in evidence):
        missing, remediation = rule.in_prose
        evidence = [e for e in evidence if e.quote is not None]
        told = Evidence(None, "", None, f"the draft does not say {missing}")
        if fault is not None and fault.kind == MISSING and location.line is None:
            location = Location(None)  # told in prose terms: no field name (the draft has no such place)
    else:
        told = None
    places = sorted(set(evidence), key=lambda e: (e.line is None, e.line or 0, e.field, e.quote or ""))
    shown = places[:MAX_EVIDENCE]
    if primary in shown:
        shown.remove(primary)
    elif primary in places:
        places.remove(primary)  # past the first places: shown all the same, and not among the rest
    rest = len(places) - MAX_EVIDENCE
    if rest > 0:
        shown.append(Evidence(None, "…", f"and {rest} more place(s) like these"))
    unique = ([primary] if primary in evidence else []) + ([told] if told is not None else []) + shown
    return Finding(rule.id, rule.severity, rule.principle, rule.articles, rule.title, rule.message,
                   rule.rationale, remediation, tuple(unique), location=location)
