"""The monthly report's figures for one station and month, as a tree of plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from station_desk.i18n import current_language
from station_desk.models import Station, utcnow
from station_desk.models.enums import (
    BlueCardForm,
    MeasureKind,
    Outcome,
    RiskLevel,
    ThreatStatus,
    VisitOutcome,
)
from station_desk.reports import figures_queries as q
from station_desk.reports.labels import iccs_section_name
from station_desk.services.context import Actor
from station_desk.services.today import (
    OPEN_STATUSES,
    WORKING_DAY_HOURS,
    month_bounds,
    working_days_between,
)

TREND_MONTHS = 12
OVERDUE_LISTED = 100  # the commander's list; the count covers them all
TOPICS_LISTED = 10


@dataclass(frozen=True)
class KeyCount:
    """A count under a stored code (an enum value, a form letter, a topic)."""

    key: str
    count: int


@dataclass(frozen=True)
class ReportPeriod:
    station_id: str
    station_name: str
    timezone: str
    language: str
    year: int
    month: int
    first_day: date
    last_day: date
    starts_at: datetime  # local midnight of the first day, in UTC
    ends_at: datetime  # local midnight after the last day, in UTC
    as_of: datetime  # the earlier of ends_at and the moment the figures were built


@dataclass(frozen=True)
class BeatFigures:
    """Time on the beat against desk time: working days are Monday to Friday, 8 hours each, up to as_of."""

    patrols: int
    patrol_hours: float
    km: float
    working_days: int
    working_hours: float
    desk_hours: float
    villages_covered: tuple[str, ...]

    @property
    def beat_share(self) -> float:
        return self.patrol_hours / self.working_hours if self.working_hours else 0.0

    @property
    def villages_count(self) -> int:
        return len(self.villages_covered)


@dataclass(frozen=True)
class CategoryFigure:
    code: str
    name: str  # in the report's language
    iccs_code: str | None
    iccs_section: str | None  # None: outside ICCS (a local code)
    this_month: int
    last_month: int
    same_month_last_year: int


@dataclass(frozen=True)
class SectionFigure:
    section: str | None
    name: str
    this_month: int
    last_month: int
    same_month_last_year: int


@dataclass(frozen=True)
class VillageFigure:
    village_id: str | None  # None: no village recorded
    name: str
    this_month: int
    last_month: int
    same_month_last_year: int


@dataclass(frozen=True)
class IncidentFigures:
    """Incidents reported in the month (voided and deleted ones never count); status and outcome as of now."""

    this_month: int
    last_month: int
    same_month_last_year: int
    by_category: tuple[CategoryFigure, ...]  # most this month first
    by_section: tuple[SectionFigure, ...]  # ICCS section order, outside ICCS last
    by_village: tuple[VillageFigure, ...]  # most this month first
    closed: int
    by_outcome: tuple[KeyCount, ...]  # every Outcome, in its order

    @property
    def closed_share(self) -> float:
        return self.closed / self.this_month if self.this_month else 0.0


@dataclass(frozen=True)
class OverdueIncident:
    number: str
    category_code: str
    category_name: str
    due_on: datetime
    status: str


@dataclass(frozen=True)
class OpenFigures:
    """Incidents reported before the month's end and still open; overdue: due before as_of."""

    by_status: tuple[KeyCount, ...]  # draft, submitted, returned, approved
    overdue_count: int
    overdue: tuple[OverdueIncident, ...]  # longest overdue first, at most OVERDUE_LISTED

    @property
    def open_count(self) -> int:
        return sum(item.count for item in self.by_status)


@dataclass(frozen=True)
class DomesticViolenceFigures:
    calls: int
    calls_last_month: int
    calls_same_month_last_year: int
    risk_levels: tuple[KeyCount, ...]  # assessments made in the month, by level
    orders_issued: tuple[KeyCount, ...]  # by MeasureKind
    orders_expiring: int
    breaches: int
    orders_breached: int
    offenders_monitored: int  # under monitoring on any day of the month
    monitoring_started: int
    blue_cards: tuple[KeyCount, ...]  # Blue Card forms A-D on the month's incidents
    referrals: int  # the month's incidents whose victim was referred elsewhere

    @property
    def orders_issued_count(self) -> int:
        return sum(item.count for item in self.orders_issued)

    @property
    def blue_cards_count(self) -> int:
        return sum(item.count for item in self.blue_cards)


