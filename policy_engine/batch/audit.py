"""Audit many submissions: find them, check them in worker processes under a watchdog, and stream
the results back in path order.

    stats = Discovery()
    paths = discover(["submissions/", "late/*.md"], stats)        # lazy, sorted, deduplicated
    with AuditPool(checker, jobs=4, timeout=30) as pool:
        for entry in pool.imap(paths):                             # report["documents"] entries
            ...                                                    # in the order of paths

Why processes, and why a watchdog: the durable_rules C core is not thread-safe, and some rule
shapes crash it (segfault) or hang it with the GIL held (see the developer notes on durable_rules).
Each worker is a process that builds (or, with fork, inherits) the Checker once. The parent waits on
the workers' pipes and process sentinels with a deadline per document: a worker that dies or
overruns is killed and replaced, its document becomes an error entry ("...: evaluation crashed"
or "...: evaluation timed out"), the documents it had queued go to other workers, and the batch
goes on.

Memory stays flat in the number of documents: paths are found lazily (each folder listed and
sorted on its own), at most a few documents per worker are in flight, and results leave as soon as
every earlier one has arrived.
"""

from __future__ import annotations

import contextlib
import faulthandler
import fnmatch
import functools
import gc
import heapq
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, TextIO

from ..errors import InputError, shorten
from ..evaluation.checker import Checker
from ..files.inputfile import read_bytes
from ..findings.result import CheckResult
from ..reading.documents import SUPPORTED_SUFFIXES
from ..reports import add_to_summary, document_entry, new_summary

DEFAULT_TIMEOUT = 60.0  # seconds for one document; a typical one takes a few milliseconds
CHUNK = 8               # documents sent to a worker at once, and answered in one message
PREFETCH = 2 * CHUNK    # documents queued per worker: it starts a chunk while the parent reads the last
_MAGIC = ("*", "?", "[")

# Test-only hook, read by each worker when it starts. POLICY_CHECK_TEST_HOOK="crash:NAME,segv:NAME,hang:NAME"
# makes the evaluation of any file whose path contains NAME end the worker at once (os._exit), kill
# it with SIGSEGV (as a crash in the C core would) or sleep forever (as a hang in the C core would).
# It lets the tests prove that one bad document cannot take the batch down; it has no other use.
TEST_HOOK_ENV = "POLICY_CHECK_TEST_HOOK"


# ---- discovery ------------------------------------------------------------------------------------

@dataclass
class Discovery:
    """What discovery skipped, counted as it goes."""

    hidden: int = 0                                          # hidden files and folders inside folders
    unsupported: Counter[str] = field(default_factory=Counter)  # by suffix
    unmatched: list[str] = field(default_factory=list)       # glob patterns that matched nothing
    reports: tuple[str, ...] = ()  # the audit's own report files: never audited, nor counted as skipped

    @property
    def skipped_unsupported(self) -> int:
        return sum(self.unsupported.values())

    def own_files(self, folder: str) -> tuple[set[str], tuple[str, ...]]:
        """Names in folder that are this audit's reports, and the prefixes of their temporary files."""
        if not self.reports:
            return set(), ()
        here = os.path.abspath(folder)
        names = {os.path.basename(r) for r in self.reports if os.path.dirname(os.path.abspath(r)) == here}
        return names, (".policy-check-",) if names else ()  # atomic.py's temporary files


def _is_glob(text: str) -> bool:
    return any(c in text for c in _MAGIC)


def _key(path: str) -> tuple[str, ...]:
    """Sort key: the path's components, so a folder's files stay together (a/b.md < a-b.md)."""
    return tuple(path.replace("\\", "/").split("/"))


def _supported(name: str, stats: Discovery) -> bool:
    suffix = os.path.splitext(name)[1].lower()
    if suffix in SUPPORTED_SUFFIXES:
        return True
    stats.unsupported[suffix or "(none)"] += 1
    return False


class Refused(str):
    """A path that discovery found but will not read (a symbolic link that leads out of the folder
    given, or nowhere): it travels like any path, so that it keeps its place in the report, and its
    worker reports the reason as the file's error instead of reading it."""

    reason: str

    def __new__(cls, path: str, reason: str) -> "Refused":
        item = super().__new__(cls, path)
        item.reason = reason
        return item

    def __reduce__(self) -> tuple[Any, ...]:
        return Refused, (str(self), self.reason)


