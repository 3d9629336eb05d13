"""Where each rule of a loaded rule set sits in its file, so authoring tools can point at exact lines.

The loader (rules.py) keeps only what checking needs. Lint, the rule tests, explain and the
handbook also want the line and column of any part of a rule (a pattern, an example), so they
re-read the rule files here, once, with the located YAML loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..files.yamlsrc import Located, join, load_yaml
from .rules import RuleSet, locate


@dataclass(frozen=True)
class RuleSource:
    """One rule's place in its file.

    Args:
        rule_id: the rule's id.
        file: the rule file, as the loader named it.
        path: the rule's path inside the file, e.g. rules[3].
        located: the whole file, loaded with lines and columns.
    """

    rule_id: str
    file: str
    path: str
    located: Located

    @property
    def body(self) -> dict[str, Any]:
        data = self.located.data
        return data["rules"][int(self.path[6:-1])]  # type: ignore[no-any-return]

    def at(self, sub: str = "") -> tuple[int | None, int | None]:
        """Line and column of a part of the rule (sub is relative: 'when.any[0]', 'examples.violating[1]')."""
        return locate(self.located, f"{self.path}.{sub}" if sub else self.path)

    def location(self, sub: str = "") -> str:
        line, column = self.at(sub)
        return ":".join([self.file] + [str(n) for n in (line, column) if n is not None])


def rule_sources(rule_set: RuleSet) -> dict[str, RuleSource]:
    """The source of every rule in the set, keyed by rule id (files that no longer parse are skipped)."""
    files = sorted({rule.source.rsplit(":", 1)[0] for rule in rule_set.rules})
    out: dict[str, RuleSource] = {}
    for file in files:
        try:
            located = load_yaml(Path(file).read_text(encoding="utf-8"), file)
        except (OSError, UnicodeDecodeError, InputError):
            continue
        data = located.data if isinstance(located.data, dict) else {}
        for index, body in enumerate(data.get("rules") or []):
            if isinstance(body, dict) and "id" in body:
                out.setdefault(str(body["id"]), RuleSource(str(body["id"]), file, f"rules[{index}]", located))
    return out


def walk_conditions(node: Any, path: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every condition mapping under a raw `when` (itself first), with its path, in reading order."""
    if not isinstance(node, dict):
        return
    yield node, path
    for key in ("all", "any"):
        if isinstance(node.get(key), list):
            for index, child in enumerate(node[key]):
                yield from walk_conditions(child, join(join(path, key), index))
    if "not" in node:
        yield from walk_conditions(node["not"], join(path, "not"))
    if "where" in node:
        yield from walk_conditions(node["where"], join(path, "where"))


def concept_sources(rule_set: RuleSet) -> dict[str, tuple[str, Located]]:
    """Each concept's file and that file loaded with lines, so tests and lint can point into it."""
    out: dict[str, tuple[str, Located]] = {}
    loaded: dict[str, Located | None] = {}
    for name, concept in rule_set.lexicon.concepts.items():
        if concept.file not in loaded:
            try:
                loaded[concept.file] = load_yaml(Path(concept.file).read_text(encoding="utf-8"), concept.file)
            except (OSError, UnicodeDecodeError, InputError):
                loaded[concept.file] = None
        located = loaded[concept.file]
        if located is not None:
            out[name] = (concept.file, located)
    return out
