"""Columns every synced record carries (UUIDv7 id, station, author, UTC times, version, soft delete)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import uuid_utils
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


def new_id() -> str:
    """A UUIDv7: made offline on the laptop, unique everywhere, and sorted by creation time."""
    return str(uuid_utils.uuid7())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC, returns UTC-aware datetimes, and refuses naive ones, whose zone nobody knows."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: attach a time zone before storing")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utc_field(*, nullable: bool = True, index: bool = False, **kwargs: Any) -> Any:
    """A timestamp column stored in UTC."""
    return Field(sa_type=UTCDateTime, nullable=nullable, index=index, **kwargs)


class RecordBase(SQLModel):
    """Sync metadata shared by every station record; `version` is the last server version seen (0: never)."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    station_id: str = Field(default="", index=True, max_length=36)  # set by services.records on insert
    created_by: str = Field(default="", max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    version: int = Field(default=0)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