def _listing(folder: str) -> list[tuple[str, str]]:
    """(name, kind) for each entry, sorted by name; kind is 'dir', 'file', 'link' (a symbolic link
    to a file), 'broken' (a link that leads nowhere or in a loop), 'special' (a named pipe, socket
    or device, or a link to one) or 'other' (a link to a folder). Empty if unreadable."""
    out = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.is_symlink():
                        # Symlinked folders are not followed (no loops); symlinked files are checked.
                        kind = "other" if entry.is_dir() else "link" if entry.is_file() else \
                            "broken" if not os.path.exists(entry.path) else "special"
                    else:
                        kind = "dir" if entry.is_dir(follow_symlinks=False) else \
                            "file" if entry.is_file(follow_symlinks=False) else "special"
                except OSError:  # a link to itself: ELOOP for this entry only
                    kind = "broken"
                out.append((entry.name, kind))
    except OSError:
        return []
    return sorted(out)


_FILE_KINDS = ("file", "link", "broken", "special")


def _found(path: str, kind: str, root: str) -> str:
    """A file discovery found: its path, or, when it must not be read, a Refused path saying why."""
    if kind == "broken":
        return Refused(path, "a symbolic link that leads nowhere (or to itself)")
    if kind == "special":
        return Refused(path, "not a regular file (a named pipe, socket or device): not read")
    if kind == "link" and not os.path.realpath(path).startswith(root + os.sep):
        return Refused(path, "a symbolic link to a file outside the folder given: not read")
    return path


def _walk(folder: str, stats: Discovery, root: str | None = None) -> Iterator[str]:
    """Supported files under folder, depth first, each folder's entries in name order (which is
    the order of _key), skipping hidden entries. A symbolic link to a file is read only when the
    file is inside the folder given (root); one that leads outside it, or nowhere, is reported as
    that file's error, never silently dropped."""
    root = root if root is not None else os.path.realpath(folder)
    own, temporary = stats.own_files(folder)
    for name, kind in _listing(folder):
        path = name if folder == "." else os.path.join(folder, name)
        if name in own or (temporary and name.startswith(temporary)):
            continue
        if name.startswith("."):
            stats.hidden += 1
        elif kind == "dir":
            yield from _walk(path, stats, root)
        elif kind in _FILE_KINDS and _supported(name, stats):
            yield _found(path, kind, root)


