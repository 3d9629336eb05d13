"""Waivers: documented, approved and dated acceptance of a finding.

A programme may waive a finding in its own file (inline):

    waivers:
      - rule: referral-missing
        justification: Referral is run by the partner hospital's social worker.
        approved_by: Protection coordinator, 2025-03-02
        expires: 2025-12-31

Reviewers may keep a central waiver file (--waivers FILE), whose entries also say which document
they apply to (its id, or a path or glob), and may refuse waivers written inside submissions
(--ignore-inline-waivers).

A waiver applies when it names a rule (or a former id of it), has a justification and has not
expired (it is valid up to and including its `expires` date). A waived finding stays in the report,
marked waived with the justification, and no longer fails the check. A waiver that cannot apply is
itself a finding (severity warning), so it is never silently ignored:

    waiver-expired       the expiry date has passed
    waiver-unjustified   there is no justification
    waiver-invalid       the expiry date is not a date (YYYY-MM-DD)
"""

from __future__ import annotations

import datetime
import fnmatch
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

from ..errors import InputError
from ..files.inputfile import read_text
from ..files.yamlsrc import load_yaml
from ..model import Document, Evidence, Finding, Location, Record
from ..ruleset.rules import RuleSet, did_you_mean


class BuiltinRule(Record):
    """A check made by policy-check itself rather than by a rule file (shown by `explain`)."""

    _fields = ("id", "title", "severity", "message", "rationale", "remediation")
    id: str
    title: str
    severity: str
    message: str
    rationale: str
    remediation: str

    def __init__(self, id: str, title: str, severity: str, message: str, rationale: str, remediation: str) -> None:
        self.__dict__.update(id=id, title=title, severity=severity, message=message, rationale=rationale,
                             remediation=remediation)


BUILTIN_RULES = {rule.id: rule for rule in (
    BuiltinRule(
        "waiver-expired", "A waiver has expired", "warning",
        "A waiver's expiry date has passed, so the finding it covered is reported again.",
        "Waivers are temporary by design: the reasons to accept a finding are reviewed when they expire, so "
        "that an exception granted for one round does not become permanent practice unnoticed.",
        "Fix what the finding reports, or have the waiver reviewed and approved again with a new expiry date."),
    BuiltinRule(
        "waiver-unjustified", "A waiver has no justification", "warning",
        "A waiver gives no justification, so it does not apply and the finding it names is reported.",
        "A waiver records why a departure from the policy is accepted. Without a justification, reviewers "
        "cannot judge it and the decision cannot be accounted for.",
        "Add a justification (and approved_by and expires) to the waiver, or remove it."),
    BuiltinRule(
        "waiver-invalid", "A waiver cannot be read", "warning",
        "A waiver's expiry date is not a date, so the waiver does not apply.",
        "An expiry that cannot be read cannot be enforced; the waiver is not applied rather than applied forever.",
        "Write the expiry date as YYYY-MM-DD, e.g. expires: 2026-06-30."),
)}

_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["waivers"],
    "properties": {"waivers": {"type": "array", "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["document", "rule"],
        "properties": {
            "document": {"type": "string", "minLength": 1,
                         "description": "The programme's id, or a path or glob of the files it applies to."},
            "rule": {"type": "string"},
            "justification": {"type": "string"},
            "approved_by": {"type": "string"},
            "expires": {"type": "string"},
        }}}},
}


class Waiver(Record):
    """One waiver, from a programme file (inline) or a central waiver file."""

    _fields = ("rule", "justification", "approved_by", "expires", "field", "line", "file", "document")
    rule: str
    justification: str | None
    approved_by: str | None
    expires: str | None
    field: str                     # where it is: waivers[0]
    line: int | None
    file: str | None               # the central waiver file; None when inline
    document: str | None           # for central waivers: the file's path, name or a glob

    def __init__(self, rule: str, justification: str | None, approved_by: str | None, expires: str | None,
                 field: str, line: int | None, file: str | None = None, document: str | None = None) -> None:
        self.__dict__.update(rule=rule, justification=justification, approved_by=approved_by, expires=expires,
                             field=field, line=line, file=file, document=document)

    def where(self) -> str:
        return f"{self.file}:{self.line} {self.field}" if self.file else self.field

    def applies_to(self, doc: Document) -> bool:
        """A central waiver applies to the files its `document` names (a path, a file name or a glob).
        A programme id is what a file says of itself: any file could declare it, so it binds nothing."""
        if self.document is None:
            return True
        pattern = self.document
        return fnmatch.fnmatch(doc.path, pattern) or fnmatch.fnmatch(Path(doc.path).name, pattern)

    def names_only_the_id_of(self, doc: Document) -> bool:
        return self.document is not None and bool(doc.id) and self.document == doc.id and not self.applies_to(doc)


def _text(value: Any) -> str | None:
    return None if value is None or not str(value).strip() else str(value).strip()


def inline_waivers(doc: Document) -> list[Waiver]:
    out = []
    for index, item in enumerate(doc.data.get("waivers") or []):
        if isinstance(item, dict) and item.get("rule"):
            where = f"waivers[{index}]"
            out.append(Waiver(str(item["rule"]), _text(item.get("justification")), _text(item.get("approved_by")),
                              _text(item.get("expires")), where, doc.line_of(where)))
    return out


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # only a central waiver file needs it (costly to import)

    return jsonschema.Draft202012Validator(_SCHEMA)


