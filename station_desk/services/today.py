"""The Today page's figures: this month at a glance for the station, as plain data built in one read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from station_desk.i18n import current_language, serbian_to_latin
from station_desk.models import Category, Incident, Patrol, Station
from station_desk.models.enums import IncidentStatus, MeasureKind
from station_desk.services.context import Actor
from station_desk.services.domestic_violence import measures_expiring
from station_desk.services.reception import sessions_for_week

# Officers are asked to spend 80% of their working time on the beat; a working day counts 8 hours.
BEAT_GOAL = 0.8
WORKING_DAY_HOURS = 8
EXPIRING_WITHIN = timedelta(days=3)
OVERDUE_SHOWN = 5
OPEN_STATUSES = (IncidentStatus.draft, IncidentStatus.submitted, IncidentStatus.returned, IncidentStatus.approved)


class SlotState(StrEnum):
    held = "held"
    not_held = "not_held"
    upcoming = "upcoming"
    not_marked = "not_marked"  # the day has passed and nobody said whether it was held


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name: str
    this_month: int
    last_month: int


@dataclass(frozen=True)
class OverdueItem:
    incident_id: str
    number: str
    category_name: str
    due_on: datetime
    status: IncidentStatus


@dataclass(frozen=True)
class ExpiringOrder:
    measure_id: str
    incident_id: str
    incident_number: str
    kind: MeasureKind
    expires_at: datetime


@dataclass(frozen=True)
class ReceptionSlot:
    day: date
    place: str
    starts: time | None
    ends: time | None
    state: SlotState


@dataclass(frozen=True)
class TodayFigures:
    """Everything the Today page shows; times are UTC-aware, days are the station's local days."""

    station_name: str
    timezone: str
    today: date
    month_start: date
    categories: list[CategoryCount]  # most incidents this month first
    incidents_this_month: int
    incidents_last_month: int
    open_by_status: dict[IncidentStatus, int]
    overdue_count: int
    overdue: list[OverdueItem]  # the longest overdue first, at most OVERDUE_SHOWN
    expiring: list[ExpiringOrder]
    reception: list[ReceptionSlot]
    patrol_hours: float
    working_days: int

    @property
    def open_count(self) -> int:
        return sum(self.open_by_status.values())

    @property
    def beat_share(self) -> float:
        """Hours on patrol over the working hours of the month so far (0 before the first working day)."""
        available = self.working_days * WORKING_DAY_HOURS
        return self.patrol_hours / available if available else 0.0


def category_name(category: Category, language: str) -> str:
    """The category's name in a UI language; Serbian Latin is made from the Cyrillic name."""
    if language == "sr_Latn":
        return serbian_to_latin(category.name_sr)
    name = getattr(category, f"name_{language}", None)
    return name if isinstance(name, str) and name else category.name_en


def month_bounds(today: date, zone: ZoneInfo) -> tuple[datetime, datetime, datetime]:
    """Local midnight of the first of last month, this month and next month, as UTC moments."""
    first = today.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return tuple(  # type: ignore[return-value]
        datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC) for day in (previous, first, following)
    )


def working_days_between(first: date, last: date) -> int:
    """Monday to Friday from first to last, both included; public holidays are not known here."""
    return sum(1 for offset in range((last - first).days + 1) if (first + timedelta(days=offset)).weekday() < 5)


def _category_counts(
    session: Session, actor: Actor, language: str, bounds: tuple[datetime, datetime, datetime]
) -> list[CategoryCount]:
    previous, first, following = bounds
    in_this_month = (col(Incident.reported_at) >= first) & (col(Incident.reported_at) < following)
    rows = session.exec(
        select(
            Incident.category_code,
            func.sum(sa.case((in_this_month, 1), else_=0)),
            func.count(),
        )
        .where(
            Incident.station_id == actor.station_id,
            col(Incident.deleted_at).is_(None),
            Incident.status != IncidentStatus.voided,
            col(Incident.reported_at) >= previous,
            col(Incident.reported_at) < following,
        )
        .group_by(col(Incident.category_code))
    ).all()
    categories = {c.code: c for c in session.exec(select(Category).where(col(Category.code).in_([r[0] for r in rows])))}
    counts = [
        CategoryCount(
            code=code,
            name=category_name(categories[code], language) if code in categories else code,
            this_month=int(this_month or 0),
            last_month=int(total) - int(this_month or 0),
        )
        for code, this_month, total in rows
    ]
    counts.sort(key=lambda c: (-c.this_month, -c.last_month, c.name))
    return counts