@dataclass(frozen=True)
class ReceptionFigures:
    sessions_scheduled: int  # slots of the schedule up to as_of
    sessions_held: int  # held, scheduled or not
    sessions_not_held: int
    sessions_unscheduled: int  # held without a schedule slot
    visitors: int
    resolved: int
    outcomes: tuple[KeyCount, ...]  # every VisitOutcome, in its order
    topics: tuple[KeyCount, ...]  # the most frequent topics, at most TOPICS_LISTED


@dataclass(frozen=True)
class PlanProgress:
    problem: str
    period_start: date
    period_end: date
    actions_total: int
    actions_done: int  # done by as_of
    actions_overdue: int  # not done by as_of, deadline before it


@dataclass(frozen=True)
class CommunityFigures:
    meetings: int
    meeting_attendance: int
    prevention_events: int
    prevention_audience: int
    threats_by_status: tuple[KeyCount, ...]  # threats reported in the month, by their status now
    plans: tuple[PlanProgress, ...]  # plans whose period overlaps the month

    @property
    def threats(self) -> int:
        return sum(item.count for item in self.threats_by_status)

    @property
    def actions_total(self) -> int:
        return sum(plan.actions_total for plan in self.plans)

    @property
    def actions_done(self) -> int:
        return sum(plan.actions_done for plan in self.plans)

    @property
    def actions_overdue(self) -> int:
        return sum(plan.actions_overdue for plan in self.plans)


@dataclass(frozen=True)
class TrafficCustodyFigures:
    """Sums of the daily station statistics of the month."""

    days_reported: int
    fatal_accidents: int
    injury_accidents: int
    damage_only_accidents: int
    traffic_tickets: int
    arrests: int
    people_held: int


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    incidents: int
    domestic_violence: int


@dataclass(frozen=True)
class IncidentLine:
    number: str
    reported_at: datetime  # UTC
    category_code: str
    category_name: str
    village: str
    status: str
    outcome: str
    domestic_violence: bool


@dataclass(frozen=True)
class MonthFigures:
    period: ReportPeriod
    beat: BeatFigures
    incidents: IncidentFigures
    open_items: OpenFigures
    domestic_violence: DomesticViolenceFigures
    reception: ReceptionFigures
    community: CommunityFigures
    traffic: TrafficCustodyFigures
    trend: tuple[MonthCount, ...]  # the twelve months ending with this one, oldest first
    incident_list: tuple[IncidentLine, ...]  # the month's incidents in time order


def _first_of(year: int, month: int, shift: int) -> date:
    index = year * 12 + month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


def _start(day: date, zone: ZoneInfo) -> datetime:
    return month_bounds(day, zone)[1]


def _zero_filled(found: dict[str, int], keys: list[str]) -> tuple[KeyCount, ...]:
    return tuple(KeyCount(key, found.get(key, 0)) for key in keys)


@dataclass(frozen=True)
class _Frame:
    """What every section's queries need: the station, the periods compared, and where counting stops."""

    session: Session
    sid: str
    language: str
    zone: ZoneInfo
    period: ReportPeriod
    this: q.Period
    periods: tuple[q.Period, q.Period, q.Period]  # this month, last month, the same month last year
    cut_off: date  # the last local day counted (earlier than the month's last while it is still running)
    now: datetime
    categories: dict[str, tuple[str, str | None, str | None]]

    def category_name(self, code: str) -> str:
        return self.categories.get(code, (code,))[0]


