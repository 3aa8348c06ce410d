"""Helpers of the sync tests: incidents on a real station, a second laptop, and a real regional server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from station_desk import db
from station_desk.config import Paths, resolve_paths
from station_desk.models import Incident, OutboxEntry
from station_desk.services import incidents as svc
from station_desk.services.accounts import StationHandle, open_station
from station_desk.services.context import Actor
from station_desk.services.records import update_record
from station_desk.sync import apply, client, state
from tests.conftest import COMMANDER_PASSWORD, incident_input
from tests.live_server import LiveServer, enrolment_code
from tests.server_fixtures import (
    postgres_schema_url,
    postgres_server_url,
    postgres_session_database,
    server_database_url,
    sqlite_server_url,
)

__all__ = [
    "postgres_schema_url", "postgres_server_url", "postgres_session_database", "server_database_url",
    "sqlite_server_url",
]  # fmt: skip
STATION_NAME = "Іванківська станція"  # the name tests/conftest.py gives the station
NOW = datetime.now(UTC)


def create_incident(engine: Engine, actor: Actor, **overrides: Any) -> str:
    with db.write_session(engine) as session:
        return svc.create_incident(session=session, actor=actor, data=incident_input(**overrides)).id


def edit_incident(engine: Engine, actor: Actor, incident_id: str, **changes: Any) -> None:
    """An ordinary audited, queued edit of some fields."""
    with db.write_session(engine) as session:
        update_record(session, actor, session.get_one(Incident, incident_id), changes)


def read_incident(engine: Engine, incident_id: str) -> Incident:
    with db.read_session(engine) as session:
        return session.get_one(Incident, incident_id)


def outbox_rows(engine: Engine) -> list[OutboxEntry]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxEntry).order_by(col(OutboxEntry.client_seq))))


def pretend_enrolled(engine: Engine, station_id: str, device_id: str = "device-a") -> None:
    with db.write_session(engine) as session:
        state.store_credentials(
            session,
            state.Credentials(
                server_url="http://127.0.0.1:9", device_id=device_id, device_secret="secret", station_id=station_id
            ),
        )


# ---------------------------------------------------------------- a real server and a second laptop


class CountingTransport(httpx.BaseTransport):
    """A real HTTP transport that notes every request (method, path); closing it is left to the fixture."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        return self.inner.handle_request(request)

    def close(self) -> None:  # sync_once closes its client; the transport lives on for the next sync
        pass


@pytest.fixture
def counting_transport() -> Iterator[CountingTransport]:
    transport = CountingTransport()
    yield transport
    transport.inner.close()


@pytest.fixture
def live_server(sqlite_server_url: str) -> Iterator[LiveServer]:
    with LiveServer(sqlite_server_url) as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def any_live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """A real server once on SQLite and once on PostgreSQL (skipped without STATION_DESK_TEST_POSTGRES_URL)."""
    name = "sqlite_server_url" if request.param == "sqlite" else "postgres_server_url"
    with LiveServer(str(request.getfixturevalue(name))) as server:
        yield server


def copy_station(handle: StationHandle, target: Path) -> Paths:
    """A file copy of a station's folder (database and key file), as a second laptop of the station gets."""
    with handle.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = resolve_paths(target)
    copy.ensure()
    for source in (handle.paths.database, handle.paths.key_file):
        shutil.copy2(source, copy.data_dir / source.name)
    return copy


@pytest.fixture
def laptop_b(station: StationHandle, tmp_path: Path) -> Iterator[StationHandle]:
    """The same station on a second laptop: a copy of the first laptop's files, taken before enrolment."""
    paths = copy_station(station, tmp_path / "laptop-b")
    handle = open_station(paths=paths, username="olena", password=COMMANDER_PASSWORD)
    yield handle
    handle.close()


def enrol_laptop(handle: StationHandle, server: LiveServer, *, actor: Actor | None = None) -> None:
    code = enrolment_code(server.database_url, STATION_NAME)
    client.enrol(handle.engine, actor or handle.actor, server.url, code, device_name=str(handle.paths.data_dir.name))


def checksum_of(engine: Engine) -> str:
    with db.read_session(engine) as session:
        return apply.local_checksum(session)
