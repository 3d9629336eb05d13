"""Check documents against a rule set: the library entry point that the CLI calls.

    checker = Checker.from_directory()          # load, validate and compile the rules once
    result = checker.check_path("draft.md")     # -> CheckResult with findings, or an error
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .compiler import (Conjunct, FactPlan, compile_rule, evidence_for, fact_value, get_path, plan_for,
                       quote)
from .documents import load_document
from .engine import Engine
from .errors import PolicyCheckError, RuleError
from .model import Document, Evidence, Finding, TextUnit
from .rules import FieldTest, Rule, RuleSet, TextTest, load_rule_set
from .textscan import MultiPattern, PatternError
from .waivers import WaiverPolicy


_SEPARATOR = b"\n\x1f\n"  # between sentences: no pattern's words or spaces can span it
_UNKNOWN = object()


@dataclass
class CheckResult:
    path: str
    id: str = ""
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    organisation: str = ""
    title: str = ""

    @property
    def status(self) -> str:
        return "error" if self.error is not None else "ok"


class _LanguageIndex(NamedTuple):
    """Every text test's patterns for one language, each kind in one RE2 Set (see prepare_batch)."""

    matches: MultiPattern   # ids are indexes into Checker.text_tests
    unless: MultiPattern
    unreadable: tuple[int, ...]  # tests with no pattern for the language


