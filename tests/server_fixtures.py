"""Fixtures for the regional server's database: a SQLite file, a fresh PostgreSQL database, or both."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_ENV = "STATION_DESK_TEST_POSTGRES_URL"


def _admin_conninfo(url: str) -> str:
    """A libpq URL psycopg accepts (no SQLAlchemy driver suffix)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _with_database(url: str, name: str) -> str:
    base, _sep, _old = url.rpartition("/")
    query = ""
    if "?" in _old:
        query = "?" + _old.split("?", 1)[1]
    return f"{base}/{name}{query}"


def create_postgres_database(server_url: str) -> str:
    """CREATE DATABASE with a unique name on the server of `server_url`; returns its URL."""
    import psycopg

    name = f"sd_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_database(server_url, name)


def drop_postgres_database(server_url: str, database_url: str) -> None:
    """Terminate the database's connections, then drop it."""
    import psycopg

    name = database_url.rsplit("/", 1)[1].split("?", 1)[0]
    with psycopg.connect(_admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def sqlite_server_url(tmp_path: Path) -> str:
    """A SQLite file for the server in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'server.db'}"


def _fresh_postgres_database() -> Iterator[str]:
    """Yield a new database on the test PostgreSQL server and drop it afterwards; skip without the variable."""
    server_url = os.environ.get(POSTGRES_ENV)
    if not server_url:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    url = create_postgres_database(server_url)
    try:
        yield url
    finally:
        drop_postgres_database(server_url, url)


@pytest.fixture
def postgres_server_url() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped after the test; skips without the env variable."""
    yield from _fresh_postgres_database()


@pytest.fixture(scope="session")
def postgres_session_database() -> Iterator[str]:
    """One PostgreSQL database for the whole test session (tests get their own schema in it)."""
    yield from _fresh_postgres_database()


@pytest.fixture
def postgres_schema_url(postgres_session_database: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL schema (search_path in the URL): as good as a new database, 10x faster to make."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_conninfo(postgres_session_database), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{postgres_session_database}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(_admin_conninfo(postgres_session_database), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def server_database_url(request: pytest.FixtureRequest) -> str:
    """The server's database URL, once on a SQLite file and once on PostgreSQL (a fresh schema)."""
    name = "sqlite_server_url" if request.param == "sqlite" else "postgres_schema_url"
    return str(request.getfixturevalue(name))
