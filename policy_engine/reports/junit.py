"""JUnit XML, so that CI systems (Jenkins, GitLab, GitHub test reporters) list each submission as a test.

One <testsuite>; one <testcase> per submission (classname: its folder, name: its file name,
file: its path). Findings at or above --fail-on (violations by default) make one <failure> listing
them all; prose the rules could not read makes a <failure type="not-checked"> (never a pass); a file
that could not be checked is an <error>; every other finding (lower severities,
waived ones) is listed in <system-out>. There is no time attribute, so the same inputs give the
same bytes. Text from submissions is escaped, and characters XML 1.0 cannot hold are replaced.
"""

from __future__ import annotations

import re
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

from ..model import SEVERITIES
from . import evidence_places, not_checked_note
from .display import isolate
from .stream import BatchInfo, ReportContext, Spool

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ATTR_ENTITIES = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def xml_text(value: Any) -> str:
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def xml_attr(value: Any) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", str(value)), _ATTR_ENTITIES)


def _finding_block(finding: dict[str, Any]) -> str:
    articles = ", ".join(f"Art. {a}" for a in finding["articles"]) or f"Principle {finding['principle']}"
    lines = [f"[{finding['severity']}] {finding['rule']} ({articles}): {finding['title']}"]
    if finding.get("waived") is not None:
        lines[0] += f" [waived: {finding['waived']}]"
    elif finding.get("baseline") == "known":
        lines[0] += " [known from the baseline]"
    for e, line, column in evidence_places(finding):
        where = (f"line {line}, column {column}, " if column else f"line {line}, ") if line else ""
        if e.get("missing"):
            lines.append(f"  at {where}{isolate(e['missing'])}")
            continue
        said = "not stated" if e["quote"] is None else f'"{isolate(e["quote"])}"'
        lines.append(f"  at {where}{e['field']}: {said}")
    lines.append(f"  what: {finding['message']}")
    lines.append(f"  fix:  {finding['remediation']}")
    return "\n".join(lines)


class JunitWriter:
    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.context = context
        self.failing = SEVERITIES[:SEVERITIES.index(context.fail_on) + 1] if context.fail_on in SEVERITIES else ()
        self.body = Spool()
        self.tests = self.failures = self.errors = 0

    def begin(self) -> None:
        pass

    def add(self, document: dict[str, Any]) -> None:
        path = document["path"]
        folder, _, name = path.replace("\\", "/").rpartition("/")
        self.tests += 1
        head = f"  <testcase classname={xml_attr(folder or '.')} name={xml_attr(name)} file={xml_attr(path)}"
        if document["error"] is not None:
            self.errors += 1
            self.body.write(f"{head}>\n    <error type=\"unreadable\" message={xml_attr(document['error'])}/>\n"
                            "  </testcase>\n")
            return
        failing: list[dict[str, Any]] = []
        others: list[dict[str, Any]] = []
        for finding in document["findings"]:
            fails = finding["severity"] in self.failing and finding.get("waived") is None \
                and finding.get("baseline") != "known"
            (failing if fails else others).append(finding)
        unread = not_checked_note(document)
        if not failing and not others and not unread:
            self.body.write(head + "/>\n")
            return
        parts = [head + ">\n"]
        if unread:
            if not failing:
                self.failures += 1
            parts.append(f"    <failure type=\"not-checked\" message={xml_attr(unread)}/>\n")
        if failing:
            self.failures += 1
            counts = {s: sum(1 for f in failing if f["severity"] == s) for s in SEVERITIES}
            summary = ", ".join(f"{n} {s}" + ("" if n == 1 or s == "advice" else "s")
                                for s, n in counts.items() if n)
            message = f"{summary}: " + ", ".join(sorted({f["rule"] for f in failing}))
            parts.append(f"    <failure type={xml_attr(failing[0]['severity'])} message={xml_attr(message)}>"
                         + xml_text("\n\n".join(_finding_block(f) for f in failing)) + "</failure>\n")
        if others:
            parts.append("    <system-out>" + xml_text("\n\n".join(_finding_block(f) for f in others))
                         + "</system-out>\n")
        parts.append("  </testcase>\n")
        self.body.write("".join(parts))

    def finish(self, summary: dict[str, int], batch: BatchInfo) -> None:
        tool = self.context.header["tool"]
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                       f'<testsuite name="policy-check" tests="{self.tests}" failures="{self.failures}" '
                       f'errors="{self.errors}" skipped="0">\n'
                       "  <properties>\n"
                       f"    <property name=\"policy\" value={xml_attr(tool['policy']['name'] + ' ' + tool['policy']['version'])}/>\n"
                       f"    <property name=\"rules_digest\" value={xml_attr(tool['rules_digest'])}/>\n"
                       f"    <property name=\"fail_on\" value={xml_attr(self.context.fail_on)}/>\n"
                       "  </properties>\n")
        self.body.copy_to(self.out)
        self.body.close()
        self.out.write("</testsuite>\n")
