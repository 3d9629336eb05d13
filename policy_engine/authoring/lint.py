"""`policy-check rules lint`: check rule files for mistakes a policy author can make, with exact places.

Every problem the loader finds (YAML syntax, schema, unknown principle or article, duplicate id, a
field the programme schema does not have, an unknown concept, a malformed concept entry, a pattern
RE2 refuses) is reported, plus checks of meaning that the loader does not make because a rule can
still run with them:

  dead-condition    a condition that can never hold, so the rule (or that branch) never fires: a
                    prose test whose 'unless' names one of its own concepts, a test that looks only
                    in fields that are never prose, a 'not' that its siblings already rule out
  dead-exception    an exception that can never apply
  missing-language  a concept with words in some languages but not in another that is read: prose
                    tests that need it can never hold in drafts of that language
  untested-rule     a rule with no violating example and no case that expects it; a prose rule
                    without sentences it fires on in every language it reads
  untested-concept  a concept without an example sentence in a language it has words for
  function-word     a concept entry that is one of its language's small words (article, preposition or
                    relative): alone it matches almost every sentence
  unused-concept    a concept that no rule reads and no other concept includes (one that hides its
                    words from the others is at work without either)
  gapped-idiom      an idiom written with '...': an idiom hides its words only when they stand close
                    together, so with words in its gap it hides nothing
  slow-pattern      a text pattern whose RE2 program is huge
  invalid-example   an example that is not a valid programme description, or a sentence without text or with an unknown key

Problems are records (LintProblem); the CLI prints them as file:line:col: [level] message (code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from ..errors import PolicyCheckError, RuleError
from ..files.yamlsrc import join, load_yaml
from ..reading.documents import _NOT_PROSE, parse_document
from ..resources import default_rules_dir
from ..ruleset.lexicon import LanguageCues, Lexicon
from ..ruleset.prose import CONCEPT_KEYS, EXCEPTION_KEYS
from ..ruleset.rules import Rule, RuleSet, load_rule_set, locate, rule_files
from ..ruleset.schemas import list_item, node_at, properties
from ..ruleset.rulesrc import RuleSource, concept_sources, rule_sources, walk_conditions
from ..text.textscan import PatternError, compile_pattern
from .ruletest import SENTENCE_KEYS, Case, default_cases_dir, load_cases, sentence_examples

# RE2 programs of the shipped patterns are 10-700 instructions. Far beyond that, a pattern is
# almost always a bounded repeat written too large ('.{0,1000}' alone is 9,006).
MAX_PROGRAM_SIZE = 2000

LEVELS = ("error", "warning")

HINTS = {
    "yaml-syntax": "check the indentation and quotes on that line; a pattern with ':' or '#' needs quotes",
    "duplicate-key": "remove one of the two keys; YAML keeps only the last value",
    "schema": "see the rule format in docs/rule-authoring.md, or add the schema modeline "
              "so your editor checks as you type",
    "condition": "a condition is {field: ..., <operator>: ...}, {all: [...]}, {any: [...]}, {not: ...}, "
                 "{any_item: ..., where: ...} or {prose: {all: [concept, ...]}}",
    "unknown-principle": "cite a principle that rules/policy.yaml lists, by its number",
    "unknown-article": "cite only articles listed in rules/policy.yaml, or leave 'articles' empty",
    "duplicate-id": "every rule needs its own id; keep a retired id under 'aliases' of the rule that replaced it",
    "unknown-field": "field names are those of the programme schema (policy_engine/schemas/programme.schema.json)",
    "impossible-value": "use one of the allowed values listed",
    "no-prose-wording": "add in_prose: {missing: <what the draft does not say>, fix: <the section or sentence "
                        "to add>} (see docs/rule-authoring.md)",
    "invalid-pattern": "patterns are RE2 regular expressions; escape ( ) [ ] . ? * + with a backslash",
    "slow-pattern": "use a small bound, e.g. '( \\w+){0,6}' to allow up to six words in between",
    "dead-exception": "remove the exception, or fix it so that it can apply",
    "dead-condition": "the rule can never fire as written; check the 'not' and its siblings",
    "missing-language": "add the concept's words in that language, so drafts written in it are read too",
    "untested-concept": "add examples: {LANG: {match: [a sentence that says it], no_match: [one that does not]}}",
    "function-word": "remove the entry, or write the phrase it belongs to (\"dont la demande\", not \"dont\")",
    "unused-concept": "remove the concept, or read it in a rule (prose: {all: [...]})",
    "gapped-idiom": "write the whole phrase, or each phrase it stands for (\"sent them back\", \"sent people back\")",
    "unknown-concept": "concepts are defined in rules/concepts/*.yaml; 'policy-check explain CONCEPT' shows one",
    "untested-rule": "add examples: {fire: {en: [...], es: [...], fr: [...]}, quiet: {...}} to the rule, "
                     "or a case in cases/ with expect: {must_flag: [rule-id]}",
    "invalid-example": "a violating or compliant example is a small programme description (the programme schema's "
                       "fields); a fire or quiet sentence is text, or {text: ..., in: SECTION}",
    "policy-file": "rules/policy.yaml lists the principles, their articles and the scoring; its format is "
                   "policy_engine/schemas/policy.schema.json",
}


@dataclass(frozen=True, order=True)
class LintProblem:
    """One problem in a rule file. Lines and columns are 1-based; 0 means unknown."""

    file: str
    line: int
    column: int
    level: str      # error | warning
    code: str
    message: str
    hint: str | None = None

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: [{self.level}] {self.message} ({self.code})"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "level": self.level,
                "code": self.code, "message": self.message, "hint": self.hint}


def _from_error(error: RuleError) -> LintProblem:
    code = getattr(error, "code", None) or ("policy-file" if (error.path or "").endswith("policy.yaml")
                                            else "yaml-syntax")
    hint = getattr(error, "hint", None) or HINTS.get(code)
    return LintProblem(error.path or "<rules>", error.line or 0, error.column or 0, "error", code,
                       error.message, hint)


@dataclass
class _Context:
    """What every check needs: the rule set, where each rule is, and the cases."""

    rule_set: RuleSet
    sources: dict[str, RuleSource]
    cases: list[Case]

    def problem(self, source: RuleSource, sub: str, level: str, code: str, message: str,
                hint: str | None = None) -> LintProblem:
        line, column = source.at(sub)
        return LintProblem(source.file, line or 0, column or 0, level, code,
                           f"rule '{source.rule_id}': {message}", hint or HINTS.get(code))


def lint(path: str | Path | None = None, cases_dir: str | Path | None = None) -> tuple[list[LintProblem], RuleSet]:
    """Lint a rule folder (or one rule file).

    Args:
        path: a rule folder or file; the bundled rules/ by default.
        cases_dir: the cases that count as tests; cases/ beside the rule folder by default.

    Returns:
        every problem found, sorted by file, line and column; and the rule set (valid rules only).
    """
    path = Path(path) if path else default_rules_dir()
    rule_set, errors = load_rule_set(path)
    problems = [_from_error(e) for e in errors]
    cases_dir = cases_dir if cases_dir is not None else default_cases_dir(path)
    context = _Context(rule_set, rule_sources(rule_set), load_cases(cases_dir))
    for rule in rule_set.rules:
        source = context.sources.get(rule.id)
        if source is None:
            continue
        for check in CHECKS:
            problems.extend(check(rule, source, context))
    if rule_set.lexicon.concepts and not any(p.code in ("unknown-concept", "concept-cycle") for p in problems):
        problems.extend(check_concepts(rule_set))
    problems.extend(check_idioms(rule_set))
    if not rule_files(path):
        problems.append(LintProblem(str(path), 0, 0, "error", "schema", "no rule files found (expected *.yaml "
                                    "files with a 'rules:' list)", None))
    return sorted(set(problems)), rule_set


# ---- checks of meaning ---------------------------------------------------------------------------

def _text_tests(source: RuleSource) -> Iterator[tuple[dict[str, Any], str]]:
    """Every text test body ({in, matches, unless}) of a rule, with its path relative to the rule."""
    for node, path in walk_conditions(source.body.get("when"), "when"):
        if isinstance(node.get("text"), dict):
            yield node["text"], join(path, "text")


def _pattern_lists(spec: Any) -> dict[str, list[str]]:
    if isinstance(spec, list):
        return {"*": [p for p in spec if isinstance(p, str)]}
    if isinstance(spec, dict):
        return {str(k): [p for p in v if isinstance(p, str)] for k, v in spec.items() if isinstance(v, list)}
    return {}


def _pattern_path(base: str, spec: Any, language: str, index: int) -> str:
    return join(base, index) if isinstance(spec, list) else join(join(base, language), index)


def check_pattern_size(rule: Rule, source: RuleSource, context: _Context) -> Iterator[LintProblem]:
    """Refuse patterns whose RE2 program is huge."""
    for body, path in _text_tests(source):
        for key in ("matches", "unless"):
            spec = body.get(key)
            for language, patterns in _pattern_lists(spec).items():
                for index, pattern in enumerate(patterns):
                    try:
                        regex = compile_pattern(pattern)
                    except PatternError:
                        continue  # reported by the loader
                    size = regex.programsize  # type: ignore[attr-defined]
                    if size > MAX_PROGRAM_SIZE:
                        yield context.problem(
                            source, _pattern_path(join(path, key), spec, language, index), "error", "slow-pattern",
                            f"pattern is too costly: its RE2 program has {size:,} instructions "
                            f"(limit {MAX_PROGRAM_SIZE:,})",
                            "RE2 never backtracks, so no pattern can hang, but every instruction is work for "
                            "every character of every sentence, and a bounded repeat copies its body "
                            "('.{0,1000}' is 1,000 copies). Use a small bound, e.g. '( \\w+){0,6}'")


# Sentences are normalised before matching: case-folded, accents stripped, white space collapsed
# to single spaces. A pattern that needs anything else can never match.
_NEVER_IN_TEXT = (
    (re.compile(r"\\[ntrfv]|[\n\t\r]"), "a line break or tab, but sentences are normalised to single spaces"),
    (re.compile(r"  "), "two spaces in a row, but sentences are normalised to single spaces"),
)


def unmatchable_reason(pattern: str) -> str | None:
    """Why a pattern can never match a normalised sentence, or None when it may."""
    for regex, reason in _NEVER_IN_TEXT:
        if regex.search(pattern):
            return reason
    return None


def check_dead_text(rule: Rule, source: RuleSource, context: _Context) -> Iterator[LintProblem]:
    """Text tests whose exception (or whole test) can never apply."""
    for body, path in _text_tests(source):
        matches, unless = body.get("matches"), body.get("unless")
        match_lists, unless_lists = _pattern_lists(matches), _pattern_lists(unless)
        # 1. unless patterns for a language that has no matches patterns
        if "*" not in match_lists:
            for language in sorted(unless_lists):
                if language != "*" and language not in match_lists:
                    yield context.problem(
                        source, join(join(path, "unless"), language), "error", "dead-exception",
                        f"the '{language}' exception can never apply: 'matches' has no '{language}' patterns",
                        f"add '{language}' patterns under 'matches', or remove the '{language}' exception")
        # 2. an exception identical to a pattern it is meant to qualify: the test can never hit
        for language, patterns in unless_lists.items():
            targets = match_lists.get(language, []) + (match_lists.get("*", []) if language != "*" else [])
            if language == "*":
                targets = [p for ps in match_lists.values() for p in ps]
            for index, pattern in enumerate(patterns):
                if pattern in targets:
                    yield context.problem(
                        source, _pattern_path(join(path, "unless"), unless, language, index), "error",
                        "dead-condition",
                        f"exception {pattern!r} is also a 'matches' pattern, so every sentence it finds is "
                        "excused: that part of the test can never hit",
                        "an exception should describe the legitimate wording around a match, not the match")
        # 3. patterns that can never match normalised text
        for key, spec, lists in (("matches", matches, match_lists), ("unless", unless, unless_lists)):
            for language, patterns in lists.items():
                for index, pattern in enumerate(patterns):
                    reason = unmatchable_reason(pattern)
                    if reason:
                        code = "dead-exception" if key == "unless" else "dead-condition"
                        what = "exception" if key == "unless" else "pattern"
                        yield context.problem(
                            source, _pattern_path(join(path, key), spec, language, index), "error", code,
                            f"{what} {pattern!r} can never match: it needs {reason}",
                            "write one space between words, and use lower-case escapes such as \\w or \\s")
        # 4. 'in' names only fields that are never read as text
        scopes = body.get("in")
        if isinstance(scopes, list) and scopes and all(isinstance(s, str) and _never_text(s) for s in scopes):
            yield context.problem(
                source, join(path, "in"), "error", "dead-condition",
                f"text in {', '.join(scopes)} is never scanned (codes, numbers and true/false fields are not "
                "prose), so this text test can never hit",
                "look in the prose fields or section topics where people describe this, e.g. eligibility")


def _never_text(scope: str) -> bool:
    if scope == "*":
        return False
    node = node_at(scope)
    if node is None:
        return False  # a narrative topic
    if _NOT_PROSE.search(scope):
        return True
    return _holds_no_text(node)


def _holds_no_text(node: dict[str, Any]) -> bool:
    node = list_item(node)
    kind = node.get("type")
    if kind == "object":
        return all(_holds_no_text(child) for child in properties(node).values())
    kinds = set(kind) if isinstance(kind, list) else {kind}
    return bool(kinds) and None not in kinds and not kinds & {"string"}


def _field_facts(node: Any) -> tuple[str, str, Any] | None:
    if isinstance(node, dict) and isinstance(node.get("field"), str) and len(node) == 2:
        op = next(k for k in node if k != "field")
        return node["field"], op, node[op]
    return None


def _possible_values(op: str, value: Any) -> set[Any] | None:
    """The values a field may hold for a positive test, when the test pins them down."""
    if op == "equals":
        return {value}
    if op == "one_of" and isinstance(value, list):
        return set(value)
    return None


PRESENT_OPS = ("exists", "equals", "one_of", "gt", "gte", "lt", "lte", "contains", "contains_any")


def check_dead_not(rule: Rule, source: RuleSource, context: _Context) -> Iterator[LintProblem]:
    """A `not` beside positive tests of the same field that decide it already."""
    for node, path in walk_conditions(source.body.get("when"), "when"):
        siblings = node.get("all")
        if not isinstance(siblings, list):
            continue
        positives = [(i, _field_facts(s)) for i, s in enumerate(siblings)]
        for index, child in enumerate(siblings):
            if not (isinstance(child, dict) and set(child) == {"not"}):
                continue
            inner = child["not"]
            where = join(join(join(path, "all"), index), "not")
            for other_index, other in enumerate(siblings):
                if other_index != index and other == inner:
                    yield context.problem(
                        source, where, "error", "dead-condition",
                        f"this 'not' excludes exactly what all[{other_index}] requires, so the rule can never fire")
            facts = _field_facts(inner)
            if facts is None:
                continue
            name, op, value = facts
            for other_index, other_facts in positives:
                if other_facts is None or other_facts[0] != name or other_index == index:
                    continue
                other_op, other_value = other_facts[1], other_facts[2]
                if siblings[other_index] == inner:
                    continue  # reported above
                if other_op == "missing" and op != "missing":
                    yield context.problem(
                        source, where, "error", "dead-exception",
                        f"this exception can never apply: all[{other_index}] requires '{name}' to be missing, "
                        f"and a missing field never satisfies '{op}'")
                elif op == "missing" and other_op in PRESENT_OPS:
                    yield context.problem(
                        source, where, "error", "dead-exception",
                        f"this exception can never apply: all[{other_index}] requires '{name}' to be present")
                elif op == "exists" and other_op in PRESENT_OPS:
                    yield context.problem(
                        source, where, "error", "dead-condition",
                        f"the rule can never fire: all[{other_index}] requires '{name}' to be present and this "
                        "'not' requires it to be missing")
                else:
                    wanted, excluded = _possible_values(other_op, other_value), _possible_values(op, value)
                    if wanted is not None and excluded is not None:
                        if not wanted & excluded:
                            yield context.problem(
                                source, where, "error", "dead-exception",
                                f"this exception can never apply: all[{other_index}] already requires "
                                f"'{name}' to be {_values(wanted)}, never {_values(excluded)}")
                        elif wanted <= excluded:
                            yield context.problem(
                                source, where, "error", "dead-condition",
                                f"the rule can never fire: all[{other_index}] requires '{name}' to be "
                                f"{_values(wanted)} and this 'not' excludes it")


def _values(values: set[Any]) -> str:
    shown = sorted(yaml.safe_dump(v, default_flow_style=True).strip().removesuffix("...").strip() for v in values)
    return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)


def check_tested(rule: Rule, source: RuleSource, context: _Context) -> Iterator[LintProblem]:
    """A rule needs a test (a violating example, a sentence it fires on, or a case) and should have
    one it stays quiet on."""
    violating = (rule.examples.get("violating") or []) or _fire_languages(rule)
    compliant = (rule.examples.get("compliant") or []) or rule.examples.get("quiet")
    names = {rule.id, *rule.aliases}
    flagged_by_case = any(names & {str(t) for t in case.targets("findings") + case.targets("must_flag")}
                          for case in context.cases)
    if not violating and not flagged_by_case:
        yield context.problem(source, "", "error", "untested-rule",
                              "rule has no test: no violating example, no sentence it fires on, and no case "
                              "expects it")
    if not compliant:
        yield context.problem(source, "examples" if "examples" in source.body else "", "warning", "untested-rule",
                              "rule has no compliant example (one it must stay quiet on)")


def check_examples(rule: Rule, source: RuleSource, context: _Context) -> Iterator[LintProblem]:
    """Every example must be a valid programme description, with no unknown fields; every fire or quiet
    sentence has text (written alone, or as {text: ..., in: ...})."""
    for kind, path, entry in sentence_examples(rule):
        if not isinstance(entry.get("text"), str) or not entry["text"].strip():
            yield context.problem(source, path, "error", "invalid-example",
                                  f"a {kind} sentence needs its text: a sentence, or {{text: ..., in: SECTION}}")
        unknown = sorted(str(key) for key in entry if key not in SENTENCE_KEYS)
        if unknown:
            # {text: A, B, in: x} reads "B" as a key: a comma inside {...} ends the text unless it is quoted
            yield context.problem(source, path, "error", "invalid-example",
                                  f"a {kind} sentence has unknown key(s) {', '.join(repr(k) for k in unknown)}: an "
                                  f"entry has only {', '.join(SENTENCE_KEYS)}, and a text with a comma is written "
                                  "in quotes")
    for kind in ("violating", "compliant"):
        for index, example in enumerate(rule.examples.get(kind) or []):
            sub = f"examples.{kind}[{index}]"
            if not isinstance(example, dict):
                yield context.problem(source, sub, "error", "invalid-example",
                                      "an example must be a mapping of programme fields")
                continue
            text = yaml.safe_dump(example, allow_unicode=True, sort_keys=False)
            try:
                doc = parse_document(text, "example", ".yaml")
            except PolicyCheckError as exc:
                yield context.problem(source, sub, "error", "invalid-example",
                                      f"{kind} example {index + 1} is not a valid programme description: "
                                      f"{exc.message}")
                continue
            for warning in doc.warnings:
                detail = warning.split(": ", 1)[-1]
                yield context.problem(source, sub, "warning", "invalid-example",
                                      f"{kind} example {index + 1}: {detail}")


def _names(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
        if isinstance(value, list) else []


def _prose_tests(source: RuleSource) -> Iterator[tuple[dict[str, Any], str]]:
    """Every prose test body ({all, unless, ...}) of a rule, with its path relative to the rule."""
    for node, path in walk_conditions(source.body.get("when"), "when"):
        body = node.get("prose")
        if isinstance(body, (str, list)):
            yield {"all": body}, join(path, "prose")
        elif isinstance(body, dict):
            yield body, join(path, "prose")


def _closure(name: str, lexicon: Lexicon) -> set[str]:
    """A concept and every concept it includes, however deep."""
    seen: set[str] = set()
    stack = [name]
    while stack:
        current = stack.pop()
        if current in seen or current not in lexicon.concepts:
            continue
        seen.add(current)
        stack.extend(lexicon.concepts[current].include)
    return seen


def check_prose(rule: Rule, source: RuleSource, context: _Context) -> Iterator[LintProblem]:
    """Prose tests that can never hold, or never in some language the rules read."""
    lexicon = context.rule_set.lexicon
    readable = lexicon.readable()
    for body, path in _prose_tests(source):
        wanted = _names(body.get("all"))
        # (unless_subject names one of the test's own concepts on purpose: it reads its role, not its presence)
        for key in (k for k in EXCEPTION_KEYS if k != "unless_subject"):
            for index, name in enumerate(_names(body.get(key))):
                clash = [w for w in wanted if w in _closure(name, lexicon)]
                if clash:
                    yield context.problem(
                        source, join(join(path, key), index) if isinstance(body.get(key), list) else join(path, key),
                        "error", "dead-condition",
                        f"'{key}' names {name}, which counts the words of {clash[0]} that the test needs: "
                        "every sentence the test finds is excused, so it can never hold",
                        "an exception names what legitimate wording adds around the concepts, not the concepts")
        scopes = _names(body.get("in"))
        if scopes and all(_never_text(scope) for scope in scopes):
            yield context.problem(
                source, join(path, "in"), "error", "dead-condition",
                f"text in {', '.join(scopes)} is never read as prose (codes, numbers and true/false fields are "
                "not prose), so this test can never hold",
                "look in the prose fields or section topics where people describe this, e.g. eligibility")
        for language in readable:
            empty = [name for name in wanted if name in lexicon.concepts and not lexicon.expand(name, language)]
            if empty:
                yield context.problem(
                    source, join(path, "all"), "warning", "missing-language",
                    f"concept {empty[0]} has no words in '{language}': this test can never hold in drafts "
                    f"written in {lexicon.languages[language].name}")


def _fire_languages(rule: Rule) -> set[str]:
    """The languages a rule's 'fire' sentences are written in."""
    fire = rule.examples.get("fire")
    if isinstance(fire, dict):
        return {str(language) for language, texts in fire.items() if texts}
    if isinstance(fire, list):
        return {str(item.get("language", "en")) if isinstance(item, dict) else "en" for item in fire}
    return set()


