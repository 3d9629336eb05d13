"""Rule files: load, validate (with file:line for every mistake) and parse conditions into a tree.

A rule is data. Its `when` condition is parsed here into small frozen nodes; compiler.py turns
those into durable_rules patterns. Nothing in a rule file is ever evaluated as code. A rule folder
holds the rule files, policy.yaml, sections.yaml, and the concepts and language cues that prose
conditions read with (concepts/, languages/; see prose/).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    import jsonschema

from ..errors import InputError, RuleError
from ..files.cache import is_validated, load_yaml_file, mark_validated, remembered_key
from ..files.inputfile import read_bytes
from ..files.yamlsrc import Located, did_you_mean, join, locate
from ..model import Record
from ..resources import schema
from ..text.textscan import PatternError, TextPatterns, compile_pattern
from .lexicon import Lexicon, concept_files, language_files, load_lexicon
from .policy import Policy, read_policy
from .prose import CONCEPT_KEYS, SAID, STANCES, WITHIN, ProseSpec
from .schemas import field_paths, is_object_list, is_scalar_list, list_item, make_validator, node_at, schema_problems
from .sections import Sections, load_sections

COMPARISONS = ("equals", "one_of", "exists", "missing", "gt", "gte", "lt", "lte", "contains", "contains_any")
ITEM_QUANTIFIERS = ("any_item", "no_item", "all_items")
DATA_FILES = {"policy.yaml", "sections.yaml"}
MAX_PATTERN_CHARS = 80  # a text pattern is an escape hatch for a reference or a date, never for wording


class RuleProblem(RuleError):
    """A located problem in a rule file, with a stable code (shown by `rules lint`) and an optional hint.

    Codes: yaml-syntax, duplicate-key, schema, condition, duplicate-id, unknown-principle, unknown-article,
    unknown-field, unknown-concept, impossible-value, invalid-pattern, long-pattern.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None, column: int | None = None,
                 code: str = "schema", hint: str | None = None) -> None:
        super().__init__(message, path, line, column)
        self.code = code
        self.hint = hint


# ---- condition tree -------------------------------------------------------------------------

# Records rather than frozen dataclasses (see model.Record): the same semantics, defined in a
# fraction of the time at every start.

class All(Record):
    _fields = ("items",)
    items: tuple["Condition", ...]

    def __init__(self, items: tuple["Condition", ...]) -> None:
        self.__dict__["items"] = items


class AnyOf(Record):
    _fields = ("items",)
    items: tuple["Condition", ...]

    def __init__(self, items: tuple["Condition", ...]) -> None:
        self.__dict__["items"] = items


class Not(Record):
    _fields = ("item",)
    item: "Condition"

    def __init__(self, item: "Condition") -> None:
        self.__dict__["item"] = item


class FieldTest(Record):
    _fields = ("path", "op", "value", "negated")
    path: str
    op: str
    value: Any
    negated: bool

    def __init__(self, path: str, op: str, value: Any, negated: bool = False) -> None:
        self.__dict__.update(path=path, op=op, value=value, negated=negated)


class ItemTest(Record):
    _fields = ("quantifier", "collection", "where")
    quantifier: str  # any_item | no_item | all_items
    collection: str
    where: "Condition | None"

    def __init__(self, quantifier: str, collection: str, where: "Condition | None") -> None:
        self.__dict__.update(quantifier=quantifier, collection=collection, where=where)


class TextTest(Record):
    """A regular-expression test: the escape hatch for references and dates, never for wording."""

    _fields = ("key", "scopes", "matches", "unless", "negated")
    key: str            # unique id of this test inside the rule set (rule id + position)
    scopes: tuple[str, ...]
    matches: TextPatterns
    unless: TextPatterns | None
    negated: bool

    def __init__(self, key: str, scopes: tuple[str, ...], matches: TextPatterns, unless: TextPatterns | None,
                 negated: bool = False) -> None:
        self.__dict__.update(key=key, scopes=scopes, matches=matches, unless=unless, negated=negated)


class ProseTest(Record):
    """Concepts stated together in the prose, and where and how they must be said.

    spec: what the reader looks for in each sentence (shared by tests that read the same thing).
    scopes: the section topics or fields to look in (empty: anywhere).
    stances: plan (the programme's own plan), background (a Background section that does not name the
        programme), reported (others' claims), question.
    said: the polarities that count: affirmed, negated, rejected.
    """

    _fields = ("spec", "scopes", "stances", "said", "negated")
    spec: ProseSpec
    scopes: tuple[str, ...]
    stances: tuple[str, ...]
    said: tuple[str, ...]
    negated: bool

    def __init__(self, spec: ProseSpec, scopes: tuple[str, ...], stances: tuple[str, ...], said: tuple[str, ...],
                 negated: bool = False) -> None:
        self.__dict__.update(spec=spec, scopes=scopes, stances=stances, said=said, negated=negated)

    @property
    def key(self) -> str:
        return self.spec.key


