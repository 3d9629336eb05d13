"""The migration team's questions, answered from the register.

Every query returns a Table: named columns and rows in a fixed order (ties broken by name), so the
same register always prints the same bytes. Counting rules, used throughout:
- A submission *fails* a principle (or an article) when one of its findings at the chosen severity
  (violation; with --severity warning, a warning too) cites it and was not waived.
- Counts are of submissions: a programme submitted in three rounds counts in each (filter with --round).
- Changes compare unwaived findings (by rule) of two submissions of the same programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..errors import InputError
from ..reports import scores
from .choices import BY, LEVELS, PER  # noqa: F401 - the commands' choices, named here too
from .schema import finding_articles, findings, programmes, rounds, submissions

FIXED, NEW, PERSISTING = "fixed", "new", "persisting"
ONLY_FIRST, ONLY_SECOND = "only in first round", "only in second round"


@dataclass
class Table:
    """A query's answer: title and summary lines for people, columns and rows for everyone."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)


def article_order(article: str) -> tuple:
    """1.10 after 1.9: articles sort by their numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in article.split("."))


def share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def round_names(conn: sa.Connection) -> list[str]:
    return list(conn.execute(sa.select(rounds.c.name).order_by(rounds.c.position)).scalars())


def round_id(conn: sa.Connection, name: str) -> int:
    found = conn.execute(sa.select(rounds.c.id).where(rounds.c.name == name)).scalar()
    if found is None:
        known = round_names(conn)
        raise InputError(f"no round '{name}' in the register (rounds: {', '.join(known) or 'none yet'})", "--round")
    return found


def _group_column(per: str) -> Any:
    return {"region": submissions.c.region, "country": submissions.c.country,
            "organisation": submissions.c.organisation, "round": rounds.c.name,
            "all": sa.literal("all")}[per]


def failing(conn: sa.Connection, by: str, per: str, severity: str = "violation",
            round_name: str | None = None) -> Table:
    """Principles or articles most often failed, per region, country, organisation or round."""
    group = _group_column(per).label("grp")
    item = (findings.c.principle if by == "principle" else finding_articles.c.article).label("item")
    source = findings.join(submissions, findings.c.submission_id == submissions.c.id).join(
        rounds, submissions.c.round_id == rounds.c.id)
    if by == "article":
        source = source.join(finding_articles, finding_articles.c.finding_id == findings.c.id)
    where: list[sa.ColumnElement[bool]] = [findings.c.severity.in_(LEVELS[severity]), findings.c.waived.is_(False)]
    totals_where: list[sa.ColumnElement[bool]] = []
    if round_name is not None:
        rid = round_id(conn, round_name)
        where.append(submissions.c.round_id == rid)
        totals_where.append(submissions.c.round_id == rid)
    failed = conn.execute(sa.select(group, item, sa.func.count(sa.distinct(submissions.c.id)))
                          .select_from(source).where(*where).group_by(group, item)).all()
    totals: dict[Any, int] = dict(conn.execute(sa.select(group, sa.func.count(submissions.c.id))
                               .select_from(submissions.join(rounds, submissions.c.round_id == rounds.c.id))
                               .where(*totals_where).group_by(group)).all())
    order = {name: i for i, name in enumerate(round_names(conn))} if per == "round" else None

    def sort_key(row: tuple) -> tuple:
        grp, it, count = row
        first = order.get(grp, 0) if order is not None else grp
        return (first, -count, it if by == "principle" else article_order(it))

    rows = [{per: grp, by: it, "failed": count, "submissions": totals.get(grp, 0),
             "percent": share(count, totals.get(grp, 0))} for grp, it, count in sorted(failed, key=sort_key)]
    level = "a violation" if severity == "violation" else "a violation or warning"
    scope = f" in round {round_name}" if round_name is not None else " over all rounds"
    return Table("failing", f"{by.capitalize()}s failed ({level}, not waived) per {per}{scope}",
                 (per, by, "failed", "submissions", "percent"), rows)


def _ranked_submissions() -> Any:
    """Each submission with its programme's rank of it: 1 for the programme's latest round, 2 before."""
    return (sa.select(submissions.c.id, submissions.c.programme_id, submissions.c.country,
                      submissions.c.organisation, submissions.c.title, rounds.c.position, rounds.c.name,
                      sa.func.row_number().over(partition_by=submissions.c.programme_id,
                                                order_by=rounds.c.position.desc()).label("rn"))
            .join(rounds, submissions.c.round_id == rounds.c.id)).subquery("ranked")


def persistent(conn: sa.Connection, min_rounds: int = 2) -> Table:
    """Findings still in a programme's latest submission that were also in the submissions before it,
    without a break: how many submissions in a row, and since which round."""
    ranked = _ranked_submissions()
    per_rule = (sa.select(ranked.c.programme_id, ranked.c.rn, ranked.c.position, findings.c.rule,
                          findings.c.principle, findings.c.severity,
                          sa.func.row_number().over(partition_by=(ranked.c.programme_id, findings.c.rule),
                                                    order_by=ranked.c.rn).label("k"))
                .join(findings, findings.c.submission_id == ranked.c.id)
                .where(findings.c.waived.is_(False))).subquery("per_rule")
    # a rule's run of submissions from the latest one back is where its k-th finding is the k-th submission
    streaks = (sa.select(per_rule.c.programme_id, per_rule.c.rule,
                         sa.func.count().label("in_a_row"), sa.func.min(per_rule.c.position).label("since"),
                         sa.func.max(sa.case((per_rule.c.rn == 1, per_rule.c.severity))).label("severity"),
                         sa.func.max(per_rule.c.principle).label("principle"))
               .where(per_rule.c.rn == per_rule.c.k)
               .group_by(per_rule.c.programme_id, per_rule.c.rule)
               .having(sa.func.count() >= min_rounds)).subquery("streaks")
    latest = sa.select(ranked).where(ranked.c.rn == 1).subquery("latest")
    result = conn.execute(
        sa.select(programmes.c.stable_id, latest.c.organisation, latest.c.title, latest.c.country,
                  latest.c.name.label("latest"), streaks.c.rule, streaks.c.principle, streaks.c.severity,
                  streaks.c.in_a_row, streaks.c.since)
        .join(streaks, streaks.c.programme_id == programmes.c.id)
        .join(latest, latest.c.programme_id == programmes.c.id)).mappings().all()
    names = {position: name for position, name in conn.execute(sa.select(rounds.c.position, rounds.c.name))}
    rows = [{"programme": label(r["stable_id"], r["organisation"], r["title"]), "organisation": r["organisation"],
             "country": r["country"], "rule": r["rule"], "principle": r["principle"], "severity": r["severity"],
             "submissions_in_a_row": r["in_a_row"], "since": names[r["since"]], "latest_round": r["latest"]}
            for r in result]
    rows.sort(key=lambda r: (-r["submissions_in_a_row"], r["programme"], r["rule"]))
    programmes_count = len({r["programme"] for r in rows})
    return Table("persistent", f"Findings that persist in {min_rounds} or more submissions in a row, up to each "
                 "programme's latest", ("programme", "organisation", "country", "rule", "principle", "severity",
                                        "submissions_in_a_row", "since", "latest_round"), rows,
                 {"programmes": programmes_count, "findings": len(rows)})


def label(stable_id: str, organisation: str, title: str) -> str:
    """How a programme is named in every answer: its stable id, else its organisation and title."""
    return stable_id or (f"{organisation}: {title}" if organisation else title)


def _findings_of_round(conn: sa.Connection, rid: int) -> dict[int, dict[str, dict[str, Any]]]:
    """programme id -> rule -> finding, for the round's submissions (unwaived findings)."""
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for pid in conn.execute(sa.select(submissions.c.programme_id).where(submissions.c.round_id == rid)).scalars():
        out[pid] = {}
    query = (sa.select(submissions.c.programme_id, findings.c.rule, findings.c.principle, findings.c.severity,
                       findings.c.line)
             .join(findings, findings.c.submission_id == submissions.c.id)
             .where(submissions.c.round_id == rid, findings.c.waived.is_(False)))
    for pid, rule, principle, severity, line in conn.execute(query):
        out[pid][rule] = {"principle": principle, "severity": severity, "line": line}
    return out


