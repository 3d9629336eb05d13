"""policy-check command line: a thin layer over policy_engine (one function per command).

Installed as the `policy-check` program and run by `python -m policy_engine` (and by cli.py in a
checkout). Commands and command groups hang off `main` (see "Command groups" below).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, TextIO, cast

import click

from policy_engine import __version__
from policy_engine.console import SafeStdout, echo, echo_error, echo_json, emit  # noqa: F401 (emit: cli.py's shim exports it)
from policy_engine.errors import PolicyCheckError
from policy_engine.model import UNREAD_STATUSES
from policy_engine.reports.formats import NAMES as FORMAT_NAMES, endings_help
from policy_engine.startup import pause_gc, resume_gc

EXIT_OK = 0          # nothing at or above --fail-on
EXIT_FINDINGS = 1    # a finding at or above --fail-on
EXIT_ERROR = 2       # usage error, or an input (or rule file) that could not be checked
EXIT_INTERNAL = 3    # a bug in policy-check itself

FAIL_LEVELS = ("violation", "warning", "advice", "never")


def document_fails(doc: dict[str, Any], fail_on: str, accept_not_checked: bool = False) -> bool:
    """Whether a report document fails the run: a finding at or above the threshold (waived ones and
    those known from a baseline never fail), or prose the rules could not read (unless accepted)."""
    if fail_on == "never":
        return False
    if doc.get("status") in UNREAD_STATUSES and not accept_not_checked:
        return True
    levels = FAIL_LEVELS[:FAIL_LEVELS.index(fail_on) + 1]
    return any(f["severity"] in levels and f.get("waived") is None and f.get("baseline") != "known"
               for f in doc["findings"])


def exit_code(report: dict[str, Any], fail_on: str, accept_not_checked: bool = False) -> int:
    """Errors first (2), then failing documents (1), else 0."""
    if report["summary"]["errors"]:
        return EXIT_ERROR
    if any(document_fails(doc, fail_on, accept_not_checked) for doc in report["documents"]):
        return EXIT_FINDINGS
    return EXIT_OK


def load_checker(rules: str | None, keep_paused: bool = False) -> Any:
    """The checker of a rule folder; the collector resumes once it is built, or (keep_paused) once the
    caller has also read its first draft, whose language's phrases are compiled then."""
    from policy_engine.evaluation.checker import Checker
    try:
        return Checker.from_directory(rules_path(rules))
    finally:
        if not keep_paused:
            resume_gc()


rules_option = click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=True),
                            help="Rule folder to use instead of the bundled rules/.")
_WAIVER_OPTIONS = (
    click.option("--waivers", "waivers_file", type=click.Path(exists=True, dir_okay=False),
                 help="A central waiver file (reviewers'), applied on top of waivers written in the programmes."),
    click.option("--ignore-inline-waivers", is_flag=True, help="Refuse waivers written inside the programme files."),
    click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                 help="Judge waiver expiry as of this date [default: today]."),
    click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False),
                 help="A previous JSON report: show only findings that are new since then."),
)


def waiver_options(func: Any) -> Any:
    """The waiver and baseline options, shared by check and audit."""
    for option in reversed(_WAIVER_OPTIONS):
        func = option(func)
    return func


fail_on_option = click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="violation", show_default=True,
                              help="Exit with 1 when a finding of this severity or worse is found.")
accept_option = click.option("--accept-not-checked", is_flag=True,
                             help="Do not exit with 1 for a draft, or part of one, in a language the rules cannot "
                                  "read, or with a field value they do not know (it is still reported as not "
                                  "checked).")

# Every report format, for check and audit alike (the table only: no writer is imported until used).
REPORT_FORMATS = FORMAT_NAMES
COLOR_CHOICES = ("auto", "always", "never")

_SHARED_OPTIONS = (
    click.option("-f", "--format", "fmt", type=click.Choice(REPORT_FORMATS),
                 help="Report format for standard output and for every --out without a FORMAT: prefix "
                      "(default: from the --out file's extension, else text)."),
    click.option("-o", "--out", "outs", multiple=True, metavar="[FORMAT:]PATH",
                 help="Write a report to this file, atomically; repeat for several formats. " + endings_help()),
    click.option("--select", multiple=True, metavar="RULE|P#|ART",
                 help="Report only these rules: rule ids, principles (P7) or articles (7.5); repeat or "
                      "separate with commas."),
    click.option("--ignore", multiple=True, metavar="RULE|P#|ART",
                 help="Leave out these rules (rule ids, principles or articles), even when selected."),
    click.option("--color", "--colour", "color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
                 help="Colour the text report: auto is on a terminal only, and never with NO_COLOR set."),
    fail_on_option,
    accept_option,
    rules_option,
)


