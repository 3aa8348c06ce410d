"""Writes what the server sent into the station database: push answers, pull pages, snapshots, the checksum."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session, SQLModel, col, select

from station_desk.models import RECORD_TYPES, Category, OutboxEntry, RecordBase, utcnow
from station_desk.services.serialize import record_dict
from station_desk.sync import outbox, state
from station_desk.sync.protocol import Change, PullAnswer, PushAnswer, SnapshotAnswer, record_checksum

log = logging.getLogger(__name__)


@dataclass
class PushOutcome:
    """What one push answer did, for the sync run's counts."""

    sent: int = 0
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    rejections: list[str] = field(default_factory=list)  # "type id: code", for the log


def _columns(model: type[SQLModel]) -> list[str]:
    return [column.name for column in model.__table__.columns]  # type: ignore[attr-defined]


def _aware(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def typed_values(model: type[SQLModel], current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The changed fields as the model's column types (times, enums), validated against the whole record.

    Unknown fields are dropped. Raises pydantic's ValidationError for values the model refuses.
    """
    columns = set(_columns(model))
    known = {name: value for name, value in changes.items() if name in columns}
    validated = model.model_validate({**current, **known})
    return {name: _aware(getattr(validated, name)) for name in known}


def defer_foreign_keys(session: Session) -> None:
    """Within this transaction, check references at commit: a page may bring a child before its parent."""
    session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def _upsert_category(session: Session, change: Change) -> bool:
    code = str(change.fields.get("code") or change.id)
    existing = session.get(Category, code)
    if existing is not None and existing.version > change.version:
        return False
    current = record_dict(existing) if existing is not None else {}
    values = typed_values(Category, current, {**change.fields, "code": code, "version": change.version})
    if existing is None:
        session.add(Category.model_validate(values))
    else:
        for name, value in values.items():
            setattr(existing, name, value)
        session.add(existing)
    return True


def upsert_change(session: Session, change: Change, *, waiting_after: int = 0) -> bool:
    """Write the server's copy of a record, keeping the fields still waiting in the outbox; no outbox row.

    Returns False (and changes nothing) for an unknown type, a copy older than the local one, or a record the
    model refuses.
    """
    try:
        if change.type == Category.__tablename__:
            return _upsert_category(session, change)
        model = RECORD_TYPES.get(change.type)
        if model is None:
            log.warning("sync: ignored a change of unknown type %s", change.type)
            return False
        existing = session.get(model, change.id)
        incoming = {name: value for name, value in change.fields.items() if name not in ("id", "version")}
        if existing is None:
            values = typed_values(model, {}, {**incoming, "id": change.id, "version": change.version})
            session.add(model.model_validate(values))
            session.flush()
            return True
        if existing.version > change.version:
            return False
        waiting = outbox.waiting_fields(session, change.type, change.id, after=waiting_after) or set()
        kept = {name: value for name, value in incoming.items() if name not in waiting}
        for name, value in typed_values(model, record_dict(existing), kept).items():
            setattr(existing, name, value)
        existing.version = max(existing.version, change.version)
        session.add(existing)
        session.flush()
        return True
    except (ValidationError, ValueError, TypeError) as error:
        log.warning("sync: ignored %s %s: %s", change.type, change.id, error)
        return False


def _set_version(session: Session, model: type[RecordBase], record_id: str, version: int) -> None:
    record = session.get(model, record_id)
    if record is not None and version > record.version:
        record.version = version
        session.add(record)


def _rebase(session: Session, record_type: str, record_id: str, after: int, version: int) -> None:
    """Later outbox rows of the record were edited on top of what the server now has as `version`."""
    session.execute(
        sa.update(OutboxEntry)
        .where(
            col(OutboxEntry.record_type) == record_type,
            col(OutboxEntry.record_id) == record_id,
            col(OutboxEntry.client_seq) > after,
        )
        .values(base_version=version)
    )


def apply_push_answer(session: Session, batch: state.PendingBatch, answer: PushAnswer) -> PushOutcome:
    """One answer in the caller's transaction: the range leaves the outbox, versions and server copies land."""
    if answer.batch_id != batch.batch_id:
        raise ValueError(f"answer for batch {answer.batch_id}, expected {batch.batch_id}")
    defer_foreign_keys(session)
    session.execute(
        sa.delete(OutboxEntry).where(
            col(OutboxEntry.client_seq) >= batch.from_seq, col(OutboxEntry.client_seq) <= batch.to_seq
        )
    )
    outcome = PushOutcome(sent=len(answer.results))
    for result in answer.results:
        if result.status == "rejected" or result.version is None:
            outcome.rejected += 1
            outcome.rejections.append(f"{result.type} {result.id}: {result.code or ''} {result.reason or ''}".strip())
            log.warning("sync: the server refused %s %s: %s %s", result.type, result.id, result.code, result.reason)
            continue
        if result.status == "merged":
            outcome.merged += 1
        elif result.status == "conflict":
            outcome.conflicts += 1
        else:
            outcome.applied += 1
        model = RECORD_TYPES.get(result.type)
        if model is None:
            continue
        if result.record is not None:
            change = Change(type=result.type, id=result.id, version=result.version, fields=result.record)
            upsert_change(session, change, waiting_after=batch.to_seq)
        _set_version(session, model, result.id, result.version)
        _rebase(session, result.type, result.id, batch.to_seq, result.version)
    state.set_applied_through(session, max(answer.applied_through, batch.to_seq))
    state.remove_pending_batch(session, batch.batch_id)
    session.flush()
    return outcome


def apply_pull_page(session: Session, page: PullAnswer, *, cursor_may_fall: bool = False) -> int:
    """One page and its cursor in the caller's transaction; returns how many records changed."""
    defer_foreign_keys(session)
    received = sum(1 for change in page.changes if upsert_change(session, change))
    current = state.pull_cursor(session)
    state.set_pull_cursor(session, page.cursor if cursor_may_fall else max(current, page.cursor))
    session.flush()
    return received


def apply_snapshot_page(session: Session, page: SnapshotAnswer, seen: set[tuple[str, str]]) -> int:
    """Upsert one snapshot page, remembering which records the server still has."""
    defer_foreign_keys(session)
    received = 0
    for change in page.changes:
        seen.add((change.type, change.id))
        if upsert_change(session, change):
            received += 1
    session.flush()
    return received


def finish_snapshot(session: Session, seen: set[tuple[str, str]], cursor: int) -> int:
    """Mark deleted what the server purged (synced before, absent now, nothing waiting); pull on from `cursor`.

    Nothing else is deleted: a record never synced (version 0) or with changes waiting stays as it is.
    Returns how many records were marked deleted.
    """
    marked = 0
    now = utcnow()
    waiting = {(row.record_type, row.record_id) for row in session.exec(select(OutboxEntry))}
    for table, model in RECORD_TYPES.items():
        query = select(model).where(col(model.version) > 0, col(model.deleted_at).is_(None))
        for record in session.exec(query):
            key = (table, record.id)
            if key in seen or key in waiting:
                continue
            record.deleted_at = now
            session.add(record)
            marked += 1
    state.set_pull_cursor(session, cursor)
    session.flush()
    return marked


def local_checksum(session: Session) -> str:
    """The station checksum over this laptop's records (tombstones included, never-synced records not)."""
    pairs: list[tuple[str, int]] = []
    for model in RECORD_TYPES.values():
        rows = session.exec(select(model.id, model.version).where(col(model.version) > 0))
        pairs.extend((str(record_id), int(version)) for record_id, version in rows)
    return record_checksum(pairs)