Condition = Union[All, AnyOf, Not, FieldTest, ItemTest, TextTest, ProseTest]


class Rule(Record):
    _fields = ("id", "title", "principle", "articles", "severity", "message", "rationale", "remediation", "when",
               "source", "aliases", "in_prose", "replaces", "examples", "raw_when")
    _compared = _fields[:-2]  # examples and raw_when are the rule's documentation, not the rule
    id: str
    title: str
    principle: int
    articles: tuple[str, ...]
    severity: str
    message: str
    rationale: str
    remediation: str
    when: Condition
    source: str           # file:line of the rule
    aliases: tuple[str, ...]
    in_prose: tuple[str, str] | None  # (what a prose draft does not say, the fix in prose terms)
    replaces: tuple[str, ...]  # rules whose finding this one's says in full, on the same evidence
    examples: dict[str, list[dict[str, Any]]]
    raw_when: Any

    def __init__(self, id: str, title: str, principle: int, articles: tuple[str, ...], severity: str, message: str,
                 rationale: str, remediation: str, when: Condition, source: str, aliases: tuple[str, ...] = (),
                 examples: dict[str, list[dict[str, Any]]] | None = None, raw_when: Any = None,
                 in_prose: tuple[str, str] | None = None, replaces: tuple[str, ...] = ()) -> None:
        self.__dict__.update(id=id, title=title, principle=principle, articles=articles, severity=severity,
                             message=message, rationale=rationale, remediation=remediation, when=when,
                             source=source, aliases=aliases, in_prose=in_prose, replaces=replaces,
                             examples={} if examples is None else examples, raw_when=raw_when)


class RuleSet(Record):
    _fields = ("policy", "rules", "digest", "directory", "lexicon", "sections")
    _compared = _fields[:4]
    policy: Policy
    rules: tuple[Rule, ...]
    digest: str
    directory: str
    lexicon: Lexicon
    sections: Sections

    def __init__(self, policy: Policy, rules: tuple[Rule, ...], digest: str, directory: str,
                 lexicon: Lexicon | None = None, sections: Sections | None = None) -> None:
        from .sections import bundled_sections

        self.__dict__.update(policy=policy, rules=rules, digest=digest, directory=directory,
                             lexicon=lexicon if lexicon is not None else Lexicon({}, {}),
                             sections=sections if sections is not None else bundled_sections())

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id or rule_id in rule.aliases:
                return rule
        raise KeyError(f'no such rule: "{rule_id}"')

    def ids(self) -> list[str]:
        return sorted(rule.id for rule in self.rules)


# ---- parsing ------------------------------------------------------------------------------------

