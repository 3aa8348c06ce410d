"""Patrols: time on the beat, mode, officers, vehicle and kilometres, villages visited."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import JSON, Field

from station_desk.models.base import RecordBase, UTCDateTime
from station_desk.models.enums import PatrolMode


class Patrol(RecordBase, table=True):
    started_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    ended_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    mode: PatrolMode
    officer_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    vehicle: str | None = Field(default=None, max_length=60)
    km: float = 0.0
    purpose: str = ""
    observations: str = ""


class PatrolVillage(RecordBase, table=True):
    patrol_id: str = Field(foreign_key="patrol.id", max_length=36, index=True)
    village_id: str = Field(foreign_key="village.id", max_length=36, index=True)