def _beat(f: _Frame) -> BeatFigures:
    patrols, seconds, km = q.patrol_totals(f.session, f.sid, f.this, f.period.as_of, f.now)
    working_days = working_days_between(f.period.first_day, f.cut_off) if f.cut_off >= f.period.first_day else 0
    working_hours = float(working_days * WORKING_DAY_HOURS)
    patrol_hours = round(seconds / 3600, 2)
    return BeatFigures(
        patrols=patrols, patrol_hours=patrol_hours, km=round(km, 1), working_days=working_days,
        working_hours=working_hours, desk_hours=round(max(working_hours - patrol_hours, 0.0), 2),
        villages_covered=tuple(q.villages_covered(f.session, f.sid, f.this, f.period.as_of)),
    )  # fmt: skip


def _incidents(f: _Frame) -> IncidentFigures:
    by_code = q.incident_counts(f.session, f.sid, q.INCIDENT_CATEGORY, f.periods)
    by_category = sorted(
        (
            CategoryFigure(code, *f.categories.get(code, (code, None, None)), *counts)
            for code, counts in by_code.items()
        ),
        key=lambda c: (-c.this_month, -c.last_month, -c.same_month_last_year, c.name),
    )
    sections: dict[str | None, list[int]] = {}
    for figure in by_category:
        totals = sections.setdefault(figure.iccs_section, [0, 0, 0])
        for index, value in enumerate((figure.this_month, figure.last_month, figure.same_month_last_year)):
            totals[index] += value
    by_section = tuple(
        SectionFigure(section, iccs_section_name(section, f.language), *counts)
        for section, counts in sorted(sections.items(), key=lambda item: (item[0] is None, item[0] or ""))
    )
    by_village_id = q.incident_counts(f.session, f.sid, q.INCIDENT_VILLAGE, f.periods)
    names = q.village_names(f.session, [key for key in by_village_id if key])
    by_village = sorted(
        (VillageFigure(key, names.get(key, "") if key else "", *counts) for key, counts in by_village_id.items()),
        key=lambda v: (-v.this_month, v.village_id is None, v.name, v.village_id or ""),
    )
    outcomes, closed = q.outcomes(f.session, f.sid, f.this)
    totals = [sum(counts[index] for counts in by_code.values()) for index in range(3)]
    return IncidentFigures(
        this_month=totals[0], last_month=totals[1], same_month_last_year=totals[2],
        by_category=tuple(by_category), by_section=by_section, by_village=tuple(by_village), closed=closed,
        by_outcome=_zero_filled(outcomes, [o.value for o in Outcome]),
    )  # fmt: skip


def _open_items(f: _Frame) -> OpenFigures:
    count, rows = q.overdue(f.session, f.sid, f.period.ends_at, f.period.as_of, OVERDUE_LISTED)
    return OpenFigures(
        by_status=_zero_filled(q.open_by_status(f.session, f.sid, f.period.ends_at), [s.value for s in OPEN_STATUSES]),
        overdue_count=count,
        overdue=tuple(
            OverdueIncident(number, code, f.category_name(code), due_on, status)
            for number, code, due_on, status in rows
        ),
    )


def _domestic_violence(f: _Frame) -> DomesticViolenceFigures:
    calls = q.incident_counts(f.session, f.sid, q.INCIDENT_DV, f.periods).get(True, [0, 0, 0])
    breaches, orders_breached = q.breaches(f.session, f.sid, f.this)
    forms, referrals = q.blue_cards_and_referrals(f.session, f.sid, f.this)
    monitored, started = q.monitoring(f.session, f.sid, f.period.first_day, f.period.last_day)
    return DomesticViolenceFigures(
        calls=calls[0], calls_last_month=calls[1], calls_same_month_last_year=calls[2],
        risk_levels=_zero_filled(q.risk_levels(f.session, f.sid, f.this), [r.value for r in RiskLevel]),
        orders_issued=_zero_filled(q.orders_issued(f.session, f.sid, f.this), [m.value for m in MeasureKind]),
        orders_expiring=q.orders_expiring(f.session, f.sid, f.this), breaches=breaches,
        orders_breached=orders_breached, offenders_monitored=monitored, monitoring_started=started,
        blue_cards=_zero_filled(forms, [form.value for form in BlueCardForm]), referrals=referrals,
    )  # fmt: skip