@functools.lru_cache(maxsize=65536)  # '**' tries every split: remembered, a pattern of many stays linear
def _glob_match(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Whether path components match glob components; '**' matches any number of folders. As in
    the shell, a wildcard does not match a name starting with '.'."""
    if not pattern:
        return not parts
    head = pattern[0]
    if head == "**":
        return any(_glob_match(pattern[1:], parts[i:]) for i in range(len(parts) + 1)
                   if not any(p.startswith(".") for p in parts[:i]))
    if not parts or (parts[0].startswith(".") and not head.startswith(".")):
        return False
    return fnmatch.fnmatchcase(parts[0], head) and _glob_match(pattern[1:], parts[1:])


def _could_match(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Whether a file below the folder whose components (below the base) are parts could match."""
    for index, part in enumerate(parts):
        if index >= len(pattern):
            return False
        if pattern[index] == "**":
            return True
        if not fnmatch.fnmatchcase(part, pattern[index]):
            return False
    return len(parts) < len(pattern)


def _glob(pattern: str, stats: Discovery) -> Iterator[str]:
    """Files matching a glob pattern ('subs/**/*.md'), in sorted order, found lazily."""
    parts = _key(os.path.normpath(pattern))
    parts = tuple(p for i, p in enumerate(parts) if not (p == "**" and i and parts[i - 1] == "**"))  # '**/**' is '**'

    literal = 0
    while literal < len(parts) - 1 and not _is_glob(parts[literal]):
        literal += 1
    base = "/".join(parts[:literal]) if literal else "."
    if base == "":  # the pattern starts at the root folder
        base = "/"
    rest = parts[literal:]

    root = os.path.realpath(base)

    def walk(folder: str, below: tuple[str, ...]) -> Iterator[str]:
        own, temporary = stats.own_files(folder)
        for name, kind in _listing(folder):
            path = name if folder == "." else os.path.join(folder, name)
            if name in own or (temporary and name.startswith(temporary)):
                continue
            if kind == "dir":
                if _could_match(rest, below + (name,)):
                    yield from walk(path, below + (name,))
            elif kind in _FILE_KINDS and _glob_match(rest, below + (name,)) and _supported(name, stats):
                yield _found(path, kind, root)

    found = False
    for path in walk(base, ()):
        found = True
        yield path
    if not found:
        stats.unmatched.append(pattern)


def discover(inputs: Iterable[str], stats: Discovery) -> Iterator[str]:
    """Every submission named by the inputs, sorted by path components, each once.

    A folder is searched recursively; hidden files and folders inside it are skipped, and so are
    files of unsupported types, each counted in stats. A glob pattern ('subs/**/*.yaml', quoted so
    the shell leaves it alone) is expanded the same way. A file named explicitly is audited even if
    hidden; if its type is unsupported it is skipped and counted; if it does not exist it is
    passed on, so that its error appears in the report. The audit's own reports (stats.reports) are
    never audited: a report.json written into the submissions folder is not a submission.
    """
    own = {os.path.abspath(r) for r in stats.reports}
    files: list[str] = []
    streams: list[Iterator[str]] = []
    for raw in inputs:
        text = os.path.normpath(raw) if raw not in ("", ".") else "."
        if os.path.isdir(text):
            streams.append(_walk(text, stats))
        elif not os.path.exists(text) and _is_glob(text):
            streams.append(_glob(raw, stats))
        elif os.path.abspath(text) in own:
            continue
        elif os.path.exists(text) and not _supported(os.path.basename(text), stats):
            continue
        else:
            files.append(text)
    streams.append(iter(sorted(set(files), key=_key)))
    previous: tuple[str, ...] | None = None
    for path in heapq.merge(*streams, key=_key):
        key = _key(path)
        if key != previous:
            previous = key
            yield path


MAX_FILE_LIST_BYTES = 64 * 1024 * 1024


def read_file_list(source: str) -> list[str]:
    """Inputs listed in a file (one per line; '-' reads standard input). Blank lines and lines
    starting with '#' are ignored.

    Raises:
        InputError: the list cannot be read, or is not UTF-8 text.
    """
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_FILE_LIST_BYTES + 1)
        else:
            raw = read_bytes(source, MAX_FILE_LIST_BYTES, "file list")
        if len(raw) > MAX_FILE_LIST_BYTES:
            raise InputError(f"the file list is larger than {MAX_FILE_LIST_BYTES // 1048576} MB", source)
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the file list is not UTF-8 text (byte {exc.start + 1})", source) from None
    names = []
    for line in text.split("\n"):
        line = line[:-1] if line.endswith("\r") else line
        if line.strip() and not line.lstrip().startswith("#"):
            names.append(line)  # kept exactly as written: a file name may begin or end with a space
    return names


def guard_outputs(inputs: Iterable[str], reports: Iterable[str]) -> None:
    """Refuse a report path that would replace a submission of this audit (a draft inside an input
    folder, matched by an input pattern, or named as an input), unless it is an earlier report.

    Raises:
        InputError: naming the report path.
    """
    for report in reports:
        target = os.path.realpath(report)
        if not os.path.isfile(target) or _earlier_report(target):
            continue
        suffix = os.path.splitext(target)[1].lower()
        for raw in inputs:
            text = os.path.normpath(raw) if raw not in ("", ".") else "."
            named = os.path.exists(text) and not os.path.isdir(text) and os.path.realpath(text) == target
            inside = os.path.isdir(text) and suffix in SUPPORTED_SUFFIXES and \
                target.startswith(os.path.realpath(text) + os.sep)
            matched = _is_glob(raw) and suffix in SUPPORTED_SUFFIXES and \
                fnmatch.fnmatch(os.path.abspath(report), os.path.abspath(raw))
            if named or inside or matched:
                raise InputError("--out would overwrite a submission of this audit; write the report elsewhere",
                                 report)


