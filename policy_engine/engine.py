"""The only module that talks to durable_rules.

Why it is driven this way (see the developer notes on durable_rules 2.0.28):
- We call the C extension directly rather than through durable.engine.Host: Host starts timer
  threads that can run an action off the calling thread (a lost match), and is 3-4x slower.
- Facts, never events: each matching rule fires once, inside the assert call.
- Facts are asserted one at a time; the anchor fact (the programme) goes last, because a
  negated pattern only sees facts asserted before the positive one.
- One session id is reused and deleted after every document, so no state is left behind;
  each ruleset is warmed up first, since deleting a session that never ran an action crashes.
- Rules are split into rulesets of at most 50, under the engine's node and stack limits.
- One Engine per process: the C core is not thread-safe.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

import durable_rules_engine as _core

from .errors import EngineError

RULES_PER_RULESET = 50
_WARMUP_RULE = "__warmup"
_WARMUP_FACT = {"t": "__warmup"}
_SID = "0"
_NOT_HANDLED, _OBSERVED = 1, 2


class Engine:
    """A compiled set of durable_rules rules that evaluates one document's facts at a time.

    Args:
        rules: durable_rules JSON rule bodies ({"all": [...]}) keyed by rule name.
        name: a prefix for the rulesets' names.
    """

    def __init__(self, rules: dict[str, dict[str, Any]], name: str = "policy") -> None:
        names = sorted(rules)
        self._handles: list[int] = []
        for start in range(0, max(len(names), 1), RULES_PER_RULESET):
            chunk = {n: rules[n] for n in names[start:start + RULES_PER_RULESET]}
            chunk[_WARMUP_RULE] = {"all": [{"m": {"t": _WARMUP_FACT["t"]}}]}
            try:
                handle = _core.create_ruleset(f"{name}_{start // RULES_PER_RULESET}", json.dumps(chunk))
            except Exception as exc:  # the C core raises bare Exceptions with an error code
                raise EngineError(f"the rule engine refused the compiled rules: {exc}") from None
            self._handles.append(handle)
            self._run(handle, [_WARMUP_FACT])

    def evaluate(self, facts: Iterable[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        """Assert the facts (anchor last) and return every (rule name, matched facts by name).

        Warm-up matches are dropped. Raises EngineError if the engine rejects a fact.
        """
        facts = list(facts)
        matches: list[tuple[str, dict[str, Any]]] = []
        for handle in self._handles:
            matches.extend(m for m in self._run(handle, facts) if m[0] != _WARMUP_RULE)
        return matches

    @staticmethod
    def _run(handle: int, facts: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        fired: list[tuple[str, dict[str, Any]]] = []
        try:
            for fact in facts:
                code, state = _core.assert_fact(handle, json.dumps(fact))
                if code in (_NOT_HANDLED, _OBSERVED):
                    continue
                result = _core.start_action_for_state(handle, state)
                while result:
                    message = json.loads(result[1] if isinstance(result, tuple) else result)
                    for rule_name, matched in message.items():
                        fired.append((rule_name, matched))
                    result = _core.complete_and_start_action(handle, state)
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"the rule engine failed on this document: {exc}") from None
        finally:
            try:
                _core.delete_state(handle, _SID)
            except Exception:  # nothing was stored for this session
                pass
        return fired