def check_tested_languages(rule: Rule, source: RuleSource, context: _Context) -> Iterator[LintProblem]:
    """A prose rule shows it fires in every language it reads."""
    if not any(True for _ in _prose_tests(source)):
        return
    missing = [code for code in context.rule_set.lexicon.readable() if code not in _fire_languages(rule)]
    if missing:
        yield context.problem(source, "examples" if "examples" in source.body else "", "warning", "untested-rule",
                              f"no sentence it fires on in {', '.join(missing)} (examples.fire): nothing shows "
                              "the rule reads drafts in that language")


def check_concepts(rule_set: RuleSet) -> Iterator[LintProblem]:
    """Concepts: used, written in every language the rules read, with examples."""
    lexicon = rule_set.lexicon
    readable = lexicon.readable()
    used: set[str] = set()
    for rule in rule_set.rules:
        stack: list[Any] = [rule.raw_when]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                body = node.get("prose")
                if body is not None:
                    body = {"all": body} if isinstance(body, (str, list)) else body
                    if isinstance(body, dict):
                        for key in CONCEPT_KEYS:
                            for name in _names(body.get(key)):
                                used |= _closure(name, lexicon)
                else:
                    stack.extend(node.values())
    # a concept that a read one describes is read too ("on Ethiopian soil": territory keeps nationality_group quiet)
    for name in list(used):
        if name in lexicon.concepts:
            for described in lexicon.concepts[name].describes:
                used |= _closure(described, lexicon)
    sources = concept_sources(rule_set)

    def problem(name: str, sub: str, level: str, code: str, message: str) -> LintProblem:
        concept = lexicon.concepts[name]
        line = column = None
        if name in sources:
            line, column = locate(sources[name][1], f"{concept.path}.{sub}" if sub else concept.path)
        if line is None:
            line = int(concept.source.rsplit(":", 1)[1]) if concept.source.rsplit(":", 1)[-1].isdigit() else 0
        return LintProblem(concept.file, line or 0, column or 0, level, code, f"concept '{name}': {message}",
                           HINTS.get(code))

    function_words = {code: _function_words(lexicon.languages[code]) for code in readable}
    for name in sorted(lexicon.concepts):
        concept = lexicon.concepts[name]
        if name not in used and not concept.hides_words:
            yield problem(name, "", "warning", "unused-concept", "no rule reads it and no concept includes it")
        written = [code for code in readable if concept.words.get(code)]
        if written:
            for code in readable:
                if code not in written and not any(lexicon.concepts[i].words.get(code)
                                                   for i in _closure(name, lexicon) - {name}):
                    yield problem(name, "", "warning", "missing-language",
                                  f"no words in '{code}' ({lexicon.languages[code].name}): rules that need it "
                                  f"never hold in drafts written in {lexicon.languages[code].name}")
        for code in written:
            for index, entry in enumerate(concept.words.get(code, ())):
                if entry.casefold() in function_words[code]:
                    yield problem(name, f"{code}[{index}]", "warning", "function-word",
                                  f"'{entry}' ({code}) is one of the language's own small words (an article, "
                                  "preposition or relative): alone it matches almost every sentence")
            if not (concept.examples.get(code) or {}).get("match"):
                yield problem(name, "examples" if concept.examples else "", "warning", "untested-concept",
                              f"no example sentence in '{code}' that it must be found in")


