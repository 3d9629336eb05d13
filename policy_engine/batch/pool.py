"""Check documents in worker processes under a watchdog, and give the results back in path order.

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

Memory stays flat in the number of documents: paths are found lazily (discovery.py), at most a few
documents per worker are in flight, and results leave as soon as every earlier one has arrived.
"""


from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ..errors import shorten
from ..evaluation.checker import Checker
from ..findings.result import CheckResult
from ..reports import document_entry
from .discovery import Refused

DEFAULT_TIMEOUT = 60.0  # seconds for one document; a typical one takes a few milliseconds
CHUNK = 8               # documents sent to a worker at once, and answered in one message
PREFETCH = 2 * CHUNK    # documents queued per worker: it starts a chunk while the parent reads the last

# Test-only hook, read by each worker when it starts. POLICY_CHECK_TEST_HOOK="crash:NAME,segv:NAME,hang:NAME"
# makes the evaluation of any file whose path contains NAME end the worker at once (os._exit), kill
# it with SIGSEGV (as a crash in the C core would) or sleep forever (as a hang in the C core would).
# It lets the tests prove that one bad document cannot take the batch down; it has no other use.
TEST_HOOK_ENV = "POLICY_CHECK_TEST_HOOK"


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
        self.context = multiprocessing.get_context("fork") if "fork" in methods else multiprocessing.get_context("spawn")
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
