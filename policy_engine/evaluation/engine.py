"""The only module that talks to durable_rules.

Why it is driven this way (see the developer notes on durable_rules 2.0.28):
- We call the C extension directly rather than through durable.engine.Host: Host starts timer
  threads that can run an action off the calling thread (a lost match), and is 3-4x slower.
- Facts, never events: each matching rule fires once, inside the assert call.
- Facts are asserted one at a time; the anchor fact (the programme) goes last, because a
  negated pattern only sees facts asserted before the positive one.
- One session id is reused and deleted after every document, so no state is left behind;
  each ruleset is warmed up first, since deleting a session that never ran an action crashes.
- Rules are split into rulesets of at most 50, under the engine's node and stack limits. A ruleset
  is sent only the facts one of its patterns could take (by type tag and text key): any other fact
  would be rejected unstored, after a call as costly as a useful one.
- One Engine per process: the C core is not thread-safe.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

import durable_rules_engine as _core

from ..errors import EngineError

RULES_PER_RULESET = 50
_WARMUP_RULE = "__warmup"
_WARMUP_FACT = {"t": "__warmup"}
_SID = "0"
_NOT_HANDLED, _OBSERVED = 1, 2
_ROUTE_KEYS = ("t", "k")  # the type tag, and the text test a text fact reports: string equalities


def _routes(rules: dict[str, dict[str, Any]]) -> set[tuple[str, str | None]] | None:
    """The (type tag, text key or None for any) of every fact some pattern in rules could take,
    or None (take every fact) if a pattern does not name its type tag as a plain equality."""
    routes: set[tuple[str, str | None]] = set()
    for body in rules.values():
        for entry in body.get("all", body.get("any", [])):
            for condition in entry.values():
                terms = condition.get("$and", [condition]) if isinstance(condition, dict) else []
                literal = {key: term[key] for term in terms if isinstance(term, dict) and len(term) == 1
                           for key in _ROUTE_KEYS if isinstance(term.get(key), str)}
                if "t" not in literal:
                    return None
                routes.update((literal["t"], k) for k in _keys(terms, literal.get("k")))
    return routes


def _keys(terms: list[Any], literal: str | None) -> list[str | None]:
    """The text keys a pattern's terms take: its literal one, or those of every branch of its $or of
    literal keys (a choice of prose tests); [None] for any."""
    if literal is not None:
        return [literal]
    for term in terms:
        branches = term.get("$or") if isinstance(term, dict) and len(term) == 1 else None
        if not isinstance(branches, list):
            continue
        keys = [next((t["k"] for t in b.get("$and", [b]) if isinstance(t, dict) and isinstance(t.get("k"), str)), None)
                for b in branches if isinstance(b, dict)]
        if keys and None not in keys and len(keys) == len(branches):
            return list(keys)
    return [None]


class Engine:
    """A compiled set of durable_rules rules that evaluates one document's facts at a time.

    Args:
        rules: durable_rules JSON rule bodies ({"all": [...]}) keyed by rule name.
        name: a prefix for the rulesets' names.
    """

    def __init__(self, rules: dict[str, dict[str, Any]], name: str = "policy") -> None:
        names = sorted(rules)
        self._handles: list[int] = []
        self._routes: list[set[tuple[str, str | None]] | None] = []
        for start in range(0, max(len(names), 1), RULES_PER_RULESET):
            chunk = {n: rules[n] for n in names[start:start + RULES_PER_RULESET]}
            self._routes.append(_routes(chunk))
            chunk[_WARMUP_RULE] = {"all": [{"m": {"t": _WARMUP_FACT["t"]}}]}
            try:
                handle = _core.create_ruleset(f"{name}_{start // RULES_PER_RULESET}", json.dumps(chunk))
            except Exception as exc:  # the C core raises bare Exceptions with an error code
                raise EngineError(f"the rule engine refused the compiled rules: {exc}") from None
            self._handles.append(handle)
            self._run(handle, [json.dumps(_WARMUP_FACT)])

    def evaluate(self, facts: Iterable[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        """Assert the facts (anchor last) and return every (rule name, matched facts by name).

        Warm-up matches are dropped. Raises EngineError if the engine rejects a fact.
        """
        encoded = [(fact.get("t"), fact.get("k"), json.dumps(fact)) for fact in facts]
        matches: list[tuple[str, dict[str, Any]]] = []
        for handle, routes in zip(self._handles, self._routes):
            wanted = [text for tag, key, text in encoded
                      if routes is None or (tag, None) in routes or (tag, key) in routes]
            matches.extend(m for m in self._run(handle, wanted) if m[0] != _WARMUP_RULE)
        return matches

    @staticmethod
    def _run(handle: int, facts: list[str]) -> list[tuple[str, dict[str, Any]]]:
        fired: list[tuple[str, dict[str, Any]]] = []
        try:
            for fact in facts:
                code, state = _core.assert_fact(handle, fact)
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
