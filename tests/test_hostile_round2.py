"""Hostile input, second round: text that hides from the rules, Word parts a reader sees, control
characters on the terminal, reports that must never replace what the user owns, reads that must
end, and user mistakes that must be one line and exit 2, never a traceback or exit 3."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from policy_engine.evaluation.checker import Checker
from policy_engine.reading.cleantext import clean
from policy_engine.reading.documents import parse_docx, parse_document
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # hostile input, many runs of the command

VIOLATION = "Applicants need a passport or national ID."
RULE = "eligibility-documents"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.from_directory()


def fires(checker: Checker, text: str, suffix: str = ".md") -> bool:
    doc = parse_document("# Support\n\n## Eligibility\n" + text + "\n", "x" + suffix, suffix)
    return RULE in {f.rule for f in checker.check(doc).findings}


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def run(*args: str) -> "CliRunner.invoke":
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ---- text that hides from the rules ---------------------------------------------------------------

EVASIONS = {
    "zero-width space": "Applicants need a pass\u200bport or national ID.",
    "word joiner": "Applicants need a pass\u2060port or national ID.",
    "soft hyphen": "Applicants need a pass\u00adport or national ID.",
    "soft hyphen entity": "Applicants need a pass&shy;port or national ID.",
    "numeric entity": "Applicants need a pass&#112;ort or national ID.",
    "variation selector": "Applicants ne\ufe0fed a passport or national ID.",
    "bidi override": "Applicants need a \u202dpassport\u202c or national ID.",
    "tag characters": "Applicants need a pass\U000e0041port or national ID.",
    "inline tag": "Applicants need a pass<b></b>port or national ID.",
    "split by tags": "Applicants need a <span>pass</span>port or national ID.",
    "comment inside a word": "Applicants need a pass<!-- x -->port or national ID.",
    "hyphen at a line end": "Applicants need a pass-\nport or national ID.",
    "Cyrillic a": "Applicants need a pаssport or nationаl ID.",
    "Greek omicron": "Applicants need a passpοrt or natiοnal ID.",
    "dotless i": "Applıcants need a passport or natıonal ID.",
    "fullwidth letters": "Applicants need a ｐａｓｓｐｏｒｔ or national ID.",
    # found by an attacker who read only the README
    "comment over lines": "Applicants need a pass<!--\n-->port or national ID.",
    "tag over lines": 'Applicants need a <span\nclass="x">passport</span> or national ID.',
    "quoted > in a tag": 'Applicants need a <span title="a>b">passport</span> or national ID.',
    "CDATA": "Applicants need a pass<![CDATA[]]>port or national ID.",
    "processing instruction": "Applicants need a pass<?x?>port or national ID.",
    "empty link": "Applicants need a pass[](x)port or national ID.",
    "emphasis in a word": "Applicants need a pass**port** or national ID.",
    "Armenian o": "Applicants need a passp\u0585rt or national ID.",
    "Latin alpha": "Applicants need a p\u0251ssport or national ID.",
    "invisible Khmer": "Applicants need a pass\u17b4port or national ID.",
    "hair space": "Applicants need a pass\u200aport or national ID.",
    "reversed by an override": "Applicants need a \u202etropssap\u202c or national ID.",
}


@pytest.mark.parametrize("name", sorted(EVASIONS))
def test_a_violation_is_read_whatever_hides_in_it(checker: Checker, name: str) -> None:
    assert fires(checker, VIOLATION)
    assert fires(checker, EVASIONS[name]), name


def test_a_violation_written_as_a_heading_is_read(checker: Checker) -> None:
    doc = parse_document("# Support\n\n## Eligibility\n### Applicants need a passport or national ID\nWe help.\n",
                         "h.md", ".md")
    assert RULE in {f.rule for f in checker.check(doc).findings}


def test_a_heading_that_only_names_a_section_is_not_read_as_a_sentence(checker: Checker) -> None:
    doc = parse_document("# Plan\n\n## REFERRALS - DO NOT SKIP THIS\nWe refer people to the health centre.\n",
                         "r.md", ".md")
    assert not any(u.text.startswith("REFERRALS") for u in doc.units)


def test_cleaning_keeps_line_numbers_and_real_words() -> None:
    text = "line one\nApplicants need a pass-\nport here.\nSi une personne demande d'elle-\nmême.\nend"
    cleaned = clean(text, markup=True)
    assert cleaned.count("\n") == text.count("\n")
    assert "passport" in cleaned and "elle-même" in cleaned
    assert clean("Москва и Αθήνα") == "Москва и Αθήνα"  # words wholly in another script stay
    assert clean("x < 5 and y > 3 & z") == "x < 5 and y > 3 & z"
    assert clean("plain ascii text") == "plain ascii text"


# ---- Word: every place a reader sees text, and only those -----------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _docx(body: str, parts: dict[str, str] | None = None, doctype: str = "") -> bytes:
    """A minimal Word file: the body's XML, and notes or headers by relationship type."""
    parts = parts or {}
    rels = "".join(f'<Relationship Id="r{i}" Type="{_R}/{kind}" Target="{kind}.xml"/>'
                   for i, kind in enumerate(parts))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                         f'relationships"><Relationship Id="d" Type="{_R}/officeDocument" '
                         'Target="word/document.xml"/></Relationships>')
        archive.writestr("word/_rels/document.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                         f'package/2006/relationships">{rels}</Relationships>')
        archive.writestr("word/document.xml", f'<?xml version="1.0"?>{doctype}<w:document {_W}><w:body>'
                         f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Eligibility</w:t></w:r></w:p>'
                         f'{body}</w:body></w:document>')
        for kind, xml in parts.items():
            archive.writestr(f"word/{kind}.xml", f'<?xml version="1.0"?>{xml}')
    return buffer.getvalue()


def _p(inner: str) -> str:
    return f"<w:p>{inner}</w:p>"


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


WORD_PLACES = {
    "tracked insertion": _p(f"<w:ins w:id='1' w:author='a'>{_r(VIOLATION)}</w:ins>"),
    "tracked move": _p(f"<w:moveTo w:id='1' w:author='a'>{_r(VIOLATION)}</w:moveTo>"),
    "content control": _p(f"<w:sdt><w:sdtContent>{_r(VIOLATION)}</w:sdtContent></w:sdt>"),
    "block content control": f"<w:sdt><w:sdtContent>{_p(_r(VIOLATION))}</w:sdtContent></w:sdt>",
    "smart tag": _p(f"<w:smartTag w:uri='u' w:element='e'>{_r(VIOLATION)}</w:smartTag>"),
    "custom XML": _p(f"<w:customXml w:element='e'>{_r(VIOLATION)}</w:customXml>"),
    "block custom XML": f"<w:customXml w:element='e'>{_p(_r(VIOLATION))}</w:customXml>",
    "field result": _p(f"<w:fldSimple w:instr=' MERGEFIELD x '>{_r(VIOLATION)}</w:fldSimple>"),
    "complex field result": _p("<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText> REF x </w:instrText>"
                               "</w:r><w:r><w:fldChar w:fldCharType='separate'/></w:r>" + _r(VIOLATION)
                               + "<w:r><w:fldChar w:fldCharType='end'/></w:r>"),
    "text box": _p("<w:r><w:drawing><wp:anchor xmlns:wp='http://schemas.openxmlformats.org/drawingml/2006/"
                   "wordprocessingDrawing'><w:txbxContent>" + _p(_r(VIOLATION)) + "</w:txbxContent></wp:anchor>"
                   "</w:drawing></w:r>"),
    "table row in a content control": "<w:tbl><w:sdt><w:sdtContent><w:tr><w:tc>" + _p(_r("Eligibility"))
                                      + "</w:tc><w:tc>" + _p(_r(VIOLATION)) + "</w:tc></w:tr></w:sdtContent>"
                                      "</w:sdt></w:tbl>",
}


@pytest.mark.parametrize("place", sorted(WORD_PLACES))
def test_word_text_a_reader_sees_is_read(checker: Checker, place: str) -> None:
    doc = parse_docx(_docx(WORD_PLACES[place]), "d.docx")
    assert RULE in {f.rule for f in checker.check(doc).findings}, place


@pytest.mark.parametrize("kind,root", [("footnotes", "w:footnotes"), ("endnotes", "w:endnotes"),
                                       ("header", "w:hdr"), ("footer", "w:ftr")])
def test_notes_headers_and_footers_are_read(checker: Checker, kind: str, root: str) -> None:
    note = {"footnotes": "w:footnote", "endnotes": "w:endnote"}.get(kind)
    inner = f"<{note} w:id='1'>{_p(_r(VIOLATION))}</{note}>" if note else _p(_r(VIOLATION))
    doc = parse_docx(_docx(_p(_r("We help everyone.")), {kind: f"<{root} {_W}>{inner}</{root}>"}), "d.docx")
    assert RULE in {f.rule for f in checker.check(doc).findings}, kind


def test_text_after_an_internal_entity_is_read(checker: Checker) -> None:
    doc = parse_docx(_docx(_p(_r("Applicants need a &e; or national ID.")),
                           doctype='<!DOCTYPE w:document [<!ENTITY e "passport">]>'), "d.docx")
    assert RULE in {f.rule for f in checker.check(doc).findings}


@pytest.mark.parametrize("xml", [
    _p(f"<w:del w:id='1' w:author='a'><w:r><w:delText>{VIOLATION}</w:delText></w:r></w:del>"),
    _p(f"<w:moveFrom w:id='1' w:author='a'>{_r(VIOLATION)}</w:moveFrom>"),
], ids=["tracked deletion", "moved away"])
def test_deleted_text_is_not_read(checker: Checker, xml: str) -> None:
    doc = parse_docx(_docx(xml + _p(_r("We help everyone."))), "d.docx")
    assert RULE not in {f.rule for f in checker.check(doc).findings}


# ---- the terminal and one-line records ------------------------------------------------------------

def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    name = tmp_path / "a\x1b[31mb\nc\x07.yaml"
    name.write_text('title: "T\\u001b]0;pwned\\u0007"\norganisation: "\\u009b2J"\neligibility:\n'
                    '  description: "Applicants need a passport\\u001b[2J or national ID."\n', encoding="utf-8")
    for fmt in ("text", "line", "json"):
        out = run("check", str(name), "--format", fmt).stdout
        assert not any(c in out for c in "\x1b\x07\x9b\r\b"), fmt
    lines = run("check", str(name), "--format", "line").stdout.splitlines()
    assert all(line.startswith(str(tmp_path)) for line in lines)  # one record per line
    assert "\\x1b[31mb\\nc\\x07.yaml" in lines[0]
    report = json.loads(run("check", str(name), "--format", "json").stdout)
    assert report["documents"][0]["organisation"] == "\x9b2J"  # JSON keeps the data, escaped


def test_a_rule_id_ending_in_a_newline_is_refused(tmp_path: Path) -> None:
    from policy_engine.ruleset.rules import load_rule_set
    import shutil
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    target = next(rules.glob("p1-*.yaml"))
    text = target.read_text(encoding="utf-8")
    first_id = text.split("- id: ", 1)[1].split("\n", 1)[0]
    target.write_text(text.replace(f"- id: {first_id}\n", f'- id: "{first_id}\\n"\n', 1), encoding="utf-8")
    _, problems = load_rule_set(rules)
    assert any("does not match" in p.message for p in problems)


# ---- reports never replace what the user owns -----------------------------------------------------

@pytest.fixture()
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "d.md"
    path.write_text("# Support\n\n## Eligibility\n" + VIOLATION + "\n", encoding="utf-8")
    return path


def test_out_never_overwrites_an_input(draft: Path) -> None:
    before = draft.read_bytes()
    result = _cli("check", str(draft), "-f", "text", "--out", str(draft))
    assert result.returncode == 2 and "input" in result.stderr
    link = draft.parent / "link.md"
    link.symlink_to(draft.name)
    assert _cli("check", str(draft), "-f", "text", "--out", str(link)).returncode == 2
    assert draft.read_bytes() == before


def test_audit_never_overwrites_a_submission(draft: Path) -> None:
    before = draft.read_bytes()
    result = _cli("audit", str(draft.parent), "-o", f"text:{draft}")
    assert result.returncode == 2 and "submission" in result.stderr
    assert draft.read_bytes() == before
    report = draft.parent / "report.json"  # an earlier report in the folder may be replaced
    assert CliRunner().invoke(main, ["audit", str(draft.parent), "-o", str(report)]).exit_code == 1
    assert CliRunner().invoke(main, ["audit", str(draft.parent), "-o", str(report)]).exit_code == 1


@pytest.mark.parametrize("special", ["fifo", "/dev/full", "folder"])
def test_out_refuses_pipes_devices_and_folders(draft: Path, special: str) -> None:
    if special == "fifo":
        target = draft.parent / "pipe"
        os.mkfifo(target)
    elif special == "folder":
        target = draft.parent / "sub.txt"
        target.mkdir()
    else:
        target = Path(special)
    result = _cli("check", str(draft), "-f", "text", "--out", str(target))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().splitlines()[-1].lower().startswith("error")


def test_out_through_a_symlink_writes_its_target_and_keeps_permissions(draft: Path) -> None:
    target = draft.parent / "real.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = draft.parent / "report.txt"
    link.symlink_to(target.name)
    assert CliRunner().invoke(main, ["check", str(draft), "--out", str(link)]).exit_code == 1
    assert link.is_symlink() and "eligibility-documents" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_check_and_audit_give_new_reports_the_same_permissions(draft: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(main, ["check", str(draft), "--out", str(out / "c.json")])
    CliRunner().invoke(main, ["audit", str(draft), "-o", str(out / "a.json")])
    assert stat.S_IMODE((out / "c.json").stat().st_mode) == stat.S_IMODE((out / "a.json").stat().st_mode)
    assert not list(out.glob(".policy-check-*"))  # no temporary file left


@pytest.mark.parametrize("where", ["parent is a file", "name too long for a temporary name"])
def test_unwritable_out_is_one_line_and_exit_2(draft: Path, where: str) -> None:
    if where == "parent is a file":
        target = draft / "report.txt"
        expected = 2
    else:
        target = draft.parent / ("r" * 250 + ".txt")  # legal; our temporary name stays short
        expected = 1
    result = _cli("check", str(draft), "--out", str(target))
    assert result.returncode == expected, result.stderr
    assert "Traceback" not in result.stderr


def test_an_abandoned_temporary_file_is_removed_by_the_next_write(draft: Path) -> None:
    stale = draft.parent / ".policy-check-0123456789ab.tmp"
    stale.write_text("half a report", encoding="utf-8")
    os.utime(stale, (1, 1))
    CliRunner().invoke(main, ["check", str(draft), "--out", str(draft.parent / "r.txt")])
    assert not stale.exists()


# ---- every read ends ------------------------------------------------------------------------------

def test_a_named_pipe_or_dev_zero_is_refused_not_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    zero = tmp_path / "zero.md"
    zero.symlink_to("/dev/zero")
    for path in (pipe, zero):
        result = _cli("check", str(path), timeout=30)
        assert result.returncode == 2 and "not a regular file" in result.stdout + result.stderr


def test_a_named_pipe_in_a_rules_folder_is_refused(tmp_path: Path) -> None:
    import shutil
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    os.mkfifo(rules / "zz-pipe.yaml")
    result = _cli("check", "--rules", str(rules), str(ROOT / "cases" / "violating" / "deterrence-campaign.md"),
                  timeout=60)
    assert result.returncode == 2 and "not a regular file" in result.stderr


def test_a_symlink_out_of_a_submitted_folder_is_not_read_and_links_do_not_drop_the_folder(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.md").write_text("# A\n\n## Eligibility\n" + VIOLATION + "\n", encoding="utf-8")
    (tmp_path / "secret.md").write_text("Secret: " + VIOLATION + "\n", encoding="utf-8")
    (subs / "out.md").symlink_to("../secret.md")
    (subs / "self.md").symlink_to("self.md")
    (subs / "dangling.md").symlink_to("nowhere.md")
    (subs / "inside.md").symlink_to("a.md")
    result = CliRunner().invoke(main, ["audit", str(subs), "--format", "json"])
    report = json.loads(result.stdout)
    by_name = {Path(d["path"]).name: d for d in report["documents"]}
    assert set(by_name) == {"a.md", "out.md", "self.md", "dangling.md", "inside.md"}
    assert by_name["a.md"]["status"] == by_name["inside.md"]["status"] == "ok"
    assert "outside" in by_name["out.md"]["error"] and "Secret" not in json.dumps(by_name["out.md"])
    assert by_name["self.md"]["error"] and by_name["dangling.md"]["error"]


# ---- user mistakes: one line, exit 2 --------------------------------------------------------------

@pytest.mark.parametrize("content", [
    '{"documents": [{"path": "a", "findings": [5]}]}',
    '{"documents": [{"path": "a", "findings": [{"rule": "r", "evidence": [7]}]}]}',
    '{"documents": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"documents": [{"path": "a", "findings": [{"rule": ' + "9" * 5000 + "}]}]}",
    '{"documents": [{"path": "\\ud800", "findings": []}]}',
    '{"tool": {}}',
], ids=["finding not a mapping", "evidence not a mapping", "deeply nested", "huge number", "lone surrogate",
        "no documents"])
def test_a_bad_baseline_is_one_line_and_exit_2(draft: Path, tmp_path: Path, content: str) -> None:
    baseline = tmp_path / "b.json"
    baseline.write_text(content, encoding="utf-8")
    result = _cli("check", str(draft), "--baseline", str(baseline))
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and len(result.stderr) < 700


def test_json_drafts_with_a_huge_number_or_emoji_escapes(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    huge.write_text('{"title": "t", "budget": ' + "9" * 5000 + "}", encoding="utf-8")
    result = _cli("check", str(huge))
    assert result.returncode == 2 and len(result.stdout + result.stderr) < 2000
    emoji = tmp_path / "emoji.json"
    emoji.write_text(json.dumps({"title": "Aide \U0001F600", "organisation": "O",
                                 "eligibility": {"description": VIOLATION}}), encoding="utf-8")
    result = _cli("check", str(emoji), "--format", "json")
    assert result.returncode == 1 and RULE in result.stdout


def test_a_utf16_draft_is_read(tmp_path: Path) -> None:
    draft = tmp_path / "notepad.txt"
    draft.write_bytes(("# Support\n\n## Eligibility\n" + VIOLATION + "\n").encode("utf-16"))
    result = _cli("check", str(draft), "--format", "line")
    assert result.returncode == 1 and RULE in result.stdout


def test_a_rule_folder_with_wrong_types_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import shutil
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "zz.yaml").write_text("rules: 5\n", encoding="utf-8")
    result = _cli("check", "--rules", str(rules), str(ROOT / "cases" / "violating" / "deterrence-campaign.md"))
    assert result.returncode == 2 and "zz.yaml" in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("damage", [b'{"garbage": [1,2,', b"\xff\xfe\x00", b'{"version": 1, "data": 5}'])
def test_a_damaged_cache_changes_nothing(tmp_path: Path, damage: bytes) -> None:
    case = str(ROOT / "cases" / "violating" / "deterrence-campaign.md")
    env = {**os.environ, "POLICY_CHECK_CACHE_DIR": str(tmp_path / "cache")}
    clean_run = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", case, "--format", "json"],
                               capture_output=True, text=True, env=env, cwd=ROOT)
    for entry in (tmp_path / "cache").iterdir():
        entry.write_bytes(damage)
    damaged = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", case, "--format", "json"],
                             capture_output=True, text=True, env=env, cwd=ROOT)
    assert damaged.returncode == clean_run.returncode == 1
    assert damaged.stdout == clean_run.stdout


def test_a_cache_folder_others_can_write_is_not_used(tmp_path: Path) -> None:
    from policy_engine.files import cache
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    cache._private_folder.cache_clear()
    assert cache._private_folder(str(shared)) is None
    own = tmp_path / "own"
    assert cache._private_folder(str(own)) == own and stat.S_IMODE(own.stat().st_mode) == 0o700
    entry = own / "valid-3-abc"
    cache.write_entry(entry, "abc", "valid", 3)
    entry.chmod(0o666)
    assert cache.read_entry(entry) is None  # writable by others: not trusted
    entry.chmod(0o600)
    assert cache.read_entry(entry) == "abc"


def test_a_cache_entry_changed_or_cut_short_after_writing_is_not_read(tmp_path: Path) -> None:
    from policy_engine.files import cache
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    entry = folder / "terms-3-en-0123456789abcdef.json"
    cache.write_entry(entry, '{"sets": [["a"]], "terms": []}', "terms", 3)
    assert cache.read_entry(entry) == '{"sets": [["a"]], "terms": []}'
    whole = entry.read_bytes()
    for damaged in (whole.replace(b'"a"', b'"b"'), whole[:-3], whole[9:], b""):
        entry.write_bytes(damaged)
        assert cache.read_entry(entry) is None, damaged


def test_the_cache_pruner_removes_only_its_own_entries(tmp_path: Path) -> None:
    from policy_engine.files import cache
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    mine = [folder / "notes-1-x.json", folder / "yaml-3-notes.txt", folder / "yaml.json"]
    for path in mine:
        path.write_text("keep", encoding="utf-8")
    old_format = folder / "yaml-2-0123456789abcdef.json"
    old_format.write_text("{}", encoding="utf-8")
    cache.write_entry(folder / "yaml-3-0123456789abcdef0123456789abcdef.json", "{}", "yaml", 3)
    assert all(path.exists() for path in mine)
    assert not old_format.exists()


def test_an_expiry_that_is_not_a_date_is_refused() -> None:
    from policy_engine.findings.waivers import _date
    assert _date("2999-12-31 or never") is None
    assert _date("2025-12-31") is not None and _date("2025-12-31 00:00:00") is not None


def test_error_messages_stay_short(tmp_path: Path) -> None:
    draft = tmp_path / "big.yaml"
    draft.write_text("title: t\nbudget: " + "9" * 5000 + "\n", encoding="utf-8")
    result = _cli("check", str(draft), "--format", "line")
    assert result.returncode == 2 and len(result.stdout) < 1000


def test_an_empty_audit_prints_no_half_report(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    result = _cli("audit", str(tmp_path), "-f", "json")
    assert result.returncode == 2 and result.stdout == ""
    result = _cli("audit", str(tmp_path), "-o", str(tmp_path / "r.json"))
    assert result.returncode == 2 and not (tmp_path / "r.json").exists()


def test_error_messages_hold_no_memory_address() -> None:
    from policy_engine.errors import InputError
    assert str(InputError("cannot read <lxml.etree._Element object at 0x7f12ab34>", "d.docx")) == \
        "d.docx: cannot read <lxml.etree._Element>"


def test_sentence_and_paragraph_limits_refuse_what_would_take_minutes(tmp_path: Path) -> None:
    headings = tmp_path / "headings.md"
    headings.write_text("".join(f"# H{i}\ntext {i}\n" for i in range(20000)), encoding="utf-8")
    fields = tmp_path / "fields.yaml"
    fields.write_text("title: t\n" + "".join(f"unknown_{i}: x\n" for i in range(20000)), encoding="utf-8")
    for path in (headings, fields):
        result = _cli("check", str(path), timeout=60)
        assert result.returncode == 2 and "too many sentences" in result.stdout
    few = tmp_path / "few.yaml"
    few.write_text("title: t\norganisation: o\n" + "".join(f"unknown_{i}: 1\n" for i in range(40)), encoding="utf-8")
    notes = [line for line in _cli("check", str(few), "--format", "line").stdout.splitlines() if "[note]" in line]
    assert len(notes) == 21 and any("and 20 more unknown field(s)" in note for note in notes)


# ---- found by an attacker who read only the README ------------------------------------------------

MORE_WORD = {
    "hidden run inside the word": _p(_r("Applicants need a pass") + "<w:r><w:rPr><w:vanish/></w:rPr><w:t>zz</w:t></w:r>"
                                     + _r("port or national ID.")),
    "tiny run inside the word": _p(_r("Applicants need a pass") + "<w:r><w:rPr><w:sz w:val='1'/></w:rPr><w:t>zz</w:t>"
                                   "</w:r>" + _r("port or national ID.")),
    "white run inside the word": _p(_r("Applicants need a pass") + "<w:r><w:rPr><w:color w:val='FFFFFF'/></w:rPr>"
                                    "<w:t>zz</w:t></w:r>" + _r("port or national ID.")),
    "symbol for a letter": _p(_r("Applicants need a pass") + "<w:r><w:sym w:font='Symbol' w:char='0070'/></w:r>"
                              + _r("ort or national ID.")),
    "ruby base": _p(_r("Applicants need a ") + "<w:r><w:ruby><w:rubyPr/><w:rt>" + _r("x") + "</w:rt><w:rubyBase>"
                    + _r("passport") + "</w:rubyBase></w:ruby></w:r>" + _r(" or national ID.")),
    "right-to-left override": _p(_r("Applicants need a ") + "<w:bdo w:val='rtl'>" + _r("tropssap") + "</w:bdo>"
                                 + _r(" or national ID.")),
}


@pytest.mark.parametrize("name", sorted(MORE_WORD))
def test_more_word_tricks(checker: Checker, name: str) -> None:
    doc = parse_docx(_docx(MORE_WORD[name]), "d.docx")
    assert RULE in {f.rule for f in checker.check(doc).findings}, name


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n", "---\nx: &x [*x]\n---\n# Body\nText.\n"],
                         ids=["list", "mapping", "front matter"])
def test_a_recursive_alias_is_refused_at_once(tmp_path: Path, text: str) -> None:
    draft = tmp_path / ("r.md" if text.startswith("---") else "r.yaml")
    draft.write_text(text, encoding="utf-8")
    result = _cli("check", str(draft), timeout=20)
    assert result.returncode == 2 and "structure without end" in result.stdout + result.stderr


def test_many_comment_openings_are_read_in_time(tmp_path: Path) -> None:
    draft = tmp_path / "c.md"
    draft.write_text("# Eligibility\n" + "<!--" * 40000 + "\n" + VIOLATION + "\n", encoding="utf-8")
    result = _cli("check", str(draft), "--format", "line", timeout=20)
    assert result.returncode == 1 and RULE in result.stdout


def test_a_long_page_in_another_language_is_not_checked(tmp_path: Path) -> None:
    draft = tmp_path / "de.md"
    draft.write_text("# T\n\n" + "Die Daten werden jede Woche an die Polizei weitergegeben. " * 220 + "\n",
                     encoding="utf-8")
    result = _cli("check", str(draft), "--format", "json")
    assert json.loads(result.stdout)["documents"][0]["status"] == "not_checked"


def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path: Path) -> None:
    folder = tmp_path / "subs"
    folder.mkdir()
    name = os.path.join(os.fsencode(folder), b"bad\xff\xfename.md")
    with open(name, "wb") as handle:
        handle.write(("# Eligibility\n" + VIOLATION + "\n").encode())
    for target in ("r.html", "r.sarif", "r.xml", "r.csv", "r.json"):
        result = _cli("audit", str(folder), "-o", str(tmp_path / target))
        assert result.returncode == 1, (target, result.stderr)
        written = (tmp_path / target).read_text(encoding="utf-8-sig")
        assert "\ufffd" in written or "%EF%BF%BD" in written  # SARIF percent-encodes its URIs


