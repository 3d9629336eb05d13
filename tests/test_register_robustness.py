"""The register under stress: recording twice, concurrent recorders, a crash halfway, an older
register, bad input of every kind (one line, exit 2, nothing of the user's overwritten), and
hostile text in every output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa

from tests.conftest import ROOT
from tests.registerkit import BACKENDS, build_rounds, invoke, new_register, run

pytestmark = pytest.mark.slow  # concurrent recorders, crashes and migrations


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("rounds")
    return folder, build_rounds(folder)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from new_register(request.param, tmp_path)


def counts(db: str) -> dict[str, Any]:
    result = invoke("register", "rounds", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    return {r["round"]: r["submissions"] for r in json.loads(result.stdout)["rows"]}


def one_error_line(result: subprocess.CompletedProcess, *parts: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr
    return result.stderr


def test_recording_the_same_audit_twice_changes_nothing(rounds, db) -> None:
    folder, reports = rounds
    assert invoke("register", "record", str(reports[0]), "--round", "r1", "--db", db).exit_code == 0
    again = invoke("register", "record", str(reports[0]), "--round", "r1", "--db", db)
    assert again.exit_code == 0 and "already holds this audit (5 submissions): nothing to do" in again.stdout
    one_error_line(run("register", "record", str(reports[0]), "--round", "other", "--db", db),
                   "this audit is already recorded, as round 'r1'")
    one_error_line(run("register", "record", str(reports[1]), "--round", "r1", "--db", db),
                   "already has a round 'r1' with another audit")
    assert counts(db) == {"r1": 5}


def test_concurrent_recorders(rounds, db) -> None:
    folder, reports = rounds
    jobs = [(reports[0], "r1"), (reports[0], "r1"), (reports[1], "r2"), (reports[2], "r3"), (reports[1], "r2")]
    started = [subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "register", "record", str(report),
                                 "--round", name, "--db", db], cwd=folder, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for report, name in jobs]
    outcomes = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in started]
    for p in started:
        p.stdout.close()
        p.stderr.close()
    assert all(code == 0 for code, _, _ in outcomes), outcomes
    assert sum("nothing to do" in out for _, out, _ in outcomes) == 2
    assert counts(db) == {"r1": 5, "r2": 5, "r3": 6}  # in whichever order they got the lock
    positions = json.loads(invoke("register", "rounds", "--db", db, "--format", "json").stdout)["rows"]
    assert sorted(r["position"] for r in positions) == [1, 2, 3]


def test_a_recording_that_fails_halfway_leaves_nothing(rounds, db, monkeypatch) -> None:
    from policy_engine.register import record as recording
    from policy_engine.register.db import open_register

    folder, reports = rounds
    register = open_register(db, create=True)
    try:
        recording.record(register, str(reports[0]), "r1", drafts_dir=str(folder))

        def crash(conn: Any, rows: Any) -> None:
            conn.execute(sa.insert(recording.submissions), [dict(rows[0]["submission"])])
            raise KeyboardInterrupt  # Ctrl-C after the round and a submission were written

        monkeypatch.setattr(recording, "_insert_submissions", crash)
        with pytest.raises(KeyboardInterrupt):
            recording.record(register, str(reports[1]), "r2", drafts_dir=str(folder))
    finally:
        register.close()
    assert counts(db) == {"r1": 5}


def test_waived_findings_are_not_counted_as_failed(rounds, db, tmp_path) -> None:
    folder, reports = rounds
    report = json.loads(reports[0].read_text(encoding="utf-8"))
    for doc in report["documents"]:
        for finding in doc["findings"]:
            if finding["rule"] == "eligibility-nationality":
                finding["waived"] = {"reason": "accepted by the reviewers", "by": "test"}
    waived = tmp_path / "waived.json"
    waived.write_text(json.dumps(report), encoding="utf-8")
    invoke("register", "record", str(waived), "--round", "r1", "--db", db, cwd=folder)
    answer = json.loads(invoke("register", "failing", "--by", "article", "--db", db, "--format", "json").stdout)
    assert [(r["article"], r["failed"]) for r in answer["rows"]] == [("1.2", 2), ("1.3", 1)]  # no 4.2: it was waived


def test_a_register_of_the_first_schema_is_migrated(tmp_path) -> None:
    from alembic import command
    from alembic.config import Config

    from policy_engine.register.db import MIGRATIONS

    path = tmp_path / "old.sqlite"
    engine = sa.create_engine(sa.engine.URL.create("sqlite", database=str(path)))
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        old = sa.MetaData()
        old.reflect(conn)
        assert "region" not in old.tables["submissions"].c
        conn.execute(sa.insert(old.tables["rounds"]).values(
            id=1, name="2024", position=1, report_digest="0" * 64, rules_digest="abc", tool_version="0.0.9",
            policy_version="2009", recorded_at="2024-01-01T00:00:00+00:00"))
        conn.execute(sa.insert(old.tables["programmes"]).values(id=1, key="id:p", stable_id="p",
                                                                organisation="Old Red Cross", title="Old"))
        conn.execute(sa.insert(old.tables["submissions"]).values(
            id=1, round_id=1, programme_id=1, path="p.yaml", organisation="Old Red Cross", title="Old",
            country="Oldland", language="en", status="ok", error=None, verdict="fail", score=90.0,
            principle_verdicts={"1": "fail"}))
        conn.execute(sa.insert(old.tables["findings"]).values(
            id=1, submission_id=1, rule="eligibility-nationality", principle=1, severity="violation", waived=False,
            title="t", field="eligibility", line=3, quote=None))
        conn.execute(sa.insert(old.tables["finding_articles"]).values(finding_id=1, article="4.2"))
    engine.dispose()
    answer = json.loads(invoke("register", "failing", "--per", "region", "--by", "article", "--db", str(path),
                               "--format", "json").stdout)
    assert answer["rows"] == [{"region": "", "article": "4.2", "failed": 1, "submissions": 1, "percent": 100.0}]
    with sa.create_engine(sa.engine.URL.create("sqlite", database=str(path))).connect() as conn:
        assert conn.execute(sa.text("select version_num from alembic_version")).scalar() == "0002"


def test_a_register_from_a_newer_version_is_refused(rounds, tmp_path) -> None:
    folder, reports = rounds
    path = tmp_path / "new.sqlite"
    invoke("register", "record", str(reports[0]), "--round", "r1", "--db", str(path), cwd=folder)
    engine = sa.create_engine(sa.engine.URL.create("sqlite", database=str(path)))
    version = sa.table("alembic_version", sa.column("version_num"))
    with engine.begin() as conn:
        conn.execute(sa.update(version).values(version_num="0099"))
    engine.dispose()
    one_error_line(run("register", "rounds", "--db", str(path)), "newer policy-check (schema revision 0099)")


def test_bad_reports_are_one_line_each(tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "tool": oops\n}\n', encoding="utf-8")
    one_error_line(run("register", "record", str(broken), "--round", "x", "--db", str(tmp_path / "r.sqlite")),
                   f"{broken}:2:", "not a JSON report")
    other = tmp_path / "other.json"
    other.write_text('{"documents": []}', encoding="utf-8")
    one_error_line(run("register", "record", str(other), "--round", "x", "--db", str(tmp_path / "r.sqlite")),
                   "not a policy-check JSON report")
    one_error_line(run("register", "record", str(tmp_path / "missing.json"), "--round", "x",
                       "--db", str(tmp_path / "r.sqlite")), "cannot read the report")
    assert not (tmp_path / "r.sqlite").exists()  # no register made for a report refused


def test_nothing_of_the_users_is_written_into(rounds, tmp_path) -> None:
    folder, reports = rounds
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for target in (notes, empty):
        before = target.read_bytes()
        one_error_line(run("register", "record", str(reports[0]), "--round", "r1", "--db", str(target)),
                       "not a register")
        assert target.read_bytes() == before
    other = tmp_path / "other.sqlite"
    engine = sa.create_engine(sa.engine.URL.create("sqlite", database=str(other)))
    with engine.begin() as conn:
        conn.execute(sa.text("create table accounts (id integer)"))
    engine.dispose()
    one_error_line(run("register", "record", str(reports[0]), "--round", "r1", "--db", str(other)),
                   "not a register (a database with other tables)")


def test_questions_to_a_missing_register_create_nothing(tmp_path) -> None:
    one_error_line(run("register", "persistent", cwd=tmp_path), "policy-register.sqlite: no register here")
    assert list(tmp_path.iterdir()) == []


def test_unknown_round_and_programme(rounds, tmp_path) -> None:
    folder, reports = rounds
    path = str(tmp_path / "r.sqlite")
    invoke("register", "record", str(reports[0]), "--round", "r1", "--db", path, cwd=folder)
    one_error_line(run("register", "diff", "r1", "r9", "--db", path), "no round 'r9' in the register (rounds: r1)")
    one_error_line(run("register", "programme", "nothing-like-it", "--db", path), "no programme 'nothing-like-it'")


def test_bad_places_file_and_unreachable_database(rounds, tmp_path) -> None:
    folder, reports = rounds
    places = tmp_path / "places.yaml"
    places.write_text("organisations:\n  A: [unclosed\n", encoding="utf-8")
    one_error_line(run("register", "record", str(reports[0]), "--round", "r1", "--places", str(places),
                       "--db", str(tmp_path / "r.sqlite")), f"{places}:")
    one_error_line(run("register", "rounds", "--db", "postgresql://nobody@127.0.0.1:1/none"),
                   "postgresql+psycopg://nobody@127.0.0.1:1/none: register:")


HOSTILE_ORG = '=HYPERLINK("http://example.invalid","x")'
HOSTILE_TITLE = "\x1b[2J<script>alert(1)</script>"


def test_hostile_text_is_inert_in_every_output(rounds, tmp_path) -> None:
    folder, reports = rounds
    report = json.loads(reports[0].read_text(encoding="utf-8"))
    prose = next(doc for doc in report["documents"] if doc["path"].endswith("food-parcels.md"))  # names no country
    prose.update(organisation=HOSTILE_ORG, title=HOSTILE_TITLE)
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(report), encoding="utf-8")
    places = tmp_path / "places.yaml"
    places.write_text(f"organisations:\n  {json.dumps(HOSTILE_ORG)}: \"<img src=x onerror=alert(2)>\"\n",
                      encoding="utf-8")
    db = str(tmp_path / "r.sqlite")
    assert invoke("register", "record", str(hostile), "--round", "<b>r1</b>", "--places", str(places),
                  "--db", db, cwd=folder).exit_code == 0
    shown = run("register", "diff", "<b>r1</b>", "<b>r1</b>", "--db", db)
    assert shown.returncode == 0 and "\x1b" not in shown.stdout and "\\x1b[2J<script>" in shown.stdout
    table = invoke("register", "persistent", "--min-rounds", "2", "--format", "csv", "--db", db).stdout
    assert table.startswith("programme,")
    rows = invoke("register", "failing", "--per", "organisation", "--format", "csv", "--db", db).stdout
    assert '\n"\'=HYPERLINK(' in rows and "\n=HYPERLINK" not in rows and '\n"=HYPERLINK' not in rows
    page = tmp_path / "page.html"
    invoke("register", "html", "-o", str(page), "--db", db)
    html = page.read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>r1</b>" not in html and "&lt;b&gt;r1&lt;/b&gt;" in html


def test_html_is_written_atomically_and_never_over_the_register(rounds, tmp_path) -> None:
    folder, reports = rounds
    db = tmp_path / "r.sqlite"
    invoke("register", "record", str(reports[0]), "--round", "r1", "--db", str(db), cwd=folder)
    before = db.read_bytes()
    one_error_line(run("register", "html", "-o", str(db), "--db", str(db)), "would overwrite an input file")
    assert db.read_bytes() == before


def test_other_commands_do_not_load_the_database_layer() -> None:
    # SQLAlchemy takes ~0.1 s to import: `check` (which imports cli) must not pay for the register
    code = "import sys, cli; print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_a_new_register_file_is_marked_as_one(rounds, tmp_path) -> None:
    import sqlite3

    from policy_engine.register.db import APPLICATION_ID

    folder, reports = rounds
    path = tmp_path / "new.sqlite"
    invoke("register", "record", str(reports[0]), "--round", "r1", "--db", str(path), cwd=folder)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.sqlite"]  # nothing left aside
