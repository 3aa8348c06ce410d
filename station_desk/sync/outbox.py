"""Push batches from the outbox: coalesced ops, ranges recorded before sending, identical when sent again."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, func, select

from station_desk.models import OutboxEntry, utcnow
from station_desk.sync import state
from station_desk.sync.protocol import BATCH_SIZE, SERVER_OWNED_FIELDS, Op, PushRequest


def coalesce(rows: Sequence[OutboxEntry]) -> list[Op]:
    """One op per record: fields merged in order, the highest seq, the first row's base.

    An insert followed by updates stays an insert; anything followed by a delete is a delete. Ops come in the
    order of their seq.
    """
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in sorted(rows, key=lambda entry: entry.client_seq or 0):
        key = (row.record_type, row.record_id)
        current = merged.get(key)
        if current is None:
            merged[key] = {
                "seq": row.client_seq,
                "op": row.operation,
                "base": row.base_version,
                "fields": dict(row.changed),
            }
            continue
        current["seq"] = row.client_seq
        current["fields"].update(row.changed)
        if row.operation == "delete":
            current["op"] = "delete"
        elif current["op"] != "delete" and current["op"] != "insert":
            current["op"] = row.operation
    ops = [
        Op(
            seq=int(values["seq"]),
            type=record_type,
            id=record_id,
            op=values["op"],
            base=int(values["base"]),
            fields={name: value for name, value in values["fields"].items() if name not in SERVER_OWNED_FIELDS},
        )
        for (record_type, record_id), values in merged.items()
    ]
    return sorted(ops, key=lambda op: op.seq)


def _rows(session: Session, from_seq: int, to_seq: int | None = None, limit: int | None = None) -> list[OutboxEntry]:
    query = select(OutboxEntry).where(col(OutboxEntry.client_seq) >= from_seq)
    if to_seq is not None:
        query = query.where(col(OutboxEntry.client_seq) <= to_seq)
    query = query.order_by(col(OutboxEntry.client_seq))
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def _request(device_id: str, batch: state.PendingBatch, rows: Sequence[OutboxEntry]) -> PushRequest:
    return PushRequest(
        device_id=device_id,
        batch_id=batch.batch_id,
        from_seq=batch.from_seq,
        to_seq=batch.to_seq,
        ops=coalesce(rows),
        client_time=utcnow(),
    )


def rebuild(session: Session, device_id: str, batch: state.PendingBatch) -> PushRequest:
    """The recorded batch again: the same id, the same range, the same ops."""
    return _request(device_id, batch, _rows(session, batch.from_seq, batch.to_seq))


def _new_batch(session: Session, device_id: str, after: int) -> PushRequest | None:
    """The next rows after `after` as a new batch, recorded as pending before anyone sends it."""
    rows = _rows(session, after + 1, limit=BATCH_SIZE)
    if not rows:
        return None
    batch = state.PendingBatch(batch_id=str(uuid.uuid4()), from_seq=after + 1, to_seq=int(rows[-1].client_seq or 0))
    state.add_pending_batch(session, batch)
    return _request(device_id, batch, rows)


def next_batch(session: Session, device_id: str) -> PushRequest | None:
    """The batch to send now: the recorded one if a batch is pending, else a new one; None when nothing waits.

    The caller commits the session before sending, so the range survives a cut connection or a killed process.
    """
    pending = state.pending_batch(session)
    if pending is not None:
        return rebuild(session, device_id, pending)
    return _new_batch(session, device_id, state.applied_through(session))


def all_batches(session: Session, device_id: str) -> list[PushRequest]:
    """Every batch that waits: the recorded ones rebuilt, then new ones (recorded too) until the outbox is done."""
    batches = [rebuild(session, device_id, pending) for pending in state.pending_batches(session)]
    after = batches[-1].to_seq if batches else state.applied_through(session)
    while (batch := _new_batch(session, device_id, after)) is not None:
        batches.append(batch)
        after = batch.to_seq
    return batches


def restart_from(session: Session, seq: int) -> None:
    """The server asked for the range to start at `seq` (409): forget recorded batches and resend from there.

    Rows below `seq` were applied by the server already; they are removed so they are not sent again.
    """
    state.set_pending_batches(session, [])
    state.set_applied_through(session, max(seq - 1, 0))
    for row in session.exec(select(OutboxEntry).where(col(OutboxEntry.client_seq) < seq)):
        session.delete(row)
    session.flush()


def waiting_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(OutboxEntry)).one())


def waiting_fields(session: Session, record_type: str, record_id: str, *, after: int = 0) -> set[str] | None:
    """The fields of a record still waiting in the outbox after `after`; None when nothing waits for it."""
    rows = session.exec(
        select(OutboxEntry).where(
            OutboxEntry.record_type == record_type,
            OutboxEntry.record_id == record_id,
            col(OutboxEntry.client_seq) > after,
        )
    ).all()
    if not rows:
        return None
    fields: set[str] = set()
    for row in rows:
        fields.update(row.changed)
        if row.operation == "delete":
            fields.add("deleted_at")
    return fields
