"""Compile parsed rules into durable_rules patterns, and documents into facts.

A rule's condition is brought to negation normal form and then to a disjunction of conjunctions;
each conjunction becomes one durable_rules rule whose patterns are:
  the anchor fact ({"t": "programme", ...}) carrying the programme's scalar fields, then
  negated patterns ($not) for "no such item", "no such text" and "the prose does not say so", then
  item facts (one per list item: {"t": "partners", "i": 0, ...}), prose facts and text-hit facts.
Documents assert item, prose and text facts first and the anchor last.
Only one document is ever in a session, so facts need no join key.
The reader (prose/) finds, in Python, where the concepts of each prose test occur together; each
place becomes a fact with its section, stance and polarity ({"t": "prose", "k": ..., "sec":
"eligibility", "st": "plan", "pol": "affirmed", ...}). Which of those count, and how they combine
with fields, lists and each other, is decided by the compiled rules on durable_rules.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, NamedTuple

from ..errors import RuleError
from ..model import Document, Evidence, Location
from ..reading.columns import Locator
from ..ruleset.prose import POLARITIES, STANCES
from ..ruleset.rules import All, AnyOf, Condition, FieldTest, ItemTest, Not, ProseTest, Rule, TextTest

MAX_CONJUNCTS = 64
# The engine keeps a pattern's $and and $or in a sequence of fewer than 32 entries, two per operator
# (error 113 beyond; measured): a choice of prose tests too long for one pattern is cut into several.
MAX_SEQUENCE = 31
MAX_STRING = 1000  # longer strings are only ever tested for presence
ANCHOR = "programme"
TEXT = "text"
PROSE = "prose"
UNREAD = "unread"  # asserted when the prose could not be read: no rule may conclude it is silent


def key(path: str) -> str:
    """Fact key for a field path: prefixed so no user field can clash with the engine's own (id, sid)."""
    return "f_" + path.replace(".", "__")


# ---- normal forms -------------------------------------------------------------------------------

def nnf(cond: Condition, negate: bool = False) -> Condition:
    """Push every negation down to the tests."""
    if isinstance(cond, All):
        parts = tuple(nnf(c, negate) for c in cond.items)
        return AnyOf(parts) if negate else All(parts)
    if isinstance(cond, AnyOf):
        parts = tuple(nnf(c, negate) for c in cond.items)
        return All(parts) if negate else AnyOf(parts)
    if isinstance(cond, Not):
        return nnf(cond.item, not negate)
    if isinstance(cond, FieldTest):
        return FieldTest(cond.path, cond.op, cond.value, cond.negated != negate)
    if isinstance(cond, TextTest):
        return TextTest(cond.key, cond.scopes, cond.matches, cond.unless, cond.negated != negate)
    if isinstance(cond, ProseTest):
        return ProseTest(cond.spec, cond.scopes, cond.stances, cond.said, cond.negated != negate)
    if isinstance(cond, ItemTest):
        if cond.quantifier == "all_items":
            assert cond.where is not None
            # every item matches = there is an item, and no item fails
            expanded = All((ItemTest("any_item", cond.collection, None),
                            ItemTest("no_item", cond.collection, Not(cond.where))))
            return nnf(expanded, negate)
        where = nnf(cond.where) if cond.where is not None else None
        flip = {"any_item": "no_item", "no_item": "any_item"}
        return ItemTest(flip[cond.quantifier] if negate else cond.quantifier, cond.collection, where)
    raise TypeError(cond)


class ProseChoice(NamedTuple):
    """Prose tests of which any one will do, side by side in an `any`: one pattern with a branch per
    test, not one compiled rule per test (a rule reading another's prose tests would otherwise be
    multiplied by their number, and every compiled rule costs the engine time to build and run)."""

    tests: tuple[ProseTest, ...]


