"""Explanations for rule authors and reviewers.

    describe_rule(rule, policy, lexicon)  -> the text of `policy-check explain RULE`
    explain_document(checker, doc, ...)   -> per rule: fired or not, what held, and if not, what failed

A rule's condition is read in one place only, the compiled durable_rules rules: to say why a rule
fired or not, each part of its condition is compiled the way check compiles a whole one and asked
of durable_rules with the facts check asserts (evaluation/nodes.py).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import yaml

from ..evaluation.checker import Checker, DocumentFacts, text_matches
from ..evaluation.compiler import fact_value, get_path, quote
from ..evaluation.nodes import NodeAnswers, item_variant, node_rules, prose_variants
from ..evaluation.prose import Place
from ..evaluation.reader import hits
from ..files.yamlsrc import join
from ..model import Document, Finding
from ..ruleset.lexicon import Lexicon
from ..ruleset.policy import Policy
from ..ruleset.prose import CONCEPT_KEYS, SAID
from ..ruleset.rules import All, AnyOf, Condition, FieldTest, ItemTest, Not, ProseTest, Rule, TextTest
from ..ruleset.rulesrc import RuleSource

WIDTH = 96


# ---- describing conditions ------------------------------------------------------------------------

def flow(value: Any, limit: int = 100) -> str:
    """A value as one line of flow-style YAML, clipped."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False).strip()
    text = text.removesuffix("...").strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


_OPS = {"equals": "equals", "one_of": "is one of", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤",
        "contains": "contains", "contains_any": "contains one of"}
_SAID_WORDS = {"affirmed": "", "denied": ", said as not done (negated or rejected)",
               "negated": ", said as not done", "rejected": ", said as rejected", "any": ", whether or not negated"}


def _names(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value] if isinstance(value, list) else []


def describe_prose(body: Any) -> str:
    """A prose test as written, in words: 'one clause says identity_document + restriction, ...'."""
    if isinstance(body, (str, list)):
        body = {"all": body}
    if not isinstance(body, dict):
        return flow(body)
    concepts = _names(body.get("all"))
    joined = " then ".join(concepts) if body.get("ordered") else " + ".join(concepts)
    unit = "sentence" if body.get("within") == "sentence" else "clause"
    text = f"{'one' if len(concepts) > 1 else 'a'} {unit} says {joined}"
    if body.get("near") is not None:
        text += f" (at most {body['near']} words apart)"
    said = body.get("said", "affirmed")
    text += _SAID_WORDS.get(str(said), f", said: {said}")
    if body.get("said_of") and said != "affirmed":
        text += f" (of {' and '.join(_names(body['said_of']))})"
    if body.get("said_done"):
        text += f", with {' and '.join(_names(body['said_done']))} said as done"
    stance = body.get("stance", "plan")
    if stance == "any":
        text += ", in any voice"
    elif stance != "plan":
        text += f", as {', '.join(_names(stance))}"
    else:
        text += ", as the programme's own plan"
    if body.get("in"):
        text += f", in {', '.join(_names(body['in']))}"
    if body.get("unless"):
        text += f"; not when it also says {' or '.join(_names(body['unless']))}"
    if body.get("unless_mentioned"):
        text += f"; not when it also mentions {' or '.join(_names(body['unless_mentioned']))}, said or denied"
    if body.get("unless_denied"):
        text += f"; not when it denies {' or '.join(_names(body['unless_denied']))}"
    if body.get("unless_subject"):
        text += f"; not when {' or '.join(_names(body['unless_subject']))} is the one who acts (its clause's subject)"
    if body.get("unless_in_sentence"):
        text += f"; not when its sentence says {' or '.join(_names(body['unless_in_sentence']))}"
    if body.get("unless_between"):
        text += f"; not when {' or '.join(_names(body['unless_between']))} stands between them"
    return text