def _reception(f: _Frame) -> ReceptionFigures:
    first, last = f.period.first_day, f.period.last_day
    sessions = q.reception_sessions(f.session, f.sid, first, last)
    visitors, resolved, outcomes = q.visits(f.session, f.sid, first, last)
    return ReceptionFigures(
        sessions_scheduled=q.scheduled_slots(f.session, f.sid, first, f.cut_off),
        sessions_held=sessions["held"], sessions_not_held=sessions["not_held"],
        sessions_unscheduled=sessions["unscheduled"], visitors=visitors, resolved=resolved,
        outcomes=_zero_filled(outcomes, [o.value for o in VisitOutcome]),
        topics=tuple(KeyCount(*row) for row in q.topics(f.session, f.sid, first, last, TOPICS_LISTED)),
    )  # fmt: skip


def _community(f: _Frame) -> CommunityFigures:
    meetings, attendance = q.meetings(f.session, f.sid, f.this)
    events, audience = q.prevention(f.session, f.sid, f.this)
    plans = q.plans(f.session, f.sid, f.period.first_day, f.period.last_day, f.cut_off)
    return CommunityFigures(
        meetings=meetings, meeting_attendance=attendance, prevention_events=events, prevention_audience=audience,
        threats_by_status=_zero_filled(q.threats(f.session, f.sid, f.this), [s.value for s in ThreatStatus]),
        plans=tuple(PlanProgress(*row) for row in plans),
    )  # fmt: skip


def _trend(f: _Frame) -> tuple[MonthCount, ...]:
    year, month = f.period.year, f.period.month
    firsts = [_first_of(year, month, shift) for shift in range(1 - TREND_MONTHS, 2)]
    counts = q.trend(f.session, f.sid, [_start(day, f.zone) for day in firsts])
    return tuple(MonthCount(day.year, day.month, *pair) for day, pair in zip(firsts[:-1], counts, strict=True))


def month_figures(
    *,
    session: Session,
    actor: Actor,
    year: int,
    month: int,
    language: str | None = None,
    now: datetime | None = None,
) -> MonthFigures:
    """The figures of one month for the actor's station, the month taken in the station's time zone.

    `language` names categories and ICCS sections (default: the UI's); `now` (default: the clock) cuts a month
    still running, so working days, scheduled receptions and overdue items count only up to it.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, not {month}")
    language = language or current_language()
    now = now or utcnow()
    station = session.get(Station, actor.station_id)
    timezone = station.timezone if station else "UTC"
    zone = ZoneInfo(timezone)
    first_day = date(year, month, 1)
    previous, starts, ends = month_bounds(first_day, zone)
    year_ago = (_start(_first_of(year, month, -12), zone), _start(_first_of(year, month, -11), zone))
    last_day = _first_of(year, month, 1) - timedelta(days=1)
    period = ReportPeriod(
        station_id=actor.station_id, station_name=station.name if station else "", timezone=timezone,
        language=language, year=year, month=month, first_day=first_day, last_day=last_day,
        starts_at=starts.astimezone(UTC), ends_at=ends.astimezone(UTC),
        as_of=min(ends, max(now, starts)).astimezone(UTC),
    )  # fmt: skip
    frame = _Frame(
        session=session, sid=actor.station_id, language=language, zone=zone, period=period, this=(starts, ends),
        periods=((starts, ends), (previous, starts), year_ago), cut_off=min(last_day, now.astimezone(zone).date()),
        categories=q.categories(session, language), now=now,
    )  # fmt: skip
    incident_list = tuple(
        IncidentLine(number, at, code, frame.category_name(code), village, status, outcome, dv)
        for number, at, code, village, status, outcome, dv in q.incident_list(session, frame.sid, frame.this)
    )
    return MonthFigures(
        period=period, beat=_beat(frame), incidents=_incidents(frame), open_items=_open_items(frame),
        domestic_violence=_domestic_violence(frame), reception=_reception(frame), community=_community(frame),
        traffic=TrafficCustodyFigures(*q.daily_statistics(session, frame.sid, first_day, last_day)),
        trend=_trend(frame), incident_list=incident_list,
    )  # fmt: skip