def test_a_full_standard_output_is_one_line_and_exit_2() -> None:
    case = str(ROOT / "cases" / "violating" / "deterrence-campaign.md")
    for args in (["check", case], ["audit", case, "--format", "text"]):
        with open("/dev/full", "w") as full:
            result = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], stdout=full,
                                    stderr=subprocess.PIPE, text=True, timeout=60)
        assert result.returncode == 2 and "No space left" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("option", [["--timeout", "inf"], ["--timeout", "nan"], ["--jobs", "100000"]])
def test_audit_options_out_of_range_are_usage_errors(option: list[str]) -> None:
    result = _cli("audit", *option, str(ROOT / "cases" / "violating" / "deterrence-campaign.md"))
    assert result.returncode == 2 and "Invalid value" in result.stderr


def test_a_file_list_keeps_names_exactly(tmp_path: Path) -> None:
    spaced = tmp_path / " lead.md"
    spaced.write_text("# Eligibility\n" + VIOLATION + "\n", encoding="utf-8")
    listing = tmp_path / "list.txt"
    listing.write_text(f"# drafts\n{tmp_path}/ lead.md\n\n", encoding="utf-8")
    result = _cli("audit", "--files-from", str(listing), "--format", "json")
    [doc] = json.loads(result.stdout)["documents"]
    assert doc["path"] == str(spaced) and doc["error"] is None