def describe_leaf(raw: dict[str, Any]) -> str:
    """One line in plain words for a field, list, prose or text test as written in the rule."""
    if "field" in raw:
        op = next((k for k in raw if k != "field"), "")
        if op == "exists":
            return f"{raw['field']} is stated"
        if op == "missing":
            return f"{raw['field']} is not stated"
        value = raw.get(op)
        shown = ", ".join(flow(v) for v in value) if isinstance(value, list) else flow(value)
        return f"{raw['field']} {_OPS.get(op, op)} {shown}"
    for quantifier, words in (("any_item", "some item of"), ("no_item", "no item of"),
                              ("all_items", "every item of")):
        if quantifier in raw:
            where = f" matches {flow(raw['where'], 70)}" if "where" in raw else " exists"
            if quantifier == "no_item" and "where" not in raw:
                return f"{raw[quantifier]} has no items"
            return f"{words} {raw[quantifier]}{where}"
    if "prose" in raw:
        return describe_prose(raw["prose"])
    if "text" in raw and isinstance(raw["text"], dict):
        scopes = raw["text"].get("in") or ["*"]
        where = "any text" if scopes == ["*"] else ", ".join(scopes)
        unless = " (unless an exception matches too)" if "unless" in raw["text"] else ""
        return f"a sentence in {where} matches a text pattern{unless}"
    return flow(raw)


def describe_condition(raw: Any, indent: int = 0) -> list[str]:
    """The whole `when` in plain words, one line per test, nested by indentation."""
    pad = "  " * indent
    if not isinstance(raw, dict):
        return [pad + flow(raw)]
    if "all" in raw and "prose" not in raw:
        return [pad + "all of:"] + [line for c in raw["all"] for line in describe_condition(c, indent + 1)]
    if "any" in raw:
        return [pad + "any of:"] + [line for c in raw["any"] for line in describe_condition(c, indent + 1)]
    if "not" in raw:
        return [pad + "not:"] + describe_condition(raw["not"], indent + 1)
    lines = [pad + describe_leaf(raw)]
    if "text" in raw and isinstance(raw["text"], dict):
        for key, label in (("matches", "patterns"), ("unless", "exceptions (unless)")):
            spec = raw["text"].get(key)
            if spec is None:
                continue
            lines.append(f"{pad}    {label}:")
            for language, patterns in (spec.items() if isinstance(spec, dict) else [("all languages", spec)]):
                lines.append(f"{pad}      {language}:")
                lines.extend(f"{pad}        {p}" for p in patterns)
    return lines


