"""Write reports (and cache files) atomically and safely: the one place that writes the user's files.

- A reader, a crash or Ctrl-C never sees half a file: the content goes to a hidden temporary file
  in the destination's folder (removed on any error), is flushed to disk, and only then takes the
  destination's name. The temporary file is locked while written: one that a `kill -9` left
  behind (old, and locked by nobody) is removed by the next write into that folder.
- Nothing the user owns is replaced by mistake: a destination that is one of the inputs, a folder,
  a named pipe or a device is refused with a one-line error. A symbolic link is written through
  (its target gets the report; the link stays).
- A report that replaces a file keeps that file's permissions; a new one gets the usual ones
  (0666 less the umask), whichever command writes it.
- A file that must never replace one already there (a new register, which SQLite fills through a
  name, not a handle) is made aside the same way (`beside`) and linked into place
  (`Aside.put_new`): if another process made it first, theirs stays.
Every failure to write (read-only file system, disk full, parent is a file, name too long) is an
InputError naming the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..errors import InputError


def destination(path: str | Path, inputs: Iterable[str | Path] = (), folders: Iterable[str | Path] = ()) -> Path:
    """Where a report for `path` is written: the path itself, or the target of a symbolic link.

    inputs: files the run reads (drafts, waiver file, baseline, file list); folders: folders it
    reads (the rules folder). A report never replaces either.

    Raises:
        InputError: the destination is an input, inside an input folder, a folder or not a regular file.
    """
    given = Path(path)
    try:
        target = Path(os.path.realpath(given))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot write the report here: {exc}", str(path)) from None
    for folder in folders:
        if str(target).startswith(os.path.realpath(folder) + os.sep):
            raise InputError("--out would write into the rules folder; choose a place outside it", str(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise InputError(f"cannot write the report here: {exc.strerror or exc}", str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("--out names a folder, not a file", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise InputError("--out names a named pipe, a device or another special file, not a regular file "
                         "(leave --out out to print the report)", str(path))
    for source in inputs:
        try:
            if os.path.samefile(source, target):
                raise InputError("--out would overwrite an input file; choose another name for the report",
                                 str(path))
        except OSError:
            continue
    return target


def _mode_for(path: Path) -> int:
    """The permissions a file gets: those of the file it replaces, else 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _fail(exc: OSError, path: Path) -> InputError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENAMETOOLONG:
        reason = "the file name is too long"
    elif exc.errno == errno.ENOTDIR:
        reason = "a part of the path is a file, not a folder"
    return InputError(f"cannot write the report: {reason}", str(path))


@contextlib.contextmanager
def atomic_output(path: str | Path, inputs: Iterable[str | Path] = (), binary: bool = False,
                  private: bool = False) -> Iterator[IO]:
    """A file that appears at `path`, complete, only when the block ends without an exception.
    private: readable and writable by the user alone (0600), for cache entries.

    Raises:
        InputError: the destination is refused (see destination()) or cannot be written.
    """
    target = destination(path, inputs)
    try:
        fd, named = _aside(target, private)
    except OSError as exc:
        raise _fail(exc, Path(path)) from None
    handle = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
    done = False
    try:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        os.replace(named, target)
        done = True
    except OSError as exc:
        raise _fail(exc, Path(path)) from None
    finally:
        handle.close()  # releases the lock
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(named)


def _aside(target: Path, private: bool) -> tuple[int, str]:
    """A new temporary file in target's folder (made if need be), locked, with the permissions
    target will have: an open descriptor and its name. Raises OSError, leaving nothing behind."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(folder)
    fd, named = _temporary(folder)
    try:
        os.fchmod(fd, 0o600 if private else _mode_for(target))
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(named)
        raise
    return fd, named


class Aside:
    """A temporary file beside its destination, for a writer that needs a name rather than a handle
    (SQLite): see beside()."""

    def __init__(self, fd: int, name: str) -> None:
        self.fd = fd      # held open: the file stays locked while it is written
        self.name = name

    def put_new(self, path: str | Path) -> bool:
        """Flush the file to disk and give it the name `path`, unless something has that name already:
        True if it now does, False if path was there (it is left as it was).

        Raises:
            OSError: for instance a file system without hard links.
        """
        os.fsync(self.fd)
        try:
            os.link(self.name, path)
        except FileExistsError:
            return False
        return True


@contextlib.contextmanager
def beside(path: str | Path, private: bool = False) -> Iterator[Aside]:
    """A temporary file in path's folder: locked while the block runs, with the permissions a new
    file at path gets, and removed when the block ends, whatever happens (Aside.put_new links it
    into place first, never over an existing file).

    Raises:
        OSError: the file cannot be made (callers word the message).
    """
    fd, named = _aside(Path(path), private)
    try:
        yield Aside(fd, named)
    finally:
        os.close(fd)  # releases the lock
        with contextlib.suppress(OSError):
            os.unlink(named)


_PREFIX, _SUFFIX = ".policy-check-", ".tmp"
_ABANDONED_AFTER = 60.0  # seconds; a temporary file this old and unlocked lost its writer


def _temporary(folder: Path) -> tuple[int, str]:
    """A new hidden file in folder, locked while it is written. Its name is short, so that a long
    report name cannot make it too long."""
    for _ in range(100):
        name = str(folder / f"{_PREFIX}{os.urandom(6).hex()}{_SUFFIX}")
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        except FileExistsError:
            continue
        with contextlib.suppress(OSError, ImportError):
            import fcntl
            fcntl.flock(fd, fcntl.LOCK_EX)
        return fd, name
    raise OSError(errno.EEXIST, "no free temporary name")


def _remove_abandoned(folder: Path) -> None:
    """Remove our temporary files that a killed process left (old, and locked by nobody)."""
    try:
        import fcntl
        import time
        entries = [e for e in os.scandir(folder) if e.name.startswith(_PREFIX) and e.name.endswith(_SUFFIX)]
    except (OSError, ImportError):
        return
    now = time.time()
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < _ABANDONED_AFTER:
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(entry.path)
            finally:
                os.close(fd)
        except OSError:
            continue


def write_atomic(path: str | Path, content: str | bytes, inputs: Iterable[str | Path] = (),
                 private: bool = False) -> None:
    """Write a whole file at once (see atomic_output)."""
    binary = isinstance(content, bytes)
    with atomic_output(path, inputs, binary=binary, private=private) as handle:
        handle.write(content)
