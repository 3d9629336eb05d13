"""policy-check command line: a thin layer over policy_engine (one function per command)."""

from __future__ import annotations

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


def exit_code(report: dict[str, Any], fail_on: str) -> int:
    """Errors first (2), then findings at or above the threshold (1), else 0. Waived findings never fail."""
    if report["summary"]["errors"]:
        return EXIT_ERROR
    if fail_on == "never":
        return EXIT_OK
    levels = FAIL_LEVELS[:FAIL_LEVELS.index(fail_on) + 1]
    for doc in report["documents"]:
        for f in doc["findings"]:
            if f["severity"] in levels and f.get("waived") is None:
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
