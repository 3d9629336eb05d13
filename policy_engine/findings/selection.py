"""--select and --ignore: which findings a run reports, by rule id, principle (P7) or article (7.5).

Selection works on report entries, after checking: the rules all run (contradiction rules read
other rules' facts), and a left-out rule's finding is dropped from every format and from the counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

_PRINCIPLE = re.compile(r"[Pp](\d+)")
_ARTICLE = re.compile(r"\d+(?:\.\d+)+")


class SelectorError(ValueError):
    """A selector that names no rule, principle or article (the message says which, with a hint)."""


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.select or self.ignore)

    def keeps(self, finding: dict[str, Any]) -> bool:
        if self.select and not any(_matches(s, finding) for s in self.select):
            return False
        return not any(_matches(s, finding) for s in self.ignore)

    def apply(self, document: dict[str, Any]) -> dict[str, Any]:
        """A report["documents"] entry without the findings left out (the same entry when none is)."""
        kept = [f for f in document["findings"] if self.keeps(f)]
        return document if len(kept) == len(document["findings"]) else {**document, "findings": kept}


def _matches(selector: str, finding: dict[str, Any]) -> bool:
    principle = _PRINCIPLE.fullmatch(selector)
    if principle:
        return int(principle.group(1)) == finding["principle"]
    if _ARTICLE.fullmatch(selector):  # 7.5 also selects 7.5.1
        return any(a == selector or a.startswith(selector + ".") for a in finding["articles"])
    return bool(finding["rule"] == selector)


def split(values: Iterable[str]) -> tuple[str, ...]:
    """Selectors from repeated options and comma-separated lists, in order, without repeats."""
    out: list[str] = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return tuple(out)


def check_selectors(selectors: Iterable[str], rule_set: Any, extra_ids: Iterable[str] = ()) -> tuple[str, ...]:
    """The selectors with rule aliases (old ids) made current ids; refuses a selector that names
    nothing in the rule set, since a typo would silently select nothing.

    Raises:
        SelectorError: naming the first unknown selector and what it might have meant.
    """
    from ..files.yamlsrc import did_you_mean

    aliases = {a: r.id for r in rule_set.rules for a in r.aliases}
    ids = set(rule_set.ids()) | set(extra_ids) | set(aliases)
    principles = {r.principle for r in rule_set.rules}
    articles = {a for r in rule_set.rules for a in r.articles}
    out = []
    for selector in selectors:
        out.append(aliases.get(selector, selector))
        principle = _PRINCIPLE.fullmatch(selector)
        if principle:
            if int(principle.group(1)) not in principles:
                raise SelectorError(f"no rule checks principle {selector}; principles with rules: "
                                    + ", ".join(f"P{p}" for p in sorted(principles)))
        elif _ARTICLE.fullmatch(selector):
            if not any(a == selector or a.startswith(selector + ".") for a in articles):
                raise SelectorError(f"no rule cites article {selector}")
        elif selector not in ids:
            hint = did_you_mean(selector, sorted(ids))
            raise SelectorError(f'no such rule: "{selector}"' + (f"; {hint}" if hint else "")
                                + " (give a rule id, a principle like P7 or an article like 7.5)")
    return tuple(out)
