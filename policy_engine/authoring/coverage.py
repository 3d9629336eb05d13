"""`policy-check rules coverage`: which principles and articles have rules and tests behind them.

A row per principle (the rules filed under it or citing one of its articles) and per catalogued article (the rules citing it). For each
row, two kinds of case count:
  firing  the case expects one of the row's rules (or the article or principle itself: '7.5', 'P7')
          to fire (`findings` or `must_flag`);
  quiet   the case expects them to stay quiet: `must_not_flag` names them, an exact `findings` list
          leaves them out, or `no_violation` covers a violation-level rule of the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..ruleset.rules import Rule, RuleSet
from .ruletest import Case


@dataclass(frozen=True)
class Row:
    scope: str                 # "P7" for a principle, "7.5" for an article
    title: str
    rules: tuple[str, ...]
    examples: int
    firing: tuple[str, ...]
    quiet: tuple[str, ...]

    @property
    def is_principle(self) -> bool:
        return self.scope.startswith("P")

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "title": self.title, "rules": list(self.rules), "examples": self.examples,
                "firing_cases": list(self.firing), "quiet_cases": list(self.quiet)}


def _named(case: Case, *keys: str) -> set[str]:
    return {str(t) for key in keys for t in case.expect.get(key) or []}


def _fires(case: Case, names: set[str]) -> bool:
    return bool(_named(case, "findings", "must_flag") & names)


def _quiet(case: Case, names: set[str], rules: list[Rule]) -> bool:
    if _named(case, "must_not_flag") & names:
        return True
    if rules and "findings" in case.expect and not _named(case, "findings") & names:
        return True
    return bool(case.expect.get("no_violation")) and any(r.severity == "violation" for r in rules)


def _row(scope: str, title: str, rules: list[Rule], cases: Iterable[Case], also: Iterable[str] = ()) -> Row:
    names = {r.id for r in rules} | {a for r in rules for a in r.aliases} | {scope, scope.lower(), *also}
    cases = list(cases)
    examples = sum(len(r.examples.get(kind) or []) for r in rules for kind in ("violating", "compliant"))
    return Row(scope, title, tuple(sorted(r.id for r in rules)), examples,
               tuple(sorted(c.name for c in cases if _fires(c, names))),
               tuple(sorted(c.name for c in cases if _quiet(c, names, rules))))


def coverage(rule_set: RuleSet, cases: list[Case]) -> list[Row]:
    """One row per principle, each followed by a row per article of it, in policy order."""
    rows = []
    for number, principle in sorted(rule_set.policy.principles.items()):
        # a principle's rules: those filed under it, and those citing one of its articles
        rules = [r for r in rule_set.rules if r.principle == number or set(r.articles) & set(principle.articles)]
        rows.append(_row(f"P{number}", principle.title, rules, cases, principle.articles))
        for article, summary in principle.articles.items():
            citing = [r for r in rule_set.rules if article in r.articles]
            rows.append(_row(article, summary, citing, cases))
    return rows


def gaps(rows: list[Row], rule_set: RuleSet, cases: list[Case]) -> dict[str, list[str]]:
    """Principles and articles with no rule, and rules that no case exercises."""
    named = set().union(*(_named(c, "findings", "must_flag") for c in cases)) if cases else set()
    return {
        "principles_without_rules": [r.scope for r in rows if r.is_principle and not r.rules],
        "articles_without_rules": [r.scope for r in rows if not r.is_principle and not r.rules],
        "rules_without_cases": sorted(r.id for r in rule_set.rules if not ({r.id, *r.aliases} & named)),
    }


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def render_text(rows: list[Row], found: dict[str, list[str]], verbose: bool = False) -> str:
    lines = [f"{'SCOPE':<6} {'TITLE':<52} {'RULES':>5} {'EXAMPLES':>8} {'FIRING':>6} {'QUIET':>5}",
             f"{'':<6} {'':<52} {'':>5} {'':>8} {'CASES':>6} {'CASES':>5}"]
    for row in rows:
        indent = "" if row.is_principle else "  "
        flag = "  <- no rules" if not row.rules else ("  <- no firing case" if not row.firing else "")
        lines.append(f"{indent + row.scope:<6} {_clip(row.title, 52):<52} {len(row.rules):>5} "
                     f"{row.examples:>8} {len(row.firing):>6} {len(row.quiet):>5}{flag}")
        if verbose:
            for rule in row.rules:
                lines.append(f"{'':<9}rule   {rule}")
            for case in row.firing:
                lines.append(f"{'':<9}fires  {case}")
            for case in row.quiet:
                lines.append(f"{'':<9}quiet  {case}")
    lines.append("")
    labels = {"principles_without_rules": "Principles without rules",
              "articles_without_rules": "Articles without rules",
              "rules_without_cases": "Rules without cases"}
    for key, label in labels.items():
        lines.append(f"{label}: {', '.join(found[key]) if found[key] else 'none'}")
    return "\n".join(lines) + "\n"


def render_markdown(rows: list[Row], found: dict[str, list[str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("<", "&lt;")

    lines = ["| Scope | Title | Rules | Examples | Firing cases | Quiet cases |", "|---|---|---|---|---|---|"]
    for row in rows:
        scope = f"**{row.scope}**" if row.is_principle else row.scope
        rules = ", ".join(f"`{r}`" for r in row.rules) or "**none**"
        firing = ", ".join(row.firing) or "none"
        lines.append(f"| {scope} | {cell(row.title)} | {rules} | {row.examples} | {cell(firing)} | "
                     f"{len(row.quiet)} |")
    lines.append("")
    for key, values in found.items():
        lines.append(f"- {key.replace('_', ' ').capitalize()}: {', '.join(values) if values else 'none'}")
    return "\n".join(lines) + "\n"


def to_dict(rows: list[Row], found: dict[str, list[str]]) -> dict[str, Any]:
    return {"rows": [r.to_dict() for r in rows], "gaps": found}