def concepts_in(raw: Any) -> list[str]:
    """The concepts a rule's condition reads, in the order it first names them."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "prose" in node:
                body = node["prose"]
                body = {"all": body} if isinstance(body, (str, list)) else body
                if isinstance(body, dict):
                    for key in CONCEPT_KEYS:
                        out.extend(n for n in _names(body.get(key)) if n not in out)
                return
            for value in node.values():
                walk(value)

    walk(raw)
    return out


def describe_concepts(names: list[str], lexicon: Lexicon, shown: int = 8) -> list[str]:
    """Each concept: what it means, where it is defined, and its first words in every language."""
    lines: list[str] = []
    for name in names:
        concept = lexicon.concepts.get(name)
        if concept is None:
            lines.append(f"  {name}  (not defined)")
            continue
        lines.extend(textwrap.wrap(f"{name}  {concept.means}", WIDTH, initial_indent="  ",
                                   subsequent_indent="      "))
        lines.append(f"      defined at {concept.source}")
        if concept.include:
            lines.append(f"      also counts: {', '.join(concept.include)}")
        for language in sorted(concept.words):
            words = concept.words[language]
            more = f", … ({len(words) - shown} more: policy-check explain {name})" if len(words) > shown else ""
            lines.extend(textwrap.wrap(f"{language}: {', '.join(words[:shown])}{more}", WIDTH,
                                       initial_indent="      ", subsequent_indent="          "))
    return lines


# ---- explain RULE --------------------------------------------------------------------------------

def _para(title: str, text: str) -> list[str]:
    return [title] + textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent="  ", subsequent_indent="  ") + [""]


def describe_rule(rule: Rule, policy: Policy, source: RuleSource | None = None,
                  lexicon: Lexicon | None = None) -> str:
    """What `policy-check explain RULE` prints: the rule, the articles it protects, why, how to fix, examples."""
    principle = policy.principles.get(rule.principle)
    lines = [f"{rule.id}: {rule.title}", ""]
    lines.append(f"  severity   {rule.severity}")
    lines.append(f"  principle  {rule.principle}. {principle.title if principle else '(unknown)'}")
    if rule.articles:
        for n, article in enumerate(rule.articles):
            summary = policy.article(article) or "(not in rules/policy.yaml)"
            wrapped = textwrap.wrap(f"{article}  {summary}", WIDTH - 13, subsequent_indent=" " * (len(article) + 2))
            for m, line in enumerate(wrapped):
                lines.append(f"  {'articles' if n == 0 and m == 0 else '':<9}  {line}")
    else:
        lines.append("  articles   none: the rule rests on the principle as a whole")
        if principle and principle.summary:
            lines.extend(textwrap.wrap(principle.summary, WIDTH - 13, initial_indent=" " * 13,
                                       subsequent_indent=" " * 13))
    if rule.aliases:
        lines.append(f"  aliases    {', '.join(rule.aliases)}")
    lines.append(f"  defined at {source.location() if source else rule.source}")
    lines.append("")
    lines += _para("What it finds", rule.message)
    lines += _para("Why it matters", rule.rationale)
    lines += _para("How to fix it", rule.remediation)
    lines.append("When it fires")
    for line in describe_condition(rule.raw_when):
        pad = " " * (2 + len(line) - len(line.lstrip()))
        lines.extend(textwrap.wrap(line.strip(), WIDTH, initial_indent=pad, subsequent_indent=pad + "    ",
                                   break_on_hyphens=False))
    lines.append("")
    names = concepts_in(rule.raw_when)
    if names and lexicon is not None:
        lines.append("Concepts it reads (every form of each word counts: 'refuse' finds 'refused')")
        lines += describe_concepts(names, lexicon)
        lines.append("")
    for kind in ("fire", "quiet"):
        sentences = rule.examples.get(kind)
        if not sentences:
            continue
        lines.append("Sentences it fires on" if kind == "fire" else "Sentences it stays quiet on")
        items = sentences.items() if isinstance(sentences, dict) else [("", sentences)]
        for language, texts in items:
            for text in texts if isinstance(texts, list) else [texts]:
                if isinstance(text, dict):
                    language_of = text.get("language", "en")
                    text = text.get("text", "")
                else:
                    language_of = language
                lines.extend(textwrap.wrap(f"[{language_of}] {text}", WIDTH, initial_indent="  ",
                                           subsequent_indent="       "))
        lines.append("")
    for kind in ("violating", "compliant"):
        examples = rule.examples.get(kind) or []
        verb = "fires on" if kind == "violating" else "stays quiet on"
        for index, example in enumerate(examples):
            lines.append(f"Example {index + 1} it {verb} ({kind})")
            dumped = yaml.safe_dump(example, allow_unicode=True, sort_keys=False, width=WIDTH - 4)
            lines += ["    " + line for line in dumped.rstrip().splitlines()]
            lines.append("")
        if not examples:
            lines.append(f"No {kind} example yet.")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def describe_concept(name: str, rule_set: Any) -> str:
    """What `explain CONCEPT` prints: its meaning, words and examples, and the rules that read it."""
    concept = rule_set.lexicon.concepts[name]
    lines = [f"{name}: {concept.means}", "", f"  defined at {concept.source}"]
    if concept.include:
        lines.append(f"  also counts the words of: {', '.join(concept.include)}")
    users = [rule.id for rule in rule_set.rules if name in concepts_in(rule.raw_when)]
    lines.append(f"  read by    {', '.join(users) if users else 'no rule yet'}")
    lines.append("")
    lines.append("Words (every form counts: 'refuse' finds 'refused'; '=word' only as written; '...' lets "
                 "other words stand between)")
    for language in sorted(concept.words):
        lines.extend(textwrap.wrap(", ".join(concept.words[language]), WIDTH, initial_indent=f"  {language}: ",
                                   subsequent_indent="      "))
    for language in sorted(concept.examples):
        for kind, label in (("match", "found in"), ("no_match", "not found in")):
            for sentence in concept.examples[language].get(kind, ()):
                lines.extend(textwrap.wrap(f"[{language}] {sentence}", WIDTH, initial_indent=f"  {label}: ",
                                           subsequent_indent=" " * (len(label) + 4)))
    return "\n".join(lines).rstrip() + "\n"


def describe_builtin(rule: Any) -> str:
    """What `explain` prints for a check made by policy-check itself (e.g. waiver-expired)."""
    lines = [f"{rule.id}: {rule.title}", "", f"  severity   {rule.severity}",
             "  principle  that of the rule the waiver names", "  defined in policy-check itself (waivers)", ""]
    lines += _para("What it finds", rule.message)
    lines += _para("Why it matters", rule.rationale)
    lines += _para("How to fix it", rule.remediation)
    return "\n".join(lines).rstrip() + "\n"


# ---- why a rule fired or not ----------------------------------------------------------------------
#
# Whether each part of a rule's condition holds is durable_rules' answer (evaluation/nodes.py), on
# the facts check asserts. What is said here is description: the wording of each test
# (describe_leaf), what the document has at a field, the sentence and words of a place, the reader's
# account of why a prose test is found nowhere.

_SAID_NAME = {value: name for name, value in SAID.items()}


@dataclass(frozen=True)
class Trace:
    """One node of a rule's condition on one document: whether it holds (durable_rules' answer), and
    what the document has there."""

    holds: bool
    path: str                       # inside the rule: when.all[0].any[1]
    condition: str                  # what the condition asks, in words
    found: str                      # what the document has
    kind: str                       # all | any | not | leaf
    children: tuple["Trace", ...] = ()


class Explainer:
    """A document's answers from the node rules, turned into traces of each rule's condition."""

    def __init__(self, checker: Checker, doc: Document, found: DocumentFacts, answers: NodeAnswers) -> None:
        self.checker = checker
        self.doc = doc
        self.reading = found.reading
        self.text_evidence = found.text_evidence
        self.answers = answers

    def trace(self, cond: Condition, raw: Any, path: str) -> Trace:
        holds = self.answers.holds(cond)
        if isinstance(cond, (All, AnyOf)):
            word = "all" if isinstance(cond, All) else "any"
            kids = tuple(self.trace(c, r, join(join(path, word), i))
                         for i, (c, r) in enumerate(zip(cond.items, raw[word])))
            return Trace(holds, path, f"{word} of", "", word, kids)
        if isinstance(cond, Not):
            inner = self.trace(cond.item, raw["not"], join(path, "not"))
            # neither holds only when part of the prose is unread: nothing may be said to be absent
            return Trace(holds, path, "not", "" if holds or inner.holds else self._unread(), "not", (inner,))
        if isinstance(cond, FieldTest):
            found = self.field(cond.path)
        elif isinstance(cond, ItemTest):
            found = self.items(cond)
        elif isinstance(cond, TextTest):
            found = self.text(cond)
        elif isinstance(cond, ProseTest):
            found = self.prose(cond)
        else:
            raise TypeError(cond)
        return Trace(holds, path, describe_leaf(raw), found, "leaf")

    def line_note(self, path: str) -> str:
        line = self.doc.line_of(path)
        return f" (line {line})" if line else ""

    def field(self, path: str) -> str:
        """What the programme has at a field."""
        raw = get_path(self.doc.data, path)
        if fact_value(raw) is None:
            return "not stated"
        if isinstance(raw, dict):
            return f"it is stated{self.line_note(path)}"
        if isinstance(raw, list):
            return f"it has {len(raw)} item(s){self.line_note(path)}"
        if isinstance(raw, str):
            return f"it is \"{quote(raw, 80)}\"{self.line_note(path)}"
        return f"it is {flow(raw, 80)}{self.line_note(path)}"

    def items(self, test: ItemTest) -> str:
        """The list's first item that matches the test's `where` (that fails it, for all_items)."""
        value = get_path(self.doc.data, test.collection)
        count = len(value) if isinstance(value, list) else 0
        if not count:
            return f"{test.collection} has no items"
        variant = item_variant(test)
        if variant is None:
            return f"it has {count} item(s){self.line_note(test.collection)}"
        found = self.answers.items(variant)
        if found:
            at = f"{test.collection}[{found[0]}]"
            return f"{at}{self.line_note(at)} {'does not' if test.quantifier == 'all_items' else 'does'}"
        return f"all {count} item(s) do" if test.quantifier == "all_items" else f"none of its {count} item(s) does"

    def text(self, test: TextTest) -> str:
        """The sentences the text scan found (check's evidence), or those an exception excused."""
        doc = self.doc
        if not any(test.matches.covers(unit.language or doc.language) for unit in doc.units):
            return f"no patterns for language '{doc.language}', so the text was not checked"
        found = self.text_evidence.get(test.key, [])
        if found:
            first = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            return f"{self._where(first.line)}\"{quote(first.quote, 120)}\"{more}"
        excused = [unit for unit, is_excused in text_matches(test, doc) if is_excused]
        if excused:
            return (f"{len(excused)} sentence(s) matched, but an exception applied to each, "
                    f"e.g. {self._where(excused[0].line)}\"{quote(excused[0].text, 120)}\"")
        return "no sentence matches"

    @staticmethod
    def _where(line: int | None) -> str:
        return f"line {line}: " if line else ""

    def prose(self, test: ProseTest) -> str:
        """Where a prose test holds; or its nearest miss: where its concepts stand together but in
        another section, voice or polarity, or why they never do."""
        if not self.reading.readable:
            return f"the prose was not read: no concepts for language '{self.doc.language}'"
        good = self.answers.places(test, self.reading)
        if good:
            return self._place(good[0], len(good))
        anywhere, in_scope, in_stance, said = (self.answers.places(variant, self.reading)
                                               for variant in prose_variants(test))
        if not anywhere:
            return self._missing(test)
        place = anywhere[0]
        unit = self.doc.units[place.unit]
        reasons = []
        if place not in in_scope:
            reasons.append(f"it is in {', '.join(unit.scopes)}, not in {', '.join(test.scopes)}")
        if place not in in_stance:
            reasons.append(f"it reads as {place.hit.stance}, not as {' or '.join(test.stances)}")
        if place not in said:
            reasons.append(f"it is {place.hit.polarity}, and the test wants it "
                           f"{_SAID_NAME.get(test.said, ' or '.join(test.said))}")
        return f"{self._place(place, len(anywhere))}, but {'; '.join(reasons)}"

    def _place(self, place: Place, count: int) -> str:
        unit = self.doc.units[place.unit]
        reading = self.reading.readings[place.unit]
        words = ""
        if reading is not None:
            words = " (words: " + ", ".join(f"\"{reading.words_of(m)}\"" for m in place.hit.matches) + ")"
        more = f" (and {count - 1} more)" if count > 1 else ""
        return f"{self._where(unit.line)}\"{quote(unit.text, 120)}\"{words}{more}"

    def _missing(self, test: ProseTest) -> str:
        """Why the reader found the test nowhere: a concept never mentioned, an exception, or mentions apart."""
        bundle = self.checker.reader.compiled(self.doc.language)
        if bundle is None:
            return "no sentence says this"
        compiled, tests, _ = bundle
        spec = next(t for k, t in tests if k == test.key)
        readings = [r for r in self.reading.readings if r is not None]
        seen = {c for r in readings for c in r.matches}
        names = compiled.concept_names
        absent = [names[c] for c in spec.concepts if c not in seen]
        if absent:
            return f"no sentence mentions {' or '.join(absent)}"
        # the test without its exceptions
        loose = spec._replace(unless=(), unless_between=(), unless_mentioned=(), unless_in_sentence=(), unless_denied=(),
                              unless_subject=())
        for index, reading in enumerate(self.reading.readings if loose != spec else ()):
            if reading is not None and hits(loose, reading):
                unit = self.doc.units[index]
                return f"{self._where(unit.line)}\"{quote(unit.text, 120)}\" says it, but an exception (unless) applies"
        return (f"{', '.join(names[c] for c in spec.concepts)} are each mentioned, but never together in "
                f"{'a sentence' if spec.sentence else 'a clause'}{' near enough' if spec.near is not None else ''}")

    def _unread(self) -> str:
        """Why neither a `not` nor what it negates holds: the engine's guard for prose it could not read."""
        if not self.reading.unread:
            return "the draft cannot be said to be silent on this"
        unit = self.doc.units[self.reading.unread[0]]
        return (f"part of the prose (from line {unit.line}) is in a language the rules cannot read "
                f"('{unit.language}'), so the draft cannot be said to be silent on this")


@dataclass(frozen=True)
class Step:
    """One line of a 'why not' explanation."""

    depth: int
    path: str
    location: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"depth": self.depth, "path": self.path, "location": self.location, "text": self.text}


