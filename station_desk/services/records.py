"""Generic writes of any synced record: metadata, audit entry and outbox row together, soft delete only."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session

from station_desk.errors import NotFound
from station_desk.i18n import _
from station_desk.models import RecordBase, utcnow
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.journal import audit, queue_change
from station_desk.services.serialize import plain, record_dict

R = TypeVar("R", bound=RecordBase)
# Columns the outbox carries implicitly or the server owns.
_META = {"id", "station_id", "created_by", "created_at", "updated_at", "version", "deleted_at"}


def insert_record(session: Session, actor: Actor, record: R, *, reason: str | None = None) -> R:
    """Stamp, store, audit and queue a new record."""
    record.station_id = actor.station_id
    record.created_by = actor.user_id
    record.created_at = record.updated_at = utcnow()
    session.add(record)
    session.flush()
    table = str(record.__tablename__)
    values = record_dict(record)
    audit(
        session,
        actor,
        AuditAction.create,
        record_type=table,
        record_id=record.id,
        reason=reason,
        details={"fields": sorted(key for key, value in values.items() if key not in _META and value is not None)},
    )
    queue_change(session, record_type=table, record_id=record.id, operation="insert", changed=values, base_version=0)
    return record


def update_record(
    session: Session,
    actor: Actor,
    record: R,
    changes: dict[str, Any],
    *,
    action: AuditAction = AuditAction.update,
    reason: str | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply only the fields that really change; returns them as (old, new). No change writes nothing."""
    changed: dict[str, tuple[Any, Any]] = {}
    for field, new_value in changes.items():
        old_value = getattr(record, field)
        if old_value != new_value:
            changed[field] = (old_value, new_value)
            setattr(record, field, new_value)
    if not changed:
        return changed
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    table = str(record.__tablename__)
    audit(
        session,
        actor,
        action,
        record_type=table,
        record_id=record.id,
        reason=reason,
        details={"changes": {field: [plain(old), plain(new)] for field, (old, new) in changed.items()}},
    )
    queue_change(
        session,
        record_type=table,
        record_id=record.id,
        operation="update",
        changed={field: new for field, (_old, new) in changed.items()} | {"updated_at": record.updated_at},
        base_version=record.version,
    )
    return changed


def soft_delete(session: Session, actor: Actor, record: RecordBase, *, reason: str | None = None) -> None:
    """Mark deleted (a tombstone that syncs); rows are only really removed by retention rules."""
    if record.deleted_at is not None:
        return
    record.deleted_at = record.updated_at = utcnow()
    session.add(record)
    session.flush()
    table = str(record.__tablename__)
    audit(session, actor, AuditAction.delete, record_type=table, record_id=record.id, reason=reason)
    queue_change(
        session,
        record_type=table,
        record_id=record.id,
        operation="delete",
        changed={"deleted_at": record.deleted_at},
        base_version=record.version,
    )


def get_record(session: Session, model: type[R], record_id: str, *, actor: Actor | None = None) -> R:
    """A live record of this station, or NotFound in the user's language."""
    record = session.get(model, record_id)
    if record is None or record.deleted_at is not None or (actor and record.station_id != actor.station_id):
        raise NotFound(_("The record was not found. It may have been deleted."))
    return record