def merge_prose_choices(cond: Condition) -> Condition:
    """An NNF condition with the prose tests said (not denied) in each `any` joined into one ProseChoice,
    where the first of them stood."""
    if isinstance(cond, All):
        return All(tuple(merge_prose_choices(c) for c in cond.items))
    if not isinstance(cond, AnyOf):
        return cond
    items = [merge_prose_choices(c) for c in cond.items]
    said = tuple(c for c in items if isinstance(c, ProseTest) and not c.negated)
    if len(said) < 2:
        return AnyOf(tuple(items))
    first = items.index(said[0])
    rest = [c for c in items if not (isinstance(c, ProseTest) and not c.negated)]
    choices: list[ProseChoice] = []
    length = 0
    for test in said:
        branch = sequence_length(prose_branch(test))
        if choices and length + branch <= MAX_SEQUENCE:
            choices[-1] = ProseChoice(choices[-1].tests + (test,))
            length += branch
        else:
            choices.append(ProseChoice((test,)))
            length = choice_own_length() + branch  # the pattern's own $and and $or, then the branch
    # a ProseChoice is an atom to dnf, as a test is (the Condition type does not name it)
    merged: list[Any] = rest[:first] + choices + rest[first:]
    return merged[0] if len(merged) == 1 else AnyOf(tuple(merged))


def dnf(cond: Condition) -> list[list[Condition]]:
    """A list of conjunctions (each a list of tests) equivalent to an NNF condition."""
    if isinstance(cond, AnyOf):
        return [conj for c in cond.items for conj in dnf(c)]
    if isinstance(cond, All):
        result: list[list[Condition]] = [[]]
        for c in cond.items:
            result = [left + right for left in result for right in dnf(c)]
            if len(result) > MAX_CONJUNCTS:
                break
        return result
    return [[cond]]


# ---- durable_rules expressions -----------------------------------------------------------------

def field_expression(test: FieldTest) -> dict[str, Any]:
    """A durable_rules expression for one field test on a fact (the anchor, or one item)."""
    k = key(test.path)
    absent = {"$nex": {k: 1}}
    present = {"$ex": {k: 1}}
    op, value = test.op, test.value
    if op == "exists":
        return absent if test.negated else present
    if op == "missing":
        return present if test.negated else absent
    if op == "equals":
        return {"$or": [absent, {"$neq": {k: value}}]} if test.negated else {k: value}
    if op == "one_of":
        if test.negated:
            return {"$or": [absent, {"$and": [{"$neq": {k: v}} for v in value]}]}
        return {"$or": [{k: v} for v in value]} if len(value) > 1 else {k: value[0]}
    opposite = {"gt": "$lte", "gte": "$lt", "lt": "$gte", "lte": "$gt"}
    if op in opposite:
        return {"$or": [absent, {opposite[op]: {k: value}}]} if test.negated else {"$" + op: {k: value}}
    raise ValueError(f"operator {op} is not compiled here")


def item_expression(cond: Condition) -> dict[str, Any]:
    """A durable_rules expression over one item's fields (cond is in NNF)."""
    if isinstance(cond, FieldTest):
        return field_expression(cond)
    if isinstance(cond, All):
        return {"$and": [item_expression(c) for c in cond.items]}
    if isinstance(cond, AnyOf):
        return {"$or": [item_expression(c) for c in cond.items]}
    raise TypeError(cond)


def item_fields(cond: Condition | None) -> list[str]:
    if cond is None:
        return []
    if isinstance(cond, FieldTest):
        return [cond.path]
    if isinstance(cond, (All, AnyOf)):
        return [f for c in cond.items for f in item_fields(c)]
    return []


def pattern(tag: str, expressions: list[dict[str, Any]]) -> dict[str, Any]:
    # A multi-key mapping would be read as one test only: always combine with $and.
    return {"$and": [{"t": tag}, *expressions]} if expressions else {"t": tag}


def _one_of(name: str, values: list[str]) -> dict[str, Any]:
    return {name: values[0]} if len(values) == 1 else {"$or": [{name: v} for v in values]}


def prose_pattern(tests: tuple[ProseTest, ...]) -> dict[str, Any]:
    """The facts any of some prose tests accepts (one branch per test)."""
    if len(tests) == 1:
        return pattern(PROSE, prose_expressions(tests[0]))
    return pattern(PROSE, [{"$or": [prose_branch(test) for test in tests]}])


def choice_own_length() -> int:
    """The entries a choice's pattern takes before its branches: its own $and, and its $or."""
    return sequence_length(pattern(PROSE, [{"$or": []}]))


def prose_branch(test: ProseTest) -> dict[str, Any]:
    """A prose test as one branch of an $or."""
    expressions = prose_expressions(test)
    return {"$and": expressions} if len(expressions) > 1 else expressions[0]


def sequence_length(expression: Any) -> int:
    """The entries a pattern takes in the engine's expression sequence: two per $and or $or."""
    total = 0
    for item in (expression if isinstance(expression, list) else [expression]):
        if isinstance(item, dict):
            for name, value in item.items():
                if name in ("$and", "$or"):
                    total += 2 + sequence_length(value)
                elif isinstance(value, (dict, list)):
                    total += sequence_length(value)
    return total