def check_idioms(rule_set: RuleSet) -> Iterator[LintProblem]:
    """An idiom hides its words from the concepts only where at most one other word stands among them
    (evaluation.reader: a phrase that holds a wide gap describes no single expression), so one written
    with '...' hides nothing once words come between: say so where it is written."""
    for code, cues in sorted(rule_set.lexicon.languages.items()):
        gapped = [entry for entry in cues.cues.get("idioms", ()) if "..." in entry]
        if not gapped:
            continue
        file = cues.source.rsplit(":", 1)[0]
        try:
            located = load_yaml(Path(file).read_text(encoding="utf-8"), file)
            listed = [" ".join(str(e).split()) for e in located.data.get("idioms") or []]  # (as entries reads them)
        except (OSError, UnicodeDecodeError, PolicyCheckError, AttributeError):
            located, listed = None, []
        for entry in gapped:
            line, column = locate(located, f"idioms[{listed.index(entry)}]") \
                if located is not None and entry in listed else (None, None)
            yield LintProblem(file, line or 0, column or 0, "warning", "gapped-idiom",
                              f"language '{code}': the idiom '{entry}' has a '...' gap; an idiom hides its words only "
                              "when they stand close together, so with words between them it hides nothing",
                              HINTS.get("gapped-idiom"))