def shared_options(func: Any) -> Any:
    """The options check and audit share: output, selection, colour, threshold, rules, waivers."""
    for option in reversed(_SHARED_OPTIONS + _WAIVER_OPTIONS):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, "-V", "--version", prog_name="policy-check")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Read settings from this file instead of the .policy-check.yaml or pyproject.toml "
                   "[tool.policy-check] found from the working folder upwards.")
@click.option("--no-config", is_flag=True, help="Read no configuration file.")
@click.option("--show-config", is_flag=True, help="Print the configuration file found and every setting, then exit.")
@click.pass_context
def main(ctx: click.Context, config_file: str | None, no_config: bool, show_config: bool) -> None:
    """Check humanitarian programme descriptions against the IFRC Policy on Migration (2009)."""
    from policy_engine import config

    if config_file and no_config:
        raise click.UsageError("--config and --no-config do not go together")
    settings = config.load(None if no_config else config_file or config.find())
    ctx.obj = settings
    if show_config:
        echo(settings.render(), nl=False)
        ctx.exit(EXIT_OK)
    if ctx.invoked_subcommand is None:
        echo(ctx.get_help())
        ctx.exit(EXIT_OK)
    # The file's settings are the options' defaults: an option on the command line wins.
    defaults = settings.option_defaults()
    rules_only = {k: v for k, v in defaults.items() if k == "rules_dir"}
    ctx.default_map = {"check": defaults, "audit": defaults, "explain": rules_only,
                       "rules": {"suggest": rules_only}}


def configured_rules() -> str | None:
    """The rules folder of the configuration file, if it names one."""
    ctx = click.get_current_context(silent=True)
    settings = ctx.find_root().obj if ctx is not None else None
    return settings.values.get("rules") if settings is not None else None