def _open_and_overdue(
    session: Session, actor: Actor, language: str, now: datetime
) -> tuple[dict[IncidentStatus, int], int, list[OverdueItem]]:
    live_open = (
        Incident.station_id == actor.station_id,
        col(Incident.deleted_at).is_(None),
        col(Incident.status).in_(OPEN_STATUSES),
    )
    by_status = {
        IncidentStatus(status): int(count)
        for status, count in session.exec(
            select(Incident.status, func.count()).where(*live_open).group_by(col(Incident.status))
        ).all()
    }
    overdue_filter = (*live_open, col(Incident.due_on).is_not(None), col(Incident.due_on) < now)
    overdue_count = int(session.exec(select(func.count()).select_from(Incident).where(*overdue_filter)).one())
    rows = session.exec(
        select(Incident, Category)
        .join(Category, col(Category.code) == col(Incident.category_code))
        .where(*overdue_filter)
        .order_by(col(Incident.due_on), col(Incident.number))
        .limit(OVERDUE_SHOWN)
    ).all()
    overdue = [
        OverdueItem(
            incident_id=incident.id,
            number=incident.number,
            category_name=category_name(category, language),
            due_on=incident.due_on,
            status=incident.status,
        )
        for incident, category in rows
        if incident.due_on is not None
    ]
    return by_status, overdue_count, overdue


def _patrol_hours(session: Session, actor: Actor, since: datetime, now: datetime) -> float:
    """Hours of the station's patrols that started this month; a patrol still out counts up to now."""
    patrols = session.exec(
        select(Patrol.started_at, Patrol.ended_at).where(
            Patrol.station_id == actor.station_id,
            col(Patrol.deleted_at).is_(None),
            col(Patrol.started_at) >= since,
            col(Patrol.started_at) < now,
        )
    ).all()
    seconds = sum(max((min(ended, now) - started).total_seconds(), 0.0) for started, ended in patrols)
    return seconds / 3600


def _slot_state(held: bool | None, day: date, today: date) -> SlotState:
    if held is not None:
        return SlotState.held if held else SlotState.not_held
    return SlotState.upcoming if day >= today else SlotState.not_marked


def today_figures(*, session: Session, actor: Actor, now: datetime, language: str | None = None) -> TodayFigures:
    """This month for the station in its own time zone; `language` names the categories (default: the UI's)."""
    language = language or current_language()
    station = session.get(Station, actor.station_id)
    timezone = station.timezone if station else "UTC"
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    bounds = month_bounds(today, zone)
    categories = _category_counts(session, actor, language, bounds)
    by_status, overdue_count, overdue = _open_and_overdue(session, actor, language, now)
    expiring = [
        ExpiringOrder(
            measure_id=measure.id,
            incident_id=measure.incident_id,
            incident_number=number,
            kind=measure.kind,
            expires_at=measure.expires_at,
        )
        for measure, number in measures_expiring(session=session, actor=actor, within=EXPIRING_WITHIN, now=now)
        if measure.expires_at is not None
    ]
    reception = [
        ReceptionSlot(
            day=slot.day,
            place=slot.place,
            starts=slot.starts,
            ends=slot.ends,
            state=_slot_state(slot.session.held if slot.session else None, slot.day, today),
        )
        for slot in sessions_for_week(session=session, actor=actor, week_start=today)
    ]
    return TodayFigures(
        station_name=station.name if station else "",
        timezone=timezone,
        today=today,
        month_start=today.replace(day=1),
        categories=categories,
        incidents_this_month=sum(c.this_month for c in categories),
        incidents_last_month=sum(c.last_month for c in categories),
        open_by_status=by_status,
        overdue_count=overdue_count,
        overdue=overdue,
        expiring=expiring,
        reception=reception,
        patrol_hours=_patrol_hours(session, actor, bounds[1], now),
        working_days=working_days_between(today.replace(day=1), today),
    )
