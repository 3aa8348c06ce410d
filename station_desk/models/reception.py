"""Citizen reception hours: the weekly schedule, each session held or not, and each visit."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import Field

from station_desk.models.base import RecordBase
from station_desk.models.enums import VisitOutcome


class ReceptionSchedule(RecordBase, table=True):
    """A recurring slot, e.g. Mondays 10:00-12:00 at the gmina office; weekday 0 is Monday."""

    place: str = Field(max_length=200)
    weekday: int
    starts: time
    ends: time
    valid_from: date
    valid_to: date | None = None


class ReceptionSession(RecordBase, table=True):
    schedule_id: str | None = Field(default=None, foreign_key="receptionschedule.id", max_length=36)
    day: date = Field(index=True)
    place: str = Field(max_length=200)
    held: bool = True
    note: str | None = None


class ReceptionVisit(RecordBase, table=True):
    session_id: str = Field(foreign_key="receptionsession.id", max_length=36, index=True)
    visitor_name: str = Field(max_length=200)
    person_id: str | None = Field(default=None, foreign_key="person.id", max_length=36)
    topic: str = Field(max_length=300)
    outcome: VisitOutcome
    incident_id: str | None = Field(default=None, foreign_key="incident.id", max_length=36)
    follow_up_on: date | None = None
    resolved: bool = False
