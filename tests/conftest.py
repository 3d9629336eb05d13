from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from policy_engine.evaluation.checker import Checker

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """The suite writes hundreds of rule folders: keep their cache entries out of the user's cache.
    Set before collection (some test modules load rules when imported); subprocesses inherit it.
    Tests that need another folder set their own."""
    if "POLICY_CHECK_CACHE_DIR" not in os.environ:
        os.environ["POLICY_CHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="policy-check-test-cache-")
        config.add_cleanup(lambda: shutil.rmtree(os.environ.pop("POLICY_CHECK_CACHE_DIR"), ignore_errors=True))


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker.from_directory(ROOT / "rules")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