def resolve_outputs(fmt: str | None, outs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(format, path) for each report to write; path None means standard output.

    An --out may say its format as FORMAT:PATH; otherwise --format decides, else the file's extension.
    A prefix that is not a format is refused (write ./name:x to mean a file of that name); a
    one-letter prefix is a Windows drive (C:\\reports\\r.json).
    """
    if not outs:
        return [(fmt or "text", None)]
    from policy_engine.reports.formats import format_for_path

    known = ", ".join(REPORT_FORMATS)
    resolved: list[tuple[str, str | None]] = []
    for out in outs:
        prefix, sep, rest = out.partition(":")
        if sep and len(prefix) > 1 and prefix.replace("-", "").replace("_", "").isalnum():
            if prefix not in REPORT_FORMATS:
                raise click.UsageError(f"unknown report format '{prefix}' in '{out}'; formats: {known} "
                                       f"(for a file with ':' in its name, write ./{out})")
            if not rest:
                raise click.UsageError(f"'{out}' names no file after '{prefix}:'")
            resolved.append((prefix, rest))
            continue
        chosen = fmt or format_for_path(out)
        if chosen is None:
            raise click.UsageError(f"cannot tell the report format of '{out}' from its extension; use --format, or "
                                   f"FORMAT:{out} with one of: {known}")
        resolved.append((chosen, out))
    paths = [os.path.abspath(p) for _, p in resolved if p]
    if len(set(paths)) != len(paths):
        raise click.UsageError("the same --out file is given twice")
    return resolved


def selection_for(select: tuple[str, ...], ignore: tuple[str, ...], rule_set: Any) -> Any:
    """The --select/--ignore selection, its names checked against the rules (a typo is an error, exit 2);
    None when neither is given."""
    if not select and not ignore:
        return None
    from policy_engine.findings.selection import (
        Selection,
        SelectorError,
        check_selectors,
        split,
    )
    from policy_engine.findings.waivers import BUILTIN_RULES

    settings = click.get_current_context().find_root().obj
    chosen = []
    for name, values in (("select", select), ("ignore", ignore)):
        try:
            chosen.append(check_selectors(split(values), rule_set, BUILTIN_RULES))
        except SelectorError as exc:
            if settings is not None and name in settings.values and settings.values[name] == split(values):
                from policy_engine.config import ConfigError
                raise ConfigError(f"{name}: {exc}", settings.path, settings.lines[name]) from None
            raise click.BadParameter(str(exc), param_hint=f"--{name}") from None
    return Selection(*chosen)


def stdin_document(checker: Any, name: str | None) -> tuple[Any, str]:
    """Read a draft from standard input; its kind from --stdin-filename, else from its first bytes."""
    from policy_engine.errors import InputError
    from policy_engine.files.inputfile import MAX_BYTES, decode_text
    from policy_engine.reading.documents import (
        SUPPORTED_SUFFIXES,
        parse_document,
        parse_docx,
    )

    raw = sys.stdin.buffer.read(MAX_BYTES + 1)
    shown = name or "-"
    if len(raw) > MAX_BYTES:
        raise InputError(f"standard input too large (> {MAX_BYTES / 1048576:g} MB limit)", shown)
    suffix = Path(name).suffix.lower() if name else sniff(raw)
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"unsupported file type '{suffix or name}' (expected one of: "
                         f"{', '.join(sorted(SUPPORTED_SUFFIXES))})", shown)
    if suffix == ".docx":
        return parse_docx(raw, shown, checker.rule_set.sections), shown
    return parse_document(decode_text(raw, shown), shown, suffix, checker.rule_set.sections), shown


def sniff(raw: bytes) -> str:
    """The kind of a draft read from standard input: Word (a zip), JSON, a YAML programme (it starts
    with a field such as `id:`), else Markdown (front matter between --- lines included)."""
    import re

    if raw.startswith(b"PK\x03\x04"):
        return ".docx"
    text = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return ".json"
    first = next((line for line in text.splitlines() if line.strip() and not line.startswith(b"#")), b"")
    return ".yaml" if re.match(rb"[a-z_]+:(\s|$)", first) else ".md"


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@shared_options
@click.option("--explain", is_flag=True,
              help="Also show, per rule, whether it fired and, if not, the first condition that failed.")
@click.option("--stdin-filename", metavar="NAME",
              help="For '-': the name to report, whose extension (.md, .yaml, .docx ...) says how to read it.")
def check(files: tuple[str, ...], fmt: str | None, outs: tuple[str, ...], select: tuple[str, ...],
          ignore: tuple[str, ...], color: str, fail_on: str, accept_not_checked: bool, rules_dir: str | None,
          waivers_file: str | None, ignore_inline_waivers: bool, today: Any, baseline_file: str | None,
          explain: bool, stdin_filename: str | None) -> None:
    """Check one or more programme descriptions (.yaml, .json, .md, .txt, .docx; '-' reads standard input)."""
    from policy_engine.errors import PolicyCheckError
    from policy_engine.findings.result import CheckResult
    from policy_engine.findings.waivers import WaiverPolicy, load_waiver_file
    from policy_engine.reports import add_to_summary, build_report, new_summary, render

    outputs = resolve_outputs(fmt, outs)
    if explain and any(name not in ("text", "json") for name, _ in outputs):
        raise click.UsageError("--explain works with --format text or json")
    if files.count("-") > 1:
        raise click.UsageError("standard input ('-') can be read only once")
    read = tuple(f for f in files if f != "-") + tuple(str(f) for f in (waivers_file, baseline_file,
                                                                        rules_path(rules_dir)) if f)
    from policy_engine.files.atomic import destination
    for _, path in outputs:  # refuse at once, before any work, to write over a draft, a file the run reads, or a device
        if path:
            destination(path, read, [rules_path(rules_dir)])
    # the collector stays paused through the first draft: reading it compiles its language's phrases,
    # many objects that last as long as the process (bench/speed_tricks measures what this saves)
    checker = load_checker(rules_dir, keep_paused=True)
    results = []
    try:
        selection = selection_for(select, ignore, checker.rule_set)
        waivers = WaiverPolicy(tuple(load_waiver_file(waivers_file)) if waivers_file else (),
                               inline=not ignore_inline_waivers, today=today.date() if today else None)
        for f in files:
            if f == "-":
                try:
                    doc, shown = stdin_document(checker, stdin_filename)
                    results.append(checker.check(doc, waivers))
                except PolicyCheckError as exc:
                    results.append(CheckResult(stdin_filename or "-", error=str(exc)))
            else:
                results.append(checker.check_path(f, waivers))
            resume_gc()  # (only the first call does anything)
    finally:
        resume_gc()
    report = build_report(results, checker.rule_set)
    if selection:
        report["documents"] = [selection.apply(doc) for doc in report["documents"]]
        report["summary"] = new_summary()
        for doc in report["documents"]:
            add_to_summary(report["summary"], doc)
    if baseline_file:
        from policy_engine.findings.baseline import filter_new, load_report
        aliases = {alias: rule.id for rule in checker.rule_set.rules for alias in rule.aliases}
        report = filter_new(report, load_report(baseline_file), aliases, baseline_file)
    explanations = explain_results(checker, [r for r, f in zip(results, files) if f != "-"]) if explain else {}
    for name, path in outputs:
        if name == "json" and explanations:
            for doc in report["documents"]:
                if doc["path"] in explanations:
                    doc["explanation"] = [e.to_dict() for e in explanations[doc["path"]]]
        from policy_engine.reports import formats
        if formats.FORMATS[name].whole:  # formats with a whole-report function (text, json, line)
            text = render(report, name)
        else:
            from policy_engine.reports.stream import (
                BatchInfo,
                context_for,
                render_whole,
            )
            text = render_whole(formats.writer(name), report, context_for(checker.rule_set, fail_on),
                                BatchInfo(baseline=report.get("baseline")))
        if name == "text":
            if baseline_file:
                from policy_engine.findings.baseline import render_text as baseline_text
                text += "\n" + baseline_text(report["baseline"])
            if explanations:
                from policy_engine.authoring.explain import render_text as explain_text
                text += "".join("\n" + explain_text(p, items) for p, items in explanations.items())
        if path:
            from policy_engine.files.atomic import write_atomic
            write_atomic(path, text, read)
        else:
            echo(text, nl=False, json_style=name == "json", colour=name == "text" and color_wanted(color))
    if not any(name == "text" and path is None for name, path in outputs):  # the text report shows errors itself
        for doc in report["documents"]:
            if doc["error"]:
                echo_error(doc["error"])
    sys.exit(exit_code(report, fail_on, accept_not_checked))


def color_wanted(choice: str) -> bool:
    """--color auto|always|never; auto: a terminal, unless NO_COLOR is set (any value) or TERM=dumb."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


MAX_JOBS = 256          # more worker processes than this only exhausts the machine
MAX_TIMEOUT = 86_400.0  # seconds: a day


def _finite(value: float) -> float:
    if value != value:  # nan passes every range check
        raise click.BadParameter("is not a number")
    return value


MAX_ERRORS_SHOWN = 10


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
@shared_options
@click.option("-j", "--jobs", type=click.IntRange(min=1, max=MAX_JOBS), help=f"Worker processes (default: every core; at most {MAX_JOBS}).")
@click.option("--timeout", type=click.FloatRange(min=0, max=MAX_TIMEOUT, min_open=True), default=60.0, show_default=True,
              callback=lambda ctx, param, value: _finite(value),
              help="Seconds one submission may take; a worker that overruns is stopped and the file reported.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (default: only on an interactive terminal, never in CI).")
def audit(inputs: tuple[str, ...], files_from: str | None, fmt: str | None, outs: tuple[str, ...],
          select: tuple[str, ...], ignore: tuple[str, ...], color: str, fail_on: str, accept_not_checked: bool,
          rules_dir: str | None, waivers_file: str | None, ignore_inline_waivers: bool, today: Any,
          baseline_file: str | None, jobs: int | None, timeout: float, progress: bool | None) -> None:
    """Audit many submissions: folders (searched recursively), glob patterns and files.

    Every core is used; a file that cannot be read, parsed or checked is reported as an error for that
    file and the others are still audited. Hidden and unsupported files in folders are skipped and
    counted. Exit codes are those of `check`.
    """
    import signal

    from policy_engine.batch.audit import (
        NothingToAudit,
        StreamingBaseline,
        run_audit,
        skipped_note,
    )
    from policy_engine.batch.discovery import Discovery, discover, read_file_list
    from policy_engine.batch.pool import default_jobs
    from policy_engine.findings.waivers import WaiverPolicy, load_waiver_file
    from policy_engine.reports.stream import context_for
    from policy_engine.reports.text import summary_line

    outputs = resolve_outputs(fmt, outs)
    from policy_engine.files.atomic import destination
    for _, path in outputs:  # a report never replaces a file the run reads, nor writes into the rules
        if path:
            destination(path, [str(f) for f in (waivers_file, baseline_file, files_from, rules_path(rules_dir))
                               if f and f != "-"], [rules_path(rules_dir)])
    sources = list(inputs) + (read_file_list(files_from) if files_from else [])
    if not sources:
        raise click.UsageError("nothing to audit: give files, folders or glob patterns, or --files-from")
    checker = load_checker(rules_dir)
    selection = selection_for(select, ignore, checker.rule_set)
    waivers = WaiverPolicy(tuple(load_waiver_file(waivers_file)) if waivers_file else (),
                           inline=not ignore_inline_waivers, today=today.date() if today else None)
    baseline = None
    if baseline_file:
        from policy_engine.findings.baseline import load_report
        aliases = {alias: rule.id for rule in checker.rule_set.rules for alias in rule.aliases}
        baseline = StreamingBaseline(load_report(baseline_file), aliases, baseline_file)
    jobs = jobs or default_jobs()
    bar_wanted = show_progress(progress, any(path is None for _, path in outputs))
    screen_colour = any(name == "text" and path is None for name, path in outputs) and color_wanted(color)

    def stop(signum: int, frame: Any) -> None:  # SIGTERM (a cancelled CI job) cleans up like Ctrl-C
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop) if _main_thread() else None
    try:
        reports = tuple(path for _, path in outputs if path)
        total = sum(1 for _ in discover(sources, Discovery(reports=reports))) if bar_wanted else 0
        with click.progressbar(length=total, label="Auditing", file=sys.stderr, show_pos=True, show_eta=True) \
                if bar_wanted else _no_bar() as bar:
            outcome = run_audit(sources, checker, outputs, context_for(checker.rule_set, fail_on), jobs=jobs,
                                timeout=timeout, rules_dir=str(rules_path(rules_dir)), waivers=waivers,
                                baseline=baseline, fails=lambda doc: document_fails(doc, fail_on, accept_not_checked),
                                on_document=(lambda: bar.update(1)) if bar_wanted else None,
                                max_errors=MAX_ERRORS_SHOWN,
                                stdout=cast(TextIO, SafeStdout(json_style=fmt == "json", colour=screen_colour)),  # writers only write()
                                select=selection.apply if selection else None)
    except NothingToAudit as exc:
        for pattern in exc.discovery.unmatched:
            echo_error(f"no supported file matches '{pattern}'", "warning: ")
        echo_error(exc)
        sys.exit(EXIT_ERROR)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)

    summary, stats = outcome.summary, outcome.discovery
    for pattern in stats.unmatched:
        echo_error(f"no supported file matches '{pattern}'", "warning: ")
    if any(path is None and name == "text" for name, path in outputs):  # the report on screen says it all
        if stats.hidden or stats.skipped_unsupported:
            echo(skipped_note(stats).strip("; "), err=True)
    else:
        for message in outcome.errors:
            echo_error(message)
        if summary["errors"] > len(outcome.errors):
            echo(f"error: ... and {summary['errors'] - len(outcome.errors)} more (see the report)", err=True)
        rate = summary["documents"] / outcome.seconds if outcome.seconds > 0 else 0.0
        echo(f"{summary_line(summary)} ({outcome.seconds:.1f} s, {rate:,.0f} per second, {jobs} worker(s))"
                   + skipped_note(stats), err=True)
        for name, path in outputs:
            if path:
                echo_error(f"wrote {name} report to {path}", "")
    sys.exit(EXIT_ERROR if summary["errors"] else EXIT_FINDINGS if outcome.failing else EXIT_OK)


