"""Finding the submissions of an audit: folders (recursively), glob patterns and file lists, lazily and
in a stable order, skipping what cannot be read and refusing to read a report back in as a draft.

    stats = Discovery()
    paths = discover(["submissions/", "late/*.md"], stats)        # lazy, sorted, deduplicated
"""


from __future__ import annotations

import fnmatch
import functools
import heapq
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ..errors import InputError
from ..files.inputfile import read_bytes
from ..reading.documents import SUPPORTED_SUFFIXES

_MAGIC = ("*", "?", "[")


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
