"""The built package works however it is installed: a wheel, installed into a fresh virtual
environment and run from another folder, finds its bundled rules and schemas, and installs no
top-level module but policy_engine."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import click
import pytest

from policy_engine import __version__
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

BIN = "Scripts" if os.name == "nt" else "bin"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
                   check=True, timeout=600, capture_output=True)
    [built] = out.glob("policy_check-*.whl")
    return built


@pytest.fixture(scope="module")
def env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (no dependencies: they are lent from the test
    environment by a .pth line, so that durable-rules is not compiled again)."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / BIN / ("python.exe" if os.name == "nt" else "python")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
                   check=True, timeout=600, capture_output=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # the folder of the test environment's dependencies, appended after the venv's own packages
    (Path(site) / "zz_dependencies.pth").write_text(str(Path(click.__file__).parent.parent) + "\n")
    return root


def run_in(env: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": str(env / BIN) + os.pathsep + os.environ["PATH"],
                               "PYTHONPATH": "", "NO_COLOR": "1"})


def test_wheel_holds_one_package_with_its_rules_and_schemas(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"policy_engine", f"policy_check-{__version__}.dist-info"}, tops  # no top-level cli.py
    rules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "rules").rglob("*.yaml"))
    assert {"policy_engine/" + r for r in rules} <= set(names)
    assert "policy_engine/schemas/programme.schema.json" in names
    assert "policy_engine/__main__.py" in names


def test_installed_wheel_checks_a_bundled_example_from_another_folder(env: Path, tmp_path: Path) -> None:
    example = ROOT / "cases" / "violating" / "deterrence-campaign.md"
    result = run_in(env, tmp_path, "policy-check", "check", str(example))
    assert result.returncode == 1, result.stderr
    assert "deterrence-campaign" in result.stdout and "Summary: 1 document, 1 violation" in result.stdout
    where = run_in(env, tmp_path, "python", "-c", "import policy_engine, policy_engine.resources as r; "
                   "print(policy_engine.__file__); print(r.default_rules_dir())")
    module, rules = where.stdout.splitlines()
    assert Path(module).is_relative_to(env) and Path(rules) == Path(module).parent / "rules"
    assert run_in(env, tmp_path, "python", "-c", "import cli").returncode != 0


def test_installed_wheel_runs_as_python_m_and_shows_its_version(env: Path, tmp_path: Path) -> None:
    result = run_in(env, tmp_path, "python", "-m", "policy_engine", "--version")
    assert (result.returncode, result.stdout) == (0, f"policy-check, version {__version__}\n")
    lint = run_in(env, tmp_path, "policy-check", "rules", "lint")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    schema = run_in(env, tmp_path, "policy-check", "schema")
    assert schema.returncode == 0 and '"$schema"' in schema.stdout
