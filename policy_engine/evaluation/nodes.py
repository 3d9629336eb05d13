"""Which parts of a rule's condition hold on a document, in durable_rules' own words (for explain).

    answers = node_rules(checker, rules).evaluate(checker.facts(doc).facts)
    answers.holds(cond)          # cond: any node of those rules' `when` trees

durable_rules says which rules fired, not why the others did not. So every node of a rule's
condition tree (each all, any, not and test) is compiled, as if it were a rule's `when`, by the
compiler check uses (compiler.compile_condition) into durable_rules rules of its own; the facts check
asserts for a document (Checker.facts) are asserted into them once, and a node holds when one of its
rules fired. The facts a firing matched say where it holds: which list items, which prose places.
A near miss is asked the same way, through variants of a test: the items that match a list test's
`where` (or fail it), and a prose test's places anywhere and said any way, in its sections only, in
its stances only, said its way only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterator

from ..ruleset.prose import POLARITIES, STANCES
from ..ruleset.rules import All, AnyOf, Condition, ItemTest, Not, ProseTest, Rule
from .checker import Checker
from .compiler import Conjunct, compile_condition, plan_for
from .engine import Engine
from .prose import DocumentReading, Place


def item_variant(test: ItemTest) -> ItemTest | None:
    """The items a list test turns on: those matching its `where` (those failing it, for all_items)."""
    if test.where is None:
        return None
    return ItemTest("any_item", test.collection, Not(test.where) if test.quantifier == "all_items" else test.where)


def prose_variants(test: ProseTest) -> tuple[ProseTest, ProseTest, ProseTest, ProseTest]:
    """A prose test's places anywhere, said any way; and those in its sections, in its stances, said its way."""
    return (ProseTest(test.spec, (), STANCES, POLARITIES), ProseTest(test.spec, test.scopes, STANCES, POLARITIES),
            ProseTest(test.spec, (), test.stances, POLARITIES), ProseTest(test.spec, (), STANCES, test.said))


def nodes(cond: Condition) -> Iterator[Condition]:
    """Every node of a condition tree, and the variants of its list and prose tests."""
    yield cond
    if isinstance(cond, (All, AnyOf)):
        for child in cond.items:
            yield from nodes(child)
    elif isinstance(cond, Not):
        yield from nodes(cond.item)
    elif isinstance(cond, ItemTest):
        variant = item_variant(cond)
        if variant is not None:
            yield variant
    elif isinstance(cond, ProseTest):
        yield from prose_variants(cond)


class NodeAnswers:
    """durable_rules' answers for one document: the firings of each node's rules."""

    def __init__(self, firings: dict[Condition, list[tuple[Conjunct, dict[str, Any]]]]) -> None:
        self.firings = firings

    def holds(self, cond: Condition) -> bool:
        return bool(self.firings[cond])

    def items(self, cond: ItemTest) -> list[int]:
        """The indices of the list items a list test's firings matched, in order."""
        return sorted({matched[name]["i"] for conj, matched in self.firings[cond] for name, _ in conj.items})

    def places(self, cond: ProseTest, reading: DocumentReading) -> list[Place]:
        """The places (in reading order) whose facts fired a prose test's rule: a place is one fact
        per section it sits in (prose.facts), and counts once."""
        fired = {(fact.get("k"), fact.get("u"), fact.get("c"), fact.get("pol"))
                 for conj, matched in self.firings[cond] for name, _ in conj.proses
                 for fact in [matched.get(name, {})]}
        return [p for p in reading.places if (p.key, p.unit, p.hit.clause, p.hit.polarity) in fired]


class NodeRules:
    """The nodes of some rules' conditions, each compiled into durable_rules rules of its own, in one
    Engine. A rule whose compiled body is already there is not made again (the engine takes at most 255
    identical ones)."""

    def __init__(self, checker: Checker, rules: tuple[Rule, ...]) -> None:
        self.names: dict[Condition, tuple[str, ...]] = {}   # a node -> the names of its durable_rules rules
        self.conjuncts: dict[str, Conjunct] = {}
        bodies: dict[str, str] = {}
        for rule in rules:
            for cond in nodes(rule.when):
                if cond in self.names:
                    continue
                names = []
                for conj in compile_condition(cond, rule, f"q{len(self.names):04d}"):
                    name = bodies.setdefault(json.dumps(conj.to_durable(), sort_keys=True), conj.name)
                    self.conjuncts.setdefault(name, conj)
                    names.append(name)
                self.names[cond] = tuple(names)
        # parts of the rules read no field the rules do not: the facts check asserts carry all they need
        plan = plan_for(list(self.conjuncts.values()))
        assert plan.anchor_fields <= checker.plan.anchor_fields and all(
            fields <= checker.plan.item_fields.get(name, set()) for name, fields in plan.item_fields.items())
        self.engine = Engine({name: conj.to_durable() for name, conj in self.conjuncts.items()},
                             name=f"nodes_{checker.rule_set.digest}")

    def evaluate(self, facts: list[dict[str, Any]]) -> NodeAnswers:
        """Assert one document's facts (Checker.facts: the anchor last) and collect every node's firings."""
        fired: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for name, matched in self.engine.evaluate(facts):
            fired[name].append(matched)
        return NodeAnswers({cond: [(self.conjuncts[name], matched) for name in names for matched in fired[name]]
                            for cond, names in self.names.items()})


_CACHE: dict[tuple[str, tuple[str, ...]], NodeRules] = {}


def node_rules(checker: Checker, rules: tuple[Rule, ...]) -> NodeRules:
    """The node rules of these rules of a checker, compiled once while the process lives. They are kept
    by the rule folder's digest (its content) and the rules' ids: checkers of one folder share them,
    and the engine cannot free what it compiled."""
    key = (checker.rule_set.digest, tuple(rule.id for rule in rules))
    if key not in _CACHE:
        _CACHE[key] = NodeRules(checker, rules)
    return _CACHE[key]
