"""Citizen reception: the schedule, the week's slots, sessions held or not, visits and their follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import Session, func, select

from station_desk import db
from station_desk.errors import ValidationFailed
from station_desk.models import AuditEntry, OutboxEntry, ReceptionSchedule, ReceptionSession, ReceptionVisit
from station_desk.models.enums import VisitOutcome
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.incidents import IncidentInput, create_incident
from station_desk.services.journal import verify_chain
from station_desk.services.reception import (
    ScheduleInput,
    VisitInput,
    add_visit,
    create_schedule,
    list_visits,
    mark_session,
    open_follow_ups,
    schedules_active_on,
    sessions_for_week,
    update_visit,
)
from station_desk.services.search import search_ids

COUNTED = (AuditEntry, OutboxEntry, ReceptionSchedule, ReceptionSession, ReceptionVisit)
TODAY = date.today()
LAST_MONDAY = TODAY - timedelta(days=TODAY.weekday() + 7)  # a whole week in the past


def counts(station: StationHandle) -> dict[str, int]:
    with Session(station.engine) as s:
        return {m.__name__: s.exec(select(func.count()).select_from(m)).one() for m in COUNTED}


def added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def slot_input(weekday: int, **changes: Any) -> ScheduleInput:
    data = ScheduleInput(place="Gmina office, room 4", weekday=weekday, starts=time(10), ends=time(12),
                         valid_from=LAST_MONDAY - timedelta(days=60))  # fmt: skip
    return replace(data, **changes)


@pytest.fixture
def schedules(station: StationHandle, commander: Actor) -> list[ReceptionSchedule]:
    """Mondays and Fridays 10:00-12:00 at the gmina office."""
    with db.write_session(station.engine) as s:
        return [create_schedule(session=s, actor=commander, data=slot_input(day)) for day in (0, 4)]


@pytest.fixture
def held(station: StationHandle, officer: Actor, schedules: list[ReceptionSchedule]) -> ReceptionSession:
    with db.write_session(station.engine) as s:
        return mark_session(session=s, actor=officer, day=LAST_MONDAY, held=True, schedule_id=schedules[0].id)


def test_schedule_is_saved_and_active(station: StationHandle, commander: Actor) -> None:
    before = counts(station)
    with db.write_session(station.engine) as s:
        first = create_schedule(session=s, actor=commander, data=slot_input(0))
        create_schedule(session=s, actor=commander, data=slot_input(4, valid_to=LAST_MONDAY - timedelta(days=1)))
    assert added(before, counts(station)) == {"AuditEntry": 2, "OutboxEntry": 2, "ReceptionSchedule": 2}
    with Session(station.engine) as s:
        assert [x.id for x in schedules_active_on(session=s, actor=commander, day=LAST_MONDAY)] == [first.id]
        assert s.get_one(ReceptionSchedule, first.id).starts == time(10)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"weekday": 7}, "weekday"), ({"weekday": None}, "weekday"), ({"ends": time(9)}, "ends"),
     ({"place": "  "}, "place"), ({"valid_to": LAST_MONDAY - timedelta(days=90)}, "valid_to"),
     ({"starts": None}, "starts")],
)  # fmt: skip
def test_bad_schedule_writes_nothing(
    station: StationHandle, commander: Actor, changes: dict[str, Any], field: str
) -> None:
    before = counts(station)
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        create_schedule(session=s, actor=commander, data=slot_input(**({"weekday": 0} | changes)))
    assert field in error.value.errors
    assert counts(station) == before


def test_week_shows_scheduled_slots_and_marked_sessions(
    station: StationHandle, officer: Actor, schedules: list[ReceptionSchedule]
) -> None:
    with Session(station.engine) as s:
        slots = sessions_for_week(session=s, actor=officer, week_start=LAST_MONDAY + timedelta(days=2))
    assert [(slot.day, slot.session) for slot in slots] == [
        (LAST_MONDAY, None),
        (LAST_MONDAY + timedelta(days=4), None),
    ]

    before = counts(station)
    with db.write_session(station.engine) as s:
        monday = mark_session(session=s, actor=officer, day=LAST_MONDAY, held=True, schedule_id=schedules[0].id)
        mark_session(session=s, actor=officer, day=LAST_MONDAY + timedelta(days=4), held=False,
                     schedule_id=schedules[1].id, note="Officer called to a road accident")  # fmt: skip
        extra = mark_session(session=s, actor=officer, day=LAST_MONDAY + timedelta(days=2), held=True,
                             place="Village club, Рудня")  # fmt: skip
    assert added(before, counts(station)) == {"AuditEntry": 3, "OutboxEntry": 3, "ReceptionSession": 3}
    with Session(station.engine) as s:
        slots = sessions_for_week(session=s, actor=officer, week_start=LAST_MONDAY)
    assert [(slot.day.weekday(), slot.session and slot.session.held) for slot in slots] == [
        (0, True), (2, True), (4, False)
    ]  # fmt: skip
    assert (
        slots[0].session is not None and slots[0].session.id == monday.id and slots[0].place == "Gmina office, room 4"
    )
    assert slots[1].schedule is None and slots[1].session is not None and slots[1].session.id == extra.id

    # Marking the same day again corrects that session, it does not add a second one.
    before = counts(station)
    with db.write_session(station.engine) as s:
        again = mark_session(session=s, actor=officer, day=LAST_MONDAY, held=False, schedule_id=schedules[0].id)
    assert again.id == monday.id
    assert added(before, counts(station)) == {"AuditEntry": 1, "OutboxEntry": 1}
    with Session(station.engine) as s:
        assert s.get_one(ReceptionSession, monday.id).held is False


@pytest.mark.parametrize(
    ("day", "kwargs", "field"),
    [(LAST_MONDAY + timedelta(days=1), {"schedule": 0}, "day"),  # the Monday slot on a Tuesday
     (TODAY + timedelta(days=7), {"place": "Gmina office"}, "day"),  # held in the future
     (LAST_MONDAY, {"place": " "}, "place")],
)  # fmt: skip
def test_bad_session_writes_nothing(
    station: StationHandle, officer: Actor, schedules: list[ReceptionSchedule], day: date, kwargs: dict[str, Any],
    field: str,
) -> None:  # fmt: skip
    if "schedule" in kwargs:
        kwargs = {"schedule_id": schedules[kwargs["schedule"]].id}
    before = counts(station)
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        mark_session(session=s, actor=officer, day=day, held=True, **kwargs)
    assert field in error.value.errors
    assert counts(station) == before


def test_visits_listed_and_follow_ups_until_resolved(
    station: StationHandle, officer: Actor, held: ReceptionSession
) -> None:
    before = counts(station)
    with db.write_session(station.engine) as s:
        visit = add_visit(
            session=s, actor=officer, reception_session_id=held.id,
            data=VisitInput(visitor_name="Ганна Мельник", topic="Stray dogs near the school", outcome="advice_given",
                            follow_up_on=LAST_MONDAY + timedelta(days=3)),
        )  # fmt: skip
        add_visit(session=s, actor=officer, reception_session_id=held.id,
                  data=VisitInput(visitor_name="Jan Nowak", topic="Lost passport", outcome="referred"))  # fmt: skip
    assert added(before, counts(station)) == {"AuditEntry": 2, "OutboxEntry": 2, "ReceptionVisit": 2}
    with Session(station.engine) as s:
        listed = list_visits(session=s, actor=officer, since=LAST_MONDAY, until=LAST_MONDAY)
        assert sorted(v.visitor_name for v, _ in listed) == ["Jan Nowak", "Ганна Мельник"]
        assert {reception.id for _, reception in listed} == {held.id}
        assert list_visits(session=s, actor=officer, since=LAST_MONDAY + timedelta(days=1), until=TODAY) == []
        assert [v.id for v in open_follow_ups(session=s, actor=officer, today=TODAY)] == [visit.id]
        assert open_follow_ups(session=s, actor=officer, today=LAST_MONDAY) == []  # not due yet then
        assert search_ids(s, "reception_visit", "dogs") == [visit.id]

    with db.write_session(station.engine) as s:
        update_visit(session=s, actor=officer, visit_id=visit.id,
                     data=VisitInput(visitor_name="Ганна Мельник", topic="Stray dogs near the school",
                                     outcome="advice_given", follow_up_on=LAST_MONDAY + timedelta(days=3),
                                     resolved=True))  # fmt: skip
    with Session(station.engine) as s:
        assert open_follow_ups(session=s, actor=officer, today=TODAY) == []
        assert s.get_one(ReceptionVisit, visit.id).resolved is True
        assert verify_chain(s).whole


def test_visit_that_opened_an_incident_links_it(station: StationHandle, officer: Actor, held: ReceptionSession) -> None:
    with db.write_session(station.engine) as s:
        incident = create_incident(
            session=s, actor=officer,
            data=IncidentInput(reported_at=datetime.now(UTC), category_code="assault", narrative="Told at reception"),
        )  # fmt: skip
        visit = add_visit(session=s, actor=officer, reception_session_id=held.id,
                          data=VisitInput(visitor_name="Олег Бондар", topic="Beaten by a neighbour",
                                          outcome="incident_opened", incident_id=incident.id))  # fmt: skip
    with Session(station.engine) as s:
        stored = s.get_one(ReceptionVisit, visit.id)
        assert (stored.outcome, stored.incident_id) == (VisitOutcome.incident_opened, incident.id)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"visitor_name": ""}, "visitor_name"), ({"topic": " "}, "topic"), ({"outcome": "arrested"}, "outcome"),
     ({"outcome": "incident_opened"}, "incident_id"), ({"incident_id": "nope"}, "incident_id"),
     ({"person_id": "nope"}, "person_id"), ({"follow_up_on": LAST_MONDAY - timedelta(days=1)}, "follow_up_on"),
     ({"not_held": True}, "session_id")],
)  # fmt: skip
def test_bad_visit_writes_nothing(
    station: StationHandle, officer: Actor, held: ReceptionSession, changes: dict[str, Any], field: str
) -> None:
    if changes.pop("not_held", False):
        with db.write_session(station.engine) as s:
            mark_session(session=s, actor=officer, day=held.day, held=False, schedule_id=held.schedule_id)
    data = replace(VisitInput(visitor_name="Ганна Мельник", topic="Noise at night", outcome="advice_given"), **changes)
    before = counts(station)
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        add_visit(session=s, actor=officer, reception_session_id=held.id, data=data)
    assert field in error.value.errors
    assert counts(station) == before