def diff(conn: sa.Connection, first: str, second: str) -> Table:
    """What changed from round `first` to round `second`: for programmes in both, findings fixed, new
    and persisting; then the programmes submitted in only one of the two rounds."""
    a, b = _findings_of_round(conn, round_id(conn, first)), _findings_of_round(conn, round_id(conn, second))
    names = _programme_names(conn, set(a) | set(b))
    rows: list[dict[str, Any]] = []
    counts = {FIXED: 0, NEW: 0, PERSISTING: 0}
    for pid in set(a) | set(b):
        if pid not in a or pid not in b:
            rows.append({"programme": names[pid], "change": ONLY_SECOND if pid in b else ONLY_FIRST,
                         "rule": "", "principle": None, "severity": "", "line": None})
            continue
        for rule in set(a[pid]) | set(b[pid]):
            change = PERSISTING if rule in a[pid] and rule in b[pid] else NEW if rule in b[pid] else FIXED
            counts[change] += 1
            seen = b[pid].get(rule) or a[pid][rule]
            rows.append({"programme": names[pid], "change": change, "rule": rule, "principle": seen["principle"],
                         "severity": seen["severity"], "line": seen["line"]})
    change_order = {FIXED: 0, NEW: 1, PERSISTING: 2, ONLY_FIRST: 3, ONLY_SECOND: 4}
    rows.sort(key=lambda r: (change_order[r["change"]], r["programme"], r["rule"]))
    summary = {"programmes_in_both": len(set(a) & set(b)), "only_in_first": len(set(a) - set(b)),
               "only_in_second": len(set(b) - set(a)), **counts}
    return Table("diff", f"Changes from round {first} to round {second}",
                 ("programme", "change", "rule", "principle", "severity", "line"), rows, summary)


