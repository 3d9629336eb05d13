"""`policy-check register ...`: keep a register of programmes across review rounds.

Every command takes --db (a SQLite file, or a database URL such as postgresql://user@host/register),
else $POLICY_CHECK_REGISTER, else policy-register.sqlite in the current folder.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

import click

from . import choices

db_option = click.option("--db", "db", metavar="FILE-OR-URL",
                         help="The register: a SQLite file or a database URL [default: $POLICY_CHECK_REGISTER, "
                              "else policy-register.sqlite].")
format_option = click.option("--format", "fmt", type=click.Choice(choices.FORMATS), default="text", show_default=True)
out_option = click.option("-o", "--out", type=click.Path(dir_okay=False),
                          help="Write the answer to this file (atomically) instead of printing it.")


@contextlib.contextmanager
def _reading(db: str | None, out: str | None) -> Iterator[Any]:
    """A reading connection; an --out that would replace the register itself is refused first."""
    from .db import open_register
    register = open_register(db)
    try:
        if out:
            from policy_engine.files.atomic import destination
            destination(out, register.files)
        with register.reading() as conn:
            yield conn, register.files
    finally:
        register.close()


def _answer(db: str | None, fmt: str, out: str | None, ask: Callable[[Any], Any]) -> None:
    from ..console import emit
    from .output import render
    with _reading(db, out) as (conn, files):
        table = ask(conn)
    emit(render(table, fmt), out, json_style=fmt == "json", inputs=files)


@click.group()
def register() -> None:
    """Keep a register of programmes across review rounds (SQLite file or PostgreSQL)."""


@register.command("record")
@click.argument("report", type=click.Path(dir_okay=False))
@click.option("--round", "round_name", required=True, help="The round's name (e.g. 2026-Q1); rounds keep the "
                                                            "order they are recorded in.")
@click.option("--places", type=click.Path(dir_okay=False),
              help="YAML file: organisations (organisation: country) for drafts that name no country, "
                   "regions (country: region).")
@click.option("--drafts-dir", type=click.Path(file_okay=False),
              help="Folder the report's relative paths start from, to read country and language from the "
                   "drafts [default: the current folder].")
@db_option
def record_command(report: str, round_name: str, places: str | None, drafts_dir: str | None, db: str | None) -> None:
    """Record an audit's JSON report (policy-check audit -o report.json) as a round. Recording the same
    report again changes nothing."""
    from ..console import echo
    from . import queries
    from .db import open_register
    from .record import NO_PLACES, load_places, load_report, record

    loaded = load_report(report)  # a bad report is refused before a register is created for it
    where = load_places(places) if places else NO_PLACES
    reg = open_register(db, create=True)
    try:
        done = record(reg, report, round_name, where, drafts_dir, loaded)
        if done.already:
            echo(f"round {done.round} already holds this audit ({done.submissions} submissions): nothing to do")
            return
        with reg.reading() as conn:
            names = queries.round_names(conn)
            previous = names[names.index(done.round) - 1] if names.index(done.round) > 0 else None
            changes = queries.diff(conn, previous, done.round).summary if previous else None
    finally:
        reg.close()
    line = f"recorded round {done.round} (round {done.position}): {done.submissions} submissions"
    if changes:
        line += (f"; since round {previous}: {changes['programmes_in_both']} resubmitted, "
                 f"{changes['only_in_second']} not in round {previous}, {changes['only_in_first']} not resubmitted; "
                 f"findings {changes['fixed']} fixed, {changes['new']} new, {changes['persisting']} persisting")
    echo(line)


@register.command("rounds")
@db_option
@format_option
@out_option
def rounds_command(db: str | None, fmt: str, out: str | None) -> None:
    """The rounds recorded, in order."""
    from . import queries
    _answer(db, fmt, out, queries.rounds_table)


@register.command("failing")
@click.option("--by", type=click.Choice(choices.BY), default="principle", show_default=True)
@click.option("--per", type=click.Choice(choices.PER), default="all", show_default=True)
@click.option("--severity", type=click.Choice(tuple(choices.LEVELS)), default="violation", show_default=True,
              help="Count violations only, or warnings too.")
@click.option("--round", "round_name", help="Only this round [default: every round].")
@db_option
@format_option
@out_option
def failing_command(by: str, per: str, severity: str, round_name: str | None, db: str | None, fmt: str,
                    out: str | None) -> None:
    """Principles or articles most often failed, per region, country, organisation or round."""
    from . import queries
    _answer(db, fmt, out, lambda conn: queries.failing(conn, by, per, severity, round_name))


@register.command("persistent")
@click.option("--min-rounds", type=click.IntRange(min=2, max=10_000), default=2, show_default=True,
              help="Submissions in a row a finding must be in.")
@db_option
@format_option
@out_option
def persistent_command(min_rounds: int, db: str | None, fmt: str, out: str | None) -> None:
    """Programmes whose findings persist: in their latest submission and the ones before it."""
    from . import queries
    _answer(db, fmt, out, lambda conn: queries.persistent(conn, min_rounds))


@register.command("diff")
@click.argument("first", metavar="ROUND_A")
@click.argument("second", metavar="ROUND_B")
@db_option
@format_option
@out_option
def diff_command(first: str, second: str, db: str | None, fmt: str, out: str | None) -> None:
    """What changed between two rounds: findings fixed, new and persisting in programmes submitted to
    both; the programmes submitted to only one of them."""
    from . import queries
    _answer(db, fmt, out, lambda conn: queries.diff(conn, first, second))


@register.command("programme")
@click.argument("ref", metavar="PROGRAMME")
@db_option
@format_option
@out_option
def programme_command(ref: str, db: str | None, fmt: str, out: str | None) -> None:
    """Everything about one programme (by its id, or its title): each submission and its findings."""
    from . import queries
    _answer(db, fmt, out, lambda conn: queries.programme(conn, ref))


@register.command("html")
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), help="The page to write (atomically).")
@click.option("--severity", type=click.Choice(tuple(choices.LEVELS)), default="violation", show_default=True)
@db_option
def html_command(out: str, severity: str, db: str | None) -> None:
    """A self-contained page (works offline) with charts: each principle over the rounds, and countries
    by principles."""
    from ..console import echo, emit
    from .page import build_page

    with _reading(db, out) as (conn, files):
        text = build_page(conn, severity)
    emit(text, out, inputs=files)
    echo(f"wrote the register page to {out}")
