"""A small on-disk cache of parsed rule-folder files, keyed by the file's content hash.

Loading the rule folder means parsing some hundred KB of YAML on every run; the parse result
(data, lines, duplicate keys) is cached as JSON (never pickle: a cache file can hold no code).
A changed file has a new hash, so the cache never needs invalidating. Set POLICY_CHECK_CACHE_DIR
to choose the folder, or to an empty string to switch the cache off.

A cache entry decides what the rules are, so nobody else may be able to plant one: the folder is
used only if it belongs to the user and nobody else can write to it (it is created so, 0700), each
entry is read only if it is a regular file of the user's that nobody else can write (entries are
written 0600), and the pruner removes only files named exactly as this code names its entries.
Anything else switches the cache off, silently: the run is only slower. Each entry starts with a
checksum of its text, so a damaged entry (a disk error, a file cut short outside this code) is never
read: what a reader gets is exactly what this code wrote, and it need not check the shape again.
Entries are JSON written as ASCII (json.dumps' default): a text with even a few other characters is
decoded, and then parsed, on Python's slow path for all of it (~1.5 ms of every check on a
language's terms, bench/check_latency).
"""

from __future__ import annotations

import atexit
import json
import os
import re
import stat
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError
from .inputfile import read_bytes
from .yamlsrc import Located, load_yaml

