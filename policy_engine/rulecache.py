"""A cache of loaded rule sets: a rule folder already loaded without a problem is rebuilt from one
JSON file instead of its YAML files, and with the prefilter words of its patterns (prefilter.py).

A single check spends more time loading the rules than checking a draft: reading each file's
parse (cache.py), parsing every condition, and at the first text test expanding patterns only
to look up their words. Here the parsed rules, the vocabulary and those words are one file.

The key covers everything the result depends on: the bytes and names of the rule and data files
(the folder digest), the list of rule files, the source of the code that reads them, and the
versions of Python and PyYAML. A change to any of them is a miss, so nothing is ever invalidated
by hand. Paths are not in the file (rule sources are rebuilt from the files given), so copies of
a folder share an entry. JSON only, never pickle; written atomically; a file that is missing,
damaged or of another shape is ignored and the folder is read the ordinary way. Off when
POLICY_CHECK_CACHE_DIR is empty (see cache.py).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import _decode, _encode, _plain, cache_dir, write_entry
from .policy import Policy, Principle
from .rules import All, AnyOf, Condition, FieldTest, ItemTest, Not, Rule, RuleSet, TextTest
from .textscan import PatternError, PatternSet, expand, lazy_patterns, vocabulary_terms

if TYPE_CHECKING:
    from .textscan import Words

_FORMAT = 1
# The modules whose code shapes a loaded rule set; a change to any of them is a new key.
_CODE = ("cache.py", "model.py", "policy.py", "prefilter.py", "rulecache.py", "rules.py", "textscan.py",
         "yamlsrc.py")


class _Damaged(Exception):
    """The cache file does not hold what this module writes."""


def _key(digest: str, files: list[Path]) -> str:
    import yaml

    h = hashlib.sha256(f"{_FORMAT}\0{digest}\0{sys.version_info[:2]}\0{yaml.__version__}\0".encode())
    h.update("\0".join(f.name for f in files).encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        try:
            h.update(b"\0" + (here / name).read_bytes())
        except OSError:
            h.update(b"\0missing")
    return h.hexdigest()[:32]


def _path(digest: str, files: list[Path]) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"ruleset-{_FORMAT}-{_key(digest, files)}.json"


# ---- writing ------------------------------------------------------------------------------------

def _data(value: Any) -> Any:
    """YAML data as JSON holds it (mappings whose keys are not all strings are encoded)."""
    return [True, value] if _plain(value) else [False, _encode(value)]


def _value(value: Any) -> Any:
    """A field test's value as JSON holds it, tuples and mappings marked (see _unvalue)."""
    if isinstance(value, tuple):
        return {"t": [_value(v) for v in value]}
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {"m": [[_value(k), _value(v)] for k, v in value.items()]}
    return value


def _words(words: Words) -> list[str] | None:
    return None if words is None else [w.decode("utf-8") for w in words]


def _patterns(patterns: PatternSet, languages: set[str]) -> dict[str, Any]:
    from .prefilter import literals

    languages.update(patterns.sources)
    return {"sources": {lang: list(p) for lang, p in patterns.sources.items()},
            "words": {lang: [_words(literals(part)) for part in patterns.parts_for(lang)]
                      for lang in patterns.sources}}


def _condition(cond: Condition, languages: set[str]) -> Any:
    if isinstance(cond, All):
        return {"all": [_condition(c, languages) for c in cond.items]}
    if isinstance(cond, AnyOf):
        return {"any": [_condition(c, languages) for c in cond.items]}
    if isinstance(cond, Not):
        return {"not": _condition(cond.item, languages)}
    if isinstance(cond, FieldTest):
        return {"field": [cond.path, cond.op, _value(cond.value), cond.negated]}
    if isinstance(cond, ItemTest):
        where = None if cond.where is None else _condition(cond.where, languages)
        return {"item": [cond.quantifier, cond.collection, where]}
    if isinstance(cond, TextTest):
        unless = None if cond.unless is None else _patterns(cond.unless, languages)
        return {"text": [cond.key, list(cond.scopes), _patterns(cond.matches, languages), unless, cond.negated]}
    raise TypeError(cond)


def _content(rule_set: RuleSet, vocabulary: dict[str, Any], files: list[Path]) -> dict[str, Any] | None:
    from .prefilter import literals

    names = [str(f) for f in files]
    languages: set[str] = set()
    rules = []
    for rule in rule_set.rules:
        file, _, line = rule.source.rpartition(":")
        if file not in names:
            return None  # a rule from elsewhere: its source could not be rebuilt
        rules.append([rule.id, rule.title, rule.principle, list(rule.articles), rule.severity, rule.message,
                      rule.rationale, rule.remediation, _condition(rule.when, languages), names.index(file), line,
                      list(rule.aliases), _data(rule.examples), _data(rule.raw_when)])
    terms = []
    for name in vocabulary:
        for language in sorted(languages):
            try:
                found = [_words(literals(expand(t, vocabulary, language, (name,))))
                         for t in vocabulary_terms(vocabulary, name, language)]
            except (PatternError, AttributeError, TypeError):
                continue  # a list no pattern uses may be broken: the scan derives what it lacks
            terms.append([name, language, found])
    policy = rule_set.policy
    return {"format": _FORMAT, "digest": rule_set.digest,
            "policy": [policy.name, policy.version,
                       [[p.number, p.title, p.summary, p.articles] for p in policy.principles.values()]],
            "vocabulary": _data(vocabulary), "terms": terms, "rules": rules}


