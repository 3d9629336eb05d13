"""One audit, start to finish: discover the submissions (discovery.py), check them in the worker pool
(pool.py), and stream every report format as results arrive, with a previous report's baseline applied
one document at a time.
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, TextIO

from ..evaluation.checker import Checker
from ..reports import add_to_summary, new_summary
from .discovery import Discovery, discover, guard_outputs
from .pool import DEFAULT_TIMEOUT, AuditPool


class StreamingBaseline:
    """baseline.filter_new applied one document at a time, so that an audit can stream.

    Each document is matched to the previous report's as filter_new does (by id, else by path) and
    filtered by filter_new itself; the totals and the 'baseline' section are gathered as it goes.
    """

    def __init__(self, previous: dict[str, Any], aliases: dict[str, str], name: str) -> None:
        self.previous = previous
        self.aliases = aliases
        self.name = name
        self.by_id = {str(d["id"]): d for d in previous["documents"] if d.get("id")}
        self.by_path = {str(d.get("path")): d for d in previous["documents"]}
        self.matched: set[int] = set()
        self.known = self.new = 0
        self.resolved: list[dict[str, Any]] = []

    def apply(self, entry: dict[str, Any]) -> dict[str, Any]:
        from ..findings.baseline import filter_new, previous_of
        from ..reports import new_summary

        before = previous_of(entry, self.by_id, self.by_path)
        if before is not None:
            self.matched.add(id(before))
        one = filter_new({"documents": [entry], "summary": new_summary()},
                         {"documents": [before] if before is not None else []}, self.aliases, self.name)
        section = one["baseline"]
        self.known += section["known"]
        self.new += section["new"]
        self.resolved.extend(section["resolved"])
        return one["documents"][0]  # type: ignore[no-any-return]

    def section(self) -> dict[str, Any]:
        gone = [d.get("id") or d.get("path") for d in self.previous["documents"] if id(d) not in self.matched]
        return {"file": self.name, "known": self.known, "new": self.new, "resolved": self.resolved,
                "documents_not_checked_again": gone}


# ---- one audit, start to finish ---------------------------------------------------------------------

class NothingToAudit(Exception):
    """No submission was found: no report is written (an older one stays as it was)."""

    def __init__(self, discovery: Discovery) -> None:
        super().__init__("no submissions found to audit" + skipped_note(discovery))
        self.discovery = discovery


@dataclass
class AuditOutcome:
    summary: dict[str, int]
    failing: bool                 # some document has a finding at or above the threshold
    errors: list[str]             # the first max_errors error messages
    discovery: Discovery
    seconds: float


def run_audit(sources: list[str], checker: Checker, outputs: list[tuple[str, str | None]], context: Any, *,
              jobs: int, timeout: float = DEFAULT_TIMEOUT, rules_dir: str | None = None, waivers: Any = None,
              baseline: StreamingBaseline | None = None, fails: Callable[[dict[str, Any]], bool] = lambda d: False,
              on_document: Callable[[], None] | None = None, stdout: TextIO | None = None,
              max_errors: int = 10,
              select: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> AuditOutcome:
    """Audit every submission the sources name and write every report, streaming.

    Args:
        sources: folders, glob patterns and files (see discover).
        outputs: (format name, path) pairs; a None path writes to stdout.
        context: the report context (report.stream.context_for).
        fails: whether a report document fails the run (the --fail-on threshold).
        on_document: called after each document (a progress bar).
        select: drops the findings --select/--ignore leave out of a document entry.

    Reports are written atomically: they appear only if the audit ends normally with at least one
    document; an exception (Ctrl-C included) or NothingToAudit leaves older reports untouched.
    """
    from ..files.atomic import atomic_output
    from ..reports import formats
    from ..reports.stream import BatchInfo

    sources = list(sources)
    guard_outputs(sources, [path for _, path in outputs if path])
    stats = Discovery(reports=tuple(path for _, path in outputs if path))
    summary = new_summary()
    failing = False
    errors: list[str] = []
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        writers = []
        for name, path in outputs:
            handle = stack.enter_context(atomic_output(path)) if path else (stdout or sys.stdout)
            writers.append(formats.writer(name)(handle, context))
        begun = False  # reports begin with the first document: an empty audit prints nothing at all
        pool = stack.enter_context(AuditPool(checker, rules_dir, jobs, timeout, waivers))
        for entry in pool.imap(discover(sources, stats)):
            if not begun:
                for writer in writers:
                    writer.begin()
                begun = True
            if select is not None:
                entry = select(entry)
            if baseline is not None:
                entry = baseline.apply(entry)
            add_to_summary(summary, entry)
            failing = failing or fails(entry)
            if entry["error"] is not None and len(errors) < max_errors:
                errors.append(entry["error"])
            for writer in writers:
                writer.add(entry)
            if on_document is not None:
                on_document()
        if summary["documents"] == 0:
            raise NothingToAudit(stats)
        batch = BatchInfo(stats.hidden, stats.skipped_unsupported, dict(stats.unsupported), list(stats.unmatched),
                          baseline.section() if baseline is not None else None)
        for writer in writers:
            writer.finish(summary, batch)
    return AuditOutcome(summary, failing, errors, stats, time.monotonic() - started)


def skipped_note(stats: Discovery) -> str:
    """'; skipped 2 hidden and 3 unsupported (.pdf 3) file(s)', or '' when nothing was skipped."""
    parts = []
    if stats.hidden:
        parts.append(f"{stats.hidden} hidden")
    if stats.skipped_unsupported:
        kinds = ", ".join(f"{suffix} {n}" for suffix, n in sorted(stats.unsupported.items()))
        parts.append(f"{stats.skipped_unsupported} unsupported ({kinds})")
    return f"; skipped {' and '.join(parts)} file(s)" if parts else ""