_FORMAT = 4


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off or the folder is not the user's alone."""
    configured = os.environ.get("POLICY_CHECK_CACHE_DIR")
    if configured is not None:
        return _private_folder(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return _private_folder(os.path.join(base, "policy-check"))


def _owned_privately(info: os.stat_result) -> bool:
    """Owned by this user (where there are users) and writable by nobody else."""
    uid = getattr(os, "getuid", None)
    return (uid is None or info.st_uid == uid()) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


@lru_cache(maxsize=8)
def _private_folder(path: str) -> Path | None:
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.stat(path)
    except OSError:
        return None
    return Path(path) if stat.S_ISDIR(info.st_mode) and _owned_privately(info) else None


MAX_ENTRY_BYTES = 64 * 1024 * 1024
_HEADER = 9  # the checksum line: CRC-32 of the rest, eight hex digits and a line break


def read_entry(path: Path) -> str | None:
    """The text of a cache entry, or None: missing, damaged (its checksum differs), or not the user's alone."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _owned_privately(info) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(MAX_ENTRY_BYTES + _HEADER)
        body = raw[_HEADER:]
        if raw[:_HEADER] != b"%08x\n" % zlib.crc32(body):
            return None
        return body.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


# How many entries of each kind stay (the newest); a rule folder has some 15 files, and each edit
# of a rule adds entries that the next edit makes useless.
KEEP = {"yaml": 256, "valid": 64, "lexicon": 16, "forms": 16, "terms": 16, "digests": 1}


def write_entry(path: Path, text: str, kind: str, version: int) -> None:
    """Write one cache file atomically, then keep the folder small: drop the files of other format
    versions of this kind and all but the newest KEEP[kind] of this one. Called only when an entry
    is written (a cache miss), so the listing is never paid on a warm run. Raises OSError."""
    from .atomic import write_atomic

    body = text.encode("utf-8")
    try:
        write_atomic(path, b"%08x\n" % zlib.crc32(body) + body, private=True)
    except InputError as exc:  # callers treat an unwritable cache as no cache
        raise OSError(exc.message) from None
    current, ours = [], f"{kind}-{version}-"
    for entry in os.scandir(path.parent):
        if _ENTRY_NAME.fullmatch(entry.name) and entry.name.startswith(kind + "-") \
                and entry.is_file(follow_symlinks=False):
            if entry.name.startswith(ours):
                current.append((entry.stat().st_mtime_ns, entry.name))
            else:
                _remove(entry.path)  # an older (or newer) format: this version never reads it
    current.sort(reverse=True)
    for _, name in current[KEEP[kind]:]:
        if name != path.name:
            _remove(os.path.join(path.parent, name))


# Exactly the names this code gives its entries: kind, format version, then the key (a language,
# a hex digest, a word-forms mode and simplemma version); nothing else in the folder is touched.
_ENTRY_NAME = re.compile(r"(yaml|valid|lexicon|forms|terms|digests)-\d+-[a-z0-9.-]{1,80}(\.json)?")


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # another process removed it, or it is not ours to remove


def _plain(value: Any) -> bool:
    """True when JSON can hold the value as it is (every mapping key a string)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return True


def _encode(value: Any) -> Any:
    # JSON object keys must be strings; YAML keys need not be (principle numbers), so mappings
    # are stored as lists of pairs.
    if isinstance(value, dict):
        return {"m": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {_decode(k): _decode(v) for k, v in value["m"]}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


class _Positions(Mapping[str, int]):
    """The lines (or columns) of a cached file's paths, decoded from the entry's second line only when
    asked for a path that `known` does not hold: a check with a validated rule folder asks only where
    each rule starts, and decoding every path's line and column cost it ~4 ms (bench/check_latency)."""

    def __init__(self, known: dict[str, int], decode: Callable[[], dict[str, int]]) -> None:
        self._known = known
        self._decode = decode
        self._all: dict[str, int] | None = None

    def _every(self) -> dict[str, int]:
        if self._all is None:
            self._all = self._decode()
        return self._all

    def __getitem__(self, path: str) -> int:
        found = self._known.get(path)
        return found if found is not None else self._every()[path]

    def __contains__(self, path: object) -> bool:
        return path in self._known or path in self._every()

    def __iter__(self) -> Iterator[str]:
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._every())


# A path kept on the entry's first line: a top-level key, or an item of a top-level list ("rules[3]")
_SHALLOW = re.compile(r"[^.\[]+(?:\[\d+\])?")


def load_yaml_file(raw: bytes, name: str) -> Located:
    """Parse a rule-folder YAML file (raw bytes), through the cache when one is available.

    An entry is two lines of JSON: the data with the lines of its shallow paths, then the line and
    column of every path (read only when something asks for a deeper place, such as a problem)."""
    folder = cache_dir()
    entry = None
    if folder is not None:
        digest = remembered_key(f"yaml\0{_FORMAT}\0{name}", [name], lambda: sha256_hex(raw + name.encode()), read=True)
        entry = folder / f"yaml-{_FORMAT}-{digest[:32]}.json"
        try:
            head, _, rest = (read_entry(entry) or "null").partition("\n")
            cached = json.loads(head)
            data = cached["data"] if cached.get("plain") else _decode(cached["data"])
            positions: list[dict[str, int]] = []

            def decode(which: int) -> dict[str, int]:
                if not positions:
                    positions.extend(json.loads(rest))
                return positions[which]

            return Located(data, lines=_Positions(cached["shallow"], lambda: decode(0)),
                           columns=_Positions({}, lambda: decode(1)),
                           duplicates=[tuple(d) for d in cached["duplicates"]])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            pass
    located = load_yaml(raw.decode("utf-8"), name)
    if entry is not None:
        try:
            plain = _plain(located.data)  # most files: stored as is, decoded by json alone (fast)
            shallow = {path: line for path, line in located.lines.items() if _SHALLOW.fullmatch(path)}
            write_entry(entry, json.dumps({"plain": plain,
                                           "data": located.data if plain else _encode(located.data),
                                           "shallow": shallow, "duplicates": located.duplicates})
                        + "\n" + json.dumps([located.lines, located.columns]), "yaml", _FORMAT)
        except OSError:
            pass  # a read-only home is fine: we just parse every time
    return located


def is_validated(digest: str) -> bool:
    """Whether a rule folder with this digest was loaded before with no problem at all."""
    folder = cache_dir()
    return folder is not None and read_entry(folder / f"valid-{_FORMAT}-{digest}") == digest


def mark_validated(digest: str) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        write_entry(folder / f"valid-{_FORMAT}-{digest}", digest, "valid", _FORMAT)
    except OSError:
        pass


# ---- digests kept between runs ------------------------------------------------------------------
#
# Cache entries are named by SHA-256 digests of the rule files and of this package's code. Reading
# and hashing them, and loading hashlib (OpenSSL) to do it, cost every check ~5 ms (bench/check_latency).
# One entry keeps each file's digest under its size, modification time and inode, as git's index
# does, and each key made from files under the text it was made from. A file changed less than two
# seconds before it was hashed is hashed again on the next run: another change in the same clock tick
# would leave its time as it was.

_DIGESTS = 1
_RACY_NS = 2_000_000_000
_MAX_REMEMBERED = 4000  # files and keys; the oldest go first (each edit of a rule file adds a few)


def sha256_hex(data: bytes) -> str:
    """SHA-256 of some bytes, in hex (hashlib is loaded only when a digest is not remembered)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


class _Remembered:
    """The digests kept in the cache folder: read once per folder and process, written back at exit
    when one was added."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.files: dict[str, list[Any]] = {}   # absolute path -> [size, mtime_ns, inode, digest]
        self.keys: dict[str, str] = {}          # the text a key was made from -> the key
        self.added = False
        self.saving = False

    def current(self) -> Path | None:
        folder = cache_dir()
        if folder != self.folder:
            self.save()
            self.folder, self.files, self.keys, self.added = folder, {}, {}, False
            if folder is not None:
                try:
                    data = json.loads(read_entry(folder / f"digests-{_DIGESTS}.json") or "null")
                    files, keys = dict(data["files"]), dict(data["keys"])
                    if all(isinstance(v, list) and len(v) == 4 for v in files.values()):
                        self.files, self.keys = files, keys
                except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
                    pass  # none yet, or damaged: hashed again
        return folder

    def file(self, path: str) -> tuple[str, bool]:
        """SHA-256 of a file's bytes, and whether it was remembered. Raises InputError when it
        cannot be read."""
        where = os.path.abspath(path)
        try:
            info: os.stat_result | None = os.stat(where)
        except OSError:
            info = None
        folder = self.current()
        if info is not None and folder is not None:
            known = self.files.get(where)
            if known is not None and known[:3] == [info.st_size, info.st_mtime_ns, info.st_ino]:
                return str(known[3]), True
        digest = sha256_hex(read_bytes(path))
        if info is not None and folder is not None and time.time_ns() - info.st_mtime_ns > _RACY_NS:
            self.files.pop(where, None)
            self.files[where] = [info.st_size, info.st_mtime_ns, info.st_ino, digest]
            self._add()
        return digest, False

    def key(self, text: str, make: Callable[[], str]) -> str:
        folder = self.current()
        known = self.keys.get(text) if folder is not None else None
        if known is not None:
            return known
        value = make()
        if folder is not None:
            self.keys[text] = value
            self._add()
        return value

    def _add(self) -> None:
        if not self.added:
            self.added = True
            if not self.saving:
                self.saving = True
                atexit.register(self.save)

    def save(self) -> None:
        if not self.added or self.folder is None:
            return
        self.added = False
        files = dict(list(self.files.items())[-_MAX_REMEMBERED:])
        keys = dict(list(self.keys.items())[-_MAX_REMEMBERED:])
        try:
            write_entry(self.folder / f"digests-{_DIGESTS}.json", json.dumps({"files": files, "keys": keys}),
                        "digests", _DIGESTS)
        except OSError:
            pass  # a read-only cache: hashed again next time


_remembered = _Remembered()


def remembered_key(label: str, files: list[str], make: Callable[[], str], read: bool = False) -> str:
    """A key made from some files (make() computes it, reading them), remembered under the label and
    the files' digests: a run whose files are unchanged neither reads nor hashes them. read: the caller
    has already read the file it keys, so a digest that is not remembered (the file may have changed
    since) is not trusted for it."""
    try:
        found = [_remembered.file(name) for name in files]
    except (OSError, InputError):  # (not a file, unreadable: keyed by what the caller has)
        return make()
    if read and not all(known for _, known in found):
        return make()
    return _remembered.key(label + "\0" + "\0".join(digest for digest, _ in found), make)


def source_key(head: str, files: list[str]) -> str:
    """The SHA-256 of a head text and some files' bytes (the code a cache entry depends on), remembered
    while the files are unchanged."""
    return remembered_key(head, files, lambda: sha256_hex(head.encode() + b"".join(read_bytes(f) for f in files)))
