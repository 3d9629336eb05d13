"""Every rule fires on each of its violating examples and stays quiet on each compliant one."""

from __future__ import annotations

import pytest

from policy_engine.documents import parse_document
from policy_engine.rules import load_rule_set
from tests.conftest import ROOT

import yaml

RULE_SET, _ = load_rule_set(ROOT / "rules")
EXAMPLES = [(rule.id, kind, index, example)
            for rule in RULE_SET.rules
            for kind in ("violating", "compliant")
            for index, example in enumerate(rule.examples.get(kind, []))]


def test_every_rule_has_both_kinds_of_example() -> None:
    for rule in RULE_SET.rules:
        assert rule.examples.get("violating"), f"{rule.id} has no violating example"
        assert rule.examples.get("compliant"), f"{rule.id} has no compliant example"


@pytest.mark.parametrize("rule_id,kind,index,example", EXAMPLES, ids=lambda v: str(v) if not isinstance(v, dict) else "")
def test_rule_example(checker, rule_id: str, kind: str, index: int, example: dict) -> None:
    doc = parse_document(yaml.safe_dump(example, allow_unicode=True), f"{rule_id}-{kind}-{index}.yaml", ".yaml")
    fired = {f.rule for f in checker.check(doc).findings}
    if kind == "violating":
        assert rule_id in fired
    else:
        assert rule_id not in fired
