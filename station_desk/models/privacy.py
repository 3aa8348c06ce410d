"""Data protection records: retention rules per station, anonymisation markers, and restriction to named users."""

from __future__ import annotations

from sqlmodel import JSON, Field

from station_desk.models.base import RecordBase


class RetentionRule(RecordBase, table=True):
    """A station's own review and erasure periods for one kind of record (services.retention holds the defaults).

    A synced record, so every laptop of the station and the server apply the same periods.
    """

    record_type: str = Field(max_length=40, index=True)
    review_after_months: int
    keep_for_months: int


class AnonymisedRecord(RecordBase, table=True):
    """Says that a record's identifying data was cleared, so every laptop knows it (the audit log syncs up only)."""

    record_type: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    reason: str = ""


class RecordRestriction(RecordBase, table=True):
    """A record only the commander and the users named here may open; no row (or a deleted one): no restriction."""

    record_type: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    user_ids: list[str] = Field(default_factory=list, sa_type=JSON)