def prose_expressions(test: ProseTest) -> list[dict[str, Any]]:
    """What a prose test asks of a fact: its spec's places, in its sections, stances and polarities."""
    expressions: list[dict[str, Any]] = [{"k": test.key}]
    if test.scopes:
        expressions.append({"$or": [{"sub" if "." in s else "sec": s} for s in test.scopes]}
                           if len(test.scopes) > 1 else {"sub" if "." in test.scopes[0] else "sec": test.scopes[0]})
    if set(test.stances) != set(STANCES):
        expressions.append(_one_of("st", list(test.stances)))
    if set(test.said) != set(POLARITIES):
        expressions.append(_one_of("pol", list(test.said)))
    return expressions


class Conjunct(NamedTuple):
    rule: Rule
    name: str                                   # durable rule name
    fields: tuple[FieldTest, ...]               # tests on the anchor
    items: tuple[tuple[str, ItemTest], ...]     # (fact name, positive item test)
    absent_items: tuple[ItemTest, ...]
    texts: tuple[tuple[str, TextTest], ...]     # (fact name, positive text test)
    absent_texts: tuple[TextTest, ...]
    proses: tuple[tuple[str, tuple[ProseTest, ...]], ...] = ()   # (fact name, prose tests of which one holds)
    absent_proses: tuple[ProseTest, ...] = ()

    def to_durable(self) -> dict[str, Any]:
        # Order matters. A $not pattern only sees facts asserted before the first fact of the
        # sequence it sits in, so the sequence starts with the anchor, which is asserted last
        # (after every item and text fact); the negations follow it, then the positive patterns,
        # which join with facts already stored. Tested in tests/test_engine.py.
        patterns: list[dict[str, Any]] = [{"p": pattern(ANCHOR, [field_expression(t) for t in self.fields])}]
        for n, test in enumerate(self.absent_items):
            exprs = [item_expression(test.where)] if test.where is not None else []
            patterns.append({f"n{n}$not": pattern(test.collection, exprs)})
        for n, text in enumerate(self.absent_texts):
            patterns.append({f"m{n}$not": pattern(TEXT, [{"k": text.key}])})
        for n, prose in enumerate(self.absent_proses):
            patterns.append({f"a{n}$not": prose_pattern((prose,))})
        if self.absent_proses:
            patterns.append({"u$not": pattern(UNREAD, [])})
        for fact_name, test in self.items:
            exprs = [item_expression(test.where)] if test.where is not None else []
            patterns.append({fact_name: pattern(test.collection, exprs)})
        for fact_name, text in self.texts:
            patterns.append({fact_name: pattern(TEXT, [{"k": text.key}])})
        for fact_name, choice in self.proses:
            patterns.append({fact_name: prose_pattern(choice)})
        return {"all": patterns}


def compile_rule(rule: Rule, index: int) -> list[Conjunct]:
    """A rule's durable_rules rules, one per conjunction of its `when`, named r<index>_<conjunction>."""
    conjuncts = compile_condition(rule.when, rule, f"r{index:04d}")
    if len(conjuncts) > MAX_CONJUNCTS:
        raise RuleError(f"rule '{rule.id}': condition too complex (more than {MAX_CONJUNCTS} alternatives once "
                        "expanded); split it into several rules", rule.source.rsplit(":", 1)[0])
    return conjuncts


def compile_condition(cond: Condition, rule: Rule, name: str) -> list[Conjunct]:
    """A condition compiled as if it were a rule's `when`: one Conjunct per conjunction of its
    disjunctive normal form, named <name>_<conjunction>. A rule's `when` is compiled this way, and
    explain compiles each part of one the same way."""
    out = []
    for c_index, atoms in enumerate(dnf(merge_prose_choices(nnf(cond)))):
        fields: list[FieldTest] = []
        items: list[tuple[str, ItemTest]] = []
        absent_items: list[ItemTest] = []
        texts: list[tuple[str, TextTest]] = []
        absent_texts: list[TextTest] = []
        proses: list[tuple[str, tuple[ProseTest, ...]]] = []
        absent_proses: list[ProseTest] = []
        for atom in atoms:
            if isinstance(atom, FieldTest):
                fields.append(atom)
            elif isinstance(atom, ItemTest):
                if atom.quantifier == "any_item":
                    items.append((f"i{len(items)}", atom))
                else:
                    absent_items.append(atom)
            elif isinstance(atom, TextTest):
                if atom.negated:
                    absent_texts.append(atom)
                else:
                    texts.append((f"x{len(texts)}", atom))
            elif isinstance(atom, ProseTest):
                if atom.negated:
                    absent_proses.append(atom)
                else:
                    proses.append((f"s{len(proses)}", (atom,)))
            elif isinstance(atom, ProseChoice):
                proses.append((f"s{len(proses)}", atom.tests))
        out.append(Conjunct(rule, f"{name}_{c_index:02d}", tuple(fields), tuple(items),
                            tuple(absent_items), tuple(texts), tuple(absent_texts), tuple(proses),
                            tuple(absent_proses)))
    return out


