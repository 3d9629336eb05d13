"""Read a file the user gave (a draft, a rule file, a baseline, a waiver file, a file list), bounded.

Only regular files are read: a named pipe would block for ever and /dev/zero (or a symbolic link
to it) would never end, and their size, as stat() reports it, says nothing. The file is opened
without blocking, checked to be regular on the open descriptor (so it cannot be swapped in
between), and read to at most `limit` bytes, whatever its size claims. Every failure is a one-line
InputError naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError

MAX_BYTES = 5 * 1024 * 1024  # a programme description or rule file is a few KB; refuse what cannot be one


def read_bytes(path: str | Path, limit: int = MAX_BYTES, what: str = "file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Raises:
        InputError: not a regular file, unreadable, or larger than the limit.
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", name) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"cannot read {what}: it is a folder", name)
        if not stat.S_ISREG(mode):
            raise InputError(f"cannot read {what}: not a regular file (a named pipe, socket or device)", name)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise InputError(f"{what} too large (> {limit / 1048576:g} MB limit)", name)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", name) from None
    finally:
        os.close(fd)


def decode_text(raw: bytes, name: str, what: str = "file") -> str:
    """UTF-8 text (with or without a byte-order mark), or UTF-16 with its byte-order mark (what
    Windows Notepad calls "Unicode"); line ends made '\\n'.

    Raises:
        InputError: binary, or in another encoding (with the line of the first bad byte).
    """
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{what} is damaged UTF-16 text; save it as UTF-8", name) from None
    else:
        if b"\x00" in raw[:8192]:
            raise InputError(f"{what} is binary, not text", name)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise InputError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                             "save the file as UTF-8", name, line) from None
    if "\x00" in text:
        raise InputError(f"{what} is binary, not text", name)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: str | Path, limit: int = MAX_BYTES, what: str = "file") -> str:
    """read_bytes, then decode_text."""
    return decode_text(read_bytes(path, limit, what), str(path), what)
