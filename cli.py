"""policy-check command line: a thin layer over policy_engine (one function per command)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from policy_engine import __version__
from policy_engine.errors import PolicyCheckError

EXIT_OK = 0          # nothing at or above --fail-on
EXIT_FINDINGS = 1    # a finding at or above --fail-on
EXIT_ERROR = 2       # usage error, or an input (or rule file) that could not be checked
EXIT_INTERNAL = 3    # a bug in policy-check itself

FAIL_LEVELS = ("violation", "warning", "advice", "never")


def document_fails(doc: dict[str, Any], fail_on: str) -> bool:
    """Whether a report document has a finding at or above the threshold. Waived findings never fail."""
    if fail_on == "never":
        return False
    levels = FAIL_LEVELS[:FAIL_LEVELS.index(fail_on) + 1]
    return any(f["severity"] in levels and f.get("waived") is None for f in doc["findings"])


def exit_code(report: dict[str, Any], fail_on: str) -> int:
    """Errors first (2), then findings at or above the threshold (1), else 0. Waived findings never fail."""
    if report["summary"]["errors"]:
        return EXIT_ERROR
    if any(document_fails(doc, fail_on) for doc in report["documents"]):
        return EXIT_FINDINGS
    return EXIT_OK


def emit(text: str, out: str | None) -> None:
    """Print, or write atomically to a file."""
    if out:
        from policy_engine.atomic import write_atomic
        write_atomic(out, text)
    else:
        click.echo(text, nl=False)


def load_checker(rules: str | None) -> Any:
    from policy_engine.checker import Checker
    return Checker.from_directory(rules)


rules_option = click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=True),
                            help="Rule folder to use instead of the bundled rules/.")
fail_on_option = click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="violation", show_default=True,
                              help="Exit with 1 when a finding of this severity or worse is found.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policy-check")
def main() -> None:
    """Check humanitarian programme descriptions against the IFRC Policy on Migration (2009)."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "line"]), default="text", show_default=True,
              help="text for people, json for scripts (see README), line for editors (file:line:col).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the report to this file (atomically).")
@fail_on_option
@rules_option
def check(files: tuple[str, ...], fmt: str, out: str | None, fail_on: str, rules_dir: str | None) -> None:
    """Check one or more programme descriptions (.yaml, .json, .md, .txt)."""
    from policy_engine.report import build_report, render

    checker = load_checker(rules_dir)
    results = [checker.check_path(f) for f in files]
    report = build_report(results, checker.rule_set)
    emit(render(report, fmt), out)
    if fmt != "text" or out:  # the text report already shows errors on screen
        for doc in report["documents"]:
            if doc["error"]:
                click.echo(f"error: {doc['error']}", err=True)
    sys.exit(exit_code(report, fail_on))


AUDIT_FORMATS = ("text", "json", "csv", "matrix", "sarif", "junit", "html")  # report.stream.STREAMS
MAX_ERRORS_SHOWN = 10