# ---- facts from a document ----------------------------------------------------------------------

def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path (no indices), or None."""
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def fact_value(value: Any) -> Any:
    """How a value appears in a fact: empty means absent; lists count; mappings are present."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return True
    if isinstance(value, str):
        return value[:MAX_STRING]
    return value


class FactPlan:
    """Which fields of a document the rules look at: only those go into facts (the engine caps
    properties per fact, and smaller facts are faster)."""

    def __init__(self, anchor_fields: set[str], item_fields: dict[str, set[str]]) -> None:
        self.anchor_fields = anchor_fields
        self.item_fields = item_fields

    def facts(self, doc: Document, text_hits: set[str],
              prose_facts: list[dict[str, Any]] | tuple[()] = ()) -> Iterator[dict[str, Any]]:
        for collection in sorted(self.item_fields):
            value = get_path(doc.data, collection)
            if not isinstance(value, list):
                continue
            for index, item in enumerate(value):
                fact: dict[str, Any] = {"t": collection, "i": index}
                if isinstance(item, dict):
                    for name in sorted(self.item_fields[collection]):
                        v = fact_value(get_path(item, name))
                        if v is not None:
                            fact[key(name)] = v
                else:
                    v = fact_value(item)
                    if v is not None:
                        fact[key("v")] = v
                yield fact
        for text_key in sorted(text_hits):
            yield {"t": TEXT, "k": text_key}
        yield from prose_facts
        anchor: dict[str, Any] = {"t": ANCHOR}
        for path in sorted(self.anchor_fields):
            v = fact_value(get_path(doc.data, path))
            if v is not None:
                anchor[key(path)] = v
        yield anchor


def plan_for(conjuncts: list[Conjunct]) -> FactPlan:
    plan = FactPlan(set(), {})
    for conj in conjuncts:
        plan.anchor_fields.update(t.path for t in conj.fields)
        for test in [t for _, t in conj.items] + list(conj.absent_items):
            plan.item_fields.setdefault(test.collection, set()).update(item_fields(test.where))
    return plan


# Where a finding points (docs/internals.md, "Where a finding points"). Each firing of a rule names
# one place, by this precedence: the sentence whose words made a prose test hold (or that a text
# pattern found), then the list item at fault, then the field at fault, then where what is missing
# was expected. Among places of one kind, the test written last in the rule's `all` wins: rules name
# the context first (an awareness activity) and the fault last (that it aims to stop migration).
# Among firings, the place of the best kind, then the first in the draft.
SENTENCE, ITEM, FIELD, MISSING = range(4)


class Fault(NamedTuple):
    """The place one firing of a rule points at: its kind (SENTENCE ... MISSING), the location, and
    the evidence quoted there (None when the place is where something missing was expected)."""

    kind: int
    location: Location
    evidence: Evidence | None = None

    def order(self) -> tuple[int, bool, int, int]:
        line, column = self.location.line, self.location.column
        return (self.kind, line is None, line or 0, column or 0)


def sentence_fault(evidence: Evidence, locator: Locator) -> Fault:
    """The place of a quoted sentence (its line corrected inside a folded YAML scalar, see Locator)."""
    line, column = locator.sentence(evidence.line, evidence.field, evidence.quote)
    return Fault(SENTENCE, Location(line, column, evidence.field), evidence)


def evidence_fault(kind: int, evidence: Evidence, locator: Locator) -> Fault:
    """The place of a list item's or a field's evidence: its value, else its key."""
    column = locator.evidence_column(evidence.line, evidence.field, evidence.quote)
    return Fault(kind, Location(evidence.line, column, evidence.field), evidence)


