from __future__ import annotations

from pathlib import Path

import pytest

from policy_engine.checker import Checker

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker.from_directory(ROOT / "rules")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
