"""Shared fixtures: a real encrypted station in a temporary folder, with a commander and an officer."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything can import Qt

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from station_desk import db, i18n
from station_desk.config import Paths, resolve_paths
from station_desk.keys import THROWAWAY_KDF
from station_desk.services.accounts import StationHandle, add_user, init_station
from station_desk.services.context import Actor
from station_desk.services.incidents import IncidentInput

# Cheap argon2id settings for tests only; the real default stays in keys.DEFAULT_KDF.
TEST_KDF = THROWAWAY_KDF
COMMANDER_PASSWORD = "commander-pass-1"
OFFICER_PASSWORD = "officer-pass-1"


def incident_input(**overrides: Any) -> IncidentInput:
    """A valid new incident (a cow gone from the pasture an hour ago), with any field overridden."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "reported_at": now - timedelta(hours=1),
        "occurred_from": now - timedelta(hours=5),
        "category_code": "livestock_theft",
        "narrative": "З пасовища зникла корова.",
        "address": "вул. Садова, 4",
    }
    values.update(overrides)
    return IncidentInput(**values)


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(tmp_path / "station")


@pytest.fixture
def station(paths: Paths) -> Iterator[StationHandle]:
    """A Ukrainian station with commander "olena"; closed after the test."""
    handle, _code = init_station(
        paths=paths,
        station_name="Іванківська станція",
        timezone="Europe/Kyiv",
        language="uk",
        username="olena",
        full_name="Олена Коваль",
        password=COMMANDER_PASSWORD,
        kdf=TEST_KDF,
    )
    yield handle
    handle.close()


@pytest.fixture
def commander(station: StationHandle) -> Actor:
    return station.actor


@pytest.fixture
def officer(station: StationHandle) -> Actor:
    """Officer "petro" of the same station."""
    with db.write_session(station.engine) as session:
        user = add_user(
            session=session,
            handle=station,
            username="petro",
            full_name="Петро Шевченко",
            role="officer",
            password=OFFICER_PASSWORD,
        )
    return Actor(
        user_id=user.id, username=user.username, full_name=user.full_name, role=user.role, station_id=user.station_id
    )


@pytest.fixture
def session(station: StationHandle) -> Iterator[Session]:
    """A session whose writes the test commits itself (services never commit)."""
    with Session(station.engine, expire_on_commit=False) as open_session:
        yield open_session
        open_session.rollback()
