"""The README's field reference is generated from the programme schema and must stay in sync."""

from __future__ import annotations

from policy_engine.schemadoc import markdown
from tests.conftest import ROOT


def test_readme_field_reference_matches_schema() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- schema-fields:start -->\n") + len("<!-- schema-fields:start -->\n")
    end = text.index("<!-- schema-fields:end -->")
    assert text[start:end] == markdown(), "run: python -m policy_engine.schemadoc, and paste into README.md"


def test_quick_start_example_exists() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "policy-check check cases/violating/deterrence-campaign.md" in text
    assert (ROOT / "cases/violating/deterrence-campaign.md").is_file()
