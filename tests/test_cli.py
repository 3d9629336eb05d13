"""The check command through click's runner: exit codes, formats, errors and determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import ROOT, write

VIOLATING = str(ROOT / "cases/violating/eligibility-documents.yaml")
COMPLIANT = str(ROOT / "cases/compliant/transit-town-health-post.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args,code", [
    ((VIOLATING,), 1),
    ((COMPLIANT,), 0),
    ((VIOLATING, "--fail-on", "never"), 0),
    ((COMPLIANT, "--fail-on", "advice"), 0),
])
def test_exit_codes(args, code) -> None:
    assert run("check", *args)[0] == code


def test_warning_threshold(tmp_path) -> None:
    only_warnings = write(tmp_path, "w.yaml", "id: w\ntitle: Food\n")  # no needs assessment: a warning
    assert run("check", str(only_warnings))[0] == 0
    assert run("check", "--fail-on", "warning", str(only_warnings))[0] == 1


def test_json_contract() -> None:
    code, out, _ = run("check", "--format", "json", VIOLATING, COMPLIANT)
    report = json.loads(out)
    assert code == 1
    assert report["tool"]["name"] == "policy-check"
    assert report["tool"]["policy"] == {"name": "IFRC Policy on Migration", "version": "2009"}
    assert len(report["tool"]["rules_digest"]) == 16
    first, second = report["documents"]
    assert [first["path"], second["path"]] == [VIOLATING, COMPLIANT]
    assert first["status"] == "ok" and first["error"] is None
    finding = next(f for f in first["findings"] if f["rule"] == "eligibility-documents")
    assert finding["severity"] == "violation" and finding["principle"] == 1 and finding["articles"] == ["1.2", "1.3"]
    assert set(finding) >= {"rule", "severity", "principle", "articles", "title", "message", "remediation", "evidence"}
    assert finding["evidence"][0]["line"] == 20 and finding["evidence"][0]["quote"] == "Valid residence permit"
    assert second["findings"] == []
    assert report["summary"]["documents"] == 2 and report["summary"]["violation"] >= 1
    assert report["summary"]["errors"] == 0


def test_bad_file_is_an_error_line_and_the_rest_is_checked(tmp_path) -> None:
    bad = write(tmp_path, "bad.yaml", "id: x\nneeds_assessment:\n  done: [1\n")
    code, out, err = run("check", "--format", "json", str(bad), VIOLATING)
    report = json.loads(out)
    assert code == 2
    assert report["documents"][0]["status"] == "error"
    assert report["documents"][0]["error"].startswith(f"{bad}:")
    assert report["documents"][1]["findings"]
    assert err.strip().splitlines() == [f"error: {report['documents'][0]['error']}"]


def test_text_report_shows_article_evidence_and_fix() -> None:
    code, out, _ = run("check", VIOLATING)
    assert "Principle 1: Focus on the needs and vulnerabilities of migrants" in out
    assert "eligibility-documents  (Art. 1.2, Art. 1.3)" in out
    assert f'at    {VIOLATING}:20:7  eligibility.documents_required[0]: "Valid residence permit"' in out
    assert "fix   Drop document requirements" in out
    assert out.rstrip().splitlines()[-1].startswith("Summary: 1 document, 1 violation")


def test_line_format() -> None:
    code, out, _ = run("check", "--format", "line", VIOLATING)
    assert f"{VIOLATING}:20:7: [violation] Eligibility requires identity or residence documents " \
           "(eligibility-documents)" in out.splitlines()


def test_output_is_deterministic(tmp_path) -> None:
    outputs = set()
    for _ in range(3):
        code, out, _ = run("check", "--format", "json", VIOLATING, COMPLIANT)
        outputs.add(out)
    assert len(outputs) == 1


def test_out_file_is_written(tmp_path) -> None:
    target = tmp_path / "sub" / "report.json"
    code, out, _ = run("check", "--format", "json", "--out", str(target), VIOLATING)
    assert out == "" and json.loads(target.read_text())["summary"]["violation"] >= 1
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temporary left behind


def test_usage_errors_exit_2() -> None:
    assert run("check")[0] == 2
    assert run("check", "--format", "pdf", VIOLATING)[0] == 2


def test_broken_rule_folder_is_a_located_error(tmp_path) -> None:
    for name in ("policy.yaml", "sections.yaml"):
        (tmp_path / name).write_text((ROOT / "rules" / name).read_text())
    (tmp_path / "r.yaml").write_text("rules:\n  - id: x\n    title: Bad rule\n    principle: 11\n")
    result = CliRunner().invoke(main, ["check", "--rules", str(tmp_path), COMPLIANT], standalone_mode=False)
    assert result.exception is not None and str(tmp_path / "r.yaml") in str(result.exception)


def _check_in_fresh_process(cache: str, *files: str, module: str = "jsonschema") -> tuple[int, bool]:
    """Run `check` in a new interpreter; return its exit code and whether it imported the module."""
    code = ("import sys\nfrom cli import main\n"
            "try:\n    main(['check', *sys.argv[1:]], standalone_mode=False)\nexcept SystemExit as e:\n    c = e.code\n"
            f"print(c, {module!r} in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "POLICY_CHECK_CACHE_DIR": cache}, timeout=120, check=True)
    exit_code, imported = out.stdout.split()[-2:]
    return int(exit_code), imported == "True"


def test_check_of_a_valid_document_does_not_import_jsonschema(tmp_path) -> None:
    # jsonschema costs about 40 ms to import: a check needs it only to validate a rule folder not yet
    # seen clean, or a document that the fast schema check cannot pass.
    cache = str(tmp_path / "cache")
    assert _check_in_fresh_process(cache, VIOLATING) == (1, True)    # first run validates the rules
    assert _check_in_fresh_process(cache, VIOLATING) == (1, False)
    unknown = write(tmp_path, "u.yaml", "id: u\ntitle: Food\nbudjet: 3\n")
    assert _check_in_fresh_process(cache, str(unknown)) == (0, True)  # the warning is worded by jsonschema


def test_a_second_check_hashes_nothing(tmp_path) -> None:
    # the rule files' digests are remembered between runs (files.cache): an unchanged folder is neither
    # read for its digest nor hashed, and hashlib (OpenSSL, ~3 ms) is not even loaded
    cache = str(tmp_path / "cache")
    assert _check_in_fresh_process(cache, VIOLATING, module="hashlib") == (1, True)
    assert _check_in_fresh_process(cache, VIOLATING, module="hashlib") == (1, False)


@pytest.mark.parametrize("args,paused", [
    (("check", VIOLATING), True),
    (("check", "--format", "pdf", VIOLATING), True),   # a usage error before the rules are loaded
    (("check", "missing.yaml"), True),
    (("rules", "lint"), False),                          # only check pauses the collector
])
def test_check_pauses_the_collector_only_while_starting(args, paused) -> None:
    """Run as a program, check starts with the collector paused; by exit it collects again, with
    what start-up built set aside (frozen). Other commands leave it alone."""
    code = ("import atexit, gc, runpy, sys\n"
            "seen = []\n"
            "import policy_engine.ruleset.rules as rules\n"
            "load = rules.load_rule_set\n"
            "def spy(*a, **k):\n    seen.append(gc.isenabled())\n    return load(*a, **k)\n"
            "rules.load_rule_set = spy\n"
            "atexit.register(lambda: print('gc', seen, gc.isenabled(), gc.get_freeze_count() > 0))\n"
            "sys.argv = ['cli.py', *sys.argv[1:]]\n"
            "runpy.run_path('cli.py', run_name='__main__')\n")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    loads = "[False]" if paused and "pdf" not in args else ("[]" if paused else "[True]")
    assert out.stdout.splitlines()[-1] == f"gc {loads} True {paused}", out.stderr


def test_the_collector_is_left_alone_in_a_library() -> None:
    import gc

    frozen = gc.get_freeze_count()
    assert run("check", VIOLATING)[0] == 1
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_check_to_the_terminal_does_not_load_the_file_formats(tmp_path) -> None:
    # the streaming formats (JUnit's XML escaping pulls in urllib and http) cost a check some 20 ms:
    # they are loaded only when a report file is asked for
    code = ("import sys\nfrom cli import main\n"
            "try:\n    main(['check', *sys.argv[1:]], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('policy_engine.reports.stream', 'policy_engine.reports.junit', 'xml.sax.saxutils')"
            " if m in sys.modules))")
    env = {**os.environ, "POLICY_CHECK_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code, VIOLATING], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=120, check=True)
    assert out.stdout.split("\n")[-2] == "[]"
    # a report file loads its own format only (SARIF is written by a streaming writer; JUnit stays unloaded)
    report = tmp_path / "r.sarif"
    out = subprocess.run([sys.executable, "-c", code, VIOLATING, "-o", str(report)], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=120, check=True)
    assert out.stdout.split("\n")[-2] == "['policy_engine.reports.stream']" and report.is_file()