class _Parser:
    """Turns one rule's `when` mapping into a condition tree, collecting located errors."""

    def __init__(self, rule_id: str, file: str, located: Located, lexicon: Lexicon,
                 topics: set[str], validate: bool = True, others: dict[str, Any] | None = None) -> None:
        self.validate = validate
        self.others = others or {}  # every rule's raw `when`, by id: what 'prose_of' borrows from
        self.borrows = False        # the rule reads another's prose tests ('prose_of')
        self.rule_id = rule_id
        self.file = file
        self.located = located
        self.lexicon = lexicon
        self.topics = topics
        self.errors: list[RuleError] = []
        self.text_count = 0

    def error(self, message: str, path: str, code: str = "condition", hint: str | None = None) -> None:
        line, column = locate(self.located, path)
        self.errors.append(RuleProblem(f"rule '{self.rule_id}': {message}", self.file, line, column, code, hint))

    def condition(self, node: Any, path: str, item_schema: dict[str, Any] | None = None) -> Condition | None:
        if not isinstance(node, dict) or not node:
            self.error("a condition must be a mapping such as {field: ..., equals: ...}, "
                       "{all: [...]}, {any: [...]}, {not: ...}, {any_item: ...} or {prose: ...}", path)
            return None
        keys = set(node)
        if keys & {"all", "any"}:
            key = "all" if "all" in keys else "any"
            if keys - {key}:
                self.error(f"'{key}' cannot be combined with {sorted(keys - {key})} in one mapping; "
                           f"put them inside the '{key}' list", path)
                return None
            items = node[key]
            if not isinstance(items, list) or not items:
                self.error(f"'{key}' needs a non-empty list of conditions", join(path, key))
                return None
            parsed = [self.condition(child, join(join(path, key), index), item_schema)
                      for index, child in enumerate(items)]
            if any(p is None for p in parsed):
                return None
            return All(tuple(parsed)) if key == "all" else AnyOf(tuple(parsed))  # type: ignore[arg-type]
        if "not" in keys:
            if keys != {"not"}:
                self.error("'not' takes exactly one condition and nothing beside it", path)
                return None
            inner = self.condition(node["not"], join(path, "not"), item_schema)
            return Not(inner) if inner is not None else None
        if "field" in keys:
            return self.field_test(node, path, item_schema)
        if keys & set(ITEM_QUANTIFIERS):
            if item_schema is not None:
                self.error("a list test cannot be nested inside another list test's 'where'", path)
                return None
            return self.item_test(node, path)
        if "prose_of" in keys:
            if item_schema is not None:
                self.error("'prose_of' cannot go inside 'where'; put it beside the list test in an 'all'", path)
                return None
            self.borrows = True
            return self.prose_of(node, path)
        if "prose" in keys or "text" in keys:
            if item_schema is not None:
                self.error("a prose or text test cannot go inside 'where'; put it beside the list test in an 'all'",
                           path)
                return None
            return self.prose_test(node, path) if "prose" in keys else self.text_test(node, path)
        self.error(f"unknown condition keys {sorted(map(str, keys))}; expected one of: all, any, not, field, "
                   "any_item, no_item, all_items, prose, text", path,
                   hint=did_you_mean(sorted(map(str, keys))[0], ["all", "any", "not", "field", "any_item", "no_item",
                                                                 "all_items", "prose", "text"]))
        return None

    def field_test(self, node: dict[str, Any], path: str, item_schema: dict[str, Any] | None) -> Condition | None:
        field_path = node.get("field")
        ops = [k for k in node if k != "field"]
        unknown = [k for k in ops if k not in COMPARISONS]
        if unknown:
            self.error(f"unknown operator '{unknown[0]}' for field test; use one of: {', '.join(COMPARISONS)}",
                       join(path, unknown[0]))
            return None
        if len(ops) != 1:
            self.error(f"a field test needs exactly one operator ({', '.join(COMPARISONS)}), found {len(ops)}", path)
            return None
        if not isinstance(field_path, str) or not field_path:
            self.error("'field' must be a dotted field name such as needs_assessment.done", join(path, "field"))
            return None
        op, value = ops[0], node[ops[0]]
        target = node_at(field_path, item_schema)
        if target is None:
            where = "the list item" if item_schema is not None else "the programme schema"
            options = field_paths(item_schema) if item_schema is not None else field_paths()
            self.error(f"field '{field_path}' does not exist in {where}", join(path, "field"), "unknown-field",
                       did_you_mean(field_path, options))
            return None
        if op in ("exists", "missing") and value is not True:
            self.error(f"'{op}' takes the value true", join(path, op))
            return None
        if op in ("gt", "gte", "lt", "lte") and (not isinstance(value, (int, float)) or isinstance(value, bool)):
            self.error(f"'{op}' compares with a number, not {value!r}", join(path, op))
            return None
        if op in ("one_of", "contains_any") and (not isinstance(value, list) or not value):
            self.error(f"'{op}' takes a non-empty list of values", join(path, op))
            return None
        if op in ("equals", "contains") and not isinstance(value, (str, int, float, bool)):
            self.error(f"'{op}' takes one plain value (text, number, true or false)", join(path, op))
            return None
        if op in ("contains", "contains_any"):
            if not is_scalar_list(target):
                self.error(f"'{op}' needs a list of values, but '{field_path}' is not one", join(path, "field"))
                return None
            if item_schema is not None:
                self.error(f"'{op}' is not supported inside 'where'", join(path, op))
                return None
            values = [value] if op == "contains" else list(value)
            self._check_enum(list_item(target), values, join(path, op))
            each: Condition = AnyOf(tuple(FieldTest("v", "equals", v) for v in values)) if len(values) > 1 \
                else FieldTest("v", "equals", values[0])
            return ItemTest("any_item", field_path, each)
        if op in ("equals", "one_of"):
            self._check_enum(target, value if op == "one_of" else [value], join(path, op))
        if is_object_list(target) and op not in ("exists", "missing"):
            self.error(f"'{field_path}' is a list of items; test its items with any_item / no_item / all_items",
                       join(path, "field"))
            return None
        return FieldTest(field_path, op, tuple(value) if isinstance(value, list) else value)

    def _check_enum(self, target: dict[str, Any], values: list[Any], path: str) -> None:
        allowed = target.get("enum")
        if allowed:
            for value in values:
                if value not in allowed:
                    self.error(f"value {value!r} can never match: allowed values are {', '.join(map(str, allowed))}",
                               path, "impossible-value", did_you_mean(value, [str(a) for a in allowed]))
        expected = target.get("type")
        if expected == "boolean":
            for value in values:
                if not isinstance(value, bool):
                    self.error(f"field holds true/false, so {value!r} can never match", path, "impossible-value")

    def item_test(self, node: dict[str, Any], path: str) -> Condition | None:
        quantifiers = [k for k in ITEM_QUANTIFIERS if k in node]
        extra = set(node) - set(ITEM_QUANTIFIERS) - {"where"}
        if len(quantifiers) != 1 or extra:
            self.error("a list test has one of any_item / no_item / all_items, and optionally 'where'", path)
            return None
        quantifier = quantifiers[0]
        collection = node[quantifier]
        target = node_at(collection) if isinstance(collection, str) else None
        if is_object_list(target):
            item_schema = list_item(target)  # type: ignore[arg-type]
        elif is_scalar_list(target):
            # a list of plain values: each item is seen as {v: value}
            item_schema = {"type": "object", "properties": {"v": target.get("items", {})}}  # type: ignore[union-attr]
        else:
            self.error(f"'{collection}' is not a list in the programme schema "
                       "(lists are e.g. partners, activities, funding, data_sharing, eligibility.criteria)",
                       join(path, quantifier), "unknown-field",
                       did_you_mean(collection, [p for p in field_paths() if is_object_list(node_at(p))
                                                 or is_scalar_list(node_at(p))]))
            return None
        where = None
        if "where" in node:
            where = self.condition(node["where"], join(path, "where"), item_schema)
            if where is None:
                return None
        elif quantifier == "all_items":
            self.error("'all_items' needs a 'where' condition", path)
            return None
        return ItemTest(quantifier, collection, where)

    def scopes(self, value: Any, path: str) -> tuple[str, ...] | None:
        """An 'in' list: section topics or fields of the programme schema."""
        if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
            self.error("'in' takes a list of section topics or fields, e.g. [eligibility, target_groups]", path)
            return None
        for index, scope in enumerate(value):
            if scope == "*":
                continue
            if scope.count(".") > 1:
                self.error(f"'{scope}': name a topic or a field at most two levels deep (awareness.directed_by)",
                           join(path, index))
                return None
            if scope not in self.topics and node_at(scope) is None:
                self.error(f"'{scope}' is neither a field of the programme schema nor a section topic "
                           f"({', '.join(sorted(self.topics))})", join(path, index),
                           "unknown-field", did_you_mean(scope, sorted(self.topics) + field_paths()))
                return None
        return () if "*" in value else tuple(value)

    def concepts(self, value: Any, path: str, what: str) -> tuple[str, ...] | None:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
            self.error(f"'{what}' takes a list of concept names, e.g. [identity_document, requirement]", path)
            return None
        known = self.lexicon.concepts
        for index, name in enumerate(names):
            if name not in known:
                at = join(path, index) if isinstance(value, list) else path
                self.error(f"unknown concept '{name}'", at, "unknown-concept",
                           did_you_mean(name, sorted(known)) or "concepts are defined in rules/concepts/*.yaml")
                return None
        return tuple(names)

    def prose_of(self, node: dict[str, Any], path: str) -> Condition | None:
        """{prose_of: RULE or [RULES]}: the prose tests another rule lists in its `when` (one copy of their
        words and exceptions), read here as one 'any'."""
        where = join(path, "prose_of")
        if set(node) != {"prose_of"}:
            self.error("'prose_of' takes a rule id (or a list of rule ids) and nothing beside it", path)
            return None
        value = node["prose_of"]
        names = _rule_ids(value)
        if not names or not all(isinstance(name, str) for name in names):
            self.error("'prose_of' takes a rule id (or a list of rule ids), e.g. prose_of: return-not-voluntary", where)
            return None
        tests: list[Condition] = []
        for index, name in enumerate(names):
            at = where if isinstance(value, str) else join(where, index)
            if name == self.rule_id:
                self.error("'prose_of' names the rule itself; name the rule whose prose tests this one reads", at)
                continue
            if name not in self.others:
                self.error(f"'prose_of' names rule '{name}', which does not exist", at, "unknown-rule",
                           did_you_mean(name, sorted(self.others)))
                continue
            borrowed = borrowed_prose(self.others[name])
            if not borrowed:
                self.error(f"rule '{name}' has no prose tests to read: 'prose_of' reads the prose tests a rule lists "
                           "directly under 'when' or 'when: any'", at)
                continue
            found = len(self.errors)
            parsed = [self.prose_test(test, at) for test in borrowed]
            if len(self.errors) > found:
                # (its own problems are reported at that rule, with their lines)
                del self.errors[found:]
                self.error(f"rule '{name}' has prose tests with problems; mend them there", at)
                continue
            tests.extend(test for test in parsed if test is not None)
        if len(tests) == 0 or self.errors:
            return None
        return AnyOf(tuple(tests))

    def prose_test(self, node: dict[str, Any], path: str) -> Condition | None:
        """A prose condition: concepts stated together; where and how they must be said."""
        body = node.get("prose")
        where = join(path, "prose")
        if set(node) != {"prose"}:
            self.error("'prose' takes a mapping (all, unless, within, near, in, stance, said) and nothing beside it",
                       path)
            return None
        if isinstance(body, (str, list)):
            body = {"all": body}
        if not isinstance(body, dict) or "all" not in body:
            self.error("'prose' needs 'all': the concepts that must be stated together, e.g. "
                       "prose: {all: [identity_document, requirement]}", where)
            return None
        allowed = (*CONCEPT_KEYS, "within", "near", "ordered", "in", "stance", "said", "said_of", "said_done")
        for key in body:
            if key not in allowed:
                self.error(f"unknown key '{key}' in prose test; use {', '.join(allowed)}", join(where, key),
                           hint=did_you_mean(str(key), list(allowed)))
                return None
        # every list of concept names, each checked (and its problems reported) in the order written here
        checked = {key: self.concepts(body[key], join(where, key), key) if key in body else ()
                   for key in ("all", "unless", "unless_between", "said_of", "unless_mentioned", "unless_in_sentence",
                               "said_done", "unless_denied", "unless_subject")}
        named = {key: names for key, names in checked.items() if names is not None}
        if len(named) < len(checked):
            return None
        concepts, unless, between = named["all"], named["unless"], named["unless_between"]
        said_of, mentioned, in_sentence = named["said_of"], named["unless_mentioned"], named["unless_in_sentence"]
        said_done, denied, subject = named["said_done"], named["unless_denied"], named["unless_subject"]
        for index, name in enumerate(said_of):
            if name not in concepts:
                self.error(f"'said_of' names {name}, which is not in 'all'; it picks which of the test's own "
                           "concepts must be said as 'said' asks", join(where, "said_of"))
                return None
        for name in said_done:
            if name not in concepts or name in said_of:
                self.error(f"'said_done' names {name}, which is not in 'all' or is in 'said_of'; it picks which of "
                           "the test's own concepts must be said as done", join(where, "said_done"))
                return None
        within = body.get("within", "clause")
        if within not in WITHIN:
            self.error(f"'within' is one of: {', '.join(WITHIN)} (for a distance in words use 'near: 5')",
                       join(where, "within"))
            return None
        near = body.get("near")
        if near is not None and (isinstance(near, bool) or not isinstance(near, int) or not 0 <= near <= 30):
            self.error("'near' is a number of words between 0 and 30", join(where, "near"))
            return None
        if near is not None and len(concepts) < 2:
            self.error("'near' needs at least two concepts in 'all'", join(where, "near"))
            return None
        ordered = body.get("ordered", False)
        if not isinstance(ordered, bool):
            self.error("'ordered' is true (the concepts appear in the order 'all' names them) or false",
                       join(where, "ordered"))
            return None
        scopes = self.scopes(body["in"], join(where, "in")) if "in" in body else ()
        if scopes is None:
            return None
        stance = body.get("stance", "plan")
        stances = STANCES if stance == "any" else ([stance] if isinstance(stance, str) else stance)
        if not isinstance(stances, (list, tuple)) or not stances or any(s not in STANCES for s in stances):
            self.error(f"'stance' is one of {', '.join(STANCES)}, a list of them, or any", join(where, "stance"))
            return None
        said = body.get("said", "affirmed")
        if said not in SAID:
            self.error(f"'said' is one of: {', '.join(SAID)}", join(where, "said"))
            return None
        spec = ProseSpec(concepts, unless, within, near, ordered, between, said_of, mentioned, in_sentence, said_done,
                         denied, subject)
        return ProseTest(spec, scopes, tuple(sorted(stances)), SAID[said])

    def text_test(self, node: dict[str, Any], path: str) -> Condition | None:
        body = node.get("text")
        if set(node) != {"text"} or not isinstance(body, dict):
            self.error("'text' takes a mapping with 'matches' (and optionally 'in' and 'unless')", path)
            return None
        unknown = set(body) - {"in", "matches", "unless"}
        if unknown:
            self.error(f"unknown key '{sorted(unknown)[0]}' in text test; use in, matches, unless",
                       join(join(path, "text"), sorted(unknown)[0]))
            return None
        scopes = self.scopes(body.get("in", ["*"]), join(join(path, "text"), "in"))
        if scopes is None:
            return None
        if "matches" not in body:
            self.error("a text test needs 'matches'", join(path, "text"))
            return None
        matches = self.patterns(body["matches"], join(join(path, "text"), "matches"))
        unless = self.patterns(body["unless"], join(join(path, "text"), "unless")) if "unless" in body else None
        if matches is None or ("unless" in body and unless is None):
            return None
        self.text_count += 1
        return TextTest(f"{self.rule_id}#{self.text_count}", scopes or ("*",), matches, unless)

    def patterns(self, spec: Any, path: str) -> TextPatterns | None:
        valid_list = isinstance(spec, list) and spec and all(isinstance(p, str) and p for p in spec)
        valid_map = isinstance(spec, dict) and spec and all(
            isinstance(lang, str) and len(lang) == 2 and isinstance(pats, list) and pats
            and all(isinstance(p, str) and p for p in pats) for lang, pats in spec.items())
        if not (valid_list or valid_map):
            self.error("patterns are a list of texts, or a mapping from language code (en, es, fr) to such a list",
                       path)
            return None
        lists = spec.items() if isinstance(spec, dict) else [("*", spec)]
        for language, patterns in lists:
            for index, pattern in enumerate(patterns):
                at = join(join(path, language), index) if language != "*" else join(path, index)
                try:
                    compile_pattern(pattern)
                except PatternError as exc:
                    self.error(str(exc), at, "invalid-pattern",
                               "patterns are RE2 regular expressions; escape ( ) [ ] . ? * + with a backslash")
                    return None
                if len(pattern) > MAX_PATTERN_CHARS:
                    self.error(f"pattern of {len(pattern)} characters (at most {MAX_PATTERN_CHARS}): a text pattern "
                               "is for a reference number or a date; say wording with concepts (prose:)", at,
                               "long-pattern")
                    return None
        try:
            return TextPatterns(spec if isinstance(spec, dict) else {"*": tuple(spec)})
        except PatternError as exc:
            self.error(str(exc), path, "invalid-pattern",
                       "patterns are RE2 regular expressions; escape ( ) [ ] . ? * + with a backslash")
            return None


