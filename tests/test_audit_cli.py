"""`policy-check audit` end to end: discovery, error isolation, exit codes, formats chosen by extension,
determinism across --jobs, crashing and hanging workers, and atomic reports on Ctrl-C."""

from __future__ import annotations

import json
import os
import runpy
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from policy_engine.batch.pool import TEST_HOOK_ENV
from tests.conftest import ROOT

VIOLATING = ROOT / "cases" / "violating" / "eligibility-legal-status.yaml"
COMPLIANT = ROOT / "cases" / "compliant" / "asylum-reception-centre.yaml"
FORMATS = {"json": "report.json", "csv": "findings.csv", "matrix": "matrix:matrix.csv", "sarif": "report.sarif",
           "junit": "report.xml", "html": "report.html", "text": "report.txt"}


def audit(*args: str, env: dict[str, str] | None = None) -> "CliRunner.invoke":
    return CliRunner().invoke(main, ["audit", *args], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 generated submissions (a few broken), some case files, hidden and unsupported files."""
    root = tmp_path_factory.mktemp("submissions")
    write_corpus = runpy.run_path(str(ROOT / "bench" / "make_corpus"))["write_corpus"]
    write_corpus(40, root / "generated", seed=11, broken=0.1)
    shutil.copy(VIOLATING, root / "violating.yaml")
    shutil.copy(COMPLIANT, root / "compliant.yaml")
    (root / "hostile.md").write_text(
        "---\nid: hostile\ntitle: \"<script>alert(1)</script>\"\norganisation: \"=HYPERLINK(\\\"x\\\")\"\n---\n"
        "## Eligibility\n\nOnly migrants holding a valid residence status may enrol.\n", encoding="utf-8")
    (root / ".hidden.yaml").write_text("id: x\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config.yaml").write_text("id: x\n", encoding="utf-8")
    (root / "budget.pdf").write_bytes(b"%PDF-1.4")
    (root / "notes.odt").write_bytes(b"PK")  # .docx is read now; .odt is not
    return root


def documents(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["documents"]


# ---- discovery ----------------------------------------------------------------------------------

@pytest.mark.slow  # audits in worker processes, seconds each
def test_folders_are_searched_recursively_and_skips_are_counted(corpus: Path, tmp_path: Path) -> None:
    result = audit(str(corpus), "--out", str(tmp_path / "r.json"))
    paths = [d["path"] for d in documents(tmp_path / "r.json")]
    assert len(paths) == 43
    assert paths == sorted(paths, key=lambda p: p.split("/"))
    assert not any("/." in p for p in paths)
    assert "skipped 2 hidden and 2 unsupported (.odt 1, .pdf 1) file(s)" in result.stderr


def test_globs_file_lists_and_duplicates(corpus: Path, tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(f"# reviewers' list\n{corpus / 'violating.yaml'}\n\n{corpus / 'compliant.yaml'}\n",
                       encoding="utf-8")
    audit(str(corpus / "generated" / "**" / "*.md"), str(corpus / "violating.yaml"), "--files-from", str(listing),
          "--out", str(tmp_path / "r.json"))
    paths = [d["path"] for d in documents(tmp_path / "r.json")]
    assert paths[:2] == [str(corpus / "compliant.yaml"), str(corpus / "generated" / "batch-000" / sorted(
        p.name for p in (corpus / "generated" / "batch-000").glob("*.md"))[0])]
    assert paths.count(str(corpus / "violating.yaml")) == 1
    assert all(p.endswith(".md") for p in paths if "generated" in p)


def test_a_pattern_that_matches_nothing_is_a_warning_and_nothing_to_audit_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("the previous report\n", encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF")
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "*.yaml"), str(tmp_path), "-o",
                                       str(tmp_path / "report.html")])
    assert result.exit_code == 2
    assert f"warning: no supported file matches '{tmp_path / '*.yaml'}'" in result.stderr
    # the audit's own report (and its temporary file) is neither a submission nor a skipped file
    assert "error: no submissions found to audit; skipped 1 unsupported (.pdf 1) file(s)" in result.stderr
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "the previous report\n"  # not emptied
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "scan.pdf"]
    assert CliRunner().invoke(main, ["audit"]).exit_code == 2  # usage error


# ---- errors, exit codes ------------------------------------------------------------------------------

def test_a_broken_file_in_the_middle_is_an_error_and_the_rest_is_audited(tmp_path: Path) -> None:
    for name in ("a.yaml", "c.yaml"):
        shutil.copy(VIOLATING, tmp_path / name)
    (tmp_path / "b.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    result = audit(str(tmp_path), "--out", str(tmp_path / "out" / "r.json"))
    assert result.exit_code == 2
    docs = documents(tmp_path / "out" / "r.json")
    assert [(Path(d["path"]).name, d["status"]) for d in docs] == [("a.yaml", "ok"), ("b.yaml", "error"),
                                                                    ("c.yaml", "ok")]
    assert docs[1]["error"].startswith(f"{tmp_path / 'b.yaml'}:2:1: YAML syntax error")
    assert docs[0]["findings"] and docs[2]["findings"]
    assert f"error: {docs[1]['error']}" in result.stderr


@pytest.mark.parametrize("files,fail_on,code", [
    ([COMPLIANT], "violation", 0),
    ([VIOLATING], "violation", 1),
    ([VIOLATING], "never", 0),
    ([COMPLIANT, Path("missing.yaml")], "violation", 2),
])
def test_exit_codes_are_those_of_check(files: list[Path], fail_on: str, code: int) -> None:
    args = [str(f) for f in files] + ["--fail-on", fail_on, "--format", "json"]
    assert audit(*args).exit_code == code
    assert CliRunner().invoke(main, ["check", *args]).exit_code == code


@pytest.mark.slow  # audits in worker processes, seconds each
def test_audit_json_is_the_check_contract(corpus: Path, tmp_path: Path) -> None:
    audit(str(corpus), "--out", str(tmp_path / "a.json"))
    paths = [d["path"] for d in documents(tmp_path / "a.json")]
    checked = CliRunner().invoke(main, ["check", *paths, "--format", "json"])
    assert checked.stdout == (tmp_path / "a.json").read_text(encoding="utf-8")


def test_text_to_standard_output_is_the_check_text(tmp_path: Path) -> None:
    result = audit(str(VIOLATING), str(COMPLIANT))
    checked = CliRunner().invoke(main, ["check", str(COMPLIANT), str(VIOLATING)])
    assert result.stdout == checked.stdout


# ---- formats, determinism ----------------------------------------------------------------------

def test_format_from_extension_prefix_and_option(tmp_path: Path) -> None:
    audit(str(VIOLATING), "-o", str(tmp_path / "r.sarif"), "-o", f"matrix:{tmp_path / 'm.csv'}",
          "-o", str(tmp_path / "r.xml"))
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert (tmp_path / "m.csv").read_text(encoding="utf-8-sig").startswith("path,submission_id,")
    assert (tmp_path / "r.xml").read_text().startswith('<?xml version="1.0"')
    audit(str(VIOLATING), "--format", "csv", "-o", str(tmp_path / "r.dat"))
    assert (tmp_path / "r.dat").read_text(encoding="utf-8-sig").startswith("path,submission_id,")
    result = CliRunner().invoke(main, ["audit", str(VIOLATING), "-o", str(tmp_path / "r.dat")])
    assert result.exit_code == 2 and "cannot tell the report format of" in result.stderr
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.slow  # audits in worker processes, seconds each
def test_reports_are_identical_whatever_the_number_of_jobs(corpus: Path, tmp_path: Path) -> None:
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        args = [str(corpus), "--jobs", jobs]
        for spec in FORMATS.values():
            prefix, _, name = spec.rpartition(":")
            args += ["-o", (prefix + ":" if prefix else "") + str(out / name)]
        assert audit(*args).exit_code == 2  # the corpus has broken files
    for spec in FORMATS.values():
        name = spec.rpartition(":")[2]
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_a_report_written_into_the_submissions_folder_is_not_audited_next_time(tmp_path: Path) -> None:
    shutil.copy(COMPLIANT, tmp_path / "a.yaml")
    for _ in range(2):
        result = audit(str(tmp_path), "-o", str(tmp_path / "report.json"), "-o", str(tmp_path / "report.html"))
        assert result.exit_code == 0 and "skipped" not in result.stderr
        assert [Path(d["path"]).name for d in documents(tmp_path / "report.json")] == ["a.yaml"]


def test_new_reports_are_readable_by_others(tmp_path: Path) -> None:
    audit(str(COMPLIANT), "-o", str(tmp_path / "r.html"))
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "r.html").stat().st_mode & 0o777 == 0o666 & ~mask


def test_no_progress_bar_when_piped_and_one_on_request(tmp_path: Path) -> None:
    assert "Auditing" not in audit(str(COMPLIANT), "-o", str(tmp_path / "r.json")).stderr
    assert "Auditing" in audit(str(COMPLIANT), "-o", str(tmp_path / "r.json"), "--progress").stderr


# ---- crashing and hanging workers --------------------------------------------------------------------

@pytest.mark.slow  # audits in worker processes, seconds each
def test_a_crashing_or_hanging_evaluation_costs_only_its_own_document(tmp_path: Path) -> None:
    for name in ("a", "crash-b", "c", "hang-d", "e", "segv-f", "g"):
        shutil.copy(VIOLATING, tmp_path / f"{name}.yaml")
    env = {TEST_HOOK_ENV: "crash:crash-b,hang:hang-d,segv:segv-f"}
    started = time.monotonic()
    result = audit(str(tmp_path), "--jobs", "2", "--timeout", "1", "-o", str(tmp_path / "r.json"), env=env)
    assert time.monotonic() - started < 20
    assert result.exit_code == 2
    docs = {Path(d["path"]).stem: d for d in documents(tmp_path / "r.json")}
    assert list(docs) == ["a", "c", "crash-b", "e", "g", "hang-d", "segv-f"]
    assert docs["crash-b"]["error"] == (f"{tmp_path / 'crash-b.yaml'}: evaluation crashed "
                                        "(the worker process exited with status 70)")
    assert docs["hang-d"]["error"] == (f"{tmp_path / 'hang-d.yaml'}: evaluation timed out after 1 s "
                                       "(the worker was stopped)")
    assert docs["segv-f"]["error"] == (f"{tmp_path / 'segv-f.yaml'}: evaluation crashed "
                                       "(the worker process was killed by SIGSEGV)")
    for name in ("a", "c", "e", "g"):
        assert docs[name]["status"] == "ok" and docs[name]["findings"], name
    assert "evaluation crashed" in result.stderr


# ---- atomic reports ------------------------------------------------------------------------------

@pytest.mark.slow  # audits in worker processes, seconds each
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_audit_leaves_the_old_report_intact(tmp_path: Path, sig: signal.Signals) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    for n in range(12):
        shutil.copy(VIOLATING, subs / f"s{n:02d}.yaml")
    shutil.copy(VIOLATING, subs / "s05-hang.yaml")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("the previous report\n", encoding="utf-8")
    env = {**os.environ, TEST_HOOK_ENV: "hang:s05-hang"}
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "audit", str(subs), "-o", str(out / "report.html"),
                                "-o", str(out / "report.csv"), "--jobs", "2", "--timeout", "60"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not list(out.glob(".report.csv.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the audit is now stuck on s05-hang, with other documents written to the spools
        assert process.poll() is None
        os.killpg(process.pid, sig)  # as a terminal does for Ctrl-C: the whole process group
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, stderr
    assert b"aborted" in stderr or b"interrupted" in stderr
    assert (out / "report.html").read_text(encoding="utf-8") == "the previous report\n"
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]  # no half-written report, no temporary file
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):  # and no worker left behind
        os.killpg(process.pid, 0)


# ---- waivers and baselines, as for check ---------------------------------------------------------------

PROGRAMME = """\
id: prog-1
title: Test programme
eligibility:
  nationalities_only: [Syrian]
needs_assessment: {done: true, covers_vulnerabilities: true}
referral: {pathways: [{need: legal advice, to: legal clinic}]}
participation: {migrants_consulted: true, migrant_volunteers: true}
waivers:
  - rule: eligibility-nationality
    justification: Resettlement programme for a caseload named by the government.
    approved_by: Head of protection
    expires: 2025-12-31
"""
CENTRAL = """\
waivers:
  - document: "*other.yaml"
    rule: eligibility-nationality
    justification: Pilot in the other region.
"""


@pytest.mark.slow  # audits in worker processes, seconds each
def test_waivers_apply_as_in_check(tmp_path: Path) -> None:
    (tmp_path / "prog.yaml").write_text(PROGRAMME, encoding="utf-8")
    (tmp_path / "other.yaml").write_text(PROGRAMME.split("waivers:")[0].replace("prog-1", "prog-2"),
                                         encoding="utf-8")
    (tmp_path / "central.yaml").write_text(CENTRAL, encoding="utf-8")
    files = [str(tmp_path / "other.yaml"), str(tmp_path / "prog.yaml")]
    for extra in ([], ["--today", "2026-02-01"], ["--ignore-inline-waivers"],
                  ["--waivers", str(tmp_path / "central.yaml"), "--today", "2025-06-01"]):
        audited = audit(*files, "--format", "json", "--today", "2025-06-01", *extra)
        checked = CliRunner().invoke(main, ["check", *files, "--format", "json", "--today", "2025-06-01", *extra])
        assert audited.stdout == checked.stdout, extra
        assert audited.exit_code == checked.exit_code, extra
    waived = json.loads(audit(*files, "--format", "json", "--today", "2025-06-01").stdout)
    assert [f.get("waived") is not None for d in waived["documents"] for f in d["findings"]
            if f["rule"] == "eligibility-nationality"] == [False, True]


@pytest.mark.slow  # audits in worker processes, seconds each
def test_baseline_shows_only_new_findings_as_in_check(corpus: Path, tmp_path: Path) -> None:
    audit(str(corpus), "-o", str(tmp_path / "round-1.json"))
    previous = json.loads((tmp_path / "round-1.json").read_text(encoding="utf-8"))
    # one submission dropped from the baseline: its findings are new; one resolved finding
    previous["documents"] = [d for d in previous["documents"] if not d["path"].endswith("violating.yaml")]
    first_with_findings = next(d for d in previous["documents"] if d["findings"])
    first_with_findings["findings"].append({**first_with_findings["findings"][0], "rule": "old-rule"})
    (tmp_path / "baseline.json").write_text(json.dumps(previous), encoding="utf-8")
    paths = [d["path"] for d in documents(tmp_path / "round-1.json")]
    for fmt in ("json", "text"):
        audited = audit(str(corpus), "--format", fmt, "--baseline", str(tmp_path / "baseline.json"))
        checked = CliRunner().invoke(main, ["check", *paths, "--format", fmt, "--baseline",
                                            str(tmp_path / "baseline.json")])
        assert audited.stdout == checked.stdout, fmt
    report = json.loads(audit(str(corpus), "--format", "json", "--baseline", str(tmp_path / "baseline.json")).stdout)
    section = report["baseline"]
    marks = [f["baseline"] for d in report["documents"] for f in d["findings"]]
    assert section["new"] == marks.count("new") > 0
    assert section["known"] == marks.count("known") > 0   # known findings are kept, marked, not hidden
    assert report["summary"]["known"] == section["known"] - sum(
        1 for d in report["documents"] for f in d["findings"] if f["baseline"] == "known" and "waived" in f)
    assert [r["rule"] for r in section["resolved"]] == ["old-rule"]
    page = audit(str(corpus), "-o", str(tmp_path / "r.html"), "--baseline", str(tmp_path / "baseline.json"))
    assert page.exit_code in (1, 2)
    assert '"baseline":{"file":' in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("ci,shown", [(None, True), ("true", False)])
def test_progress_bar_on_an_interactive_terminal_only(tmp_path: Path, ci: str | None, shown: bool) -> None:
    import pty
    for n in range(3):
        shutil.copy(COMPLIANT, tmp_path / f"s{n}.yaml")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = ci
    env["TERM"] = "xterm"
    master, slave = pty.openpty()  # standard error is a terminal, as when a reviewer runs the command
    try:
        process = subprocess.run([sys.executable, str(ROOT / "cli.py"), "audit", str(tmp_path), "-o",
                                  str(tmp_path / "r.json")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=slave, timeout=120)
        os.close(slave)
        output = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(master)
    assert process.returncode == 0
    assert (b"Auditing" in output) is shown
    assert b"3 documents" in output
