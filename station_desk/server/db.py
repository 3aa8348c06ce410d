"""The server's engines: PostgreSQL (psycopg 3) or SQLite (WAL, BEGIN IMMEDIATE), transactions and migrations."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "server_alembic_version"
BUSY_TIMEOUT_MS = 30_000
_BEGIN_OPTION = "station_desk_begin"
# The server's engines log their statements here instead of under "sqlalchemy.engine", whose DEBUG level also logs
# every row fetched (record text, token hashes): set this logger to INFO to see statements (values hidden); rows
# never pass it. Quiet (WARNING) unless configured, as SQLAlchemy's own logger is.
SQL_LOGGER = "station_desk.server.sql"


def _no_rows(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.INFO


_sql_log = logging.getLogger(SQL_LOGGER)
_sql_log.addFilter(_no_rows)
if _sql_log.level == logging.NOTSET:
    _sql_log.setLevel(logging.WARNING)


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` use the psycopg 3 driver; other URLs stay as they are."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _dumps(value: Any) -> str:
    # orjson: JSON text of the records is a good part of the server's work per record (see docs/BENCHMARKS.md).
    return orjson.dumps(value).decode("utf-8")


def make_engine(url: str, *, pool_size: int = 20) -> Engine:
    """An engine on the server database; SQLite files get WAL, a busy timeout and ordered writers.

    hide_parameters: the values of a statement (records' text, token and secret hashes) never reach a log or an
    error message, not even with DEBUG logging or in the traceback of a failed statement; nor do the rows read.
    """
    engine = _make_engine(url, pool_size)
    engine.logger = _sql_log
    return engine


def _make_engine(url: str, pool_size: int) -> Engine:
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            json_serializer=_dumps,
            hide_parameters=True,
            pool_size=8,
            max_overflow=8,
            poolclass=sa.pool.QueuePool,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", "synchronous=NORMAL"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return sa.create_engine(
        parsed, json_serializer=_dumps, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
        hide_parameters=True,
    )  # fmt: skip


def is_postgres(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "postgresql"


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A write transaction: `BEGIN IMMEDIATE` on SQLite so writers (and their seqs) commit in order."""
    with engine.connect() as conn:
        if not is_postgres(engine):
            conn = conn.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        with conn.begin():
            yield conn


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A read transaction on one snapshot: REPEATABLE READ on PostgreSQL, a deferred transaction on SQLite."""
    with engine.connect() as conn:
        if is_postgres(engine):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def migrate(engine: Engine) -> None:
    """Upgrade the server schema to the newest Alembic revision, then load the region's reference data."""
    from station_desk.server.reference import load_reference_data

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        if is_postgres(engine):
            # Two processes starting at once must not both create the tables.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7715001)")
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    load_reference_data(engine)
