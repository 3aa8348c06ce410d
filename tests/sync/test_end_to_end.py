"""Two laptops of one station and a real regional server: incidents travel, merge, conflict and get resolved."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest

from station_desk import db
from station_desk.models import Incident, utcnow
from station_desk.models.enums import IncidentStatus
from station_desk.server import db as server_db
from station_desk.server.auth import revoke_device
from station_desk.server.feed import purge
from station_desk.services import incidents as svc
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.records import soft_delete
from station_desk.sync import client, conflicts, overview, state
from station_desk.sync.protocol import PULL_PATH, PUSH_PATH, TOKEN_PATH
from tests.live_server import LiveServer
from tests.sync.conftest import (
    CountingTransport,
    checksum_of,
    create_incident,
    edit_incident,
    enrol_laptop,
    read_incident,
)


def _open(handle: StationHandle) -> list[conflicts.ConflictView]:
    with db.read_session(handle.engine) as session:
        return conflicts.open_conflicts(session)


def _in_step(a: StationHandle, b: StationHandle) -> None:
    """Both laptops hold what the server holds."""
    assert client.sync_once(a.engine).checksum_ok is True
    assert client.sync_once(b.engine).checksum_ok is True
    assert checksum_of(a.engine) == checksum_of(b.engine)


def test_incidents_travel_merge_and_a_conflict_is_resolved_on_both_laptops(
    station: StationHandle, officer: Actor, laptop_b: StationHandle, any_live_server: LiveServer
) -> None:
    a, b, live_server = station, laptop_b, any_live_server
    enrol_laptop(a, live_server)
    incident_id = create_incident(a.engine, officer)
    first = client.sync_once(a.engine)
    assert first.sent >= 1 and first.conflicts == 0 and first.checksum_ok is True
    assert read_incident(a.engine, incident_id).version > 0

    enrol_laptop(b, live_server)
    pulled = client.sync_once(b.engine)
    assert pulled.received >= 1 and pulled.conflicts == 0 and pulled.checksum_ok is True
    assert read_incident(b.engine, incident_id).narrative == read_incident(a.engine, incident_id).narrative

    # Different fields: merged on both.
    edit_incident(a.engine, officer, incident_id, narrative="Корову знайшли в лісі.")
    edit_incident(b.engine, b.actor, incident_id, address="вул. Лісова, 9")
    assert client.sync_once(a.engine).merged == 0
    assert client.sync_once(b.engine).merged == 1
    _in_step(a, b)
    for laptop in (a, b):
        incident = read_incident(laptop.engine, incident_id)
        assert (incident.narrative, incident.address) == ("Корову знайшли в лісі.", "вул. Лісова, 9")

    # The same field: a conflict both laptops see.
    edit_incident(a.engine, officer, incident_id, narrative="Версія А")
    edit_incident(b.engine, b.actor, incident_id, narrative="Версія Б")
    client.sync_once(a.engine)
    assert client.sync_once(b.engine).conflicts == 1
    client.sync_once(a.engine)
    [seen_by_a], [seen_by_b] = _open(a), _open(b)
    assert seen_by_a.id == seen_by_b.id
    assert seen_by_b.fields == {"narrative": ("Версія Б", "Версія А")}
    assert seen_by_b.from_this_laptop and not seen_by_a.from_this_laptop
    assert read_incident(b.engine, incident_id).narrative == "Версія А"  # the server's value stays meanwhile

    with db.write_session(b.engine) as session:
        conflicts.resolve_conflict(session, b.actor, seen_by_b.id, "mine")
    result_b = client.sync_once(b.engine)
    assert result_b.conflicts == 0 and result_b.rejected == 0
    client.sync_once(a.engine)
    _in_step(a, b)
    for laptop in (a, b):
        assert read_incident(laptop.engine, incident_id).narrative == "Версія Б"
        assert _open(laptop) == []


def test_a_delete_against_an_edit_and_an_approval_made_on_the_other_laptop(
    station: StationHandle, officer: Actor, laptop_b: StationHandle, live_server: LiveServer
) -> None:
    a, b = station, laptop_b
    enrol_laptop(a, live_server)
    enrol_laptop(b, live_server)
    doomed = create_incident(a.engine, officer)
    approved = create_incident(a.engine, officer)
    with db.write_session(a.engine) as session:
        svc.submit_incident(session=session, actor=officer, incident_id=approved)
    client.sync_once(a.engine)
    client.sync_once(b.engine)
    assert read_incident(b.engine, approved).status == IncidentStatus.submitted

    # A deletes while B edits; A is first: B's edit meets a deleted record.
    with db.write_session(a.engine) as session:
        soft_delete(session, officer, session.get_one(Incident, doomed), reason="duplicate")
    edit_incident(b.engine, b.actor, doomed, narrative="B did not know")
    # The commander approves on B.
    with db.write_session(b.engine) as session:
        svc.approve_incident(session=session, actor=b.actor, incident_id=approved)
    client.sync_once(a.engine)
    assert client.sync_once(b.engine).conflicts == 1
    client.sync_once(a.engine)
    [conflict] = _open(a)
    assert conflict.kind == "edit_vs_delete" and conflict.record_id == doomed
    assert read_incident(a.engine, doomed).deleted_at is not None
    assert read_incident(b.engine, doomed).deleted_at is not None
    approved_on_a = read_incident(a.engine, approved)
    assert approved_on_a.status == IncidentStatus.approved and approved_on_a.approved_by == b.actor.user_id

    # B's "mine" brings the record back for everyone.
    with db.write_session(b.engine) as session:
        conflicts.resolve_conflict(session, b.actor, conflict.id, "mine")
    client.sync_once(b.engine)
    _in_step(a, b)
    for laptop in (a, b):
        restored = read_incident(laptop.engine, doomed)
        assert restored.deleted_at is None and restored.narrative == "B did not know"
        assert _open(laptop) == []

    # A deletes it for good; the server purges the tombstone; B, whose cursor is older, reads the snapshot.
    with db.write_session(a.engine) as session:
        soft_delete(session, officer, session.get_one(Incident, doomed), reason="duplicate after all")
    client.sync_once(a.engine)
    engine = server_db.make_engine(live_server.database_url)
    try:
        assert purge(engine, older_than_days=0) >= 1
    finally:
        engine.dispose()
    reconciled = client.sync_once(b.engine)
    assert reconciled.snapshot
    assert read_incident(b.engine, doomed).deleted_at is not None
    assert read_incident(b.engine, approved).deleted_at is None
    again = client.sync_once(b.engine)  # the difference a purge leaves is known now: no second snapshot
    assert not again.snapshot and again.checksum_ok is True


def test_nothing_to_send_is_one_request_and_a_revoked_laptop_is_told(
    station: StationHandle, officer: Actor, live_server: LiveServer, counting_transport: CountingTransport
) -> None:
    enrol_laptop(station, live_server)
    create_incident(station.engine, officer)
    client.sync_once(station.engine, transport=counting_transport)
    counting_transport.requests.clear()
    result = client.sync_once(station.engine, transport=counting_transport)
    assert counting_transport.requests == [("GET", PULL_PATH)]
    assert (result.sent, result.received, result.checksum_ok) == (0, 0, True)
    status = overview.sync_status(station.engine)
    assert status.enrolled and status.waiting == 0 and status.last_error is None and status.last_sync_at
    history = overview.sync_history(station.engine)
    assert len(history) == 2 and history[0].error is None
    assert client.server_reachable(live_server.url)

    # A stale token is renewed once; a range the server does not expect is sent again from where it asks.
    with db.write_session(station.engine) as session:
        state.store_token(session, "not-a-token", utcnow() + timedelta(minutes=5))
        applied = state.applied_through(session)
        state.set_applied_through(session, 0)
    create_incident(station.engine, officer)
    stages: list[str] = []
    counting_transport.requests.clear()
    result = client.sync_once(
        station.engine, transport=counting_transport, progress=lambda stage, done, total: stages.append(stage)
    )
    assert result.sent == 1 and result.checksum_ok is True
    assert counting_transport.requests.count(("POST", TOKEN_PATH)) == 1
    assert counting_transport.requests.count(("POST", PUSH_PATH)) == 3  # refused token, 409, accepted
    assert {"push", "pull", "checksum"} <= set(stages)
    with db.read_session(station.engine) as session:
        assert state.applied_through(session) > applied

    # A cancelled sync sends nothing and leaves everything as it was.
    incident_id = create_incident(station.engine, officer)
    cancel = threading.Event()
    cancel.set()
    cancelled = client.sync_once(station.engine, cancel=cancel)
    assert cancelled.cancelled and cancelled.sent == 0
    assert read_incident(station.engine, incident_id).version == 0
    assert overview.sync_status(station.engine).waiting > 0

    engine = server_db.make_engine(live_server.database_url)
    try:
        assert revoke_device(engine, str(status.device_id))
    finally:
        engine.dispose()
    create_incident(station.engine, officer)
    with pytest.raises(client.SyncError, match="disconnected from the region"):
        client.sync_once(station.engine)
    status = overview.sync_status(station.engine)
    assert status.waiting > 0 and status.last_error and "disconnected" in status.last_error
    assert overview.sync_history(station.engine)[0].error


def test_without_enrolment_or_server_the_officer_gets_a_clear_message(station: StationHandle) -> None:
    with pytest.raises(client.SyncError, match="not enrolled"):
        client.sync_once(station.engine)
    assert not client.server_reachable("http://127.0.0.1:9", timeout=0.5)
    with db.write_session(station.engine) as session:
        state.store_credentials(
            session, state.Credentials("http://127.0.0.1:9", "device", "secret", station.actor.station_id)
        )
    with pytest.raises(client.SyncError, match="No connection"):
        client.sync_once(station.engine, timeout=1.0)
    assert overview.sync_status(station.engine).last_error
    assert overview.consecutive_failures(station.engine) == 1


def test_retry_delays_grow_and_spread() -> None:
    rng = random.Random(4)
    first = [client.retry_delay(0, rng) for _ in range(200)]
    later = [client.retry_delay(8, rng) for _ in range(200)]
    assert all(1.0 <= delay <= 5.0 for delay in first)
    assert all(1.0 <= delay <= 15 * 60 for delay in later) and max(later) > 300
    assert len(set(later)) > 150
    assert client.retry_delay(1000, rng) <= 15 * 60
    assert client.SyncResult(clock_offset_seconds=-400).clock_warning
    assert not client.SyncResult(clock_offset_seconds=20).clock_warning
