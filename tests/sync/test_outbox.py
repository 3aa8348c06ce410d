"""Push batches: coalescing rows of one record, recording the range before sending, and sending it again."""

from __future__ import annotations

from datetime import UTC, datetime

from station_desk import db
from station_desk.models import OutboxEntry
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.sync import outbox, state
from station_desk.sync.protocol import BATCH_SIZE
from tests.sync.conftest import create_incident, edit_incident, outbox_rows, pretend_enrolled


def _row(
    seq: int | None, operation: str, changed: dict[str, object], base: int = 0, record_id: str = "r1"
) -> OutboxEntry:
    return OutboxEntry(
        client_seq=seq, record_type="incident", record_id=record_id, operation=operation, changed=changed,
        base_version=base, created_at=datetime.now(UTC),
    )  # fmt: skip


def test_rows_of_one_record_become_one_op() -> None:
    ops = outbox.coalesce(
        [
            _row(3, "update", {"narrative": "a", "address": "x"}, base=7),
            _row(5, "update", {"narrative": "b"}, base=7),
            _row(4, "update", {"status": "submitted"}, base=7, record_id="r2"),
        ]
    )
    assert [(op.id, op.seq, op.op, op.base) for op in ops] == [("r2", 4, "update", 7), ("r1", 5, "update", 7)]
    assert ops[1].fields == {"narrative": "b", "address": "x"}


def test_an_insert_stays_an_insert_and_a_delete_wins() -> None:
    inserted = outbox.coalesce([_row(1, "insert", {"narrative": "a", "version": 0}), _row(2, "update", {"x": 1})])
    assert inserted[0].op == "insert" and inserted[0].base == 0
    assert inserted[0].fields == {"narrative": "a", "x": 1}  # the server owns `version`
    deleted = outbox.coalesce([_row(1, "update", {"a": 1}, base=4), _row(2, "delete", {"deleted_at": "t"}, base=4)])
    assert deleted[0].op == "delete" and deleted[0].base == 4 and deleted[0].fields == {"a": 1, "deleted_at": "t"}
    assert outbox.coalesce([_row(1, "insert", {}), _row(2, "delete", {"deleted_at": "t"})])[0].op == "delete"


def test_the_range_is_recorded_before_sending_and_the_same_batch_comes_again(
    station: StationHandle, officer: Actor
) -> None:
    pretend_enrolled(station.engine, officer.station_id)
    incident_id = create_incident(station.engine, officer)
    edit_incident(station.engine, officer, incident_id, narrative="Корову знайшли.")
    rows = outbox_rows(station.engine)
    with db.write_session(station.engine) as session:
        first = outbox.next_batch(session, "device-a")
    assert first is not None
    assert first.from_seq == 1 and first.to_seq == rows[-1].client_seq
    incident_ops = [op for op in first.ops if op.id == incident_id]
    assert len(incident_ops) == 1 and incident_ops[0].op == "insert"
    assert incident_ops[0].fields["narrative"] == "Корову знайшли."
    # A later change does not enter the recorded batch; the same id and range come again.
    create_incident(station.engine, officer)
    with db.write_session(station.engine) as session:
        again = outbox.next_batch(session, "device-a")
        assert state.pending_batch(session) == state.PendingBatch(first.batch_id, first.from_seq, first.to_seq)
    assert again is not None
    assert (again.batch_id, again.from_seq, again.to_seq, again.ops) == (
        first.batch_id, first.from_seq, first.to_seq, first.ops
    )  # fmt: skip


def test_batches_hold_at_most_batch_size_rows(station: StationHandle, officer: Actor) -> None:
    with db.write_session(station.engine) as session:
        for number in range(BATCH_SIZE + 5):
            session.add(_row(None, "update", {"narrative": str(number)}, record_id=f"r{number}"))
            session.flush()
    with db.write_session(station.engine) as session:
        batches = outbox.all_batches(session, "device-a")
        assert len(state.pending_batches(session)) == len(batches)
    assert all(len(batch.ops) <= BATCH_SIZE for batch in batches)
    assert batches[0].from_seq == 1
    assert [batch.from_seq for batch in batches[1:]] == [batch.to_seq + 1 for batch in batches[:-1]]
    assert sum(len(batch.ops) for batch in batches) == len(outbox_rows(station.engine))
    with db.write_session(station.engine) as session:  # exporting again rebuilds the same batches
        assert [b.batch_id for b in outbox.all_batches(session, "device-a")] == [b.batch_id for b in batches]


def test_resend_from_restarts_the_range(station: StationHandle, officer: Actor) -> None:
    create_incident(station.engine, officer)
    rows = outbox_rows(station.engine)
    with db.write_session(station.engine) as session:
        outbox.next_batch(session, "device-a")
        outbox.restart_from(session, 3)
        assert state.pending_batch(session) is None and state.applied_through(session) == 2
        batch = outbox.next_batch(session, "device-a")
    assert batch is not None and batch.from_seq == 3
    assert [row.client_seq for row in outbox_rows(station.engine)] == [row.client_seq for row in rows[2:]]
