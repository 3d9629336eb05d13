"""The import contract (pyproject.toml's [tool.importlinter]): stages as layers, durable_rules behind the
evaluation engine only, reports fed findings only, no import cycles. CI runs pytest, so CI checks it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_the_import_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run([str(lint_imports), "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout and "KEPT (1 ignored import)" in out.stdout  # the engine's own import is seen