@lru_cache(maxsize=1)
def _rule_validator() -> jsonschema.protocols.Validator:
    # The shipped schema describes conditions for editors; here conditions are checked by _Parser,
    # whose messages are precise where jsonschema's oneOf messages are not. A rule's principle is
    # checked against the rule folder's own policy file, which says how many there are.
    relaxed = dict(schema("rules"))
    defs = dict(relaxed["$defs"])
    rule = dict(defs["rule"])
    rule["properties"] = dict(rule["properties"], when={}, examples={"type": "object"}, principle={"type": "integer"})
    defs["rule"] = rule
    relaxed["$defs"] = defs
    return make_validator(relaxed)


def _schema_errors(data: Any, located: Located, file: str, policy: Policy) -> list[RuleProblem]:
    errors = []
    for problem in schema_problems(_rule_validator(), data, located):
        error, path, message = problem.error, problem.path, problem.message
        where = f"at '{path}': " if path else ""
        rule_id = None
        if error.absolute_path and len(error.absolute_path) >= 2:
            parts = list(error.absolute_path)
            rule = data["rules"][parts[1]] if parts[0] == "rules" and isinstance(data.get("rules"), list) else None
            rule_id = rule.get("id") if isinstance(rule, dict) else None
        prefix = f"rule '{rule_id}': " if rule_id else ""
        code, hint = "schema", problem.hint
        if path.endswith(".principle") and error.validator == "type":
            code, where, message = "unknown-principle", "", f"unknown principle {error.instance!r} " \
                f"(principles are numbered {policy.numbering()})"
            hint = principle_hint(policy)
        errors.append(RuleProblem(prefix + where + message, file, problem.line, problem.column, code, hint))
    return sorted(errors, key=lambda e: (e.line or 0, e.column or 0, e.message))


