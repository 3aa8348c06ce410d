"""Sync conflicts the server found: listing the open ones and resolving one as an ordinary audited update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlmodel import Session, col, select

from station_desk.errors import NotFound, StationDeskError
from station_desk.i18n import _
from station_desk.models import RECORD_TYPES, SyncConflict, utcnow
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.records import soft_delete, update_record
from station_desk.services.serialize import record_dict
from station_desk.sync import state
from station_desk.sync.apply import typed_values

Choice = Literal["mine", "theirs", "merged"]
KINDS = ("edit", "delete_vs_edit", "edit_vs_delete")


@dataclass(frozen=True)
class ConflictView:
    """One open conflict. `fields` maps each field to (mine, theirs): "mine" is what the laptop named by the
    conflict sent, "theirs" what the server kept; `from_this_laptop` says whether that laptop is this one."""

    id: str
    record_type: str
    record_id: str
    kind: str
    fields: dict[str, tuple[Any, Any]]
    created_at: datetime
    from_this_laptop: bool


def _view(conflict: SyncConflict, device_id: str | None) -> ConflictView:
    fields: dict[str, tuple[Any, Any]] = {}
    for name, pair in (conflict.values or {}).items():
        if isinstance(pair, dict):
            fields[str(name)] = (pair.get("mine"), pair.get("theirs"))
    return ConflictView(
        id=conflict.id,
        record_type=conflict.record_type,
        record_id=conflict.record_id,
        kind=conflict.kind,
        fields=fields,
        created_at=conflict.created_at,
        from_this_laptop=bool(device_id) and conflict.device_id == device_id,
    )


def open_conflicts(session: Session) -> list[ConflictView]:
    """Conflicts nobody has resolved yet, oldest first."""
    rows = session.exec(
        select(SyncConflict)
        .where(col(SyncConflict.resolution).is_(None), col(SyncConflict.deleted_at).is_(None))
        .order_by(col(SyncConflict.created_at), col(SyncConflict.id))
    ).all()
    device_id = state.get(session, state.DEVICE_ID)
    return [_view(row, device_id) for row in rows]


def resolve_conflict(
    session: Session,
    actor: Actor,
    conflict_id: str,
    choice: Choice,
    merged: dict[str, Any] | None = None,
) -> None:
    """Write the chosen values to the record and close the conflict; both are audited, queued updates.

    "mine" takes the values of the laptop that sent the conflicting change (for "edit_vs_delete" that restores
    the record, for "delete_vs_edit" it deletes it), "theirs" the server's, "merged" the given values for the
    fields in conflict. Anyone of the station may resolve.
    """
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.deleted_at is not None or conflict.station_id != actor.station_id:
        raise NotFound(_("The conflict was not found. It may have been resolved on another laptop."))
    if conflict.resolution is not None:
        raise StationDeskError(_("This conflict was already resolved."))
    if choice not in ("mine", "theirs", "merged"):
        raise ValueError(f"unknown choice {choice!r}")
    model = RECORD_TYPES.get(conflict.record_type)
    record = session.get(model, conflict.record_id) if model is not None else None
    if model is None or record is None:
        raise NotFound(_("The record of this conflict is not on this laptop yet. Sync first."))
    view = _view(conflict, None)
    if choice == "merged":
        if not merged:
            raise StationDeskError(_("Choose a value for each field in conflict."))
        values = {name: value for name, value in merged.items() if name in view.fields}
    else:
        index = 0 if choice == "mine" else 1
        values = {name: pair[index] for name, pair in view.fields.items()}
    values.pop("deleted_at", None)
    reason = _("sync conflict resolved: {choice}").format(choice=choice)
    changes = typed_values(model, record_dict(record), values) if values else {}
    if conflict.kind == "edit_vs_delete":
        if choice == "theirs":
            if record.deleted_at is None:
                soft_delete(session, actor, record, reason=reason)
            changes = {}
        else:
            changes["deleted_at"] = None
    elif conflict.kind == "delete_vs_edit" and choice != "mine" and record.deleted_at is not None:
        changes["deleted_at"] = None
    if changes:
        update_record(session, actor, record, changes, action=AuditAction.resolve, reason=reason)
    if conflict.kind == "delete_vs_edit" and choice == "mine":
        # The laptop's last words on the record first (fields it changed before deleting), then the delete.
        soft_delete(session, actor, record, reason=reason)
    update_record(
        session,
        actor,
        conflict,
        {"resolution": choice, "resolved_by": actor.user_id, "resolved_at": utcnow()},
        action=AuditAction.resolve,
        reason=reason,
    )
