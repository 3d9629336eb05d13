"""The conventions of a well-made linter, through the real program (python -m policy_engine): one
set of output options for check and audit, a configuration file, rule selection, colour only on a
terminal, standard input, the programme schema."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from policy_engine.cli import REPORT_FORMATS
from tests.conftest import ROOT, write

VIOLATING = str(ROOT / "cases/violating/deterrence-campaign.md")       # deterrence-campaign (P7) + a P10 warning
YAML_VIOLATING = str(ROOT / "cases/violating/eligibility-documents.yaml")
ESC = "\x1b"


def cli(*args: str, cwd: Path | str = ROOT, stdin: bytes | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "policy_engine", *args], cwd=cwd, input=stdin,
                            capture_output=True, timeout=120, env={**os.environ, **(env or {})})
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode("utf-8"),
                                       result.stderr.decode("utf-8"))


# ---- output options ------------------------------------------------------------------------------

def test_check_out_json_writes_json(tmp_path: Path) -> None:
    result = cli("check", VIOLATING, "-o", str(tmp_path / "report.json"), cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["violation"] == 1


def test_unknown_format_prefix_is_refused_naming_the_formats(tmp_path: Path) -> None:
    result = cli("check", VIOLATING, "-o", "xlsx:r.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown report format 'xlsx'" in result.stderr and ", ".join(REPORT_FORMATS) in result.stderr
    assert list(tmp_path.iterdir()) == []
    audit = cli("audit", VIOLATING, "-o", "xlsx:r.csv", cwd=tmp_path)
    assert audit.returncode == 2 and ", ".join(REPORT_FORMATS) in audit.stderr
    unknown = cli("check", VIOLATING, "-f", "pdf", cwd=tmp_path)
    assert unknown.returncode == 2 and "'pdf' is not one of" in unknown.stderr


def test_extension_prefix_and_format_choose_the_format_for_check(tmp_path: Path) -> None:
    result = cli("check", VIOLATING, "-o", "r.sarif", "-o", "matrix:m.csv", "-o", "line:r.lines", "-o", "r.txt",
                 cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert (tmp_path / "m.csv").read_text(encoding="utf-8-sig").startswith("path,")  # with a BOM, for Excel
    assert (tmp_path / "r.lines").read_text().startswith(f"{VIOLATING}:")
    assert (tmp_path / "r.txt").read_text() == cli("check", VIOLATING, cwd=tmp_path).stdout
    assert cli("check", VIOLATING, "-o", "r.pdf", cwd=tmp_path).returncode == 2


def test_audit_has_the_line_format_of_check(tmp_path: Path) -> None:
    files = sorted([VIOLATING, YAML_VIOLATING])
    checked = cli("check", *files, "-f", "line")
    audited = cli("audit", *files, "-f", "line", "-j", "1")
    assert checked.stdout == audited.stdout and checked.stdout.count("\n") > 2
    assert audited.returncode == checked.returncode == 1


def test_explain_is_refused_with_a_format_it_cannot_go_into() -> None:
    assert cli("check", VIOLATING, "--explain", "-f", "line").returncode == 2


# ---- selection and configuration -----------------------------------------------------------------

def rules_in(report_text: str) -> set[str]:
    return {f["rule"] for doc in json.loads(report_text)["documents"] for f in doc["findings"]}


def test_select_and_ignore_by_rule_principle_and_article() -> None:
    everything = rules_in(cli("check", VIOLATING, "-f", "json").stdout)
    assert everything == {"deterrence-campaign", "origin-work-aimed-at-stopping-migration"}
    assert rules_in(cli("check", VIOLATING, "-f", "json", "--ignore", "deterrence-campaign").stdout) \
        == {"origin-work-aimed-at-stopping-migration"}
    assert rules_in(cli("check", VIOLATING, "-f", "json", "--select", "P7").stdout) == {"deterrence-campaign"}
    assert rules_in(cli("check", VIOLATING, "-f", "json", "--ignore", "7.5").stdout) == set()
    ignored = cli("check", VIOLATING, "--ignore", "deterrence-campaign")
    assert ignored.returncode == 0 and "Summary: 1 document, 0 violations, 1 warning" in ignored.stdout


def test_a_selector_that_names_nothing_is_an_error() -> None:
    result = cli("check", VIOLATING, "--ignore", "deterence-campaign")
    assert result.returncode == 2 and "did you mean 'deterrence-campaign'?" in result.stderr


def test_config_ignore_hides_a_rule_and_options_override_the_file(tmp_path: Path) -> None:
    write(tmp_path, ".policy-check.yaml", "# settings\nignore: [deterrence-campaign]\nfail-on: never\n")
    result = cli("check", VIOLATING, "-f", "json", cwd=tmp_path)
    assert result.returncode == 0 and rules_in(result.stdout) == {"origin-work-aimed-at-stopping-migration"}
    assert cli("check", VIOLATING, "--fail-on", "warning", cwd=tmp_path).returncode == 1
    assert cli("--no-config", "check", VIOLATING, cwd=tmp_path).returncode == 1


def test_pyproject_table_is_found_from_a_folder_below(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "drafts"\n\n[tool.policy-check]\nignore = ["P10"]\n'
                                      'waivers = "waivers.yaml"\n')
    write(tmp_path, "waivers.yaml", "waivers: []\n")
    below = tmp_path / "drafts" / "2026"
    below.mkdir(parents=True)
    assert rules_in(cli("check", VIOLATING, "-f", "json", cwd=below).stdout) == {"deterrence-campaign"}
    shown = cli("--show-config", cwd=below)
    assert shown.returncode == 0
    config = (tmp_path / "pyproject.toml").resolve()  # above the working folder: shown in full
    assert f"config: {config}\n" in shown.stdout
    assert f"ignore: P10  ({config}:5)\n" in shown.stdout
    assert f"waivers: {config.parent / 'waivers.yaml'}  ({config}:6)\n" in shown.stdout
    assert "fail-on: violation  (default)\n" in shown.stdout


@pytest.mark.parametrize("name,text,where,message", [
    (".policy-check.yaml", "fail-on: never\nignor: [x]\n", ":2: ", 'unknown setting "ignor"; did you mean \'ignore\'?'),
    (".policy-check.yaml", "fail-on: sometimes\n", ":1: ", "fail-on: must be one of: violation, warning"),
    (".policy-check.yaml", "select: [deterence-campaign]\n", ":1: ", "select: no such rule"),
    (".policy-check.yaml", "rules: missing-folder\n", ":1: ", "rules: no such folder or file"),
    (".policy-check.yaml", "ignore: [a\n", ":2: ", "not valid YAML"),
    (".policy-check.yaml", "- a list\n", ":1: ", "must be a mapping"),
    ("pyproject.toml", "[tool.policy-check]\nfail-on = 'never'\nselect = 3\n", ":3: ", "select: must be a list"),
    ("pyproject.toml", "[tool.policy-check]\nfail-on = \n", ":2: ", "not valid TOML"),
])
def test_config_errors_are_one_line_with_file_and_line(tmp_path: Path, name: str, text: str, where: str,
                                                       message: str) -> None:
    write(tmp_path, name, text)
    result = cli("check", VIOLATING, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {name}{where}"), result.stderr
    assert message in result.stderr


# ---- colour --------------------------------------------------------------------------------------

def on_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """Standard output of the program run with a pseudo-terminal as its standard output."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "policy_engine", *args], cwd=ROOT, stdout=slave,
                               stderr=subprocess.DEVNULL, env={**os.environ, "TERM": "xterm", **(env or {})})
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        try:
            chunk = os.read(master, 65536) if ready else b""
        except OSError:  # the program closed the terminal
            chunk = b""
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_only_and_never_with_no_color() -> None:
    coloured = on_terminal("check", VIOLATING, env={"NO_COLOR": ""})
    assert f"{ESC}[1;31m    ✖ violation{ESC}[0m" in coloured
    plain = cli("check", VIOLATING).stdout                              # piped
    assert ESC not in plain and re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert ESC not in on_terminal("check", VIOLATING, env={"NO_COLOR": "1"})
    assert ESC not in on_terminal("check", VIOLATING, "--color", "never")
    assert ESC not in on_terminal("audit", VIOLATING, "-j", "1", env={"NO_COLOR": "1"})
    assert f"{ESC}[1;31m" in on_terminal("audit", VIOLATING, "-j", "1", env={"NO_COLOR": ""})
    assert f"{ESC}[1;31m" in cli("check", VIOLATING, "--color", "always", env={"NO_COLOR": "1"}).stdout


