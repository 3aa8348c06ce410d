"""The hash-chained audit log and the sync outbox: both are written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Field, SQLModel

from station_desk.models.base import UTCDateTime, new_id, utcnow
from station_desk.models.enums import AuditAction


class AuditEntry(SQLModel, table=True):
    """Append-only; `entry_hash` covers this entry and `previous_hash`, so an edit breaks the chain."""

    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(default_factory=new_id, max_length=36, unique=True)
    station_id: str = Field(max_length=36)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    user_id: str | None = Field(default=None, max_length=36)
    action: AuditAction
    record_type: str | None = Field(default=None, max_length=40)
    record_id: str | None = Field(default=None, max_length=36, index=True)
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    previous_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64)


class OutboxEntry(SQLModel, table=True):
    """A local change waiting for the server; deleted only once the server has answered for it.

    AUTOINCREMENT keeps `client_seq` growing after the table empties: the server refuses a seq it has seen.
    """

    __table_args__ = {"sqlite_autoincrement": True}

    client_seq: int | None = Field(default=None, primary_key=True)
    record_type: str = Field(max_length=40, index=True)  # covers the status bar's and Sync page's counts
    record_id: str = Field(max_length=36)
    operation: str = Field(max_length=10)  # insert, update, delete
    changed: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    base_version: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class SyncState(SQLModel, table=True):
    """Small key-value facts of the sync client (device id, pull cursor, last sync)."""

    key: str = Field(primary_key=True, max_length=60)
    value: str
