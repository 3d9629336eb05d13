"""The pre-commit hook, run by the real pre-commit on a repository of drafts (try-repo installs this
repository into pre-commit's own environment, as a drafts repository would)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def _try_repo(drafts: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "policy-check", "--all-files"],
                          cwd=drafts, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"})


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_hook_fails_on_a_violating_draft_and_passes_on_compliant_ones(tmp_path: Path) -> None:
    drafts, home = tmp_path / "drafts", tmp_path / "pre-commit-home"
    drafts.mkdir()
    _git(drafts, "init", "-q")
    shutil.copy(ROOT / "cases" / "compliant" / "origin-risk-awareness.md", drafts)
    (drafts / ".pre-commit-config.yaml").write_text("repos: []\n")  # a dot-file: not a draft, not checked
    _git(drafts, "add", ".")
    clean = _try_repo(drafts, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout

    shutil.copy(ROOT / "cases" / "violating" / "deterrence-campaign.md", drafts)
    _git(drafts, "add", ".")
    failing = _try_repo(drafts, home)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "Failed" in failing.stdout and "deterrence-campaign" in failing.stdout
    assert "Summary: 2 documents, 1 violation" in failing.stdout
