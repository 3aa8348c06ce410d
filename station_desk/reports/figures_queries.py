"""The SQL aggregates behind the monthly figures: each returns plain numbers and text, never ORM rows.

Every query keeps to one station and skips soft-deleted rows; incidents that are voided never count, nor does
anything hanging off them (assessments, orders, breaches, Blue Cards).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from station_desk.models import (
    Category,
    CommunityMeeting,
    DailyStatistics,
    DomesticViolenceDetails,
    Incident,
    MeasureBreach,
    OffenderMonitoring,
    Patrol,
    PatrolVillage,
    Person,
    PlanAction,
    PreventionEvent,
    PriorityPlan,
    ProtectiveMeasure,
    ReceptionSchedule,
    ReceptionSession,
    ReceptionVisit,
    ResidentThreat,
    RiskAssessment,
    UTCDateTime,
    Village,
)
from station_desk.models.enums import IncidentStatus
from station_desk.services.today import OPEN_STATUSES, category_name

Period = tuple[datetime, datetime]  # [start, end) as UTC-aware moments

INCIDENT_CATEGORY: Any = col(Incident.category_code)
INCIDENT_VILLAGE: Any = col(Incident.village_id)
INCIDENT_DV: Any = col(Incident.domestic_violence)


def _rows(session: Session, statement: Any) -> Sequence[Any]:
    return session.execute(statement).all()


def _one(session: Session, statement: Any) -> Any:
    return session.execute(statement).one()


def _live(model: Any, station_id: str) -> list[ColumnElement[bool]]:
    return [col(model.station_id) == station_id, col(model.deleted_at).is_(None)]


def _counted(station_id: str) -> list[ColumnElement[bool]]:
    """Incidents that count: this station's, not deleted, not voided."""
    return [*_live(Incident, station_id), col(Incident.status) != IncidentStatus.voided]


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    return sa.and_(column >= period[0], column < period[1])


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(sa.case((condition, 1), else_=0)), 0)


def _epoch(moment: Any) -> Any:
    return sa.cast(func.strftime("%s", moment), sa.Integer)


