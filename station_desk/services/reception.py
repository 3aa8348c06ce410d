"""Citizen reception hours: the weekly schedule, whether each session was held, and each visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from station_desk.i18n import _
from station_desk.models import Incident, Person, ReceptionSchedule, ReceptionSession, ReceptionVisit
from station_desk.models.enums import VisitOutcome
from station_desk.services.context import Actor
from station_desk.services.records import get_record, insert_record, update_record
from station_desk.services.search import set_index
from station_desk.services.validation import Problems, check_types


@dataclass
class ScheduleInput:
    """A recurring slot; weekday 0 is Monday (weeks start on Monday in every country served)."""

    place: str = ""
    weekday: int | None = None
    starts: time | None = None
    ends: time | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass
class VisitInput:
    visitor_name: str = ""
    topic: str = ""
    outcome: str | None = VisitOutcome.advice_given.value
    follow_up_on: date | None = None
    resolved: bool = False
    incident_id: str | None = None
    person_id: str | None = None


@dataclass
class Slot:
    """One reception of a week: scheduled (schedule set) or held without a schedule; session None if unmarked."""

    day: date
    place: str
    starts: time | None
    ends: time | None
    schedule: ReceptionSchedule | None
    session: ReceptionSession | None


# -- schedule ---------------------------------------------------------------------------------------------


def _schedule_fields(data: ScheduleInput) -> dict[str, Any]:
    check_types(data)
    problems = Problems()
    place = problems.required_text("place", data.place, 200)
    if data.weekday is None:
        problems.add("weekday", _("This field is required."))
    elif not 0 <= data.weekday <= 6:
        problems.add("weekday", _("“{value}” is not one of the allowed values.").format(value=data.weekday))
    for name, value in (("starts", data.starts), ("ends", data.ends), ("valid_from", data.valid_from)):
        if value is None:
            problems.add(name, _("This field is required."))
    if data.starts and data.ends and data.ends <= data.starts:
        problems.add("ends", _("The end is before the start."))
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        problems.add("valid_to", _("The end is before the start."))
    problems.raise_if_any()
    return {
        "place": place, "weekday": data.weekday, "starts": data.starts, "ends": data.ends,
        "valid_from": data.valid_from, "valid_to": data.valid_to,
    }  # fmt: skip


def create_schedule(*, session: Session, actor: Actor, data: ScheduleInput) -> ReceptionSchedule:
    return insert_record(session, actor, ReceptionSchedule(**_schedule_fields(data)))


def update_schedule(*, session: Session, actor: Actor, schedule_id: str, data: ScheduleInput) -> ReceptionSchedule:
    """Change a slot, e.g. set valid_to when the reception moves; past sessions keep their own place."""
    schedule = get_record(session, ReceptionSchedule, schedule_id, actor=actor)
    update_record(session, actor, schedule, _schedule_fields(data))
    return schedule


def _active_on(day: date) -> list[Any]:
    return [
        col(ReceptionSchedule.valid_from) <= day,
        col(ReceptionSchedule.valid_to).is_(None) | (col(ReceptionSchedule.valid_to) >= day),
        col(ReceptionSchedule.deleted_at).is_(None),
    ]


def schedules_active_on(*, session: Session, actor: Actor, day: date) -> list[ReceptionSchedule]:
    """Every slot valid on that day (whatever its weekday), by weekday and start time."""
    return list(
        session.exec(
            select(ReceptionSchedule)
            .where(ReceptionSchedule.station_id == actor.station_id, *_active_on(day))
            .order_by(col(ReceptionSchedule.weekday), col(ReceptionSchedule.starts))
        )
    )


# -- sessions ---------------------------------------------------------------------------------------------


def sessions_for_week(*, session: Session, actor: Actor, week_start: date) -> list[Slot]:
    """The receptions of the week holding week_start (moved back to its Monday), in time order.

    Each scheduled slot comes with its session if one was marked; sessions held without a schedule follow too.
    """
    monday = week_start - timedelta(days=week_start.weekday())
    sunday = monday + timedelta(days=6)
    marked = list(
        session.exec(
            select(ReceptionSession).where(
                ReceptionSession.station_id == actor.station_id,
                col(ReceptionSession.deleted_at).is_(None),
                col(ReceptionSession.day) >= monday,
                col(ReceptionSession.day) <= sunday,
            )
        )
    )
    by_slot = {(s.schedule_id, s.day): s for s in marked if s.schedule_id}
    slots: list[Slot] = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        for schedule in schedules_active_on(session=session, actor=actor, day=day):
            if schedule.weekday == day.weekday():
                found = by_slot.get((schedule.id, day))
                slots.append(Slot(day, schedule.place, schedule.starts, schedule.ends, schedule, found))
    slots += [Slot(s.day, s.place, None, None, None, s) for s in marked if not s.schedule_id]
    slots.sort(key=lambda slot: (slot.day, slot.starts or time.min, slot.place))
    return slots


def mark_session(
    *,
    session: Session,
    actor: Actor,
    day: date,
    held: bool,
    schedule_id: str | None = None,
    place: str | None = None,
    note: str | None = None,
) -> ReceptionSession:
    """Record whether the reception of that day took place; marking it again updates the same session."""
    problems = Problems()
    schedule = None
    if schedule_id:
        schedule = get_record(session, ReceptionSchedule, schedule_id, actor=actor)
        active = schedule.valid_from <= day and (schedule.valid_to is None or schedule.valid_to >= day)
        if not active or schedule.weekday != day.weekday():
            problems.add("day", _("There is no reception in this schedule on that day."))
        place = place or schedule.place
    cleaned_place = problems.required_text("place", place, 200)
    if held and day > date.today():
        problems.add("day", _("This date is in the future."))
    cleaned_note = problems.optional_text("note", note)
    problems.raise_if_any()
    query = select(ReceptionSession).where(
        ReceptionSession.station_id == actor.station_id,
        col(ReceptionSession.deleted_at).is_(None),
        ReceptionSession.day == day,
    )
    if schedule is not None:
        query = query.where(ReceptionSession.schedule_id == schedule.id)
    else:
        query = query.where(col(ReceptionSession.schedule_id).is_(None), ReceptionSession.place == cleaned_place)
    existing = session.exec(query).first()
    values: dict[str, Any] = {"place": cleaned_place, "held": bool(held), "note": cleaned_note}
    if existing is not None:
        update_record(session, actor, existing, values)
        return existing
    return insert_record(
        session,
        actor,
        ReceptionSession(schedule_id=schedule.id if schedule else None, day=day, **values),
    )


# -- visits -----------------------------------------------------------------------------------------------


def _visit_fields(session: Session, actor: Actor, reception: ReceptionSession, data: VisitInput) -> dict[str, Any]:
    check_types(data)
    problems = Problems()
    outcome = problems.choice("outcome", data.outcome, VisitOutcome)
    values: dict[str, Any] = {
        "visitor_name": problems.required_text("visitor_name", data.visitor_name, 200),
        "topic": problems.required_text("topic", data.topic, 300),
        "outcome": outcome,
        "follow_up_on": data.follow_up_on,
        "resolved": bool(data.resolved),
        "incident_id": data.incident_id or None,
        "person_id": data.person_id or None,
    }
    if not reception.held:
        problems.add("session_id", _("This reception was marked as not held."))
    if data.follow_up_on and data.follow_up_on < reception.day:
        problems.add("follow_up_on", _("The follow-up date is before the visit."))
    if data.incident_id:
        incident = session.get(Incident, data.incident_id)
        if incident is None or incident.deleted_at is not None or incident.station_id != actor.station_id:
            problems.add("incident_id", _("Unknown incident."))
    elif outcome == VisitOutcome.incident_opened:
        problems.add("incident_id", _("This field is required."))
    if data.person_id:
        person = session.get(Person, data.person_id)
        if person is None or person.deleted_at is not None or person.station_id != actor.station_id:
            problems.add("person_id", _("Unknown person."))
    problems.raise_if_any()
    return values


def _index_visit(session: Session, visit: ReceptionVisit) -> None:
    set_index(session, "reception_visit", visit.id, visit.visitor_name, visit.topic)


def add_visit(*, session: Session, actor: Actor, reception_session_id: str, data: VisitInput) -> ReceptionVisit:
    """One visitor at a reception session that was held."""
    reception = get_record(session, ReceptionSession, reception_session_id, actor=actor)
    values = _visit_fields(session, actor, reception, data)
    visit = insert_record(session, actor, ReceptionVisit(session_id=reception.id, **values))
    _index_visit(session, visit)
    return visit


def update_visit(*, session: Session, actor: Actor, visit_id: str, data: VisitInput) -> ReceptionVisit:
    visit = get_record(session, ReceptionVisit, visit_id, actor=actor)
    reception = get_record(session, ReceptionSession, visit.session_id, actor=actor)
    update_record(session, actor, visit, _visit_fields(session, actor, reception, data))
    _index_visit(session, visit)
    return visit


def list_visits(
    *, session: Session, actor: Actor, since: date, until: date
) -> list[tuple[ReceptionVisit, ReceptionSession]]:
    """Visits at sessions from since to until, both days included, newest day first."""
    rows = session.exec(
        select(ReceptionVisit, ReceptionSession)
        .join(ReceptionSession, col(ReceptionSession.id) == col(ReceptionVisit.session_id))
        .where(
            ReceptionVisit.station_id == actor.station_id,
            col(ReceptionVisit.deleted_at).is_(None),
            col(ReceptionSession.day) >= since,
            col(ReceptionSession.day) <= until,
        )
        .order_by(col(ReceptionSession.day).desc(), col(ReceptionVisit.created_at))
    ).all()
    return [(visit, reception) for visit, reception in rows]


def open_follow_ups(*, session: Session, actor: Actor, today: date) -> list[ReceptionVisit]:
    """Unresolved visits whose follow-up day has come (today or overdue), oldest first, for the Today page."""
    return list(
        session.exec(
            select(ReceptionVisit)
            .where(
                ReceptionVisit.station_id == actor.station_id,
                col(ReceptionVisit.deleted_at).is_(None),
                col(ReceptionVisit.resolved).is_(False),
                col(ReceptionVisit.follow_up_on) <= today,
            )
            .order_by(col(ReceptionVisit.follow_up_on), col(ReceptionVisit.created_at))
        )
    )