def _earlier_report(path: str) -> bool:
    """Whether a file is a report policy-check wrote (JSON, text or CSV), which an audit may replace."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".json", ".txt", ".csv"):
        return suffix not in SUPPORTED_SUFFIXES  # .html, .sarif, .xml: not a draft either way
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - 4096))
            tail = handle.read(4096)
    except OSError:
        return False
    if suffix == ".json":
        return b'"tool"' in head and b'"policy-check"' in head
    if suffix == ".csv":
        return head.lstrip(b"\xef\xbb\xbf").startswith(b"path,submission_id")
    return b"\nSummary: " in b"\n" + tail


# ---- workers ----------------------------------------------------------------------------------------

_INHERITED: Checker | None = None  # set in the parent before fork, so that workers need not rebuild it


def _test_hook() -> dict[str, list[str]]:
    hooks: dict[str, list[str]] = {"crash": [], "segv": [], "hang": []}
    for item in os.environ.get(TEST_HOOK_ENV, "").split(","):
        kind, _, name = item.partition(":")
        if name and kind in hooks:
            hooks[kind].append(name)
    return hooks


def _run_test_hook(hooks: dict[str, list[str]], path: str) -> None:
    if any(name in path for name in hooks["crash"]):
        os._exit(70)
    if any(name in path for name in hooks["segv"]):
        faulthandler.disable()  # a test runner's fault handler would print a traceback for this one
        os.kill(os.getpid(), signal.SIGSEGV)
    if any(name in path for name in hooks["hang"]):
        time.sleep(10 ** 6)


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the audit that started it dies, even by `kill -9` (a
    worker stuck in a document would otherwise run on, orphaned). Elsewhere: a no-op."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, ImportError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _worker(conn: multiprocessing.connection.Connection, rules_dir: str | None, waivers: Any,
            progress: Any, slot: int) -> None:
    """A worker's life: build the Checker (unless inherited), then check each chunk of paths it is
    sent and answer with the whole chunk's entries.

    progress[2 * slot] holds the sequence number of the document being checked (-1 between
    chunks) and progress[2 * slot + 1] when it began: the parent's watchdog reads them, so one
    message per chunk is enough and a crash or hang is still blamed on the right document.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: a worker just ends
    _die_with_parent()
    checker = _INHERITED
    if checker is None:  # started with spawn: nothing inherited
        checker = Checker.from_directory(rules_dir)
        checker.prepare_batch()
    hooks = _test_hook() if os.environ.get(TEST_HOOK_ENV) else None
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        answers = []
        for seq, path in chunk:
            progress[2 * slot + 1] = time.monotonic()
            progress[2 * slot] = seq
            if hooks is not None:
                _run_test_hook(hooks, path)
            try:
                if isinstance(path, Refused):
                    entry = document_entry(CheckResult(str(path), error=f"{path}: {path.reason}"))
                else:
                    entry = document_entry(checker.check_path(path, waivers))
            except Exception as exc:  # a bug for this one document; report it as its error, go on
                entry = document_entry(CheckResult(path, error=f"{path}: internal error while checking "
                                                               f"({type(exc).__name__}: {shorten(str(exc))})"))
            answers.append((seq, entry))
        progress[2 * slot] = -1
        conn.send(answers)


@dataclass
class _Worker:
    process: Any
    conn: multiprocessing.connection.Connection
    slot: int  # its place in the shared progress array
    queue: deque[tuple[int, str]] = field(default_factory=deque)  # sent, not yet answered, in order