def missing_place(conj: Conjunct, doc: Document, locator: Locator) -> Location:
    """Where what a firing found missing was expected: the nearest enclosing field that the draft has,
    the list that has no matching item, the section (or field) a prose or text test was to read; else
    no line (the draft has no such place), naming the field expected in a structured draft."""
    candidates: list[Location] = []
    for test in conj.fields:
        if fact_value(get_path(doc.data, test.path)) is None:
            line, column = locator.enclosing(test.path)
            candidates.append(Location(line, column, test.path))
    for absent in conj.absent_items:
        line, column = locator.enclosing(absent.collection)
        candidates.append(Location(line, column, absent.collection))
    for scopes in [t.scopes for t in conj.absent_proses] + [t.scopes for t in conj.absent_texts]:
        named = tuple(s for s in scopes if s != "*")
        if not named:
            continue
        for scope in named:
            if scope in doc.lines:
                candidates.append(Location(doc.lines[scope], doc.columns.get(scope), scope))
                break
        else:
            section = locator.section(named)
            if section is not None:
                candidates.append(Location(*section))
            elif not doc.prose:
                candidates.append(Location(None, None, named[0]))
    placed = [c for c in candidates if c.line is not None]
    return (placed or candidates or [Location(None)])[0]


def evidence_for(conj: Conjunct, matched: dict[str, Any], doc: Document,
                 text_evidence: dict[str, list[Evidence]],
                 prose_evidence: Callable[[dict[str, Any]], Evidence | None] | None = None,
                 locator: Locator | None = None) -> tuple[list[Evidence], Fault]:
    """Turn one firing (the facts durable_rules matched) into evidence lines in the document, and the
    place the firing points at (see Fault). The evidence has no columns yet: only the few a finding
    keeps get theirs (checker.with_columns)."""
    locator = locator or Locator(doc)
    out: list[Evidence] = []
    faults: list[Fault] = []  # the candidates of each kind, in the rule's order; the last of the best kind wins
    for fact_name, _ in conj.proses:
        found = prose_evidence(matched.get(fact_name, {})) if prose_evidence is not None else None
        if found is not None:
            out.append(found)
            faults.append(sentence_fault(found, locator))
    for _, text in conj.texts:
        hits = text_evidence.get(text.key, [])
        out.extend(hits)
        if hits:
            faults.append(sentence_fault(hits[0], locator))  # the first sentence the pattern found
    for fact_name, test in conj.items:
        fact = matched.get(fact_name, {})
        index = fact.get("i")
        base = f"{test.collection}[{index}]"
        value = get_path(doc.data, test.collection)
        item = value[index] if isinstance(value, list) and isinstance(index, int) and index < len(value) else None
        names = item_fields(test.where)
        first = len(out)
        if isinstance(item, dict):
            for name in names or ["name"]:
                v = get_path(item, name)
                if v is not None:
                    out.append(Evidence(doc.line_of(f"{base}.{name}"), f"{base}.{name}", quote(v)))
            if not any(get_path(item, n) is not None for n in names or ["name"]):
                out.append(Evidence(doc.line_of(base), base, None))
        else:
            out.append(Evidence(doc.line_of(base), base, quote(item)))
        faults.append(evidence_fault(ITEM, out[first], locator))
    for field_test in conj.fields:
        v = get_path(doc.data, field_test.path)
        present = fact_value(v) is not None
        out.append(Evidence(doc.lines.get(field_test.path) if present else None, field_test.path,
                            quote(v) if present else None))
        if present:
            faults.append(evidence_fault(FIELD, out[-1], locator))
    for absent in conj.absent_items:
        v = get_path(doc.data, absent.collection)
        out.append(Evidence(doc.lines.get(absent.collection), absent.collection,
                            None if not v else f"{len(v)} item(s), none matching"))
    if faults:
        best = min(f.kind for f in faults)
        return out, [f for f in faults if f.kind == best][-1]
    place = missing_place(conj, doc, locator)
    return out, Fault(MISSING, place, next((e for e in out if place.field and e.field == place.field), None))


def quote(value: Any, limit: int = 300) -> str:
    """A value as shown in evidence: text as is; a mapping or list by the texts inside it."""
    if isinstance(value, (dict, list)):
        from ..text.textscan import iter_strings
        texts = [t for _, t in iter_strings(value, "")]
        value = "; ".join(texts) if texts else f"{len(value)} item(s)"
    text = value if isinstance(value, str) else (
        "true" if value is True else "false" if value is False else str(value))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
