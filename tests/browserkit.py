"""What the browser tests share: Debian's headless Chromium driven by Playwright, or a clear skip."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pytest

CHROMIUM = os.environ.get("POLICY_CHECK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def playwright_or_skip(what: str) -> ModuleType:
    """Playwright's sync API; called at a test module's import, it skips the whole module (naming
    what goes untested) when Playwright or Chromium is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed "
                                                                 "(pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); {what} are skipped",
                    allow_module_level=True)
    return sync_api


def launched(sync_api: ModuleType) -> Iterator[Any]:
    """A headless Chromium for a module-scoped fixture, closed afterwards."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
