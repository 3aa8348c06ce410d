"""Conflicts: listed while open, resolved as ordinary audited, queued updates by anyone of the station."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from station_desk import db
from station_desk.models import AuditEntry, SyncConflict, new_id
from station_desk.models.enums import AuditAction
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.serialize import record_dict
from station_desk.sync import apply, conflicts
from station_desk.sync.protocol import Change, PullAnswer
from tests.sync.conftest import create_incident, outbox_rows, pretend_enrolled, read_incident

NOW = datetime.now(UTC)


def _pull_conflict(station: StationHandle, incident_id: str, kind: str, values: dict[str, Any]) -> str:
    conflict_id = new_id()
    incident = read_incident(station.engine, incident_id)
    fields = {
        "id": conflict_id, "station_id": incident.station_id, "created_by": "", "created_at": NOW.isoformat(),
        "updated_at": NOW.isoformat(), "record_type": "incident", "record_id": incident_id, "kind": kind,
        "device_id": "device-a", "values": values, "resolution": None,
    }  # fmt: skip
    server_incident = record_dict(incident) | {"narrative": values.get("narrative", {}).get("theirs", "x")}
    if kind == "edit_vs_delete":
        server_incident["deleted_at"] = NOW.isoformat()
    page = PullAnswer(
        changes=[
            Change(type="incident", id=incident_id, version=30, fields=server_incident),
            Change(type="syncconflict", id=conflict_id, version=31, fields=fields),
        ],
        cursor=31,
        more=False,
        server_time=NOW,
    )
    with db.write_session(station.engine) as session:
        apply.apply_pull_page(session, page)
    return conflict_id


@pytest.fixture
def synced_incident(station: StationHandle, officer: Actor) -> str:
    pretend_enrolled(station.engine, officer.station_id)
    incident_id = create_incident(station.engine, officer)
    with db.write_session(station.engine) as session:
        for row in outbox_rows(station.engine):
            session.delete(session.get(type(row), row.client_seq))
    return incident_id


def test_an_open_conflict_is_listed_and_resolving_it_is_an_audited_queued_update(
    station: StationHandle, officer: Actor, synced_incident: str
) -> None:
    conflict_id = _pull_conflict(station, synced_incident, "edit", {"narrative": {"mine": "Корова", "theirs": "Кінь"}})
    assert read_incident(station.engine, synced_incident).narrative == "Кінь"
    with Session(station.engine) as session:
        [view] = conflicts.open_conflicts(session)
    assert view.id == conflict_id and view.kind == "edit" and view.from_this_laptop
    assert view.fields == {"narrative": ("Корова", "Кінь")}
    with db.write_session(station.engine) as session:
        conflicts.resolve_conflict(session, officer, conflict_id, "mine")
    incident = read_incident(station.engine, synced_incident)
    assert incident.narrative == "Корова"
    rows = outbox_rows(station.engine)
    assert {(row.record_type, row.base_version) for row in rows} == {("incident", 30), ("syncconflict", 31)}
    with Session(station.engine) as session:
        assert conflicts.open_conflicts(session) == []
        conflict = session.get_one(SyncConflict, conflict_id)
        assert (conflict.resolution, conflict.resolved_by) == ("mine", officer.user_id)
        resolves = session.exec(select(AuditEntry).where(AuditEntry.action == AuditAction.resolve)).all()
        assert {entry.record_type for entry in resolves} == {"incident", "syncconflict"}
    with db.write_session(station.engine) as session, pytest.raises(Exception, match="already resolved"):
        conflicts.resolve_conflict(session, officer, conflict_id, "theirs")


def test_merged_values_and_theirs(station: StationHandle, officer: Actor, synced_incident: str) -> None:
    values = {"narrative": {"mine": "A", "theirs": "B"}, "address": {"mine": "1", "theirs": "2"}}
    conflict_id = _pull_conflict(station, synced_incident, "edit", values)
    with db.write_session(station.engine) as session:
        conflicts.resolve_conflict(session, officer, conflict_id, "merged", {"narrative": "A and B", "address": "2"})
    incident = read_incident(station.engine, synced_incident)
    assert (incident.narrative, incident.address) == ("A and B", "2")


def test_edit_versus_delete_mine_restores_and_delete_versus_edit_mine_deletes(
    station: StationHandle, officer: Actor, synced_incident: str
) -> None:
    first = _pull_conflict(station, synced_incident, "edit_vs_delete", {"narrative": {"mine": "A", "theirs": "B"}})
    assert read_incident(station.engine, synced_incident).deleted_at is not None
    with db.write_session(station.engine) as session:
        conflicts.resolve_conflict(session, officer, first, "mine")
    restored = read_incident(station.engine, synced_incident)
    assert restored.deleted_at is None and restored.narrative == "A"
    second = new_id()
    with db.write_session(station.engine) as session:
        session.add(
            SyncConflict(
                id=second, station_id=officer.station_id, record_type="incident", record_id=synced_incident,
                kind="delete_vs_edit", values={"deleted_at": {"mine": NOW.isoformat(), "theirs": None}}, version=40,
            )
        )  # fmt: skip
    with db.write_session(station.engine) as session:
        conflicts.resolve_conflict(session, officer, second, "mine")
    assert read_incident(station.engine, synced_incident).deleted_at is not None
    assert outbox_rows(station.engine)[-2].operation == "delete"
