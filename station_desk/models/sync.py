"""What sync keeps on the laptop besides the outbox: conflicts to resolve and the history of sync runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Field, SQLModel

from station_desk.models.base import RecordBase, UTCDateTime, utcnow


class SyncConflict(RecordBase, table=True):
    """Made by the server when two laptops changed the same field; syncs down, and its resolution syncs up.

    `values` maps each field in conflict to {"mine": ..., "theirs": ...}: "mine" is what the laptop named
    in `device_id` sent, "theirs" what the server kept. `kind` is "edit" (same field), "delete_vs_edit" (the
    laptop deleted a record edited elsewhere) or "edit_vs_delete" (it edited a record deleted elsewhere).
    """

    record_type: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    kind: str = Field(default="edit", max_length=20)
    device_id: str = Field(default="", max_length=36)
    values: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    resolution: str | None = Field(default=None, max_length=20)  # mine, theirs, merged
    resolved_by: str | None = Field(default=None, max_length=36)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class SyncRun(SQLModel, table=True):
    """One sync attempt, for the Sync page's history; stays on this laptop."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    via: str = Field(default="network", max_length=10)  # network, file
    sent: int = 0
    received: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    error: str | None = None
