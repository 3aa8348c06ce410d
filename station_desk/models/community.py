"""Community work: meetings and debates, prevention events, resident-flagged threats, the priority plan,
and the daily station statistics Kosovo publishes."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field

from station_desk.models.base import RecordBase, UTCDateTime
from station_desk.models.enums import MeetingKind, PreventionKind, ThreatCategory, ThreatStatus


class CommunityMeeting(RecordBase, table=True):
    kind: MeetingKind
    held_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    place: str = Field(max_length=200)
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36)
    attendance: int = 0
    issues_raised: str = ""
    commitments: str = ""


class PreventionEvent(RecordBase, table=True):
    kind: PreventionKind
    held_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    place: str = Field(max_length=200)
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36)
    audience_size: int = 0
    topic: str = ""


class ResidentThreat(RecordBase, table=True):
    category: ThreatCategory
    reported_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36)
    place: str = Field(max_length=300)
    description: str = ""
    status: ThreatStatus = ThreatStatus.new
    action_taken: str = ""


class PriorityPlan(RecordBase, table=True):
    """Poland's half-year priority action plan: a problem, a goal, actions, and the evaluation at the end."""

    period_start: date
    period_end: date
    problem: str
    goal: str
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36)
    evaluation: str | None = None


class PlanAction(RecordBase, table=True):
    plan_id: str = Field(foreign_key="priorityplan.id", max_length=36, index=True)
    description: str
    deadline: date
    partners: str = ""
    done_on: date | None = None


class DailyStatistics(RecordBase, table=True):
    """Traffic and custody figures of one day (published daily by Kosovo Police stations)."""

    day: date = Field(index=True)
    fatal_accidents: int = 0
    injury_accidents: int = 0
    damage_only_accidents: int = 0
    traffic_tickets: int = 0
    arrests: int = 0
    people_held: int = 0