@lru_cache(maxsize=65536)  # few distinct (field, scope) pairs recur in every document
def _in_scope(unit_scopes: tuple[str, ...], test_scopes: tuple[str, ...]) -> bool:
    for wanted in test_scopes:
        if wanted == "*":
            return True
        for scope in unit_scopes:
            if scope == wanted or scope.startswith(wanted + "."):
                return True
    return False


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
        for conj in self.conjuncts.values():
            for _, t in conj.texts:
                texts[t.key] = t
            for t in conj.absent_texts:
                texts[t.key] = t  # the scan reads key, scopes and patterns; negation is the rule's business
        self.text_tests = [texts[k] for k in sorted(texts)]
        positive = {t.key for c in self.conjuncts.values() for _, t in c.texts}
        self.only_negated = {t.key for c in self.conjuncts.values() for t in c.absent_texts} - positive
        # Which conjunctions read each text test: a test none of them can use is not scanned.
        self.readers: dict[str, list[Conjunct]] = defaultdict(list)
        for conj in self.conjuncts.values():
            for text in [t for _, t in conj.texts] + list(conj.absent_texts):
                self.readers[text.key].append(conj)
        self.engine = Engine({name: c.to_durable() for name, c in self.conjuncts.items()},
                             name=f"policy_{rule_set.digest}")
        self._indexes: dict[str, _LanguageIndex | None] | None = None  # set by prepare_batch

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
        """Get ready to check many documents: index each language's patterns in one RE2 Set.

        A single check compiles only the patterns a draft may need and searches them one by one;
        a batch pays once for compiling everything and then reads each sentence once for all
        tests. Called before workers fork, so that they inherit the compiled Sets.
        """
        self._indexes = {}
        languages = sorted({lang for t in self.text_tests for lang in t.matches.languages()} - {"*"})
        for language in languages:
            self._index_for(language)

    def _index_for(self, language: str) -> _LanguageIndex | None:
        """The language's index, or None if RE2 cannot build it (then tests are searched one by one)."""
        assert self._indexes is not None
        if language not in self._indexes:
            matches = [(i, t.matches.pattern_for(language)) for i, t in enumerate(self.text_tests)]
            unless = [(i, t.unless.pattern_for(language) if t.unless is not None else None)
                      for i, t in enumerate(self.text_tests)]
            try:
                self._indexes[language] = _LanguageIndex(
                    MultiPattern((i, p) for i, p in matches if p is not None),
                    MultiPattern((i, p) for i, p in unless if p is not None),
                    tuple(i for i, p in matches if p is None))
            except PatternError:
                self._indexes[language] = None
        return self._indexes[language]

    def _live(self, test: TextTest, doc: Document) -> bool:
        """Whether a rule reading this test could still fire (none fails on a field already)."""
        return any(_may_hold(conj.fields, doc) for conj in self.readers[test.key])

    def scan_text(self, doc: Document) -> tuple[set[str], dict[str, list[Evidence]], list[str]]:
        """Run every text test over the document's sentences (in Python, on RE2).

        Returns the keys of the tests that hold (or that cannot be judged in the draft's language),
        the evidence of each test that matched, and notices for the report.
        """
        index = self._index_for(doc.language) if self._indexes is not None else None
        if index is not None:
            return self._scan_indexed(doc, index)
        return self._scan_each(doc)

    def _scan_indexed(self, doc: Document, index: _LanguageIndex) \
            -> tuple[set[str], dict[str, list[Evidence]], list[str]]:
        """The batch scan: each sentence goes once through the language's Set of every pattern;
        only the sentences that match some test go through the Set of exceptions."""
        tests = self.text_tests
        unjudged = [tests[i].key for i in index.unreadable if self._live(tests[i], doc)]
        unreadable = {key for key in unjudged if key in self.only_negated}
        found: dict[int, list[Evidence]] = {}
        for unit in doc.units:
            text = unit.normalised.encode("utf-8")
            excused: list[int] | None = None
            for i in index.matches.matches(text):
                if not _in_scope(unit.scopes, tests[i].scopes):
                    continue
                if tests[i].unless is not None:
                    if excused is None:
                        excused = index.unless.matches(text)
                    if i in excused:
                        continue
                found.setdefault(i, []).append(Evidence(unit.line, unit.field, quote(unit.text)))
        hits = {tests[i].key: evidence for i, evidence in sorted(found.items()) if self._live(tests[i], doc)}
        return set(hits) | unreadable, hits, self._language_notices(doc, [doc.language] if unjudged else [])

    @staticmethod
    def _language_notices(doc: Document, languages: list[str]) -> list[str]:
        return [f"{doc.path}: no text patterns for language '{lang}': the prose was not checked by "
                f"text rules (structured fields were)" for lang in sorted(languages)]

    def _scan_each(self, doc: Document) -> tuple[set[str], dict[str, list[Evidence]], list[str]]:
        """The single-check scan: each test's patterns are compiled when first needed.

        The sentences a test reads are joined into one text and searched in one call per hit: the
        RE2 wrapper converts its input on every call, so one call per sentence would cost far more
        than the matching itself. The separator cannot be crossed by the patterns' word classes.
        """
        hits: dict[str, list[Evidence]] = defaultdict(list)
        missing_languages: set[str] = set()
        unreadable: set[str] = set()
        joined: dict[tuple[str, ...], tuple[bytes, list[int], list[TextUnit], list[bytes]]] = {}
        # Units grouped by their scopes once: a document has a few distinct scopes and many units.
        by_scopes: dict[tuple[str, ...], list[int]] = {}
        for index, unit in enumerate(doc.units):
            by_scopes.setdefault(unit.scopes, []).append(index)
        encoded_units: list[bytes | None] = [None] * len(doc.units)
        for test in self.text_tests:
            if not self._live(test, doc):
                continue  # every rule that reads this test already fails on a field: skip the text
            if not test.matches.covers(doc.language):
                missing_languages.add(doc.language)
                if test.key in self.only_negated:
                    # We cannot read this language: do not claim the text is absent (that would
                    # fire "not stated" rules on every Arabic draft). The notice says so.
                    unreadable.add(test.key)
                continue
            group = joined.get(test.scopes)
            if group is None:
                chosen = sorted(i for scopes, indexes in by_scopes.items() if _in_scope(scopes, test.scopes)
                                for i in indexes)
                for i in chosen:
                    if encoded_units[i] is None:
                        encoded_units[i] = doc.units[i].normalised.encode("utf-8")
                units = [doc.units[i] for i in chosen]
                encoded = [encoded_units[i] for i in chosen]
                starts, position = [], 0
                for chunk in encoded:
                    starts.append(position)
                    position += len(chunk) + len(_SEPARATOR)
                # bytes, so that the wrapper neither re-encodes the text nor maps offsets back
                group = joined[test.scopes] = (_SEPARATOR.join(encoded), starts, units, encoded)
            text, starts, units, encoded = group
            if not units:
                continue  # nothing to read: the pattern need not even be compiled
            # Compiling costs more than a search: compile only the patterns whose words are in the
            # text (this matters for a single check; a batch compiles everything up front).
            regex = test.matches.regex_within(doc.language, text)
            if regex is None:
                continue
            unless: object | None = _UNKNOWN  # the exceptions, compiled at the first hit that needs them
            position = 0
            while position < len(text):
                match = regex.search(text, position)  # type: ignore[attr-defined]
                if match is None:
                    break
                index = bisect_right(starts, match.start()) - 1
                unit = units[index]
                # A pattern such as [^ ]+ could run across the separator: confirm on the sentence alone.
                within = match.end() <= starts[index] + len(encoded[index]) \
                    or regex.search(unit.normalised) is not None  # type: ignore[attr-defined]
                if within and test.unless is not None:
                    if unless is _UNKNOWN:
                        unless = test.unless.regex_within(doc.language, text)  # the unit is a piece of text
                    within = unless is None or unless.search(unit.normalised) is None  # type: ignore[attr-defined]
                if within:
                    hits[test.key].append(Evidence(unit.line, unit.field, quote(unit.text)))
                position = starts[index + 1] if index + 1 < len(starts) else len(text)
        return set(hits) | unreadable, dict(hits), self._language_notices(doc, sorted(missing_languages))

    def check(self, doc: Document, waivers: WaiverPolicy | None = None) -> CheckResult:
        """Evaluate one document; every matching rule gives one finding with all its evidence.

        Args:
            doc: the document.
            waivers: how waivers apply; by default those written in the document, judged against today.
        """
        text_hits, text_evidence, notices = self.scan_text(doc)
        fired: dict[str, list[Evidence]] = defaultdict(list)
        for name, matched in self.engine.evaluate(self.plan.facts(doc, text_hits)):
            conj = self.conjuncts[name]
            fired[conj.rule.id].extend(evidence_for(conj, matched, doc, text_evidence))
        findings = []
        for rule_id, evidence in fired.items():
            rule = self.rule_set.get(rule_id)
            findings.append(make_finding(rule, evidence))
        findings.sort(key=Finding.sort_key)
        findings, waiver_notes = (waivers or WaiverPolicy()).apply(doc, findings, self.rule_set)
        return CheckResult(doc.path, doc.id, findings, list(doc.warnings) + notices + waiver_notes,
                           organisation=str(doc.data.get("organisation") or ""),
                           title=str(doc.data.get("title") or ""))

    def check_path(self, path: str | Path, waivers: WaiverPolicy | None = None) -> CheckResult:
        """Load and check one file; a file that cannot be read or checked becomes an error result."""
        try:
            doc = load_document(path)
        except PolicyCheckError as exc:
            return CheckResult(str(path), error=str(exc))
        try:
            return self.check(doc, waivers)
        except PolicyCheckError as exc:
            return CheckResult(str(path), doc.id, error=f"{path}: {exc.message}")


def _may_hold(tests: tuple[FieldTest, ...], doc: Document) -> bool:
    """False only when one of the anchor's field tests is certainly false on this document.

    A cheap pre-check, so it only decides the clear cases (presence, and equality between values
    of the same plain type); anything else is left to durable_rules, whose comparisons are looser.
    """
    for test in tests:
        value = fact_value(get_path(doc.data, test.path))
        if test.op in ("exists", "missing"):
            holds = (value is not None) == (test.op == "exists")
        elif test.op == "equals" and value is not None and type(value) is type(test.value) \
                and isinstance(value, (bool, str)):
            holds = value == test.value
        elif test.op == "equals" and value is None:
            holds = False
        else:
            continue
        if holds == test.negated:
            return False
    return True


def make_finding(rule: Rule, evidence: list[Evidence]) -> Finding:
    unique = sorted(set(evidence), key=lambda e: (e.line is None, e.line or 0, e.field, e.quote or ""))
    return Finding(rule.id, rule.severity, rule.principle, rule.articles, rule.title, rule.message,
                   rule.rationale, rule.remediation, tuple(unique))
