"""model.Record keeps what frozen dataclasses gave the rule records: equality that tells classes
apart, hashing, immutability, a readable repr, and copies that survive pickling."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from policy_engine.ruleset.rules import All, AnyOf, FieldTest, Not, Rule
from policy_engine.findings.waivers import Waiver, WaiverPolicy


def rule(**changes) -> Rule:
    fields = dict(id="r", title="t", principle=1, articles=("1.1",), severity="warning", message="m",
                  rationale="why", remediation="fix", when=FieldTest("a", "exists", True), source="f:1")
    return Rule(**{**fields, **changes})


def test_equality_tells_classes_apart() -> None:
    test = FieldTest("a", "equals", 1)
    assert All((test,)) == All((FieldTest("a", "equals", 1),))
    assert All((test,)) != AnyOf((test,))  # same fields, another class: a different condition
    assert Not(test) != test
    assert FieldTest("a", "equals", 1) != FieldTest("a", "equals", 1, negated=True)
    assert len({All((test,)), AnyOf((test,)), All((FieldTest("a", "equals", 1),))}) == 2
    assert All((test,)) != (test,)  # not a tuple


def test_records_are_frozen_and_show_their_fields() -> None:
    test = FieldTest("a", "equals", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        test.op = "missing"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del test.path
    assert repr(test) == "FieldTest(path='a', op='equals', value=1, negated=False)"
    assert repr(WaiverPolicy()) == "WaiverPolicy(central=(), inline=True, today=None)"


def test_examples_and_raw_when_do_not_count_for_equality() -> None:
    assert rule(examples={"violating": [{}]}, raw_when={"x": 1}) == rule()
    assert hash(rule(examples={"violating": [{}]})) == hash(rule())
    assert rule() != rule(aliases=("old",))
    assert rule().examples == {} and rule().aliases == ()


def test_records_survive_pickling_and_copying() -> None:
    policy = WaiverPolicy((Waiver("r", "ok", "me", "2030-01-01", "waivers[0]", 3, "w.yaml", "doc-*"),), inline=False)
    for clone in (pickle.loads(pickle.dumps(policy)), copy.deepcopy(policy), copy.copy(policy)):
        assert clone == policy and clone.central[0].document == "doc-*"
    tree = All((Not(FieldTest("a", "equals", 1)), AnyOf(())))
    assert pickle.loads(pickle.dumps(tree)) == tree
