"""A --rules folder's own sections.yaml decides which heading puts text in which topic, for every way a
draft is read (issue 14 reported that drafts always read the bundled one)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from tests.conftest import ROOT

# 'Zorblat' names no topic in the bundled sections.yaml; the folder below makes it an eligibility heading.
DRAFT = "# Winter shelter\n\n## Zorblat\n\nApplicants fill in form B-104 at the door.\n"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(a rule folder with the bundled sections, the same with 'zorblat' as an eligibility heading, the draft)."""
    root = tmp_path_factory.mktemp("sections")
    rule = {"id": "form-in-eligibility", "title": "A form is asked for at admission", "principle": 1,
            "articles": ["1.2"], "severity": "violation", "message": "msg", "rationale": "why", "remediation": "fix",
            "when": {"text": {"in": ["eligibility"], "matches": ["form [a-z]-?[0-9]{3}"]}}}
    made = []
    for name in ("bundled", "own"):
        rules = root / name
        rules.mkdir()
        for data in ("policy.yaml", "sections.yaml"):
            shutil.copy(ROOT / "rules" / data, rules / data)
        shutil.copytree(ROOT / "rules" / "languages", rules / "languages")
        (rules / "r.yaml").write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
        made.append(rules)
    sections = (made[1] / "sections.yaml").read_text(encoding="utf-8")
    assert "\neligibility:\n  en: [eligibility, " in sections
    (made[1] / "sections.yaml").write_text(sections.replace("\neligibility:\n  en: [eligibility, ",
                                                            "\neligibility:\n  en: [zorblat, eligibility, "),
                                           encoding="utf-8")
    draft = root / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    return made[0], made[1], draft


def fired(*args: str, stdin: str | None = None) -> list[str]:
    result = CliRunner().invoke(main, [*args, "--format", "json"], input=stdin)
    assert result.exit_code in (0, 1), result.output
    return [f["rule"] for doc in json.loads(result.stdout)["documents"] for f in doc["findings"]]


@pytest.mark.parametrize("how", ["check", "audit", "stdin"])
def test_the_folders_own_sections_are_read(folders: tuple[Path, Path, Path], how: str) -> None:
    for rules, expected in zip(folders[:2], ([], ["form-in-eligibility"])):
        if how == "check":
            assert fired("check", "--rules", str(rules), str(folders[2])) == expected
        elif how == "audit":
            assert fired("audit", "--rules", str(rules), "-j", "1", str(folders[2])) == expected
        else:
            assert fired("check", "--rules", str(rules), "-", "--stdin-filename", "draft.md", stdin=DRAFT) == expected
