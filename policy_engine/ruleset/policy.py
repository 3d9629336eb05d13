"""The policy catalogue (a rule folder's policy.yaml): the policy's name and version, its principles with
the articles rules may cite, and the score each verdict gives a principle.

These are data, read here and nowhere else: the rule loader checks the principles and articles rules
cite against them, every report names the principles from them (numbers and titles), and the matrix,
the HTML report and the register score with them. The file's shape is policy.schema.json (in
policy_engine/schemas); every mistake is reported with its file and line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..errors import InputError, RuleError
from ..files.cache import load_yaml_file
from ..files.inputfile import read_bytes
from ..files.yamlsrc import Located, locate
from .schemas import json_view, schema_problems, validator


class Principle(NamedTuple):
    number: int
    title: str
    summary: str
    articles: dict[str, str]


class Policy(NamedTuple):
    name: str
    version: str
    principles: dict[int, Principle]   # by number, in order
    scoring: dict[str, float]          # verdict (pass, needs review, fail) -> the score it gives a principle

    def article(self, article_id: str) -> str | None:
        number = int(article_id.split(".")[0]) if article_id.split(".")[0].isdigit() else -1
        principle = self.principles.get(number)
        return principle.articles.get(article_id) if principle else None

    def all_articles(self) -> list[tuple[int, str, str]]:
        return [(p.number, a, text) for p in self.principles.values() for a, text in p.articles.items()]

    def numbering(self) -> str:
        """How the principles are numbered, for messages: '1 to 10', or '1, 2, 5'."""
        numbers = sorted(self.principles)
        if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"{numbers[0]} to {numbers[-1]}"
        return ", ".join(map(str, numbers)) or "(none: the policy file could not be read)"


NO_POLICY = Policy("", "", {}, {})  # what a rule set has when its policy file is broken (it is not used then)


def read_policy(path: Path, validate: bool = True) -> tuple[Policy, list[RuleError]]:
    """Read a policy file: the policy, and every mistake in the file (NO_POLICY when there is one).

    Args:
        validate: check the file against policy.schema.json; a rule folder already validated
            clean (the same bytes) skips it.
    """
    name = str(path)
    try:
        located = load_yaml_file(read_bytes(path, what="policy file"), name)
    except UnicodeDecodeError:
        return NO_POLICY, [RuleError("policy file is not UTF-8 text", name)]
    except InputError as exc:
        return NO_POLICY, [RuleError(exc.message, exc.path, exc.line, exc.column)]
    problems = [RuleError(f"duplicate key '{key}' (the later value would silently replace the earlier one)",
                          name, line, located.columns.get(key)) for key, line in located.duplicates]
    if validate:
        problems.extend(_schema_errors(located, name))
    if problems:
        return NO_POLICY, sorted(problems, key=lambda e: (e.line or 0, e.column or 0))
    data = located.data
    principles: dict[int, Principle] = {}
    for key, body in sorted(data["principles"].items(), key=lambda item: int(item[0])):
        number = int(key)
        articles = {str(a): str(text) for a, text in (body.get("articles") or {}).items()}
        for article in articles:
            if article.split(".")[0] != str(number):
                problems.append(RuleError(f"article '{article}' does not belong to principle {number}: its "
                                          f"number starts with {number}.", name,
                                          *locate(located, f"principles.{key}.articles.{article}")))
        principles[number] = Principle(number, str(body["title"]), str(body.get("summary", "")), articles)
    if problems:
        return NO_POLICY, problems
    meta = data["policy"]
    scoring = {str(verdict): score for verdict, score in data["scoring"].items()}  # the schema names the verdicts
    return Policy(str(meta["name"]), str(meta["version"]), principles, scoring), []


def _schema_errors(located: Located, name: str) -> list[RuleError]:
    errors = []
    for problem in schema_problems(validator("policy"), json_view(located.data), located):
        message = problem.message
        where = f"at '{problem.path}': " if problem.path else ""
        if "propertyNames" in problem.error.schema_path:  # the message names the key, and points at it
            key, where = problem.error.instance, ""
            message = (f"article '{key}' is not an article number such as '7.5'" if problem.path.endswith("articles")
                       else f"principle '{key}' is not a principle number (1, 2, ...)")
        errors.append(RuleError(where + message + (f" ({problem.hint})" if problem.hint else ""), name,
                                problem.line or 1, problem.column))
    return errors


def load_policy(path: Path) -> Policy:
    """Read a policy file.

    Raises:
        RuleError: the first mistake in it, with its line.
    """
    policy, problems = read_policy(path)
    if problems:
        raise problems[0]
    return policy


@lru_cache(maxsize=1)
def bundled_policy() -> Policy:
    """The policy of the bundled rules: for a finished report read without its rule folder (it does not say
    how it was scored) and for the register."""
    from ..resources import default_rules_dir

    return load_policy(default_rules_dir() / "policy.yaml")