def _no_bar() -> Any:
    import contextlib
    return contextlib.nullcontext(None)


def _main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def explain_results(checker: Any, results: list[Any]) -> dict[str, list[Any]]:
    """Per checked file (that could be read), the explanation of every rule."""
    from policy_engine.authoring.explain import explain_document
    from policy_engine.ruleset.rulesrc import rule_sources

    sources = rule_sources(checker.rule_set)
    out = {}
    for result in results:
        if result.error is None:
            doc = checker.load(result.path)
            out[result.path] = explain_document(checker, doc, result.findings, sources)
    return out


@main.command("explain")
@click.argument("rule_id", metavar="RULE-OR-CONCEPT")
@rules_option
def explain_rule(rule_id: str, rules_dir: str | None) -> None:
    """Explain a rule (what it finds, the article it protects, why, how to fix, the concepts it reads,
    its examples) or a concept (what it means, its words in every language, the rules that read it)."""
    from policy_engine.authoring.explain import (
        describe_builtin,
        describe_concept,
        describe_rule,
    )
    from policy_engine.findings.waivers import BUILTIN_RULES
    from policy_engine.ruleset.rules import did_you_mean
    from policy_engine.ruleset.rulesrc import rule_sources

    rule_set = load_checker(rules_dir).rule_set
    try:
        rule = rule_set.get(rule_id)
    except KeyError:
        if rule_id in BUILTIN_RULES:
            echo(describe_builtin(BUILTIN_RULES[rule_id]), nl=False)
            return
        if rule_id in rule_set.lexicon.concepts:
            echo(describe_concept(rule_id, rule_set), nl=False)
            return
        hint = did_you_mean(rule_id, rule_set.ids() + sorted(BUILTIN_RULES) + sorted(rule_set.lexicon.concepts))
        raise click.BadParameter(f'no such rule or concept: "{rule_id}"' + (f"; {hint}" if hint else "; see "
                                 "'policy-check rules coverage -v' for every rule"), param_hint="RULE") from None
    echo(describe_rule(rule, rule_set.policy, rule_sources(rule_set).get(rule.id), rule_set.lexicon), nl=False)


