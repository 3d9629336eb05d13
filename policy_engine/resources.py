"""Files shipped with the package (schemas) and the default rule folder."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = PACKAGE_DIR / "schemas"
# An installed wheel holds the rule set as policy_engine/rules (the build copies it there, see
# pyproject.toml); a checkout has it in rules/ beside the package. The package's own copy comes first:
# beside an installed package is site-packages, where a folder named rules/ could belong to anyone.
_CANDIDATE_RULE_DIRS = (PACKAGE_DIR / "rules", PACKAGE_DIR.parent / "rules")


def default_rules_dir() -> Path:
    for candidate in _CANDIDATE_RULE_DIRS:
        if (candidate / "policy.yaml").is_file():
            return candidate
    return _CANDIDATE_RULE_DIRS[-1]


@lru_cache(maxsize=None)
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in policy_engine/schemas ('programme' or 'rules')."""
    with open(SCHEMA_DIR / f"{name}.schema.json", encoding="utf-8") as handle:
        return json.load(handle)
