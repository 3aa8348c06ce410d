"""Incidents and what hangs off them: people involved, property, notes and supplements."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from station_desk.models.base import RecordBase, UTCDateTime
from station_desk.models.enums import (
    Confidentiality,
    DataProtectionCategory,
    IncidentSource,
    IncidentStatus,
    InvolvementRole,
    LegalType,
    NoteKind,
    Outcome,
    PropertyKind,
    PropertyRole,
)


class Incident(RecordBase, table=True):
    __table_args__ = (
        sa.Index("ix_incident_station_reported_id", "station_id", "reported_at", "id"),
        # Open and overdue counts (Today page) read only this index.
        sa.Index("ix_incident_station_status_due", "station_id", "status", "due_on", "deleted_at"),
        # Sorting the list by number or category pages by (column, id).
        sa.Index("ix_incident_station_number_id", "station_id", "number", "id"),
        sa.Index("ix_incident_station_category_id", "station_id", "category_code", "id"),
    )

    number: str = Field(max_length=30, index=True)  # station register number, e.g. 2026/0042
    reported_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    occurred_from: datetime | None = Field(default=None, sa_type=UTCDateTime)
    occurred_to: datetime | None = Field(default=None, sa_type=UTCDateTime)
    source: IncidentSource
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36, index=True)
    address: str | None = Field(default=None, max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    category_code: str = Field(foreign_key="category.code", max_length=40, index=True)
    legal_type: LegalType
    domestic_violence: bool = Field(default=False, index=True)
    narrative: str = ""
    status: IncidentStatus = Field(default=IncidentStatus.draft, index=True)
    outcome: Outcome = Outcome.pending
    due_on: datetime | None = Field(default=None, sa_type=UTCDateTime)
    national_register_number: str | None = Field(default=None, max_length=60)
    blue_card_number: str | None = Field(default=None, max_length=60)
    confidentiality: Confidentiality = Confidentiality.normal
    patrol_id: str | None = Field(default=None, foreign_key="patrol.id", max_length=36)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by: str | None = Field(default=None, max_length=36)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    return_note: str | None = None
    void_reason: str | None = None


class Involvement(RecordBase, table=True):
    """A person's link to an incident, with the role and the data-protection category the law asks for."""

    incident_id: str = Field(foreign_key="incident.id", max_length=36, index=True)
    person_id: str = Field(foreign_key="person.id", max_length=36, index=True)
    role: InvolvementRole
    data_category: DataProtectionCategory
    minor_at_time: bool = False
    note: str | None = None


class PropertyItem(RecordBase, table=True):
    incident_id: str = Field(foreign_key="incident.id", max_length=36, index=True)
    role: PropertyRole
    kind: PropertyKind = PropertyKind.other
    description: str = Field(max_length=500)
    quantity: float | None = None
    value: float | None = None  # in the station's currency
    identifier: str | None = Field(default=None, max_length=100)  # serial number, ear tag, plate


class IncidentNote(RecordBase, table=True):
    """A note, a supplement after approval, or a status change: append-only, so it never conflicts."""

    incident_id: str = Field(foreign_key="incident.id", max_length=36, index=True)
    kind: NoteKind
    text: str = ""
    status_from: str | None = Field(default=None, max_length=20)
    status_to: str | None = Field(default=None, max_length=20)