# ---- rule authoring ------------------------------------------------------------------------------

rules_path_argument = click.argument("path", required=False, type=click.Path(exists=True))
cases_option = click.option("--cases", "cases_dir", type=click.Path(exists=True, file_okay=False),
                            help="Cases folder whose expectations count as rule tests [default: cases/ beside "
                                 "the rule folder].")


def rules_path(path: str | None) -> Path:
    """The rule folder or file given, or the bundled rules/ (relative to here when below, for short messages)."""
    import os

    from policy_engine.resources import default_rules_dir

    path = path or configured_rules()
    if path:
        return Path(path)
    default = default_rules_dir()
    try:
        return Path(os.path.relpath(default)) if default.is_relative_to(Path.cwd()) else default
    except ValueError:  # another drive
        return default


# ---- command groups ------------------------------------------------------------------------------
# Each group of commands is a click group attached to `main` here (`rules` below); a new group goes
# beside it, as `@main.group()` with its commands under it.

@main.group()
def rules() -> None:
    """Write, test and publish the rules (for rule authors)."""


@rules.command("lint")
@rules_path_argument
@cases_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
def rules_lint(path: str | None, cases_dir: str | None, fmt: str, strict: bool) -> None:
    """Check rule files (a folder, or one file) and report every problem as file:line:col."""
    import json

    from policy_engine.authoring.lint import lint, render_text, text_pattern_figures
    from policy_engine.ruleset.rules import rule_files

    target = rules_path(path)
    problems, rule_set = lint(target, cases_dir)
    patterns, longest = text_pattern_figures(rule_set)
    if fmt == "json":
        echo_json(json.dumps({"problems": [p.to_dict() for p in problems],
                               "rules": len(rule_set.rules), "concepts": len(rule_set.lexicon.concepts),
                               "text_patterns": patterns, "longest_text_pattern": longest},
                              indent=2, ensure_ascii=False))
    else:
        echo(render_text(problems, len(rule_files(target))), nl=False)
        echo(f"{len(rule_set.rules)} rules read, {len(rule_set.lexicon.concepts)} concepts, {patterns} text "
                   f"pattern{'s' if patterns != 1 else ''}" + (f" (longest {longest} characters)" if patterns else ""))
    failing = ("error", "warning") if strict else ("error",)
    sys.exit(EXIT_FINDINGS if any(p.level in failing for p in problems) else EXIT_OK)


