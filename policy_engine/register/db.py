"""Open a register: a SQLite file (the default) or any database SQLAlchemy reaches by URL (PostgreSQL).

Writers are serialised, so that concurrent recorders never interleave: on SQLite each writing
transaction begins with BEGIN IMMEDIATE (the database's write lock, waited for up to LOCK_SECONDS);
on PostgreSQL it takes a transaction-level advisory lock. The schema is brought to the current
revision (Alembic) under the same lock the first time a register is opened by this version.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from ..errors import InputError

DEFAULT_FILE = "policy-register.sqlite"
ENV_VARIABLE = "POLICY_CHECK_REGISTER"
LOCK_SECONDS = 120.0
_ADVISORY_KEY = 0x706F6C6963790001  # "policy" + 1: the register's writer lock on PostgreSQL
_SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Register:
    """An open register: its engine, and how to name it in messages (never with a password)."""

    def __init__(self, engine: Engine, shown: str) -> None:
        self.engine = engine
        self.shown = shown

    @property
    def files(self) -> tuple[str, ...]:
        """The register's own file (SQLite), which no answer written with --out may replace."""
        return (self.engine.url.database,) if self.engine.url.get_backend_name() == "sqlite" and \
            self.engine.url.database else ()

    @contextlib.contextmanager
    def writing(self) -> Iterator[Connection]:
        """A transaction that holds the register's writer lock until it commits or rolls back."""
        try:
            with self.engine.connect().execution_options(register_write=True) as conn:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_ADVISORY_KEY)))
                    yield conn
        except sa.exc.OperationalError as exc:
            raise fail(exc, self.shown) from None

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """One transaction for a whole query: its counts agree with each other."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise fail(exc, self.shown) from None

    def close(self) -> None:
        self.engine.dispose()


def fail(exc: Exception, shown: str) -> InputError:
    """A database error as one line naming the register (the driver's first line, not its SQL)."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return InputError(f"register: {detail[0] if detail else type(exc).__name__}", shown)


def register_url(given: str | None) -> tuple[URL, str]:
    """The URL of the register named by --db, $POLICY_CHECK_REGISTER or the default file, and its
    name for messages. A value with '://' is a database URL; anything else is a SQLite file."""
    value = given or os.environ.get(ENV_VARIABLE) or DEFAULT_FILE
    if "://" in value:
        try:
            url = sa.make_url(value)
        except sa.exc.ArgumentError:
            raise InputError("not a database URL (e.g. postgresql://user@host/dbname)", "--db") from None
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")  # psycopg 3, the maintained driver
        return url, url.render_as_string(hide_password=True)
    return URL.create("sqlite", database=value), value


def _check_sqlite_file(path: str, create: bool) -> None:
    """Refuse a file that is not a register (SQLite would write into an empty one), and a missing
    register when only reading."""
    target = Path(path)
    if not target.exists():
        if not create:
            raise InputError("no register here; record an audit first (policy-check register record)", path)
        if not target.parent.is_dir():
            raise InputError("cannot create the register: its folder does not exist", path)
        return
    if not target.is_file():
        raise InputError("not a register: not a regular file", path)
    try:
        with open(target, "rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise InputError(f"cannot read the register: {exc.strerror or exc}", path) from None
    if head != _SQLITE_MAGIC:
        raise InputError("not a register (not a SQLite database); refusing to write into it", path)


APPLICATION_ID = 0x50434B52  # 1346587474, "PCKR" in the SQLite header: a policy-check register


def _create_sqlite_file(path: str) -> None:
    """Make a new register file appear whole: an empty database file is made aside (files.atomic:
    locked, with the permissions of a new file), given its header, and linked into place, which
    leaves alone a register another recorder made meanwhile. Otherwise a second recorder could
    open the file in the instant it is empty, and rightly refuse it."""
    import sqlite3

    from ..files.atomic import beside

    if Path(path).exists():
        return
    try:
        with beside(path) as aside:
            conn = sqlite3.connect(aside.name)
            try:
                conn.execute("PRAGMA application_id = 1346587474")  # = APPLICATION_ID; writes the header
                conn.commit()
            finally:
                conn.close()
            try:
                aside.put_new(path)  # False: another recorder made it; theirs is used
            except OSError:
                pass  # no hard links on this file system: SQLite creates the file itself, as it would anyway
    except (OSError, sqlite3.Error) as exc:
        raise InputError(f"cannot create the register: {exc}", path) from None


def open_register(given: str | None, create: bool = False) -> Register:
    """Open (and, with create, make) the register, with its schema at the current revision."""
    url, shown = register_url(given)
    if url.get_backend_name() == "sqlite":
        _check_sqlite_file(url.database or "", create)
        if create:
            _create_sqlite_file(url.database or "")
        engine = sa.create_engine(url, connect_args={"timeout": LOCK_SECONDS}, poolclass=sa.pool.NullPool)
        _sqlite_transactions(engine)
    else:
        try:
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise InputError(f"cannot use this database: {exc}", shown) from None
    register = Register(engine, shown)
    try:
        migrate(register)
    except InputError:
        register.close()
        raise
    return register


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions; writers begin IMMEDIATE (take the
    write lock at once, so two recorders queue instead of failing halfway) and enforce foreign keys."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("register_write") else "BEGIN")


def current_revision(conn: Connection) -> str | None:
    from alembic.migration import MigrationContext
    return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def migrate(register: Register) -> None:
    """Bring the schema to the current revision, under the writer lock; nothing to do (and no lock
    taken) when it is there already. A register from a newer policy-check, or a database holding
    other tables, is refused untouched. What is found is read again under the lock: another process
    may have made the register meanwhile."""
    from alembic import command
    from alembic.config import Config

    head = head_revision()
    with register.reading() as conn:
        if current_revision(conn) == head:
            return
    with register.writing() as conn:
        revision = current_revision(conn)
        if revision == head:
            return
        if revision is None and sa.inspect(conn).get_table_names():
            raise InputError("not a register (a database with other tables); refusing to write into it",
                             register.shown)
        if revision is not None and revision not in _known_revisions():
            raise InputError(f"this register was written by a newer policy-check (schema revision {revision}); "
                             "upgrade policy-check to read it", register.shown)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, "head")
        except sa.exc.SQLAlchemyError as exc:
            raise fail(exc, register.shown) from None


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory
    return {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
