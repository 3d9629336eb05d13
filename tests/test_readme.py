"""The README and docs/ say what is true: the quick start, the field reference, the links.
(Sample outputs are checked by tests/test_docs_samples.py.)"""

from __future__ import annotations

import re

from policy_engine.authoring.schemadoc import markdown
from tests.conftest import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))


def test_field_reference_matches_schema() -> None:
    text = (ROOT / "docs" / "programme-format.md").read_text(encoding="utf-8")
    start = text.index("<!-- schema-fields:start -->\n") + len("<!-- schema-fields:start -->\n")
    end = text.index("<!-- schema-fields:end -->")
    assert text[start:end] == markdown(), "run: python -m policy_engine.authoring.schemadoc, and paste into docs/programme-format.md"


def test_quick_start_is_two_commands_on_a_bundled_example() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text[text.index("## Quick start"):text.index("\n## ", text.index("## Quick start") + 1)]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert commands == [
        "python3.11 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
        ".venv/bin/policy-check check cases/violating/deterrence-campaign.md",
        ".venv/bin/python -m pytest -q",
    ]
    assert (ROOT / "cases/violating/deterrence-campaign.md").is_file()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in ci and ".venv/bin/python -m pytest -q" in ci


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def test_every_link_between_the_docs_leads_somewhere() -> None:
    for page in [README, *DOCS]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            assert file.exists(), f"{page.name}: link to missing {target}"
            if anchor:
                headings = re.findall(r"^#+ (.*)$", file.read_text(encoding="utf-8"), re.M)
                assert anchor in {_slug(h) for h in headings}, f"{page.name}: no heading for #{anchor} in {file.name}"


def test_readme_is_short_and_names_every_guide() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count("\n") < 200
    for page in DOCS:
        assert f"](docs/{page.name})" in text, page.name


def test_benchmark_figures_and_dependency_table_are_in_docs() -> None:
    assert "| benchmark | figure | target |" in (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    deps = (ROOT / "docs" / "dependencies.md").read_text(encoding="utf-8")
    for name in ("durable-rules", "PyYAML", "jsonschema", "click", "hatchling", "pre-commit"):
        assert name in deps, name