def resolve_outputs(fmt: str | None, outs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(format, path) for each report to write; path None means standard output.

    An --out may say its format as FORMAT:PATH; otherwise --format decides, else the file's extension.
    """
    from policy_engine.report.stream import format_for_path

    if not outs:
        return [(fmt or "text", None)]
    resolved: list[tuple[str, str | None]] = []
    for out in outs:
        prefix, sep, rest = out.partition(":")
        if sep and prefix in AUDIT_FORMATS and rest:
            resolved.append((prefix, rest))
            continue
        chosen = fmt or format_for_path(out)
        if chosen is None:
            raise click.UsageError(f"cannot tell the report format of '{out}' from its extension; use --format, or "
                                   f"FORMAT:{out} with one of: {', '.join(AUDIT_FORMATS)}")
        resolved.append((chosen, out))
    paths = [os.path.abspath(p) for _, p in resolved if p]
    if len(set(paths)) != len(paths):
        raise click.UsageError("the same --out file is given twice")
    return resolved


def show_progress(choice: bool | None, writes_stdout: bool) -> bool:
    """Auto: only on an interactive terminal, never in CI, and not over a report written to the screen."""
    if choice is not None:
        return choice
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    if writes_stdout and sys.stdout.isatty():
        return False
    return sys.stderr.isatty()


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--files-from", type=click.Path(dir_okay=False, allow_dash=True),
              help="Read more inputs from this file, one per line ('-' for standard input).")
@click.option("-f", "--format", "fmt", type=click.Choice(AUDIT_FORMATS),
              help="Report format for standard output and for every --out without a FORMAT: prefix "
                   "(default: from the --out file's extension, else text).")
@click.option("-o", "--out", "outs", multiple=True, metavar="[FORMAT:]PATH",
              help="Write a report to this file, atomically; repeat for several formats. Extensions: .txt .json "
                   ".csv .sarif .xml (JUnit) .html; the matrix CSV needs matrix:PATH or --format matrix.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: every core).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Seconds one submission may take; a worker that overruns is stopped and the file reported.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (default: only on an interactive terminal, never in CI).")
@fail_on_option
@rules_option
def audit(inputs: tuple[str, ...], files_from: str | None, fmt: str | None, outs: tuple[str, ...],
          jobs: int | None, timeout: float, progress: bool | None, fail_on: str, rules_dir: str | None) -> None:
    """Audit many submissions: folders (searched recursively), glob patterns and files.

    Every core is used; a file that cannot be read, parsed or checked is reported as an error for that
    file and the others are still audited. Hidden and unsupported files in folders are skipped and
    counted. Exit codes are those of `check`.
    """
    import contextlib
    import signal
    import time

    from policy_engine.batch import AuditPool, Discovery, default_jobs, discover, read_file_list
    from policy_engine.report import add_to_summary, new_summary
    from policy_engine.report.stream import STREAMS, BatchInfo, atomic_output, context_for
    from policy_engine.report.text import summary_line

    outputs = resolve_outputs(fmt, outs)
    sources = list(inputs) + (read_file_list(files_from) if files_from else [])
    if not sources:
        raise click.UsageError("nothing to audit: give files, folders or glob patterns, or --files-from")
    checker = load_checker(rules_dir)
    context = context_for(checker.rule_set, fail_on)
    jobs = jobs or default_jobs()
    bar_wanted = show_progress(progress, any(path is None for _, path in outputs))
    total = sum(1 for _ in discover(sources, Discovery())) if bar_wanted else 0
    stats = Discovery()
    summary = new_summary()
    failing = False
    errors: list[str] = []
    started = time.monotonic()

    def stop(signum: int, frame: Any) -> None:  # SIGTERM (a cancelled CI job) cleans up like Ctrl-C
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop) if _main_thread() else None
    try:
        with contextlib.ExitStack() as stack:
            writers = []
            for name, path in outputs:
                handle = stack.enter_context(atomic_output(path)) if path else sys.stdout
                writers.append(STREAMS[name].create(handle, context))
            for writer in writers:
                writer.begin()
            pool = stack.enter_context(AuditPool(checker, rules_dir, jobs, timeout))
            bar = stack.enter_context(click.progressbar(length=total, label="Auditing", file=sys.stderr,
                                                        show_pos=True, show_eta=True)) if bar_wanted else None
            for entry in pool.imap(discover(sources, stats)):
                add_to_summary(summary, entry)
                failing = failing or document_fails(entry, fail_on)
                if entry["error"] is not None:
                    errors.append(entry["error"]) if len(errors) < MAX_ERRORS_SHOWN else None
                for writer in writers:
                    writer.add(entry)
                if bar is not None:
                    bar.update(1)
            batch = BatchInfo(stats.hidden, stats.skipped_unsupported, dict(stats.unsupported), list(stats.unmatched))
            for writer in writers:
                writer.finish(summary, batch)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    elapsed = time.monotonic() - started

    for pattern in stats.unmatched:
        click.echo(f"warning: no supported file matches '{pattern}'", err=True)
    if summary["documents"] == 0:
        click.echo("error: no submissions found to audit" + _skipped_note(stats), err=True)
        sys.exit(EXIT_ERROR)
    to_screen_as_text = any(path is None and name == "text" for name, path in outputs)
    if not to_screen_as_text:
        for message in errors:
            click.echo(f"error: {message}", err=True)
        if summary["errors"] > len(errors):
            click.echo(f"error: ... and {summary['errors'] - len(errors)} more (see the report)", err=True)
        rate = summary["documents"] / elapsed if elapsed > 0 else 0.0
        click.echo(f"{summary_line(summary)} ({elapsed:.1f} s, {rate:,.0f} per second, {jobs} worker(s))"
                   + _skipped_note(stats), err=True)
        for name, path in outputs:
            if path:
                click.echo(f"wrote {name} report to {path}", err=True)
    elif stats.hidden or stats.skipped_unsupported:
        click.echo(_skipped_note(stats).strip("; "), err=True)
    sys.exit(EXIT_ERROR if summary["errors"] else EXIT_FINDINGS if failing else EXIT_OK)


def _skipped_note(stats: Any) -> str:
    parts = []
    if stats.hidden:
        parts.append(f"{stats.hidden} hidden")
    if stats.skipped_unsupported:
        kinds = ", ".join(f"{suffix} {n}" for suffix, n in sorted(stats.unsupported.items()))
        parts.append(f"{stats.skipped_unsupported} unsupported ({kinds})")
    return f"; skipped {' and '.join(parts)} file(s)" if parts else ""


def _main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def run() -> None:
    """Entry point with the one handler for expected failures and a distinct code for bugs."""
    try:
        main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except PolicyCheckError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - a bug: say so plainly, with the type
        click.echo(f"internal error ({type(exc).__name__}): {exc}. Please report this.", err=True)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    run()
