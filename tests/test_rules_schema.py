"""The JSON Schema of rule files, which editors use to complete and validate rules as staff type."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from policy_engine.resources import SCHEMA_DIR
from policy_engine.ruleset.rules import rule_files
from tests.rulekit import GOOD_RULE, ROOT, invoke, rule_file

SCHEMA = json.loads((SCHEMA_DIR / "rules.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
MODELINE = "# yaml-language-server: $schema=../policy_engine/schemas/rules.schema.json"


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", rule_files(ROOT / "rules"), ids=lambda p: p.name)
def test_every_bundled_rule_file_passes_the_schema(path) -> None:
    errors = [e.message for e in VALIDATOR.iter_errors(yaml.safe_load(path.read_text()))]
    assert errors == []


def test_the_documented_modeline_points_at_the_schema_from_the_rules_folder() -> None:
    guide = (ROOT / "docs" / "rule-authoring.md").read_text()
    assert MODELINE in guide
    target = re.search(r"\$schema=(\S+)", MODELINE).group(1)
    assert (ROOT / "rules" / target).resolve() == (SCHEMA_DIR / "rules.schema.json").resolve()


@pytest.mark.parametrize("change,message", [
    (("severity: warning", "severity: serious"), "'serious' is not one of ['violation', 'warning', 'advice']"),
    (("    title:", "    titel:"), "Additional properties are not allowed ('titel' was unexpected)"),
    (("principle: 2", "principle: 12"), "12 is greater than the maximum of 10"),
    (("id: no-feedback-channel", "id: No Feedback"), "'No Feedback' does not match '^[a-z0-9]+(-[a-z0-9]+)*$'"),
])
def test_an_editor_would_flag_common_mistakes(change, message) -> None:
    data = yaml.safe_load(rule_file(GOOD_RULE.replace(*change)))
    messages = [e.message for e in VALIDATOR.iter_errors(data)]
    assert message in messages or any(message in m for m in messages), messages


def test_good_rule_passes() -> None:
    assert list(VALIDATOR.iter_errors(yaml.safe_load(rule_file(GOOD_RULE)))) == []


def test_rules_schema_command() -> None:
    assert json.loads(invoke("rules", "schema").stdout) == SCHEMA
    assert invoke("rules", "schema", "--path").stdout.strip() == str(SCHEMA_DIR / "rules.schema.json")


@pytest.mark.parametrize("kind,folder", [("concepts", "concepts"), ("language", "languages")])
def test_concept_and_language_files_pass_their_schemas(kind: str, folder: str) -> None:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((ROOT / "rules" / folder).glob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text()
        assert text.startswith(f"# yaml-language-server: $schema=../../policy_engine/schemas/{kind}.schema.json")
        assert [e.message for e in validator.iter_errors(yaml.safe_load(text))] == [], path.name


def test_an_editor_flags_a_mistyped_prose_key() -> None:
    rule = GOOD_RULE.replace("""\
      all:
        - field: participation.migrants_consulted
          equals: false
        - field: participation.feedback_mechanism
          missing: true
""", """\
      prose:
        all: [people_served, consulted]
        sayd: denied
""")
    assert list(VALIDATOR.iter_errors(yaml.safe_load(rule_file(rule.replace("sayd", "said"))))) == []
    assert list(VALIDATOR.iter_errors(yaml.safe_load(rule_file(rule))))
