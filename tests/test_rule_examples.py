"""Every rule fires on each of its violating examples and stays quiet on each compliant one."""

from __future__ import annotations

import pytest

from policy_engine.reading.documents import parse_document
from policy_engine.ruleset.rules import All, AnyOf, Not, ProseTest, load_rule_set
from tests.conftest import ROOT

import yaml

RULE_SET, _ = load_rule_set(ROOT / "rules")
EXAMPLES = [(rule.id, kind, index, example)
            for rule in RULE_SET.rules
            for kind in ("violating", "compliant")
            for index, example in enumerate(rule.examples.get(kind, []))]


def _languages(sentences: object) -> set[str]:
    if isinstance(sentences, dict):
        return {str(language) for language, texts in sentences.items() if texts}
    if isinstance(sentences, list):
        return {str(item.get("language", "en")) for item in sentences if isinstance(item, dict)}
    return set()


def _reads_prose(condition: object) -> bool:
    if isinstance(condition, ProseTest):
        return True
    if isinstance(condition, (All, AnyOf)):
        return any(_reads_prose(item) for item in condition.items)
    return isinstance(condition, Not) and _reads_prose(condition.item)


def test_every_rule_has_both_kinds_of_example() -> None:
    for rule in RULE_SET.rules:
        assert rule.examples.get("violating") or rule.examples.get("fire"), f"{rule.id} has no violating example"
        assert rule.examples.get("compliant") or rule.examples.get("quiet"), f"{rule.id} has no compliant example"


@pytest.mark.parametrize("rule", [r for r in RULE_SET.rules if _reads_prose(r.when)], ids=lambda r: r.id)
def test_every_prose_rule_fires_and_stays_quiet_in_every_language_it_reads(rule) -> None:
    readable = set(RULE_SET.lexicon.readable())
    assert readable >= {"en", "es", "fr"}
    assert readable <= _languages(rule.examples.get("fire")), f"{rule.id}: fire sentences"
    assert readable <= _languages(rule.examples.get("quiet")), f"{rule.id}: quiet sentences"


@pytest.mark.parametrize("rule_id,kind,index,example", EXAMPLES, ids=lambda v: str(v) if not isinstance(v, dict) else "")
def test_rule_example(checker, rule_id: str, kind: str, index: int, example: dict) -> None:
    doc = parse_document(yaml.safe_dump(example, allow_unicode=True), f"{rule_id}-{kind}-{index}.yaml", ".yaml")
    fired = {f.rule for f in checker.check(doc).findings}
    if kind == "violating":
        assert rule_id in fired
    else:
        assert rule_id not in fired
