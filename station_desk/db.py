"""The only place that makes database engines: SQLCipher, pragmas, sessions, and migrations at open."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from station_desk.errors import DatabaseProblem
from station_desk.i18n import _

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "station_desk_write"  # set by write_session: its transactions begin IMMEDIATE


def raw_key_pragma(key: bytes) -> str:
    # A raw 256-bit key skips SQLCipher's own PBKDF2: the slow step was already argon2id in the key file.
    return f"x'{key.hex()}'"


def make_engine(path: Path, key: bytes, *, max_page_count: int | None = None) -> Engine:
    """An engine on the encrypted station database, every connection keyed and set up for durability."""
    url = make_url("sqlite+pysqlcipher://").set(password=raw_key_pragma(key), database=str(path))
    engine = sa.create_engine(
        url,
        # The dialect's default SingletonThreadPool closes other threads' connections once more threads than its
        # size have used it, which crashes a query running there; a queue hands each connection to one thread at
        # a time instead.
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=2,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        # Letters as they are: escaping every Cyrillic letter doubles the audit log and the outbox.
        json_serializer=lambda value: json.dumps(value, ensure_ascii=False),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",  # a save that returned survives a power cut
            "foreign_keys=ON",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "cache_size=-20000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        if max_page_count is not None:
            cursor.execute(f"PRAGMA max_page_count={int(max_page_count)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A write takes the write lock at its start: a deferred BEGIN that read first and then met another
        # connection's commit (the sync, a backup's audit entry) would fail at once as "busy"; IMMEDIATE waits
        # up to busy_timeout for its turn instead.
        writing = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


def _alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def describe_database_error(error: BaseException, path: Path) -> DatabaseProblem:
    """Turn an SQLite failure into a message an officer can act on."""
    text = str(getattr(error, "orig", error)).lower()
    if "disk is full" in text or "disk i/o" in text and "full" in text:
        return DatabaseProblem(_("The disk is full, so nothing was saved. Free some space (or ask IT) and try again."))
    if "not a database" in text or "malformed" in text or "truncat" in text:
        return DatabaseProblem(
            _(
                "The database file {path} is damaged or does not match its key file. Nothing was changed. "
                "Restore the newest backup."
            ).format(path=path)
        )
    if "locked" in text or "busy" in text:
        return DatabaseProblem(_("The database is busy in another window. Close it and try again."))
    return DatabaseProblem(_("The database could not be used: {reason}").format(reason=text))


def check_database_file(engine: Engine, path: Path) -> None:
    """Cheap checks at open: the key fits, the header reads, and the file is not shorter than it claims."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            page_size = int(connection.exec_driver_sql("PRAGMA page_size").scalar() or 0)
            page_count = int(connection.exec_driver_sql("PRAGMA page_count").scalar() or 0)
    except DatabaseError as error:
        raise describe_database_error(error, path) from None
    wal = path.with_name(path.name + "-wal")
    # Pages may still sit in the WAL, so only a main file shorter than that and no WAL means truncation.
    if path.stat().st_size < page_size * page_count and not (wal.exists() and wal.stat().st_size > 0):
        raise describe_database_error(Exception("truncated"), path)


def migrate(engine: Engine, path: Path, *, backup_dir: Path | None = None) -> str:
    """Bring the schema to this version's head; copy the file aside first; refuse a newer database.

    Returns the revision the database is at afterwards.
    """
    head = head_revision()
    scripts = ScriptDirectory.from_config(_alembic_config())
    current = current_revision(engine)
    if current == head:
        return head
    if current is not None:
        try:
            scripts.get_revision(current)
        except Exception:
            raise DatabaseProblem(
                _(
                    "This database was made by a newer version of Station Desk (schema {revision}). "
                    "Install the newer version; this one will not touch the file."
                ).format(revision=current)
            ) from None
        _copy_aside(engine, path, backup_dir or path.parent / "backups", current)
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
    except OperationalError as error:
        raise describe_database_error(error, path) from None
    return head


def _copy_aside(engine: Engine, path: Path, backup_dir: Path, revision: str) -> Path:
    """A whole copy of the encrypted file (same key) before a migration touches it."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"before-migration-{revision}-{stamp}.db"
    shutil.copy2(path, target)
    return target


def open_database(path: Path, key: bytes, *, create: bool = False, **engine_options: Any) -> Engine:
    """Open (or create) the station database with its key, checked and migrated to this version."""
    if not create and not path.exists():
        raise DatabaseProblem(_("There is no station database at {path}.").format(path=path))
    if create and path.exists():
        raise DatabaseProblem(_("A station database already exists at {path}.").format(path=path))
    engine = make_engine(path, key, **engine_options)
    if not create:
        check_database_file(engine, path)
    migrate(engine, path)
    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One user action, one transaction: committed on success, rolled back whole on any failure."""
    session = Session(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as error:
        session.rollback()
        raise describe_database_error(error, Path(engine.url.database or "")) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        # close() ends the transaction without expiring loaded objects, so results stay readable as plain data.
        session.close()