def _programme_names(conn: sa.Connection, ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        for pid, stable, organisation, title in conn.execute(
                sa.select(programmes.c.id, programmes.c.stable_id, programmes.c.organisation, programmes.c.title)
                .where(programmes.c.id.in_(chunk))):
            names[pid] = label(stable, organisation, title)
    return names


def find_programme(conn: sa.Connection, ref: str) -> int:
    """A programme by its stable id, else by its title (or 'organisation: title') when only one has it."""
    found = conn.execute(sa.select(programmes.c.id).where(programmes.c.stable_id == ref)).scalars().all()
    if not found:
        found = conn.execute(sa.select(programmes.c.id).where(sa.or_(
            programmes.c.title == ref,
            sa.and_(programmes.c.stable_id == "", programmes.c.organisation + ": " + programmes.c.title == ref))
        )).scalars().all()
        found = sorted(set(found)) if found else conn.execute(
            sa.select(submissions.c.programme_id).where(submissions.c.title == ref).distinct()).scalars().all()
    if not found:
        raise InputError(f"no programme '{ref}' in the register (give its id, or its title)", "PROGRAMME")
    if len(set(found)) > 1:
        raise InputError(f"{len(set(found))} programmes are called '{ref}'; give the id", "PROGRAMME")
    return found[0]


def programme(conn: sa.Connection, ref: str) -> Table:
    """Everything about one programme: each submission (round, file, verdict, score) and its findings,
    each marked new, persisting (since its previous submission) or, for those that went, fixed."""
    pid = find_programme(conn, ref)
    key, stable, organisation, title = conn.execute(
        sa.select(programmes.c.key, programmes.c.stable_id, programmes.c.organisation, programmes.c.title)
        .where(programmes.c.id == pid)).one()
    subs = conn.execute(
        sa.select(submissions, rounds.c.name.label("round"), rounds.c.position)
        .join(rounds, submissions.c.round_id == rounds.c.id)
        .where(submissions.c.programme_id == pid).order_by(rounds.c.position)).mappings().all()
    by_sub: dict[int, list[dict[str, Any]]] = {s["id"]: [] for s in subs}
    articles: dict[int, list[str]] = {}
    for fid, article in conn.execute(
            sa.select(finding_articles.c.finding_id, finding_articles.c.article)
            .join(findings, findings.c.id == finding_articles.c.finding_id)
            .join(submissions, submissions.c.id == findings.c.submission_id)
            .where(submissions.c.programme_id == pid)):
        articles.setdefault(fid, []).append(article)
    for row in conn.execute(sa.select(findings).join(submissions, submissions.c.id == findings.c.submission_id)
                            .where(submissions.c.programme_id == pid)).mappings():
        by_sub[row["submission_id"]].append(dict(row))
    rows: list[dict[str, Any]] = []
    submissions_out = []
    previous: set[str] | None = None
    for s in subs:
        current = sorted(by_sub[s["id"]], key=lambda f: (f["principle"], f["rule"]))
        rules_now = {f["rule"] for f in current if not f["waived"]}
        entry = {"round": s["round"], "path": s["path"], "title": s["title"], "organisation": s["organisation"],
                 "country": s["country"], "region": s["region"], "language": s["language"],
                 "status": s["status"], "error": s["error"], "verdict": s["verdict"], "score": s["score"],
                 "principles": dict(sorted(s["principle_verdicts"].items(), key=lambda kv: int(kv[0])))}
        submissions_out.append(entry)
        for f in current:
            change = "waived" if f["waived"] else NEW if previous is None or f["rule"] not in previous else PERSISTING
            rows.append({"round": s["round"], "change": change, "rule": f["rule"], "principle": f["principle"],
                         "articles": " ".join(sorted(articles.get(f["id"], []), key=article_order)),
                         "severity": f["severity"], "line": f["line"], "field": f["field"], "title": f["title"]})
        for rule in sorted((previous or set()) - rules_now):
            rows.append({"round": s["round"], "change": FIXED, "rule": rule, "principle": None, "articles": "",
                         "severity": "", "line": None, "field": None, "title": ""})
        previous = rules_now
    return Table("programme", f"Programme {label(stable, organisation, title)}",
                 ("round", "change", "rule", "principle", "articles", "severity", "line", "field", "title"), rows,
                 {"programme": label(stable, organisation, title), "stable_id": stable, "organisation": organisation,
                  "title": title, "submissions": submissions_out})


def rounds_table(conn: sa.Connection) -> Table:
    """The rounds recorded, in order, with what each brought."""
    subs = (sa.select(submissions.c.round_id, sa.func.count().label("n"),
                      sa.func.sum(sa.case((submissions.c.verdict == scores.FAIL, 1), else_=0)).label("failing"),
                      sa.func.avg(submissions.c.score).label("mean"))
            .group_by(submissions.c.round_id)).subquery()
    first = (sa.select(submissions.c.programme_id, sa.func.min(rounds.c.position).label("first"))
             .join(rounds, submissions.c.round_id == rounds.c.id).group_by(submissions.c.programme_id)).subquery()
    new_counts: dict[int, int] = dict(conn.execute(sa.select(first.c.first, sa.func.count()).group_by(first.c.first)).all())
    rows = []
    for r in conn.execute(sa.select(rounds, subs.c.n, subs.c.failing, subs.c.mean)
                          .outerjoin(subs, subs.c.round_id == rounds.c.id).order_by(rounds.c.position)).mappings():
        n = r["n"] or 0
        new = new_counts.get(r["position"], 0)
        rows.append({"round": r["name"], "position": r["position"], "submissions": n, "first_submitted": new,
                     "resubmitted": n - new, "failing": r["failing"] or 0,
                     "mean_score": round(r["mean"], 1) if r["mean"] is not None else None,
                     "rules_digest": r["rules_digest"], "tool_version": r["tool_version"]})
    return Table("rounds", "Rounds in the register", ("round", "position", "submissions", "first_submitted",
                 "resubmitted", "failing", "mean_score", "rules_digest", "tool_version"), rows)


def trends(conn: sa.Connection, principles: tuple[int, ...], severity: str = "violation") -> dict[str, Any]:
    """For the page: per round, the share of submissions failing each of the principles."""
    table = failing(conn, "principle", "round", severity)
    counts = {(r["round"], r["principle"]): r["percent"] for r in table.rows}
    totals: dict[str, int] = dict(conn.execute(sa.select(rounds.c.name, sa.func.count(submissions.c.id))
                               .select_from(rounds.outerjoin(submissions, submissions.c.round_id == rounds.c.id))
                               .group_by(rounds.c.name)).all())
    names = round_names(conn)
    return {"rounds": names, "submissions": [totals.get(n, 0) for n in names],
            "percent": {p: [counts.get((n, p), 0.0) for n in names] for p in principles}}


def heat(conn: sa.Connection, principles: tuple[int, ...], severity: str = "violation") -> dict[str, Any]:
    """For the page: per country, the share of programmes whose latest submission fails each of the principles."""
    ranked = _ranked_submissions()
    latest = sa.select(ranked.c.id, ranked.c.country).where(ranked.c.rn == 1).subquery("latest")
    totals: dict[Any, int] = dict(conn.execute(sa.select(latest.c.country, sa.func.count())
                                               .group_by(latest.c.country)).all())
    failed = conn.execute(sa.select(latest.c.country, findings.c.principle,
                                    sa.func.count(sa.distinct(latest.c.id)))
                          .join(findings, findings.c.submission_id == latest.c.id)
                          .where(findings.c.severity.in_(LEVELS[severity]), findings.c.waived.is_(False))
                          .group_by(latest.c.country, findings.c.principle)).all()
    cells = {(c, p): n for c, p, n in failed}
    countries = sorted(totals, key=lambda c: (c == "", c))
    return {"countries": countries, "programmes": [totals[c] for c in countries],
            "percent": [[share(cells.get((c, p), 0), totals[c]) for p in principles] for c in countries]}