def _function_words(cues: LanguageCues) -> frozenset[str]:
    """The one-word articles, prepositions and relatives a language file lists (its auxiliaries are
    left out: some are verbs a concept may well name, such as 'need')."""
    listed = [*cues.articles, *cues.prepositions, *cues.cues.get("relative", ())]
    return frozenset(word.casefold() for word in listed if " " not in word.strip())


def text_pattern_figures(rule_set: RuleSet) -> tuple[int, int]:
    """How many text patterns (regular expressions) the rules hold, and the longest, in characters."""
    from ..evaluation.compiler import dnf, nnf
    from ..ruleset.rules import TextTest

    patterns: set[str] = set()
    for rule in rule_set.rules:
        for atoms in dnf(nnf(rule.when)):
            for atom in atoms:
                if isinstance(atom, TextTest):
                    for spec in (atom.matches, atom.unless):
                        if spec is not None:
                            for items in spec.sources.values():
                                patterns.update(items)
    return len(patterns), max((len(p) for p in patterns), default=0)


def reports_missing_information(rule: Rule) -> bool:
    """Whether the rule can fire because fields are not stated, with nothing said in their place:
    some alternative of its condition tests a field that may be absent (missing: true, or a test
    under `not`) and needs no sentence, text or list item to be present."""
    from ..evaluation.compiler import dnf, nnf
    from ..ruleset.rules import FieldTest, ItemTest, ProseTest, TextTest

    for atoms in dnf(nnf(rule.when)):
        absent_field = any(isinstance(a, FieldTest) and (a.op == "missing") != a.negated for a in atoms)
        said = any(isinstance(a, (ProseTest, TextTest)) and not a.negated for a in atoms) or \
            any(isinstance(a, ItemTest) and a.quantifier == "any_item" for a in atoms)
        if absent_field and not said:
            return True
    return False


def check_in_prose(rule: Rule, source: RuleSource, context: _Context) -> Iterator[LintProblem]:
    """A rule that reports missing information needs in_prose wording: Word and Markdown authors are
    told what their draft does not say, not which YAML field is empty."""
    if rule.in_prose is None and reports_missing_information(rule):
        yield context.problem(source, "", "warning", "no-prose-wording",
                              "rule reports fields that are not stated, but has no in_prose wording for prose "
                              "drafts")


CHECKS = (check_pattern_size, check_dead_text, check_dead_not, check_prose, check_tested,
          check_tested_languages, check_examples, check_in_prose)


# ---- output ---------------------------------------------------------------------------------------

def render_text(problems: Iterable[LintProblem], files: int) -> str:
    problems = list(problems)
    lines = []
    for problem in problems:
        lines.append(problem.format())
        if problem.hint:
            lines.append(f"    hint: {problem.hint}")
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    lines.append(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
                 f"in {files} rule file{'s' if files != 1 else ''}")
    return "\n".join(lines) + "\n"
