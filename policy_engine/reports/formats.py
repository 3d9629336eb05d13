"""Every report format, in one table: its name, where its writer lives, the file-name endings that choose
it for --out, and what it is for.

The table names modules instead of importing them: a format's module is imported only when that format
is written. So `check` printing text never loads the XML or HTML writers (JUnit's escaping alone pulls in
urllib and http), and importing one writer never imports the others.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, NamedTuple


class Format(NamedTuple):
    name: str
    writer: str                  # "module:Class" in this package: the streaming writer (stream.ReportWriter)
    extensions: tuple[str, ...]  # file-name endings that select this format for --out
    help: str
    whole: str | None = None     # "module:function" writing a whole report, for check; else the writer is run


# In the order the command line lists them.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("text", "stream:TextWriter", (".txt",),
           "for people: findings by principle, with evidence, why and how to fix", whole="text:to_text"),
    Format("json", "stream:JsonWriter", (".json",),
           "the JSON report, the same contract as `check --format json`", whole="machine:to_json"),
    Format("line", "stream:LineWriter", (),
           "one line per finding, file:line:col: [severity] title (rule), for editors and grep",
           whole="machine:to_lines"),
    Format("csv", "tables:FindingsCsvWriter", (".csv",), "one row per finding (and per unreadable file), for spreadsheets"),
    Format("matrix", "tables:MatrixCsvWriter", (),
           "submissions x principles: pass / needs review / fail and scores, as CSV"),
    Format("sarif", "sarif:SarifWriter", (".sarif", ".sarif.json"), "SARIF 2.1.0, for code-review tools and editors"),
    Format("junit", "junit:JunitWriter", (".xml", ".junit.xml"), "JUnit XML, for CI test reports"),
    Format("html", "html:HtmlWriter", (".html", ".htm"),
           "a self-contained page to open and share: summary, matrix, findings"),
)}
NAMES = tuple(FORMATS)


def endings_help() -> str:
    """What the --out help says of file endings, from the table: each format's endings, then the
    formats that have none."""
    endings = ", ".join(f"{' '.join(f.extensions)} ({f.name})" for f in FORMATS.values() if f.extensions)
    named = [f.name for f in FORMATS.values() if not f.extensions]
    return (f"Extensions: {endings}; {' and '.join(named)} need FORMAT:PATH or --format." if named
            else f"Extensions: {endings}.")


def _load(ref: str) -> Any:
    module, name = ref.split(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def writer(name: str) -> Any:
    """The streaming writer of a format: writer(name)(handle, context) -> begin, add..., finish."""
    return _load(FORMATS[name].writer)


def whole_report(name: str) -> Callable[[dict[str, Any]], str]:
    """The function that writes a finished report (a dictionary) in this format."""
    fmt = FORMATS[name]
    if fmt.whole:
        return _load(fmt.whole)
    render_whole = _load("stream:render_whole")
    factory = writer(name)
    return lambda report: render_whole(factory, report)


def format_for_path(path: str) -> str | None:
    """The format a report file name asks for (report.sarif.json -> sarif), or None."""
    lower = path.lower()
    best: tuple[int, str] | None = None
    for fmt in FORMATS.values():
        for ending in fmt.extensions:
            if lower.endswith(ending) and (best is None or len(ending) > best[0]):
                best = (len(ending), fmt.name)
    return best[1] if best else None