def store(rule_set: RuleSet, vocabulary: dict[str, Any], files: list[Path]) -> None:
    """Keep a rule set loaded from these files with no problem at all (best effort: never fails).

    Besides the rules, it keeps the prefilter words of every pattern and vocabulary term in every
    language, so that no check needs to expand patterns only to look them up.
    """
    path = _path(rule_set.digest, files)
    if path is None or path.is_file() or not isinstance(vocabulary, dict):
        return
    try:
        content = _content(rule_set, vocabulary, files)
        if content is None:
            return
        write_entry(path, json.dumps(content, separators=(",", ":")), "ruleset", _FORMAT)  # ASCII: read back faster
    except (OSError, PatternError, AttributeError, KeyError, TypeError, ValueError):
        pass  # a read-only home, or data JSON cannot hold: the folder is read the ordinary way


# ---- reading ------------------------------------------------------------------------------------

def _check(ok: bool) -> None:
    if not ok:
        raise _Damaged


def _unvalue(value: Any) -> Any:
    if isinstance(value, list):
        return [_unvalue(v) for v in value]
    if isinstance(value, dict):
        if "t" in value:
            return tuple(_unvalue(v) for v in value["t"])
        return {_unvalue(k): _unvalue(v) for k, v in value["m"]}
    return value


def _undata(value: Any) -> Any:
    _check(isinstance(value, list) and len(value) == 2)
    return value[1] if value[0] is True else _decode(value[1])


class _Reader:
    def __init__(self, vocabulary: dict[str, Any], terms: dict[tuple[str, str], Any]) -> None:
        self.vocabulary = vocabulary
        self.terms = terms

    def patterns(self, body: Any) -> PatternSet:
        sources, words = body["sources"], body["words"]
        _check(isinstance(sources, dict) and isinstance(words, dict) and set(words) == set(sources))
        raw: dict[str, list[str]] = {}
        for language, patterns in sources.items():
            _check(isinstance(patterns, list) and bool(patterns) and all(isinstance(p, str) for p in patterns))
            _check(isinstance(words[language], list) and len(words[language]) == len(patterns))  # entries: later
            raw[language] = patterns
        patterns_set = lazy_patterns(raw, self.vocabulary)
        patterns_set.stored_words = words  # checked, and made bytes, when a text first needs them
        patterns_set.stored_terms = self.terms
        return patterns_set

    def condition(self, node: Any) -> Condition:
        _check(isinstance(node, dict) and len(node) == 1)
        (kind, body), = node.items()
        if kind in ("all", "any"):
            _check(isinstance(body, list))
            items = tuple(self.condition(c) for c in body)
            return All(items) if kind == "all" else AnyOf(items)
        if kind == "not":
            return Not(self.condition(body))
        if kind == "field":
            path, op, value, negated = body
            _check(isinstance(path, str) and isinstance(op, str) and isinstance(negated, bool))
            return FieldTest(path, op, _unvalue(value), negated)
        if kind == "item":
            quantifier, collection, where = body
            _check(isinstance(quantifier, str) and isinstance(collection, str))
            return ItemTest(quantifier, collection, None if where is None else self.condition(where))
        if kind == "text":
            key, scopes, matches, unless, negated = body
            _check(isinstance(key, str) and isinstance(scopes, list) and all(isinstance(s, str) for s in scopes)
                   and isinstance(negated, bool))
            return TextTest(key, tuple(scopes), self.patterns(matches),
                            None if unless is None else self.patterns(unless), negated)
        raise _Damaged


def load(digest: str, directory: Path, files: list[Path]) -> RuleSet | None:
    """The rule set stored for these files, or None (not stored, or unreadable)."""
    path = _path(digest, files)
    if path is None:
        return None
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    try:
        _check(isinstance(content, dict) and content.get("format") == _FORMAT and content.get("digest") == digest)
        vocabulary = _undata(content["vocabulary"])
        _check(isinstance(vocabulary, dict))
        terms: dict[tuple[str, str], Any] = {}
        for name, language, found in content["terms"]:
            _check(name in vocabulary and isinstance(found, list)
                   and len(found) == len(vocabulary_terms(vocabulary, name, language)))
            terms[(name, language)] = found
        name, version, principles = content["policy"]
        policy = Policy(name, version, {p[0]: Principle(p[0], p[1], p[2], p[3]) for p in principles})
        reader = _Reader(vocabulary, terms)
        rules = []
        for (rule_id, title, principle, articles, severity, message, rationale, remediation, when, file, line,
             aliases, examples, raw_when) in content["rules"]:
            _check(type(file) is int and 0 <= file < len(files))
            rules.append(Rule(rule_id, title, principle, tuple(articles), severity, message, rationale, remediation,
                              reader.condition(when), f"{files[file]}:{line}", tuple(aliases), _undata(examples),
                              _undata(raw_when)))
        return RuleSet(policy, tuple(rules), digest, str(directory))
    except (_Damaged, KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError):
        return None
