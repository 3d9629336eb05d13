"""Helpers for tests of the rule-authoring tools: a throw-away rule folder with the shipped data files
(policy, sections, concepts and languages)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = ("policy.yaml", "sections.yaml")
DATA_FOLDERS = ("concepts", "languages")

# A complete, valid rule: tests replace parts of it. Line numbers below are those of the file
# written by rule_file(): "rules:" is line 1 and this rule starts on line 2.
GOOD_RULE = """\
  - id: no-feedback-channel
    title: Migrants are neither consulted nor able to give feedback
    principle: 2
    articles: []
    severity: warning
    message: The programme neither consulted migrants nor gives them a way to give feedback.
    rationale: Principle 2 asks that migrants take part in the programmes meant for them.
    remediation: Consult migrants, or set up a feedback mechanism (participation.feedback_mechanism).
    when:
      all:
        - field: participation.migrants_consulted
          equals: false
        - field: participation.feedback_mechanism
          missing: true
    examples:
      violating:
        - {id: ex, participation: {migrants_consulted: false}}
      compliant:
        - {id: ex, participation: {migrants_consulted: false, feedback_mechanism: true}}
    in_prose: {missing: how migrants can give feedback, fix: Add a Feedback section saying how.}
"""



def without_examples(rule: str) -> str:
    """The rule with its examples left out (and its other keys kept)."""
    head, _, tail = rule.partition("    examples:")
    return head + "".join(line + "\n" for line in tail.splitlines() if line.startswith("    in_prose:"))


# The same rule, which used to be called old-feedback-id.
ALIASED_RULE = GOOD_RULE.replace("    title:", "    aliases: [old-feedback-id]\n    title:", 1)


def rule_folder(tmp_path: Path, files: dict[str, str], cases: dict[str, str] | None = None,
                concepts: bool = True) -> Path:
    """tmp_path/rules with the shipped policy, sections, concepts and languages, plus the given rule
    files (a name with a folder, e.g. 'concepts/extra.yaml', goes there); and tmp_path/cases with the
    given cases (name -> text). concepts=False leaves the shipped concepts out (a rule folder whose
    rules read no prose)."""
    rules = tmp_path / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILES:
        shutil.copy(ROOT / "rules" / name, rules / name)
    for name in DATA_FOLDERS:
        if not (rules / name).exists() and (concepts or name != "concepts"):
            shutil.copytree(ROOT / "rules" / name, rules / name)
    for name, text in files.items():
        (rules / name).parent.mkdir(parents=True, exist_ok=True)
        (rules / name).write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    if cases is not None:
        folder = tmp_path / "cases" / "violating"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in cases.items():
            (folder / name).write_text(text, encoding="utf-8")
    return rules


def rule_file(*rules: str) -> str:
    return "rules:\n" + "".join(rules)


def invoke(*args: str) -> Result:
    """Run the CLI in-process and return click's result (exit_code, output)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