@dataclass(frozen=True)
class RuleExplanation:
    rule: str
    severity: str
    fired: bool
    waived: bool = False
    replaced_by: str = ""                 # fired, but another rule's finding says it in full ('replaces')
    steps: tuple[Step, ...] = ()          # fired: the conditions that held; not fired: the first that failed
    evidence: tuple[str, ...] = ()        # for a rule that fired
    agrees: bool = True                   # the root's answer is the rule's finding (always, by design)

    def to_dict(self) -> dict[str, Any]:
        steps = [s.to_dict() for s in self.steps]
        return {"rule": self.rule, "severity": self.severity, "fired": self.fired, "waived": self.waived,
                "replaced_by": self.replaced_by or None,
                "because": steps if self.fired else [], "first_failure": [] if self.fired else steps,
                "evidence": list(self.evidence), "agrees_with_engine": self.agrees}


def first_failure(trace: Trace, source: RuleSource | None, depth: int = 0) -> list[Step]:
    """The first condition that failed, descending through 'all', and every branch of a failed 'any'."""
    def step(t: Trace, text: str, d: int = depth) -> Step:
        return Step(d, t.path, source.location(t.path) if source else "", text)

    if trace.kind == "all":
        first = next(k for k in trace.children if not k.holds)
        return first_failure(first, source, depth)
    if trace.kind == "any":
        out = [step(trace, f"none of these {len(trace.children)} alternatives holds:")]
        for child in trace.children:
            out.extend(first_failure(child, source, depth + 1))
        return out
    if trace.kind == "not":
        inner = trace.children[0]
        return [step(trace, f"the exception applies: {_summary(inner)}" if inner.holds else trace.found)]
    return [step(trace, f"{trace.condition}: {trace.found}" if trace.found else trace.condition)]


