"""The policy catalogue: the ten principles and the articles rules may cite (rules/policy.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..errors import InputError, RuleError
from ..files.cache import load_yaml_file
from ..files.inputfile import read_bytes


class Principle(NamedTuple):
    number: int
    title: str
    summary: str
    articles: dict[str, str]


class Policy(NamedTuple):
    name: str
    version: str
    principles: dict[int, Principle]

    def article(self, article_id: str) -> str | None:
        number = int(article_id.split(".")[0]) if article_id.split(".")[0].isdigit() else -1
        principle = self.principles.get(number)
        return principle.articles.get(article_id) if principle else None

    def all_articles(self) -> list[tuple[int, str, str]]:
        return [(p.number, a, text) for p in self.principles.values() for a, text in p.articles.items()]


def load_policy(path: Path) -> Policy:
    """Read policy.yaml; every mistake is a RuleError with its line."""
    name = str(path)
    try:
        located = load_yaml_file(read_bytes(path, what="policy file"), name)
    except UnicodeDecodeError:
        raise RuleError("policy file is not UTF-8 text", name) from None
    except InputError as exc:
        raise RuleError(exc.message, exc.path, exc.line, exc.column) from None
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("principles"), dict):
        raise RuleError("expected 'policy' and 'principles' mappings", name, 1)
    meta = data.get("policy") or {}
    principles: dict[int, Principle] = {}
    for key, body in data["principles"].items():
        line = located.lines.get(f"principles.{key}")
        if not isinstance(key, int) or not 1 <= key <= 10:
            raise RuleError(f"principle '{key}' must be a number from 1 to 10", name, line)
        if not isinstance(body, dict) or not isinstance(body.get("title"), str):
            raise RuleError(f"principle {key} needs a 'title'", name, line)
        articles = body.get("articles") or {}
        if not isinstance(articles, dict):
            raise RuleError(f"principle {key}: 'articles' must map article numbers to summaries", name, line)
        for article in articles:
            if not str(article).startswith(f"{key}."):
                raise RuleError(f"article '{article}' does not belong to principle {key}", name,
                                located.lines.get(f"principles.{key}.articles.{article}", line))
        principles[key] = Principle(key, body["title"], str(body.get("summary", "")),
                                    {str(a): str(t) for a, t in articles.items()})
    missing = sorted(set(range(1, 11)) - set(principles))
    if missing:
        raise RuleError(f"principles missing: {', '.join(map(str, missing))}", name, 1)
    return Policy(str(meta.get("name", "IFRC Policy on Migration")), str(meta.get("version", "")), principles)
