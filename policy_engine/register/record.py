"""Record an audit's JSON report as one round of the register: atomically, and only once.

The JSON report (`policy-check audit -o report.json`) is the input: it is what a review round
produces and keeps. It has no country or language, so these come from the drafts it names when
they can still be read (the `country` and `language` fields, and the language policy-check finds
in prose), else from a places file (organisation -> country); the region comes from the places
file (country -> region). See README, "Keeping a register across review rounds".
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import sqlalchemy as sa
import yaml

from ..errors import InputError, PolicyCheckError
from ..reports import scores
from .db import Register
from .schema import finding_articles, findings, programmes, rounds, submissions

MAX_REPORT_BYTES = 2 * 1024 ** 3
CHUNK = 500  # keys per IN (...) list: far below every database's limit on bound parameters

# The part of the JSON report the register reads; anything else in it is ignored.
_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_LINE = {"type": ["integer", "null"]}
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["tool", "principles", "documents"],
    "properties": {
        "tool": {"type": "object", "required": ["name", "version", "rules_digest", "policy"],
                 "properties": {"name": {"const": "policy-check"}, "version": _TEXT, "rules_digest": _TEXT,
                                "policy": {"type": "object", "required": ["version"],
                                           "properties": {"version": _TEXT}}}},
        "principles": {"type": "object", "propertyNames": {"pattern": "^[0-9]{1,2}$"}},
        "documents": {"type": "array", "items": {
            "type": "object", "required": ["path", "status", "error", "findings"],
            "properties": {
                "path": _TEXT, "id": _TEXT_OR_NULL, "title": _TEXT_OR_NULL, "organisation": _TEXT_OR_NULL,
                "status": _TEXT, "error": _TEXT_OR_NULL,
                "findings": {"type": "array", "items": {
                    "type": "object", "required": ["rule", "severity", "principle", "articles", "evidence"],
                    "properties": {
                        "rule": _TEXT, "title": _TEXT,
                        "severity": {"enum": ["violation", "warning", "advice"]},
                        "principle": {"type": "integer", "minimum": 1, "maximum": 99},
                        "articles": {"type": "array", "items": _TEXT},
                        # reports written before findings had a location have none
                        "location": {"type": "object", "properties": {
                            "line": _LINE, "column": _LINE, "field": _TEXT_OR_NULL}},
                        "evidence": {"type": "array", "items": {"type": "object", "properties": {
                            "field": _TEXT_OR_NULL, "line": _LINE, "column": _LINE,
                            "quote": _TEXT_OR_NULL}}}}}}}}},
    },
}


@dataclass(frozen=True)
class Places:
    """Where programmes are: organisation -> country (for drafts that name none), country -> region."""

    countries: dict[str, str]
    regions: dict[str, str]

    def country(self, organisation: str, declared: str) -> str:
        return declared or self.countries.get(organisation, "")

    def region(self, country: str) -> str:
        return self.regions.get(country, "")


NO_PLACES = Places({}, {})


def load_places(path: str) -> Places:
    """A YAML file with two optional mappings of text to text:
        organisations: {Red Cross of Lusmar: Lusmar}     # organisation -> country
        regions: {Lusmar: Europe}                       # country -> region
    """
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise InputError(f"cannot read the places file: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError:
        raise InputError("the places file is not UTF-8 text", path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", path,
                         mark.line + 1 if mark else None) from None
    data = {} if data is None else data
    if not isinstance(data, dict) or set(data) - {"organisations", "regions"}:
        raise InputError("a places file has only 'organisations' (organisation: country) and 'regions' "
                         "(country: region)", path)
    maps = {}
    for name in ("organisations", "regions"):
        value = data.get(name) or {}
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise InputError(f"'{name}' must map names to names (text: text)", path)
        maps[name] = {k.strip(): v.strip() for k, v in value.items()}
    return Places(maps["organisations"], maps["regions"])


def load_report(path: str) -> tuple[dict[str, Any], str]:
    """The report and its digest (of its content, so the same audit is recognised however it was copied)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read the report: {exc.strerror or exc}", path) from None
    if len(raw) > MAX_REPORT_BYTES:
        raise InputError("the report is larger than 2 GB", path)
    try:
        report = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("not a JSON report (not UTF-8 text)", path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not a JSON report: {exc.msg}", path, exc.lineno, exc.colno) from None
    except RecursionError:
        raise InputError("not a JSON report: nested too deeply", path) from None
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(REPORT_SCHEMA).iter_errors(report))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        raise InputError(f"not a policy-check JSON report (policy-check audit --format json): at {where}: "
                         f"{error.message[:200]}", path)
    digest = hashlib.sha256(json.dumps(report, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return report, digest


def draft_facts(path: str, base: Path) -> tuple[str, str]:
    """(country, language) from the draft itself, when it can still be read; ("", "") otherwise."""
    from ..reading.documents import load_document

    draft = Path(path)
    if not draft.is_absolute():
        draft = base / draft
    try:
        doc = load_document(draft)
    except (PolicyCheckError, OSError, ValueError):
        return "", ""
    country = doc.data.get("country")
    return (str(country).strip() if isinstance(country, (str, int)) else ""), doc.language or ""


def overall_verdict(document: dict[str, Any], by_principle: dict[int, str]) -> str:
    if document["error"] is not None:
        return scores.ERROR
    for verdict in (scores.FAIL, scores.REVIEW, scores.NOT_CHECKED):
        if verdict in by_principle.values():
            return verdict
    return scores.PASS


def programme_key(document: dict[str, Any]) -> str:
    """The same programme across rounds: its stable id, else its organisation and title, else its file."""
    stable = (document.get("id") or "").strip()
    if stable:
        return "id:" + stable
    organisation, title = (document.get("organisation") or "").strip(), (document.get("title") or "").strip()
    if title:
        return "org:" + organisation + "\t" + title
    return "path:" + document["path"]


@dataclass(frozen=True)
class Recorded:
    round: str
    position: int
    submissions: int
    already: bool  # the same audit was in the register already: nothing was written


def record(register: Register, report_path: str, round_name: str, places: Places = NO_PLACES,
           drafts_dir: str | None = None, loaded: tuple[dict[str, Any], str] | None = None) -> Recorded:
    """Record the report as round `round_name`, in one transaction under the writer lock.
    loaded: what load_report(report_path) returned, when the caller read it already."""
    report, digest = loaded or load_report(report_path)
    round_name = round_name.strip()
    if not round_name:
        raise InputError("the round needs a name (--round)", report_path)
    base = Path(drafts_dir) if drafts_dir else Path.cwd()
    principles = tuple(sorted(int(n) for n in report["principles"]))  # the policy's, each assessed
    rows = list(_submission_rows(report["documents"], principles, places, base))
    with register.writing() as conn:
        same = conn.execute(sa.select(rounds.c.name, rounds.c.position)
                            .where(rounds.c.report_digest == digest)).first()
        if same is not None:
            if same.name != round_name:
                raise InputError(f"this audit is already recorded, as round '{same.name}'", report_path)
            count = conn.execute(sa.select(sa.func.count()).select_from(submissions).join(rounds)
                                 .where(rounds.c.name == round_name)).scalar_one()
            return Recorded(same.name, same.position, count, True)
        if conn.execute(sa.select(rounds.c.id).where(rounds.c.name == round_name)).first() is not None:
            raise InputError(f"the register already has a round '{round_name}' with another audit; "
                             "give this one another name", report_path)
        position = (conn.execute(sa.select(sa.func.max(rounds.c.position))).scalar() or 0) + 1
        tool = report["tool"]
        round_id = conn.execute(sa.insert(rounds).values(
            name=round_name, position=position, report_digest=digest, rules_digest=tool["rules_digest"],
            tool_version=tool["version"], policy_version=tool["policy"]["version"],
            recorded_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        ).returning(rounds.c.id)).scalar_one()
        ids = _programme_ids(conn, rows)
        for row in rows:
            row["submission"].update(round_id=round_id, programme_id=ids[row["key"]])
        _insert_submissions(conn, rows)
        if conn.dialect.name == "postgresql":
            # PostgreSQL plans from table statistics that autovacuum gathers only later: without them the
            # first questions after a large round are planned for empty tables (persistent: 1.3 s, not 0.4 s).
            conn.execute(sa.text("ANALYZE rounds, programmes, submissions, findings, finding_articles"))
    return Recorded(round_name, position, len(rows), False)


def _submission_rows(documents: Iterable[dict[str, Any]], principles: tuple[int, ...], places: Places,
                     base: Path) -> Iterable[dict[str, Any]]:
    from ..ruleset.policy import bundled_policy

    scoring = bundled_policy().scoring  # a report does not say how it was scored
    seen: set[str] = set()
    for document in documents:
        key = programme_key(document)
        if key in seen:  # two files of one programme in one audit: each kept, told apart by its file
            key = key + "\tpath:" + document["path"]
        seen.add(key)
        organisation = (document.get("organisation") or "").strip()
        declared, language = draft_facts(document["path"], base) if document["error"] is None else ("", "")
        country = places.country(organisation, declared)
        by_principle = scores.verdicts(document, principles, principles)
        yield {
            "key": key,
            "programme": {"key": key, "stable_id": (document.get("id") or "").strip(),
                          "organisation": organisation, "title": (document.get("title") or "").strip()},
            "submission": {
                "path": document["path"], "organisation": organisation,
                "title": (document.get("title") or "").strip(), "country": country,
                "region": places.region(country), "language": language, "status": document["status"],
                "error": document["error"], "verdict": overall_verdict(document, by_principle),
                "score": scores.overall(by_principle, scoring) if document["error"] is None else None,
                "principle_verdicts": {str(n): v for n, v in by_principle.items()}},
            "findings": [_finding_row(f) for f in document["findings"]],
        }


def _finding_row(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding as the register keeps it: where it points (its location, and the evidence there).
    A report written before findings had a location gives its first evidence with a line."""
    evidence = finding["evidence"]
    location = finding.get("location")
    if location is not None:
        first = evidence[0] if evidence else {}  # the evidence at the location (or what the draft does not say)
        return {"rule": finding["rule"], "principle": finding["principle"], "severity": finding["severity"],
                "waived": finding.get("waived") is not None, "title": finding.get("title") or "",
                "field": location.get("field") or first.get("field"), "line": location.get("line"),
                "quote": first.get("quote"),
                "articles": sorted(set(finding["articles"]))}
    lines = [e for e in evidence if e.get("line") is not None]
    first = lines[0] if lines else (evidence[0] if evidence else {})
    return {"rule": finding["rule"], "principle": finding["principle"], "severity": finding["severity"],
            "waived": finding.get("waived") is not None, "title": finding.get("title") or "",
            "field": first.get("field"), "line": first.get("line"), "quote": first.get("quote"),
            "articles": sorted(set(finding["articles"]))}


def _programme_ids(conn: sa.Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    keys = [row["key"] for row in rows]
    ids: dict[str, int] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        ids.update(conn.execute(sa.select(programmes.c.key, programmes.c.id)
                                .where(programmes.c.key.in_(chunk))).all())
    missing = [row["programme"] for row in rows if row["key"] not in ids]
    if missing:
        created = conn.execute(sa.insert(programmes).returning(programmes.c.key, programmes.c.id,
                                                               sort_by_parameter_order=True), missing)
        ids.update(created.all())
    return ids


def _insert_submissions(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    submission_ids = conn.execute(sa.insert(submissions).returning(submissions.c.id, sort_by_parameter_order=True),
                                  [row["submission"] for row in rows]).scalars().all()
    finding_rows = [dict(f, submission_id=sid) for row, sid in zip(rows, submission_ids) for f in row["findings"]]
    if not finding_rows:
        return
    columns = [c.name for c in findings.columns if c.name != "id"]
    finding_ids = conn.execute(sa.insert(findings).returning(findings.c.id, sort_by_parameter_order=True),
                               [{c: f[c] for c in columns} for f in finding_rows]).scalars().all()
    article_rows = [{"finding_id": fid, "article": article}
                    for f, fid in zip(finding_rows, finding_ids) for article in f["articles"]]
    if article_rows:
        conn.execute(sa.insert(finding_articles), article_rows)