def load_waiver_file(path: str | Path) -> list[Waiver]:
    """Read a central waiver file.

    Raises:
        InputError: unreadable, or not a waiver file; the message has the line.
    """
    name = str(path)
    try:
        text = read_text(path, what="waiver file")
    except InputError as exc:
        raise InputError(exc.message, name, exc.line) from None
    located = load_yaml(text, name)
    for error in sorted(_validator().iter_errors(located.data), key=lambda e: list(map(str, e.absolute_path))):
        where = ""
        for part in error.absolute_path:
            where = f"{where}[{part}]" if isinstance(part, int) else (f"{where}.{part}" if where else str(part))
        line = located.lines.get(where) or 1
        raise InputError(f"not a waiver file: at '{where or '(top)'}': {error.message} (expected waivers: "
                         "[{document, rule, justification, approved_by, expires}])", name, line)
    return [Waiver(str(item["rule"]), _text(item.get("justification")), _text(item.get("approved_by")),
                   _text(item.get("expires")), f"waivers[{i}]", located.lines.get(f"waivers[{i}]"), name,
                   str(item["document"]))
            for i, item in enumerate(located.data["waivers"])]


_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def _date(text: str) -> datetime.date | None:
    """A date written YYYY-MM-DD (YAML's own dates and timestamps included); anything more
    ('2999-12-31 or never') is not a date."""
    match = _DATE.fullmatch(text.strip())
    try:
        return datetime.date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


class WaiverPolicy(Record):
    """How waivers are applied to the findings of one document.

    Args:
        central: waivers from a reviewers' file (each names the documents it applies to).
        inline: whether waivers written in the programme file apply (--ignore-inline-waivers sets False).
        today: the date expiry is judged against; today's date when None (tests fix it).
    """

    _fields = ("central", "inline", "today")
    central: tuple[Waiver, ...]
    inline: bool
    today: datetime.date | None

    def __init__(self, central: tuple[Waiver, ...] = (), inline: bool = True,
                 today: datetime.date | None = None) -> None:
        self.__dict__.update(central=central, inline=inline, today=today)

    def apply(self, doc: Document, findings: list[Finding], rule_set: RuleSet) -> tuple[list[Finding], list[str]]:
        """The findings with waivers applied (plus a finding per waiver that cannot apply), and notes."""
        today = self.today or datetime.date.today()
        notes: list[str] = []
        written = inline_waivers(doc)
        waivers = [w for w in self.central if w.applies_to(doc)]
        for waiver in self.central:
            if waiver.names_only_the_id_of(doc):
                notes.append(f"{doc.path}: {waiver.where()}: central waiver names the programme id "
                             f"'{waiver.document}' that this file declares; a waiver is bound to files, so it was "
                             f"not applied: name the file instead (document: {Path(doc.path).name})")
        if self.inline:
            waivers = written + waivers
        elif written:
            notes.append(f"{doc.path}: {len(written)} waiver(s) written in the file were not applied "
                         "(inline waivers are refused for this check)")
        fired = {f.rule for f in findings}
        accepted: dict[str, Waiver] = {}
        problems: list[Finding] = []
        for waiver in waivers:
            try:
                rule = rule_set.get(waiver.rule)
            except KeyError:
                hint = did_you_mean(waiver.rule, rule_set.ids())
                notes.append(f"{doc.path}: {waiver.where()}: waiver names no rule of the rule set: "
                             f"'{waiver.rule}'" + (f"; {hint}" if hint else ""))
                continue
            problem = self._problem(waiver, today)
            if problem is not None:
                code, detail = problem
                problems.append(_waiver_finding(code, detail, waiver, rule, doc))
                continue
            if rule.id not in fired:
                notes.append(f"{doc.path}: {waiver.where()}: waiver for '{waiver.rule}' matches no finding; "
                             "remove it if it is no longer needed")
                continue
            accepted.setdefault(rule.id, waiver)
        out = []
        for finding in findings:
            granted = accepted.get(finding.rule)
            out.append(finding._replace(waived=_waived_text(granted)) if granted else finding)
        out.extend(problems)
        out.sort(key=Finding.sort_key)
        return out, notes

    @staticmethod
    def _problem(waiver: Waiver, today: datetime.date) -> tuple[str, str] | None:
        if waiver.justification is None:
            return "waiver-unjustified", "it gives no justification"
        if waiver.expires is not None:
            expires = _date(waiver.expires)
            if expires is None:
                return "waiver-invalid", f"its expiry date '{waiver.expires}' is not a date (YYYY-MM-DD)"
            if expires < today:
                return "waiver-expired", f"it expired on {expires.isoformat()}"
        return None


def _waived_text(waiver: Waiver) -> str:
    extra = [f"approved by {waiver.approved_by}" if waiver.approved_by else "",
             f"until {waiver.expires}" if waiver.expires else ""]
    extra = [e for e in extra if e]
    assert waiver.justification is not None
    return waiver.justification + (f" ({'; '.join(extra)})" if extra else "")


def _waiver_finding(code: str, detail: str, waiver: Waiver, rule: Any, doc: Document) -> Finding:
    builtin = BUILTIN_RULES[code]
    where = waiver.where()
    # an inline waiver is at its entry in the draft; a central one is in another file, named in `where`
    line = waiver.line if waiver.file is None else None
    column = doc.columns.get(waiver.field) if line is not None else None
    return Finding(
        rule=code, severity=builtin.severity, principle=rule.principle, articles=rule.articles,
        title=f"The waiver of '{rule.id}' does not apply: {detail}",
        message=builtin.message, rationale=builtin.rationale, remediation=builtin.remediation,
        evidence=(Evidence(line, where, f"rule: {waiver.rule}" + (f"; expires: {waiver.expires}" if waiver.expires else ""),
                           column=column),),
        location=Location(line, column, where))
