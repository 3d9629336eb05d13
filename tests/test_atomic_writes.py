"""The one writer of the user's files (files/atomic.py), for reports and for a new register alike:
permissions of a normal new file (the umask honoured), nothing partial left on failure, and a file
that must not be replaced never is."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from policy_engine.errors import InputError
from policy_engine.files.atomic import atomic_output, beside, write_atomic
from policy_engine.register import db


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".policy-"))


def test_a_new_report_and_a_new_register_get_the_same_permissions(tmp_path: Path, umask_027) -> None:
    write_atomic(tmp_path / "report.json", "{}\n")
    opened = db.open_register(str(tmp_path / "register.sqlite"), create=True)
    opened.close()
    assert mode(tmp_path / "report.json") == 0o640
    assert mode(tmp_path / "register.sqlite") == 0o640  # not 0600, as a mkstemp file would have it
    assert leftovers(tmp_path) == []


def test_a_register_that_fails_halfway_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> sqlite3.Connection:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sqlite3, "connect", broken)
    with pytest.raises(InputError, match="cannot create the register: disk I/O error"):
        db._create_sqlite_file(str(tmp_path / "register.sqlite"))
    assert list(tmp_path.iterdir()) == []


def test_a_report_that_fails_halfway_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text("the older report\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_output(tmp_path / "report.txt") as handle:
            handle.write("half of a new ")
            raise RuntimeError("interrupted")
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == "the older report\n"
    assert leftovers(tmp_path) == []


def test_put_new_never_replaces_a_file_made_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "register.sqlite"
    with beside(target) as aside:
        Path(aside.name).write_bytes(b"ours")
        target.write_bytes(b"theirs")  # another recorder got there first
        assert aside.put_new(target) is False
    assert target.read_bytes() == b"theirs"
    with beside(tmp_path / "new.sqlite") as aside:
        Path(aside.name).write_bytes(b"ours")
        assert aside.put_new(tmp_path / "new.sqlite") is True
    assert (tmp_path / "new.sqlite").read_bytes() == b"ours"
    assert leftovers(tmp_path) == []


def test_a_new_register_is_whole_and_marked_as_ours(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    db._create_sqlite_file(str(path))
    header = path.read_bytes()[:100]
    assert header.startswith(b"SQLite format 3\x00")
    assert int.from_bytes(header[68:72], "big") == db.APPLICATION_ID
    assert leftovers(tmp_path) == []
