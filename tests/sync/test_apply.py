"""Applying what the server sent: push answers, pull pages, the checksum and the snapshot reconcile."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, func, select

from station_desk import db
from station_desk.models import RECORD_TYPES, AuditEntry, Category, OutboxEntry, new_id
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.serialize import record_dict
from station_desk.sync import apply, outbox, state
from station_desk.sync.protocol import Change, OpResult, PullAnswer, PushAnswer, SnapshotAnswer, record_checksum
from tests.sync.conftest import create_incident, edit_incident, outbox_rows, read_incident

NOW = datetime.now(UTC)


def _answer_all(station: StationHandle, version_of: dict[str, int], **statuses: str) -> state.PendingBatch:
    """Build the next batch and apply an answer that gives every op `version_of[id]` (or 1)."""
    with db.write_session(station.engine) as session:
        request = outbox.next_batch(session, "device-a")
        assert request is not None
        results = [
            OpResult(
                seq=op.seq, type=op.type, id=op.id, status=statuses.get(op.id, "applied"),  # type: ignore[arg-type]
                version=version_of.get(op.id, 1),
            )
            for op in request.ops
        ]  # fmt: skip
        batch = state.PendingBatch(request.batch_id, request.from_seq, request.to_seq)
        answer = PushAnswer(batch_id=request.batch_id, applied_through=request.to_seq, results=results, server_time=NOW)
        apply.apply_push_answer(session, batch, answer)
    return batch


def _counts(station: StationHandle) -> tuple[int, int]:
    with Session(station.engine) as session:
        return (
            session.exec(select(func.count()).select_from(OutboxEntry)).one(),
            session.exec(select(func.count()).select_from(AuditEntry)).one(),
        )


def test_an_answer_empties_its_range_sets_versions_and_rebases_later_rows(
    station: StationHandle, officer: Actor
) -> None:
    incident_id = create_incident(station.engine, officer)
    with db.write_session(station.engine) as session:
        request = outbox.next_batch(session, "device-a")
    assert request is not None
    edit_incident(station.engine, officer, incident_id, address="вул. Нова, 1")  # after the batch was recorded
    answer = PushAnswer(
        batch_id=request.batch_id,
        applied_through=request.to_seq,
        results=[
            OpResult(seq=op.seq, type=op.type, id=op.id, status="applied", version=40 + op.seq) for op in request.ops
        ],
        server_time=NOW,
    )
    batch = state.PendingBatch(request.batch_id, request.from_seq, request.to_seq)
    with db.write_session(station.engine) as session:
        apply.apply_push_answer(session, batch, answer)
        assert state.applied_through(session) == request.to_seq and state.pending_batch(session) is None
    incident_version = next(40 + op.seq for op in request.ops if op.id == incident_id)
    assert read_incident(station.engine, incident_id).version == incident_version
    later = outbox_rows(station.engine)
    assert [(row.record_id, row.base_version) for row in later] == [(incident_id, incident_version)]
    assert read_incident(station.engine, incident_id).address == "вул. Нова, 1"


def test_a_merged_answer_writes_the_server_copy_but_keeps_waiting_fields(
    station: StationHandle, officer: Actor
) -> None:
    incident_id = create_incident(station.engine, officer)
    with db.write_session(station.engine) as session:
        request = outbox.next_batch(session, "device-a")
    assert request is not None
    edit_incident(station.engine, officer, incident_id, address="waiting address")
    server_copy = record_dict(read_incident(station.engine, incident_id)) | {
        "narrative": "edited on the other laptop",
        "address": "server address",
        "unknown_field": 1,
    }
    results = [
        OpResult(seq=op.seq, type=op.type, id=op.id, status="applied", version=10)
        if op.id != incident_id
        else OpResult(seq=op.seq, type=op.type, id=op.id, status="merged", version=12, record=server_copy)
        for op in request.ops
    ]
    answer = PushAnswer(batch_id=request.batch_id, applied_through=request.to_seq, results=results, server_time=NOW)
    with db.write_session(station.engine) as session:
        outcome = apply.apply_push_answer(
            session, state.PendingBatch(request.batch_id, request.from_seq, request.to_seq), answer
        )
    assert outcome.merged == 1
    incident = read_incident(station.engine, incident_id)
    assert incident.narrative == "edited on the other laptop"
    assert incident.address == "waiting address"
    assert incident.version == 12


def test_a_rejected_op_keeps_the_local_data(station: StationHandle, officer: Actor) -> None:
    incident_id = create_incident(station.engine, officer)
    with db.write_session(station.engine) as session:
        request = outbox.next_batch(session, "device-a")
        assert request is not None
        results = [
            OpResult(seq=op.seq, type=op.type, id=op.id, status="rejected", code="bad_fields", reason="nope")
            if op.id == incident_id
            else OpResult(seq=op.seq, type=op.type, id=op.id, status="applied", version=3)
            for op in request.ops
        ]
        answer = PushAnswer(batch_id=request.batch_id, applied_through=request.to_seq, results=results, server_time=NOW)
        outcome = apply.apply_push_answer(
            session, state.PendingBatch(request.batch_id, request.from_seq, request.to_seq), answer
        )
    assert outcome.rejected == 1 and "bad_fields" in outcome.rejections[0]
    incident = read_incident(station.engine, incident_id)
    assert incident.version == 0 and incident.narrative


def test_a_pull_page_upserts_without_outbox_or_audit_and_keeps_waiting_fields(
    station: StationHandle, officer: Actor
) -> None:
    _answer_all(station, {})
    mine = create_incident(station.engine, officer)
    _answer_all(station, {mine: 5})
    edit_incident(station.engine, officer, mine, address="local, waiting")
    template = record_dict(read_incident(station.engine, mine))
    theirs_id = new_id()
    theirs = template | {"id": theirs_id, "number": "2026/0099", "narrative": "from laptop B", "new_field": "x"}
    before = _counts(station)
    page = PullAnswer(
        changes=[
            Change(type="incident", id=theirs_id, version=20, fields=theirs),
            Change(type="incident", id=mine, version=21, fields=template | {"narrative": "B", "address": "B"}),
            Change(type="nosuchtype", id=new_id(), version=22, fields={"a": 1}),
            Change(type="category", id="new_cat", version=23, fields=_category("new_cat")),
        ],
        cursor=23,
        more=False,
        server_time=NOW,
    )
    with db.write_session(station.engine) as session:
        received = apply.apply_pull_page(session, page)
        assert state.pull_cursor(session) == 23
    assert received == 3
    assert _counts(station) == before
    pulled = read_incident(station.engine, theirs_id)
    assert (pulled.narrative, pulled.version, pulled.reported_at.tzinfo is not None) == ("from laptop B", 20, True)
    local = read_incident(station.engine, mine)
    assert (local.narrative, local.address, local.version) == ("B", "local, waiting", 21)
    with Session(station.engine) as session:
        assert session.get_one(Category, "new_cat").name_en == "New"
    # An older copy never replaces a newer one.
    stale = PullAnswer(
        changes=[Change(type="incident", id=theirs_id, version=19, fields=theirs | {"narrative": "old"})],
        cursor=10,
        more=False,
        server_time=NOW,
    )
    with db.write_session(station.engine) as session:
        apply.apply_pull_page(session, stale)
        assert state.pull_cursor(session) == 23
    assert read_incident(station.engine, theirs_id).narrative == "from laptop B"


def _category(code: str) -> dict[str, object]:
    return {
        "code": code, "default_legal_type": "administrative", "name_uk": "Нова", "name_pl": "Nowa",
        "name_sq": "E re", "name_sr": "Нова", "name_en": "New", "version": 23,
    }  # fmt: skip


def test_the_checksum_counts_synced_records_and_tombstones(station: StationHandle, officer: Actor) -> None:
    first = create_incident(station.engine, officer)
    _answer_all(station, {first: 7})
    create_incident(station.engine, officer)  # never synced: not counted
    with Session(station.engine) as session:
        pairs = [
            (record.id, record.version)
            for model in RECORD_TYPES.values()
            for record in session.exec(select(model))
            if record.version
        ]
        assert apply.local_checksum(session) == record_checksum(pairs)
    assert (first, 7) in pairs


def test_a_snapshot_marks_purged_records_deleted_and_nothing_else(station: StationHandle, officer: Actor) -> None:
    synced = create_incident(station.engine, officer)
    waiting = create_incident(station.engine, officer)
    _answer_all(station, {synced: 5, waiting: 6})
    edit_incident(station.engine, officer, waiting, narrative="changed, waiting")
    never_synced = create_incident(station.engine, officer)
    with Session(station.engine) as session:
        station_records = [
            Change(type=table, id=record.id, version=record.version, fields=record_dict(record))
            for table, model in RECORD_TYPES.items()
            for record in session.exec(select(model))
            if record.version and record.id not in (synced, waiting)
        ]
    seen: set[tuple[str, str]] = set()
    page = SnapshotAnswer(changes=station_records, next_after_id=None, cursor=77, server_time=NOW)
    before_outbox = len(outbox_rows(station.engine))
    with db.write_session(station.engine) as session:
        apply.apply_snapshot_page(session, page, seen)
        marked = apply.finish_snapshot(session, seen, 77)
        assert state.pull_cursor(session) == 77
    assert marked == 1
    assert read_incident(station.engine, synced).deleted_at is not None
    assert read_incident(station.engine, waiting).deleted_at is None
    assert read_incident(station.engine, never_synced).deleted_at is None
    assert len(outbox_rows(station.engine)) == before_outbox