def test_reports_never_replace_a_file_the_run_reads(draft: Path, tmp_path: Path) -> None:
    import shutil
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    listing = tmp_path / "list.txt"
    listing.write_text(f"{draft}\n", encoding="utf-8")
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    policy = (rules / "policy.yaml").read_bytes()
    attempts = [
        ["check", str(draft), "--waivers", str(waivers), "-f", "text", "--out", str(waivers)],
        ["audit", str(draft), "--waivers", str(waivers), "-o", f"text:{waivers}"],
        ["audit", "--files-from", str(listing), "-o", f"text:{listing}"],
        ["check", str(draft), "--rules", str(rules), "-f", "text", "--out", f"{rules}/policy.yaml"],
    ]
    for args in attempts:
        assert _cli(*args).returncode == 2, args
    assert waivers.read_text(encoding="utf-8") == "waivers: []\n"
    assert listing.read_text(encoding="utf-8") == f"{draft}\n"
    assert (rules / "policy.yaml").read_bytes() == policy


def test_a_glob_of_many_double_stars_ends(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Eligibility\n" + VIOLATION + "\n", encoding="utf-8")
    result = _cli("audit", str(tmp_path) + "/" + "**/" * 30 + "*.md", "--format", "json", timeout=30)
    assert result.returncode == 1 and len(json.loads(result.stdout)["documents"]) == 1
