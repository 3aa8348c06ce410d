"""Turns records into plain JSON-ready dicts for the outbox, the audit log and exports."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlmodel import SQLModel


def plain(value: Any) -> Any:
    """One value as JSON would hold it: times as ISO text, enums as their value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def record_dict(record: SQLModel) -> dict[str, Any]:
    """Every column of a record, JSON-ready, in column order."""
    table = record.__table__  # type: ignore[attr-defined]
    return {column.name: plain(getattr(record, column.name)) for column in table.columns}