def categories(session: Session, language: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Every category: (name in the language, ICCS code, ICCS section); the reference table is small."""
    return {
        category.code: (category_name(category, language), category.iccs_code, category.iccs_section)
        for category in session.exec(select(Category))
    }


def patrol_totals(
    session: Session, station_id: str, period: Period, as_of: datetime, now: datetime
) -> tuple[int, int, float]:
    """Patrols started in the period before as_of: how many, seconds on the beat, km.

    A patrol belongs wholly to the month it started in (as on the Today page); one still out counts up to now.
    """
    ended = func.min(col(Patrol.ended_at), sa.literal(now, UTCDateTime()))
    seconds = func.max(0, _epoch(ended) - _epoch(col(Patrol.started_at)))
    count, total, km = _one(
        session,
        sa.select(func.count(), func.coalesce(func.sum(seconds), 0), func.coalesce(func.sum(col(Patrol.km)), 0.0))
        .select_from(Patrol)
        .where(*_live(Patrol, station_id), _within(col(Patrol.started_at), (period[0], as_of))),
    )
    return int(count), int(total), float(km)


def villages_covered(session: Session, station_id: str, period: Period, as_of: datetime) -> list[str]:
    rows = _rows(
        session,
        sa.select(col(Village.id), col(Village.name))
        .distinct()
        .join(PatrolVillage, col(PatrolVillage.village_id) == col(Village.id))
        .join(Patrol, col(Patrol.id) == col(PatrolVillage.patrol_id))
        .where(
            *_live(Patrol, station_id),
            col(PatrolVillage.deleted_at).is_(None),
            col(Village.deleted_at).is_(None),
            _within(col(Patrol.started_at), (period[0], as_of)),
        )
        .order_by(col(Village.name), col(Village.id)),
    )
    return [name for _id, name in rows]


def incident_counts(session: Session, station_id: str, key: Any, periods: Sequence[Period]) -> dict[Any, list[int]]:
    """Counted incidents reported in each period, grouped by one column: {value: [count per period]}."""
    conditions = [_within(col(Incident.reported_at), period) for period in periods]
    rows = _rows(
        session,
        sa.select(key, *(_count_if(condition) for condition in conditions))
        .where(*_counted(station_id), sa.or_(*conditions))
        .group_by(key),
    )
    return {row[0]: [int(value) for value in row[1:]] for row in rows}


def village_names(session: Session, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = _rows(session, sa.select(col(Village.id), col(Village.name)).where(col(Village.id).in_(ids)))
    return {village_id: name for village_id, name in rows}


def outcomes(session: Session, station_id: str, period: Period) -> tuple[dict[str, int], int]:
    """The month's incidents by outcome, and how many of them are closed."""
    rows = _rows(
        session,
        sa.select(col(Incident.outcome), func.count(), _count_if(col(Incident.status) == IncidentStatus.closed))
        .where(*_counted(station_id), _within(col(Incident.reported_at), period))
        .group_by(col(Incident.outcome)),
    )
    return {str(outcome): int(count) for outcome, count, _closed in rows}, sum(int(closed) for *_, closed in rows)


def _open(station_id: str, ends: datetime) -> list[ColumnElement[bool]]:
    return [*_live(Incident, station_id), col(Incident.status).in_(OPEN_STATUSES), col(Incident.reported_at) < ends]


def open_by_status(session: Session, station_id: str, ends: datetime) -> dict[str, int]:
    rows = _rows(
        session,
        sa.select(col(Incident.status), func.count()).where(*_open(station_id, ends)).group_by(col(Incident.status)),
    )
    return {str(status): int(count) for status, count in rows}


def overdue(
    session: Session, station_id: str, ends: datetime, as_of: datetime, limit: int
) -> tuple[int, list[tuple[str, str, datetime, str]]]:
    """Open incidents whose due time passed before as_of: the count, and the longest overdue ones."""
    conditions = [*_open(station_id, ends), col(Incident.due_on).is_not(None), col(Incident.due_on) < as_of]
    count = int(_one(session, sa.select(func.count()).select_from(Incident).where(*conditions))[0])
    rows = _rows(
        session,
        sa.select(col(Incident.number), col(Incident.category_code), col(Incident.due_on), col(Incident.status))
        .where(*conditions)
        .order_by(col(Incident.due_on), col(Incident.number))
        .limit(limit),
    )
    return count, [(number, code, due_on, str(status)) for number, code, due_on, status in rows]


def _on_counted_incident(statement: Any, model: Any, station_id: str) -> Any:
    """Join a child of an incident to it, keeping live children of counted incidents only."""
    return statement.join(Incident, col(Incident.id) == col(model.incident_id)).where(
        *_live(model, station_id), *_counted(station_id)
    )


def _grouped(session: Session, model: Any, station_id: str, key: Any, when: Any, period: Period) -> dict[str, int]:
    statement = sa.select(key, func.count()).select_from(model)
    statement = _on_counted_incident(statement, model, station_id).where(_within(when, period)).group_by(key)
    return {str(value): int(count) for value, count in _rows(session, statement)}


def risk_levels(session: Session, station_id: str, period: Period) -> dict[str, int]:
    return _grouped(
        session, RiskAssessment, station_id, col(RiskAssessment.level), col(RiskAssessment.assessed_at), period
    )


def orders_issued(session: Session, station_id: str, period: Period) -> dict[str, int]:
    return _grouped(
        session, ProtectiveMeasure, station_id, col(ProtectiveMeasure.kind), col(ProtectiveMeasure.issued_at), period
    )


def orders_expiring(session: Session, station_id: str, period: Period) -> int:
    statement = sa.select(func.count()).select_from(ProtectiveMeasure)
    statement = _on_counted_incident(statement, ProtectiveMeasure, station_id)
    return int(_one(session, statement.where(_within(col(ProtectiveMeasure.expires_at), period)))[0])


def breaches(session: Session, station_id: str, period: Period) -> tuple[int, int]:
    """Breaches that happened in the period, and how many distinct orders they broke."""
    statement = sa.select(func.count(), func.count(sa.distinct(col(MeasureBreach.measure_id)))).select_from(
        MeasureBreach
    )
    statement = statement.join(ProtectiveMeasure, col(ProtectiveMeasure.id) == col(MeasureBreach.measure_id))
    statement = _on_counted_incident(statement, ProtectiveMeasure, station_id).where(
        *_live(MeasureBreach, station_id), _within(col(MeasureBreach.occurred_at), period)
    )
    count, orders = _one(session, statement)
    return int(count), int(orders)


def blue_cards_and_referrals(session: Session, station_id: str, period: Period) -> tuple[dict[str, int], int]:
    """Blue Card forms and referrals recorded on the DV details of the period's incidents."""
    referred = _count_if(func.trim(func.coalesce(col(DomesticViolenceDetails.referrals), "")) != "")
    form = col(DomesticViolenceDetails.blue_card_form)
    statement = sa.select(form, func.count(), referred).select_from(DomesticViolenceDetails)
    statement = _on_counted_incident(statement, DomesticViolenceDetails, station_id)
    rows = _rows(session, statement.where(_within(col(Incident.reported_at), period)).group_by(form))
    forms = {str(value): int(count) for value, count, _referred in rows if value is not None}
    return forms, sum(int(row[2]) for row in rows)


def monitoring(session: Session, station_id: str, first_day: date, last_day: date) -> tuple[int, int]:
    """Offenders (distinct people) under monitoring on any day of the month, and monitorings started in it."""
    statement = (
        sa.select(
            func.count(sa.distinct(col(OffenderMonitoring.person_id))),
            _count_if(col(OffenderMonitoring.started_on) >= first_day),
        )
        .select_from(OffenderMonitoring)
        .join(Person, col(Person.id) == col(OffenderMonitoring.person_id))
        .outerjoin(Incident, col(Incident.id) == col(OffenderMonitoring.incident_id))
        .where(
            *_live(OffenderMonitoring, station_id),
            col(Person.deleted_at).is_(None),
            col(OffenderMonitoring.started_on) <= last_day,
            sa.or_(col(OffenderMonitoring.ends_on).is_(None), col(OffenderMonitoring.ends_on) >= first_day),
            sa.or_(
                col(OffenderMonitoring.incident_id).is_(None),
                sa.and_(col(Incident.deleted_at).is_(None), col(Incident.status) != IncidentStatus.voided),
            ),
        )
    )
    people, started = _one(session, statement)
    return int(people), int(started)


def scheduled_slots(session: Session, station_id: str, first_day: date, last_day: date) -> int:
    """Reception slots the schedule promised from first_day to last_day (a few schedules, at most 31 days)."""
    schedules = _rows(
        session,
        sa.select(col(ReceptionSchedule.weekday), col(ReceptionSchedule.valid_from), col(ReceptionSchedule.valid_to))
        .where(*_live(ReceptionSchedule, station_id), col(ReceptionSchedule.valid_from) <= last_day)
        .where(sa.or_(col(ReceptionSchedule.valid_to).is_(None), col(ReceptionSchedule.valid_to) >= first_day)),
    )
    days = [first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]
    return sum(
        1
        for weekday, valid_from, valid_to in schedules
        for day in days
        if day.weekday() == weekday and valid_from <= day and (valid_to is None or day <= valid_to)
    )


def reception_sessions(session: Session, station_id: str, first_day: date, last_day: date) -> dict[str, int]:
    held = col(ReceptionSession.held)
    held_count, not_held, unscheduled = _one(
        session,
        sa.select(
            _count_if(held.is_(True)),
            _count_if(held.is_(False)),
            _count_if(sa.and_(held.is_(True), col(ReceptionSession.schedule_id).is_(None))),
        ).where(*_live(ReceptionSession, station_id), col(ReceptionSession.day).between(first_day, last_day)),
    )
    return {"held": int(held_count), "not_held": int(not_held), "unscheduled": int(unscheduled)}


def _visits_in(statement: Any, station_id: str, first_day: date, last_day: date) -> Any:
    return (
        statement.select_from(ReceptionVisit)
        .join(ReceptionSession, col(ReceptionSession.id) == col(ReceptionVisit.session_id))
        .where(
            *_live(ReceptionVisit, station_id),
            col(ReceptionSession.deleted_at).is_(None),
            col(ReceptionSession.day).between(first_day, last_day),
        )
    )


def visits(session: Session, station_id: str, first_day: date, last_day: date) -> tuple[int, int, dict[str, int]]:
    """Visits at the month's sessions: how many, how many resolved, and by outcome."""
    outcome = col(ReceptionVisit.outcome)
    statement = sa.select(outcome, func.count(), _count_if(col(ReceptionVisit.resolved).is_(True)))
    rows = _rows(session, _visits_in(statement, station_id, first_day, last_day).group_by(outcome))
    by_outcome = {str(value): int(count) for value, count, _resolved in rows}
    return sum(by_outcome.values()), sum(int(row[2]) for row in rows), by_outcome


def topics(session: Session, station_id: str, first_day: date, last_day: date, limit: int) -> list[tuple[str, int]]:
    topic = func.trim(col(ReceptionVisit.topic))
    statement = _visits_in(sa.select(topic, func.count()), station_id, first_day, last_day)
    rows = _rows(session, statement.group_by(topic).order_by(func.count().desc(), topic).limit(limit))
    return [(str(text), int(count)) for text, count in rows]


def meetings(session: Session, station_id: str, period: Period) -> tuple[int, int]:
    count, attendance = _one(
        session,
        sa.select(func.count(), func.coalesce(func.sum(col(CommunityMeeting.attendance)), 0))
        .select_from(CommunityMeeting)
        .where(*_live(CommunityMeeting, station_id), _within(col(CommunityMeeting.held_at), period)),
    )
    return int(count), int(attendance)


def prevention(session: Session, station_id: str, period: Period) -> tuple[int, int]:
    count, audience = _one(
        session,
        sa.select(func.count(), func.coalesce(func.sum(col(PreventionEvent.audience_size)), 0))
        .select_from(PreventionEvent)
        .where(*_live(PreventionEvent, station_id), _within(col(PreventionEvent.held_at), period)),
    )
    return int(count), int(audience)


def threats(session: Session, station_id: str, period: Period) -> dict[str, int]:
    status = col(ResidentThreat.status)
    rows = _rows(
        session,
        sa.select(status, func.count())
        .where(*_live(ResidentThreat, station_id), _within(col(ResidentThreat.reported_at), period))
        .group_by(status),
    )
    return {str(value): int(count) for value, count in rows}


def plans(
    session: Session, station_id: str, first_day: date, last_day: date, cut_off: date
) -> list[tuple[str, date, date, int, int, int]]:
    """Plans whose period overlaps the month: (problem, start, end, actions, done by cut_off, overdue at it)."""
    done_on, deadline = col(PlanAction.done_on), col(PlanAction.deadline)
    done = sa.and_(done_on.is_not(None), done_on <= cut_off)
    rows = _rows(
        session,
        sa.select(
            col(PriorityPlan.problem),
            col(PriorityPlan.period_start),
            col(PriorityPlan.period_end),
            func.count(col(PlanAction.id)),
            _count_if(done),
            _count_if(sa.and_(col(PlanAction.id).is_not(None), sa.not_(done), deadline < cut_off)),
        )
        .outerjoin(
            PlanAction,
            sa.and_(col(PlanAction.plan_id) == col(PriorityPlan.id), col(PlanAction.deleted_at).is_(None)),
        )
        .where(
            *_live(PriorityPlan, station_id),
            col(PriorityPlan.period_start) <= last_day,
            col(PriorityPlan.period_end) >= first_day,
        )
        .group_by(col(PriorityPlan.id))
        .order_by(col(PriorityPlan.period_start), col(PriorityPlan.problem), col(PriorityPlan.id)),
    )
    return [(problem, start, end, int(total), int(ok), int(late)) for problem, start, end, total, ok, late in rows]


def daily_statistics(session: Session, station_id: str, first_day: date, last_day: date) -> tuple[int, ...]:
    """Days reported, then the sums of fatal, injury and damage-only accidents, tickets, arrests, people held."""
    names = ("fatal_accidents", "injury_accidents", "damage_only_accidents", "traffic_tickets", "arrests",
             "people_held")  # fmt: skip
    row = _one(
        session,
        sa.select(func.count(), *(func.coalesce(func.sum(col(getattr(DailyStatistics, n))), 0) for n in names))
        .select_from(DailyStatistics)
        .where(*_live(DailyStatistics, station_id), col(DailyStatistics.day).between(first_day, last_day)),
    )
    return tuple(int(value) for value in row)


def trend(session: Session, station_id: str, starts: list[datetime]) -> list[tuple[int, int]]:
    """(incidents, DV incidents) in each interval between consecutive starts, in one pass over the index."""
    reported = col(Incident.reported_at)
    bucket = sa.case(*((reported < starts[index + 1], index) for index in range(len(starts) - 1)))
    rows = _rows(
        session,
        sa.select(bucket, func.count(), _count_if(col(Incident.domestic_violence).is_(True)))
        .where(*_counted(station_id), reported >= starts[0], reported < starts[-1])
        .group_by(bucket),
    )
    found = {int(index): (int(count), int(dv)) for index, count, dv in rows}
    return [found.get(index, (0, 0)) for index in range(len(starts) - 1)]


def incident_list(
    session: Session, station_id: str, period: Period
) -> list[tuple[str, datetime, str, str, str, str, bool]]:
    """The period's incidents in time order: number, reported at, category, village, status, outcome, DV."""
    rows = _rows(
        session,
        sa.select(
            col(Incident.number),
            col(Incident.reported_at),
            col(Incident.category_code),
            func.coalesce(col(Village.name), ""),
            col(Incident.status),
            col(Incident.outcome),
            col(Incident.domestic_violence),
        )
        .outerjoin(Village, col(Village.id) == col(Incident.village_id))
        .where(*_counted(station_id), _within(col(Incident.reported_at), period))
        .order_by(col(Incident.reported_at), col(Incident.number)),
    )
    return [
        (n, at, code, village, str(status), str(outcome), bool(dv))
        for n, at, code, village, status, outcome, dv in rows
    ]
