"""Three review rounds of a few cases/ drafts, with changes between them, for the register's tests.

Round r1: A eligibility-nationality.yaml (a violation), B aid-conditional-on-cooperation.yaml (three
violations and a warning), C asylum-reception-centre.yaml (compliant), D referral-missing.yaml (a
warning) and P food-parcels.md (prose with no id and no country: a violation and three warnings).
Round r2: A fixed; B unchanged; C now excludes by nationality (new violation); D not resubmitted;
E deterrence-campaign.yaml first submitted; P unchanged.
Round r3: as r2, with D resubmitted unchanged and P's eligibility sentence fixed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner, Result

from cli import main
from tests.conftest import ROOT

PG_ENV = "POLICY_CHECK_TEST_PG_URL"
PROSE = ("# Food parcels for families in transit\n\nOrganisation: Ostria Red Cross\n\n## Eligibility\n\n"
         "Only people holding a valid residence permit may receive parcels.\n")
PLACES = ("organisations:\n  Ostria Red Cross: Ostria\n"
          "regions:\n  Dalvania: Europe\n  Vestria: Europe\n  Italy: Europe\n  Ostria: Europe\n"
          "  Lusmar: Americas\n  Sahelia: Africa\n")

# How programmes are named in the answers: stable id, else "organisation: title".
A, B, C = "viol-eligibility-nationality", "viol-aid-conditional-on-cooperation", "asylum-reception-centre"
D, E, P = "viol-referral-missing", "viol-deterrence-campaign", "Ostria Red Cross: Food parcels for families in transit"


def invoke(*args: str, cwd: Path | None = None) -> Result:
    """The CLI in-process (for commands expected to succeed)."""
    if cwd is None:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The CLI as a program, through its one error handler (exit codes and error lines as users see them)."""
    env = {k: v for k, v in os.environ.items() if k != "POLICY_CHECK_REGISTER"}  # the default is tested too
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=env)


def build_rounds(folder: Path) -> list[Path]:
    """Write the drafts into folder/subs, audit them three times; the JSON reports of the rounds."""
    subs = folder / "subs"
    subs.mkdir()
    for name in ("violating/eligibility-nationality.yaml", "violating/aid-conditional-on-cooperation.yaml",
                 "compliant/asylum-reception-centre.yaml", "violating/referral-missing.yaml"):
        shutil.copy(ROOT / "cases" / name, subs / Path(name).name)
    (subs / "food-parcels.md").write_text(PROSE, encoding="utf-8")
    (folder / "places.yaml").write_text(PLACES, encoding="utf-8")
    reports: list[Path] = []

    def audit() -> None:
        out = folder / f"round{len(reports) + 1}.json"
        result = invoke("audit", "subs", "-j", "1", "-o", str(out), cwd=folder)
        assert result.exit_code in (0, 1), result.output
        reports.append(out)

    audit()
    a, c = subs / "eligibility-nationality.yaml", subs / "asylum-reception-centre.yaml"
    a.write_text(a.read_text(encoding="utf-8").replace("nationalities_only: [Syrian, Afghan]",
                                                       "irrespective_of_legal_status: true"), encoding="utf-8")
    c.write_text(c.read_text(encoding="utf-8").replace("  irrespective_of_legal_status: true\n",
                                                       "  nationalities_only: [Syrian]\n"), encoding="utf-8")
    referral = (subs / "referral-missing.yaml").read_bytes()
    (subs / "referral-missing.yaml").unlink()
    shutil.copy(ROOT / "cases" / "violating" / "deterrence-campaign.yaml", subs / "deterrence-campaign.yaml")
    audit()
    (subs / "referral-missing.yaml").write_bytes(referral)
    (subs / "food-parcels.md").write_text(PROSE.replace(
        "Only people holding a valid residence permit may receive parcels.",
        "Everyone in need may receive parcels, whatever their status."), encoding="utf-8")
    audit()
    return reports


def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the test server (POLICY_CHECK_TEST_PG_URL), dropped afterwards."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need a server: set {PG_ENV} (.ci/run starts one with .ci/start-postgres)")
    import psycopg
    from psycopg import sql
    import sqlalchemy as sa

    name = "register_" + uuid.uuid4().hex[:12]
    admin = sa.make_url(url).set(drivername="postgresql")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


BACKENDS = ["sqlite", "postgresql"]


def new_register(backend: str, folder: Path) -> Iterator[str]:
    """--db for an empty register on the backend."""
    if backend == "sqlite":
        yield str(folder / f"register-{uuid.uuid4().hex[:8]}.sqlite")
    else:
        yield from fresh_postgres_database()
