"""What the laptop keeps about imports: each run as one undoable action, and the records and row keys it made."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from station_desk.models.base import UTCDateTime, new_id, utcnow


class ImportRun(SQLModel, table=True):
    """One import of one file: who ran it, what it made, and whether a commander undid it. Stays on this laptop."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    station_id: str = Field(max_length=36, index=True)
    kind: str = Field(max_length=30)
    file_name: str = Field(max_length=500)
    file_sha256: str = Field(max_length=64)
    created_by: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    rows_read: int = 0
    records_created: int = 0
    duplicates: int = 0
    rejected: int = 0
    persons_matched: int = 0
    persons_created: int = 0
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    undone_by: str | None = Field(default=None, max_length=36)


class ImportedRecord(SQLModel, table=True):
    """A record an import made; `row_key` (one per file row) makes a second import of the same row a duplicate."""

    __table_args__ = (sa.Index("ix_importedrecord_row_key", "row_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    import_id: str = Field(foreign_key="importrun.id", max_length=36, index=True)
    record_type: str = Field(max_length=40)
    record_id: str = Field(max_length=36)
    row_key: str | None = Field(default=None, max_length=64)