def what_held(trace: Trace, source: RuleSource | None, depth: int = 0) -> list[Step]:
    """For a rule that fired, the conditions that made it fire: every part of an 'all', the first
    'any' alternative that held."""
    def step(t: Trace, text: str) -> Step:
        return Step(depth, t.path, source.location(t.path) if source else "", text)

    if trace.kind == "all":
        return [s for kid in trace.children for s in what_held(kid, source, depth)]
    if trace.kind == "any":
        held = next((k for k in trace.children if k.holds), None)
        return what_held(held, source, depth) if held is not None else []
    if trace.kind == "not":
        return [step(trace, f"not: {_summary(trace.children[0])}")]
    return [step(trace, f"{trace.condition}: {trace.found}" if trace.found else trace.condition)]


def _summary(trace: Trace) -> str:
    if trace.kind == "leaf":
        return f"{trace.condition}: {trace.found}" if trace.found else trace.condition
    held = [k for k in trace.children if k.holds]
    if trace.kind == "any" and held:
        return _summary(held[0])
    if trace.kind == "all":
        return " and ".join(_summary(k) for k in trace.children)
    return trace.condition


def explain_document(checker: Checker, doc: Document, findings: list[Finding],
                     sources: dict[str, RuleSource]) -> list[RuleExplanation]:
    """Per rule of the checker, whether it fired on the document (as in findings) and why, or why not.

    Whether each part of a rule's condition holds is durable_rules' answer on the facts check asserts
    for the document (evaluation/nodes.py); the root's answer is the rule's own, so `agrees` always holds.
    """
    rules = tuple(checker.rule_set.rules)
    found = checker.facts(doc, keep_readings=True)
    explainer = Explainer(checker, doc, found, node_rules(checker, rules).evaluate(found.facts))
    by_rule = {f.rule: f for f in findings}
    out = []
    for rule in rules:
        source = sources.get(rule.id)
        trace = explainer.trace(rule.when, rule.raw_when, "when")
        finding = by_rule.get(rule.id)
        if finding is not None:
            evidence = tuple(e.missing if e.missing is not None else
                             f"{e.field}{f' (line {e.line})' if e.line else ''}: "
                             f"{chr(34) + e.quote + chr(34) if e.quote else 'not stated'}"
                             for e in finding.evidence)
            out.append(RuleExplanation(rule.id, rule.severity, True, finding.waived is not None,
                                       steps=tuple(what_held(trace, source)) if trace.holds else (),
                                       evidence=evidence, agrees=trace.holds))
        elif trace.holds and (replacer := next((f.rule for f in findings
                                                if rule.id in checker.rule_set.get(f.rule).replaces), "")):
            # its finding is said in full by the rule that replaces it ("contradiction-...", on the same evidence)
            out.append(RuleExplanation(rule.id, rule.severity, True, replaced_by=replacer,
                                       steps=tuple(what_held(trace, source))))
        else:
            steps = tuple(first_failure(trace, source)) if not trace.holds else ()
            out.append(RuleExplanation(rule.id, rule.severity, False, steps=steps, agrees=not trace.holds))
    return out


