"""The shape of the code, checked where CI looks (it runs pytest): the import contract (pyproject.toml's
[tool.importlinter]: stages as layers, durable_rules behind the evaluation engine only, reports fed
findings only, no import cycles), the linter ([tool.ruff]) and the type check ([tool.mypy])."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A tool of the test extra, from the same environment as the tests."""
    return subprocess.run([str(Path(sys.executable).parent / tool), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_the_import_contract_is_kept() -> None:
    out = _run("lint-imports", "--no-cache")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout and "KEPT (1 ignored import)" in out.stdout  # the engine's own import is seen


def test_the_linter_finds_nothing() -> None:
    out = _run("ruff", "check", "--no-cache", "policy_engine", "tests", "bench", "cli.py")
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_types_check() -> None:
    out = _run("mypy", "--cache-dir", os.devnull, "policy_engine")  # (no .mypy_cache left behind)
    assert out.returncode == 0, out.stdout + out.stderr