def principle_hint(policy: Policy) -> str:
    return f"principles are numbered {policy.numbering()}, as in rules/policy.yaml"


def rule_files(directory: Path) -> list[Path]:
    """Rule files of a folder (every .yaml but the shared data files), sorted by name."""
    if directory.is_file():
        return [directory]
    return sorted(p for p in directory.glob("*.y*ml") if p.name not in DATA_FILES and not p.name.startswith("."))


def load_rule_set(directory: Path | str | None = None, files: list[Path] | None = None) -> tuple[RuleSet, list[RuleError]]:
    """Load every rule file of a rule folder.

    Returns:
        the rule set built from the valid rules, and every problem found (empty when all is well).
    """
    from ..resources import default_rules_dir

    directory = Path(directory) if directory else default_rules_dir()
    base = directory if directory.is_dir() else directory.parent
    files = files or rule_files(directory)
    digest = folder_digest(base, files)
    # A rule folder already validated clean (same bytes, same digest) skips the costly re-validation.
    trusted = is_validated(digest)
    policy, found = read_policy(base / "policy.yaml", validate=not trusted)
    problems: list[RuleError] = list(found)
    if (base / "sections.yaml").is_file():
        sections, found = load_sections(base / "sections.yaml")
        problems.extend(found)
    else:
        from .sections import bundled_sections
        sections = bundled_sections()
    topics = set(sections.topics)
    lexicon, found = load_lexicon(base, digest)
    problems.extend(found)
    sections = sections.with_languages(lexicon.languages)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    loaded: list[tuple[Path, Located, list[RuleProblem], list[Any]]] = []
    for file in files:
        try:
            raw = read_bytes(file, what="rule file")
            raw.decode("utf-8")
        except InputError as exc:
            problems.append(RuleProblem(exc.message, str(file), code="yaml-syntax"))
            continue
        except UnicodeDecodeError as exc:
            problems.append(RuleProblem(f"rule file is not UTF-8 text (byte offset {exc.start})", str(file),
                                        raw.count(b"\n", 0, exc.start) + 1, code="yaml-syntax"))
            continue
        try:
            located = load_yaml_file(raw, str(file))
        except InputError as exc:
            problems.append(RuleProblem(exc.message, exc.path, exc.line, exc.column, "yaml-syntax"))
            continue
        for key, line in located.duplicates:
            problems.append(RuleProblem(f"duplicate key '{key}' (the later value would silently replace the "
                                        "earlier one)", str(file), line, located.columns.get(key), "duplicate-key"))
        shape_problems = [] if trusted else _schema_errors(located.data, located, str(file), policy)
        problems.extend(shape_problems)
        data = located.data if isinstance(located.data, dict) else {}
        listed = data.get("rules")
        # (not a list: a schema problem)
        loaded.append((file, located, shape_problems, listed if isinstance(listed, list) else []))
    # every rule's `when` by id, before any is parsed: a rule may read another's prose tests ('prose_of')
    others = {str(body["id"]): body.get("when") for _, _, _, bodies in loaded for body in bodies
              if isinstance(body, dict) and "id" in body}
    for file, located, shape_problems, bodies in loaded:
        for index, body in enumerate(bodies):
            path = f"rules[{index}]"
            if not isinstance(body, dict) or any(p.line == located.lines.get(path) for p in shape_problems) \
                    or not all(k in body for k in ("id", "title", "principle", "articles", "severity",
                                                   "message", "rationale", "remediation", "when")):
                continue
            rule_id = str(body["id"])
            where = f"{file}:{located.lines.get(path)}"
            if not _RULE_ID.fullmatch(rule_id):  # the schema's pattern lets a final line break through
                problems.append(RuleProblem(f"rule id {rule_id!r} does not match '^[a-z0-9]+(-[a-z0-9]+)*$' "
                                            "(lower-case words joined by hyphens, nothing after them)", str(file),
                                            *locate(located, join(path, "id")), "schema"))
                continue
            if rule_id in seen:
                problems.append(RuleProblem(f"duplicate rule id '{rule_id}' (first defined at {seen[rule_id]})",
                                            str(file), *locate(located, join(path, "id")), "duplicate-id",
                                            "give the new rule its own id; if it replaces the old one, delete the "
                                            "old rule and list its id under 'aliases'"))
                continue
            seen[rule_id] = where
            principle = policy.principles.get(body["principle"]) if policy.principles else None
            if policy.principles and principle is None and \
                    not any(p.code == "unknown-principle" and p.line == located.lines.get(join(path, "principle"))
                            for p in shape_problems):
                problems.append(RuleProblem(f"rule '{rule_id}': unknown principle {body['principle']} (principles "
                                            f"are numbered {policy.numbering()})", str(file),
                                            *locate(located, join(path, "principle")), "unknown-principle",
                                            principle_hint(policy)))
            for a_index, article in enumerate(body.get("articles") or []):
                if policy.principles and policy.article(str(article)) is None:
                    known = ", ".join(a for _, a, _ in policy.all_articles())
                    problems.append(RuleProblem(
                        f"rule '{rule_id}': unknown article '{article}' (known: {known})", str(file),
                        *locate(located, join(join(path, "articles"), a_index)), "unknown-article",
                        did_you_mean(article, [a for _, a, _ in policy.all_articles()])
                        or "cite only articles listed in rules/policy.yaml, or leave 'articles' empty"))
            parser = _Parser(rule_id, str(file), located, lexicon, topics, validate=not trusted, others=others)
            when = parser.condition(body["when"], join(path, "when"))
            problems.extend(parser.errors)
            if when is None or parser.errors:
                continue
            # (not a list: the schema names it)
            listed_replaces = body.get("replaces")
            replaced_ids = tuple(str(r) for r in listed_replaces) if isinstance(listed_replaces, list) else ()
            rules.append(Rule(
                id=rule_id, title=body["title"], principle=body["principle"],
                articles=tuple(str(a) for a in body["articles"]), severity=body["severity"],
                message=body["message"].strip(), rationale=body["rationale"].strip(),
                remediation=body["remediation"].strip(), when=when, source=where,
                aliases=tuple(body.get("aliases") or ()), examples=dict(body.get("examples") or {}),
                raw_when=with_borrowed_prose(body["when"], others) if parser.borrows else body["when"],
                in_prose=_in_prose(body.get("in_prose")),
                replaces=replaced_ids))
            for r_index, replaced in enumerate(replaced_ids):
                if replaced not in others or replaced == rule_id:
                    problems.append(RuleProblem(
                        f"rule '{rule_id}': 'replaces' names rule '{replaced}', which "
                        + ("is the rule itself" if replaced == rule_id else "does not exist"), str(file),
                        *locate(located, join(join(path, "replaces"), r_index)), "unknown-rule",
                        did_you_mean(replaced, sorted(others)) if replaced != rule_id else None))
    rules.sort(key=lambda r: r.id)
    rule_set = RuleSet(policy, tuple(rules), digest, str(directory), lexicon, sections)
    if not problems and not trusted:
        mark_validated(digest)
    return rule_set, problems


_RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def borrowed_prose(when: Any) -> list[dict[str, Any]]:
    """The prose tests a rule lists directly under `when` or `when: any`: what another rule's 'prose_of' reads."""
    if isinstance(when, dict) and set(when) == {"prose"}:
        return [when]
    if isinstance(when, dict) and isinstance(when.get("any"), list):
        return [item for item in when["any"] if isinstance(item, dict) and set(item) == {"prose"}]
    return []


def with_borrowed_prose(node: Any, others: dict[str, Any]) -> Any:
    """A raw `when` with each 'prose_of' written out as the 'any' of the prose tests it names (as the rule reads)."""
    if isinstance(node, list):
        return [with_borrowed_prose(item, others) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"prose_of"}:
        return {"any": [test for name in _rule_ids(node["prose_of"]) if isinstance(name, str)
                        for test in borrowed_prose(others.get(name))]}
    return {key: with_borrowed_prose(value, others) for key, value in node.items()}


def _rule_ids(value: Any) -> list[Any]:
    """'prose_of: RULE' or 'prose_of: [RULES]' as a list (empty when it is neither)."""
    return [value] if isinstance(value, str) else value if isinstance(value, list) else []


def _in_prose(body: Any) -> tuple[str, str] | None:
    """The rule's in_prose wording (checked by the schema), one line each."""
    if not isinstance(body, dict):
        return None
    return " ".join(str(body.get("missing", "")).split()), " ".join(str(body.get("fix", "")).split())


def folder_digest(base: Path, files: list[Path]) -> str:
    """A digest of every file that shapes the rule set: the rule files, policy, sections, concepts, languages
    (remembered between runs while the files are unchanged: files.cache)."""
    data = [base / name for name in sorted(DATA_FILES)] + concept_files(base) + language_files(base)
    named = [((file.parent.name + "/" + file.name) if file.parent != base else file.name, file) for file in [*files, *data]]

    def compute() -> str:
        import hashlib

        digest = hashlib.sha256()
        for name, file in named:
            try:
                digest.update(name.encode() + b"\0" + read_bytes(file) + b"\0")
            except InputError:
                digest.update(name.encode() + b"\0missing\0")
        return digest.hexdigest()[:16]

    missing = {name for name, file in named if not file.is_file()}
    label = "folder\0" + "\0".join(name + "\0missing" if name in missing else name for name, _ in named)
    return remembered_key(label, [str(file) for name, file in named if name not in missing], compute)