def render_text(path: str, explanations: list[RuleExplanation]) -> str:
    lines = [f"Explanation for {path}"]
    for item in explanations:
        if item.fired:
            status = "FIRED (waived)" if item.waived else "FIRED"
            lines.append(f"  {status:<14} {item.rule}  [{item.severity}]")
            if item.replaced_by:
                lines.append(f"  {'':<14}   reported as {item.replaced_by}, whose finding says it in full")
            for step in item.steps:
                lines.append(f"  {'':<14}   because {step.text}")
                if step.location:
                    lines.append(f"  {'':<14}           (rule at {step.location})")
            lines.extend(f"  {'':<14}   {e}" for e in item.evidence[:3])
            if len(item.evidence) > 3:
                lines.append(f"  {'':<14}   … and {len(item.evidence) - 3} more")
        else:
            lines.append(f"  {'not fired':<14} {item.rule}")
            for step in item.steps:
                pad = "  " * step.depth
                lines.append(f"  {'':<14}   {pad}{step.path}  {step.text}")
                if step.location and step.depth == 0:
                    lines.append(f"  {'':<14}   {pad}{' ' * len(step.path)}  (rule at {step.location})")
        if not item.agrees:
            lines.append(f"  {'':<14}   note: this explanation disagrees with the engine's result; please report it")
    return "\n".join(lines) + "\n"
