"""Domestic-violence details: forms, relationship, risk assessment, protective measures, monitoring."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import JSON, Field

from station_desk.models.base import RecordBase, UTCDateTime
from station_desk.models.enums import BlueCardForm, MeasureKind, Relationship, RiskLevel


class DomesticViolenceDetails(RecordBase, table=True):
    incident_id: str = Field(foreign_key="incident.id", max_length=36, unique=True)
    physical: bool = False
    sexual: bool = False
    psychological: bool = False
    economic: bool = False
    relationship: Relationship
    children_present: bool = False
    blue_card_form: BlueCardForm | None = None
    referrals: str | None = None  # where the victim was referred: shelter, social services, medical


class RiskAssessment(RecordBase, table=True):
    incident_id: str = Field(foreign_key="incident.id", max_length=36, index=True)
    form: str = Field(max_length=60)  # the assessment form used (national questionnaire)
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    level: RiskLevel
    assessed_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class ProtectiveMeasure(RecordBase, table=True):
    incident_id: str = Field(foreign_key="incident.id", max_length=36, index=True)
    kind: MeasureKind
    against_person_id: str | None = Field(default=None, foreign_key="person.id", max_length=36)
    issued_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    document_number: str | None = Field(default=None, max_length=60)


class MeasureBreach(RecordBase, table=True):
    measure_id: str = Field(foreign_key="protectivemeasure.id", max_length=36, index=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    note: str = ""


class OffenderMonitoring(RecordBase, table=True):
    """An offender under preventive monitoring (profilaktychnyi oblik / preventive supervision)."""

    person_id: str = Field(foreign_key="person.id", max_length=36, index=True)
    incident_id: str | None = Field(default=None, foreign_key="incident.id", max_length=36)
    started_on: date
    ends_on: date | None = None
    reason: str = ""


class MonitoringCheckIn(RecordBase, table=True):
    monitoring_id: str = Field(foreign_key="offendermonitoring.id", max_length=36, index=True)
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    note: str = ""