class AuditPool:
    """Worker processes that check documents, with a per-document watchdog.

    Args:
        checker: the Checker to use; with the fork start method the workers inherit it.
        rules_dir: where workers started with spawn load the rules from.
        jobs: number of worker processes.
        timeout: seconds one document may take before its worker is killed.
        waivers: how waivers apply (a WaiverPolicy, as for `check`); None for the default.
    """

    def __init__(self, checker: Checker, rules_dir: str | None = None, jobs: int = 1,
                 timeout: float = DEFAULT_TIMEOUT, waivers: Any = None) -> None:
        self.checker = checker
        self.waivers = waivers
        self.rules_dir = rules_dir
        self.jobs = max(1, jobs)
        self.timeout = timeout
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.workers: list[_Worker] = []
        self.replaced = 0
        # Per worker: the document it is checking (-1: none) and since when. Lock-free: each
        # value has one writer, and the watchdog only needs a recent answer.
        self.progress = self.context.RawArray("d", 2 * self.jobs)

    def __enter__(self) -> "AuditPool":
        global _INHERITED
        if self.context.get_start_method() == "fork":
            self.checker.prepare_batch()
            _INHERITED = self.checker  # every worker forked from now on, replacements too, inherits it
            # Move everything built so far out of the collector's sight: the workers' collections
            # then skip the rule set, and its pages stay shared with the parent.
            gc.freeze()
        self.workers = [self._start(slot) for slot in range(self.jobs)]
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close(graceful=exc[0] is None)

    def _start(self, slot: int) -> _Worker:
        parent, child = self.context.Pipe()
        self.progress[2 * slot] = -1
        process = self.context.Process(target=_worker, args=(child, self.rules_dir, self.waivers, self.progress, slot),
                                       daemon=True, name="policy-check-worker")
        process.start()
        child.close()
        return _Worker(process, parent, slot)

    def _current(self, worker: _Worker) -> tuple[int, float] | None:
        """(sequence number, start time) of the document the worker is checking, if any."""
        seq = int(self.progress[2 * worker.slot])
        return None if seq < 0 else (seq, self.progress[2 * worker.slot + 1])

    def _stop(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

    def close(self, graceful: bool = True) -> None:
        for worker in self.workers:
            if graceful and worker.process.is_alive():
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        deadline = time.monotonic() + (2 if graceful else 0)
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            self._stop(worker)
        self.workers = []
        global _INHERITED
        if _INHERITED is not None:
            gc.unfreeze()  # the parent goes on (a test run, a library caller): collect as usual again
        _INHERITED = None

    def imap(self, paths: Iterable[str]) -> Iterator[dict[str, Any]]:
        """The report entry of each path, in the order of paths, checked in parallel."""
        source = iter(paths)
        exhausted = False
        todo: deque[tuple[int, str]] = deque()  # not yet sent: put back after a crash, or new
        done: dict[int, dict[str, Any]] = {}
        next_seq = next_out = 0
        window = self.jobs * PREFETCH * 4      # documents between the oldest unreported and the newest read
        while True:
            while not exhausted and len(todo) < self.jobs * PREFETCH and next_seq - next_out < window:
                try:
                    todo.append((next_seq, next(source)))
                    next_seq += 1
                except StopIteration:
                    exhausted = True
            for index, worker in enumerate(self.workers):
                if not worker.queue and not worker.process.is_alive():  # died idle: nothing to blame it on
                    self._stop(worker)
                    worker = self.workers[index] = self._start(worker.slot)
                    self.replaced += 1
                room = PREFETCH - len(worker.queue)
                # Whole chunks only, so that answers come a chunk at a time; the tail goes as it is.
                if todo and (room >= CHUNK or (exhausted and room > 0)):
                    chunk = [todo.popleft() for _ in range(min(room, CHUNK, len(todo)))]
                    worker.queue.extend(chunk)
                    try:
                        worker.conn.send(chunk)
                    except OSError:
                        pass  # it died; the sentinel says so below
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            busy = [w for w in self.workers if w.queue]
            if not busy:
                if exhausted and not todo:
                    return
                continue
            now = time.monotonic()
            running = [current[1] for current in map(self._current, busy) if current is not None]
            deadline = min(running, default=now) + self.timeout
            waitables = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            ready = set(multiprocessing.connection.wait(waitables, max(0.0, deadline - now)))
            now = time.monotonic()
            for index, worker in enumerate(list(self.workers)):
                if not worker.queue:
                    continue
                died = False
                if worker.conn in ready or worker.process.sentinel in ready:
                    try:
                        while worker.queue and worker.conn.poll():
                            for seq, entry in worker.conn.recv():
                                head = worker.queue.popleft()
                                assert head[0] == seq, (head, seq)
                                done[seq] = entry
                    except (EOFError, OSError):
                        died = True
                    died = died or (worker.process.sentinel in ready and not worker.process.is_alive())
                current = self._current(worker)
                timed_out = not died and current is not None and now - current[1] >= self.timeout
                if not (died or timed_out):
                    continue
                self._stop(worker)
                # Blame the document it was on; the rest of its queue (including any it had checked
                # but not yet answered) goes to the others first.
                blamed = next((item for item in worker.queue if current is not None and item[0] == current[0]),
                              worker.queue[0])
                worker.queue.remove(blamed)
                seq, path = blamed
                if timed_out:
                    message = f"{path}: evaluation timed out after {self.timeout:g} s (the worker was stopped)"
                else:
                    message = f"{path}: evaluation crashed ({_exit_reason(worker.process.exitcode)})"
                done[seq] = document_entry(CheckResult(path, error=message))
                todo.extendleft(reversed(worker.queue))
                # Each failure uses up the document that caused it, so even workers that always fail
                # cannot loop: the batch still ends, with every document accounted for.
                self.workers[index] = self._start(worker.slot)
                self.replaced += 1


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


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"the worker process was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"the worker process was killed by signal {-code}"
    return f"the worker process exited with status {code}"


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


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
    from ..reports.stream import STREAMS, BatchInfo

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
            writers.append(STREAMS[name].create(handle, context))
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