def test_colour_never_lets_submission_text_through_raw(tmp_path: Path) -> None:
    draft = write(tmp_path, "evil.yaml", 'id: "x\\e[2J\\e]0;pwned\\a"\ntitle: "Summary: \\e[31mred"\n')
    out = cli("check", str(draft), "--color", "always").stdout
    assert "\\x1b[2J" in out
    assert set(re.findall(r"\x1b\[[0-9;]*m", out)) <= {"\x1b[0m", "\x1b[1m", "\x1b[1;31m", "\x1b[33m", "\x1b[36m",
                                                       "\x1b[32m", "\x1b[2m"}
    assert "\x1b]" not in out and "\x07" not in out


# ---- standard input and the schema ---------------------------------------------------------------

def test_dash_reads_a_draft_from_standard_input() -> None:
    for path in (VIOLATING, YAML_VIOLATING):
        from_file = cli("check", path, "-f", "line").stdout
        from_stdin = cli("check", "-", "-f", "line", stdin=Path(path).read_bytes())
        assert from_stdin.returncode == 1
        assert from_stdin.stdout == from_file.replace(path + ":", "-:")
    named = cli("check", "-", "--stdin-filename", "mine.md", stdin=Path(VIOLATING).read_bytes())
    assert named.stdout.startswith("mine.md  (viol-deterrence-campaign-md)\n")
    pdf = cli("check", "-", "--stdin-filename", "x.pdf", stdin=b"%PDF-1.4")
    assert pdf.returncode == 2 and "unsupported file type '.pdf'" in pdf.stdout
    binary = cli("check", "-", stdin=b"\x00\x01\x02 binary")
    assert binary.returncode == 2 and "-\n  error: -: file is binary, not text" in binary.stdout


def test_schema_prints_the_programme_format() -> None:
    result = cli("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == json.loads((ROOT / "policy_engine/schemas/programme.schema.json").read_text())


def test_version_and_help() -> None:
    from policy_engine import __version__
    assert cli("--version").stdout == f"policy-check, version {__version__}\n"
    assert cli().stdout.startswith("Usage: policy-check")
