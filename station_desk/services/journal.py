"""The hash-chained audit log and the sync outbox, written inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from station_desk.models import AuditEntry, OutboxEntry
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.serialize import plain

GENESIS_HASH = "0" * 64


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over the entry's content and the previous hash; any changed byte changes it."""
    content = {
        "id": entry.id,
        "station_id": entry.station_id,
        "at": plain(entry.at),
        "user_id": entry.user_id,
        "action": plain(entry.action),
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "reason": entry.reason,
        "details": entry.details,
        "previous_hash": entry.previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _last_hash(session: Session) -> str:
    last = session.exec(select(AuditEntry.entry_hash).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    return last or GENESIS_HASH


def audit(
    session: Session,
    actor: Actor | None,
    action: AuditAction,
    *,
    station_id: str | None = None,
    record_type: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain; the caller's commit makes it permanent together with the change."""
    entry = AuditEntry(
        station_id=station_id or (actor.station_id if actor else ""),
        user_id=actor.user_id if actor else None,
        action=action,
        record_type=record_type,
        record_id=record_id,
        reason=reason,
        details=plain(details or {}),
        previous_hash=_last_hash(session),
        entry_hash="",
    )
    entry.entry_hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken_seq: int | None
    first_broken_id: str | None

    @property
    def whole(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(session: Session) -> ChainReport:
    """Walk the log in order; the first entry whose hash or link does not hold is named."""
    previous = GENESIS_HASH
    count = 0
    for entry in session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))):
        count += 1
        if entry.previous_hash != previous or entry_hash(entry) != entry.entry_hash:
            return ChainReport(entries=count, first_broken_seq=entry.seq, first_broken_id=entry.id)
        previous = entry.entry_hash
    return ChainReport(entries=count, first_broken_seq=None, first_broken_id=None)


def queue_change(
    session: Session,
    *,
    record_type: str,
    record_id: str,
    operation: str,
    changed: dict[str, Any],
    base_version: int,
) -> None:
    """One outbox row for the sync client, in the same transaction as the change it describes."""
    session.add(
        OutboxEntry(
            record_type=record_type,
            record_id=record_id,
            operation=operation,
            changed=plain(changed),
            base_version=base_version,
        )
    )