@rules.command("test")
@rules_path_argument
@cases_option
@click.option("--no-cases", is_flag=True, help="Run only the rules' own examples.")
@click.option("--rule", "only", multiple=True, metavar="ID", help="Test only this rule (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="List passing tests too.")
def rules_test(path: str | None, cases_dir: str | None, no_cases: bool, only: tuple[str, ...], fmt: str,
               verbose: bool) -> None:
    """Run every rule's examples and the expectations in cases/; exit 1 on any failure.

    With a rule file as PATH, only that file's rules are tested (with the cases that name them).
    """
    import json

    from policy_engine.authoring import ruletest
    from policy_engine.evaluation.checker import Checker
    from policy_engine.ruleset.rules import load_rule_set
    from policy_engine.ruleset.rulesrc import concept_sources, rule_sources

    target = rules_path(path)
    folder = target if target.is_dir() else target.parent
    checker = Checker.from_directory(folder)
    selected: set[str] | None = None
    if target.is_file():
        file_rules, _ = load_rule_set(target)
        selected = set(file_rules.ids())
    if only:
        unknown = [r for r in only if r not in checker.rule_set.ids()]
        if unknown:
            raise click.BadParameter(f"no such rule: \"{unknown[0]}\"", param_hint="--rule")
        selected = set(only) if selected is None else selected & set(only)
    cases = [] if no_cases else ruletest.load_cases(cases_dir or ruletest.default_cases_dir(folder))
    items = ruletest.collect(checker.rule_set, rule_sources(checker.rule_set), cases, selected,
                             concept_sources(checker.rule_set))
    results = [ruletest.run(checker, item) for item in items]
    if fmt == "json":
        echo_json(json.dumps(ruletest.to_json_dict(results), indent=2, ensure_ascii=False))
    else:
        echo(ruletest.render_text(results, verbose), nl=False)
    sys.exit(EXIT_FINDINGS if any(not r.passed for r in results) else EXIT_OK)


@rules.command("coverage")
@rules_path_argument
@cases_option
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="List the rules and cases behind each row.")
@click.option("--strict", is_flag=True, help="Exit 1 when a principle or article has no rule.")
def rules_coverage(path: str | None, cases_dir: str | None, fmt: str, verbose: bool, strict: bool) -> None:
    """Table of principles and articles with the rules and test cases behind each, and the gaps."""
    import json

    from policy_engine.authoring import coverage
    from policy_engine.authoring.ruletest import default_cases_dir, load_cases
    from policy_engine.evaluation.checker import Checker

    target = rules_path(path)
    rule_set = Checker.from_directory(target).rule_set
    cases = load_cases(cases_dir or default_cases_dir(target))
    rows = coverage.coverage(rule_set, cases)
    found = coverage.gaps(rows, rule_set, cases)
    if fmt == "json":
        echo_json(json.dumps(coverage.to_dict(rows, found), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        echo(coverage.render_markdown(rows, found), nl=False)
    else:
        echo(coverage.render_text(rows, found, verbose), nl=False)
    missing = found["principles_without_rules"] or found["articles_without_rules"]
    sys.exit(EXIT_FINDINGS if strict and missing else EXIT_OK)


@rules.command("suggest")
@click.argument("name", metavar="RULE-OR-CONCEPT")
@click.argument("inputs", nargs=-1, required=True, metavar="FOLDER...")
@rules_option
@click.option("--rank", type=click.Choice(["auto", "model", "words"]), default="auto", show_default=True,
              help="Order by the optional sentence model (auto: when installed) or by shared words.")
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Show at most this many sentences.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_suggest(name: str, inputs: tuple[str, ...], rules_dir: str | None, rank: str, limit: int, fmt: str) -> None:
    """List sentences in drafts that state the rest of a prose test but no word of a concept: the
    places where the concept's word list may be missing words. Give a concept, or a rule to look at
    every concept its prose tests read."""
    import json

    from policy_engine.authoring import suggest
    from policy_engine.batch.discovery import Discovery, discover
    from policy_engine.ruleset.rules import did_you_mean

    checker = load_checker(rules_dir)
    try:
        suggest.targets_for(checker, name)
    except KeyError:
        known = checker.rule_set.ids() + sorted(checker.rule_set.lexicon.concepts)
        hint = did_you_mean(name, known)
        raise click.BadParameter(f'no such rule or concept: "{name}"' + (f"; {hint}" if hint else ""),
                                 param_hint="RULE-OR-CONCEPT") from None
    ranker = suggest.pick_ranker(rank)
    paths = [Path(p) for p in discover(inputs, Discovery())]
    found, problems = suggest.suggest(checker, name, paths, limit, ranker)
    for problem in problems:
        echo_error(problem)
    if fmt == "json":
        echo_json(json.dumps({"name": name, "ranked_by": ranker.name, "files": len(paths),
                               "suggestions": [s.to_dict() for s in found]}, indent=2, ensure_ascii=False))
    else:
        echo(suggest.render_text(name, found, ranker, checker), nl=False)
    sys.exit(EXIT_ERROR if problems else EXIT_OK)


@rules.command("doc")
@rules_path_argument
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write the handbook into (created if needed).")
@click.option("--format", "fmt", type=click.Choice(["both", "md", "html"]), default="both", show_default=True)
def rules_doc(path: str | None, out_dir: str, fmt: str) -> None:
    """Write the minimum-standards handbook (Markdown and HTML), one page per principle."""
    from policy_engine.authoring import handbook

    rule_set = load_checker(str(rules_path(path))).rule_set
    formats = ("md", "html") if fmt == "both" else (fmt,)
    written = handbook.write(rule_set, out_dir, formats)
    first = Path(out_dir) / f"index.{formats[-1]}"
    echo(f"Wrote {len(written)} files to {out_dir} ({len(rule_set.rules)} rules); start at {first}")


@rules.command("schema")
@click.option("--path", "show_path", is_flag=True, help="Print where the schema file is instead of its content.")
def rules_schema(show_path: bool) -> None:
    """Print the JSON Schema of rule files, for editors (see docs/rule-authoring.md: the modeline)."""
    from policy_engine.resources import SCHEMA_DIR

    schema_file = SCHEMA_DIR / "rules.schema.json"
    echo(str(schema_file) if show_path else schema_file.read_text(encoding="utf-8"), nl=show_path)


@main.command("schema")
@click.option("--path", "show_path", is_flag=True, help="Print where the schema file is instead of its content.")
def programme_schema(show_path: bool) -> None:
    """Print the JSON Schema of programme descriptions (the YAML/JSON draft format), for editors and tools."""
    from policy_engine.resources import SCHEMA_DIR

    schema_file = SCHEMA_DIR / "programme.schema.json"
    echo(str(schema_file) if show_path else schema_file.read_text(encoding="utf-8"), nl=show_path)


# ---- register of review rounds (policy_engine/register) ------------------------------------------
from policy_engine.register.cli import register as _register  # noqa: E402

main.add_command(_register)


def run() -> None:
    """Entry point with the one handler for expected failures and a distinct code for bugs."""
    pause_gc()  # already paused when started by cli.py or python -m policy_engine
    try:
        _run()
    finally:
        resume_gc()  # a usage error ends a check before its rules are loaded


_OUTPUT_ERRORS = (BrokenPipeError, OSError)


def _flush_or_fail() -> None:
    """Flush standard output now, where a failure can still be reported properly."""
    try:
        sys.stdout.flush()
    except _OUTPUT_ERRORS as exc:
        _output_failed(exc)


def _output_failed(exc: OSError) -> None:
    """The report could not be printed: say so in one line (a closed pipe says nothing), exit 2."""
    try:  # nothing more may reach the broken stream, not even at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    if not isinstance(exc, BrokenPipeError):
        echo_error(f"cannot write to standard output: {exc.strerror or exc}")
    os._exit(EXIT_ERROR)


def _run() -> None:
    try:
        main(prog_name="policy-check", standalone_mode=False)
    except click.exceptions.Abort:
        echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
        echo_error(exc.format_message(), "Error: ")
        sys.exit(EXIT_ERROR)
    except PolicyCheckError as exc:
        echo_error(exc)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit as done:
        _flush_or_fail()
        raise done
    except _OUTPUT_ERRORS as exc:  # standard output closed (| head) or full (/dev/full)
        _output_failed(exc)
    except Exception as exc:  # pragma: no cover - a bug: say so plainly, with the type
        echo_error(f"internal error ({type(exc).__name__}): {exc}. Please report this.", "")
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    run()
