"""Every service given any input: strings in any script, huge text, control characters, impossible dates, wrong
types. Each call either saves a record that reads back as given, or refuses with a clear message and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from station_desk import db
from station_desk.errors import StationDeskError
from station_desk.models import AuditEntry, OutboxEntry
from station_desk.services.accounts import StationHandle
from station_desk.services.community import MeetingInput, ThreatInput, create_meeting, create_threat
from station_desk.services.context import Actor
from station_desk.services.incidents import IncidentInput, create_incident
from station_desk.services.patrols import PatrolInput, create_patrol
from station_desk.services.people import PersonInput, create_person

# Text an officer could never type but a file, a clipboard or a broken keyboard can deliver.
ANY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\x00", "\u202e", "\ud7ff", "Łódź\x07", "Шевченко\r\n\t", "𝕏" * 5, "A" * 100_000]),
)
WRONG_TYPES = st.one_of(st.integers(), st.floats(allow_nan=True), st.booleans(), st.just([]), st.just({}))
TEXT_OR_WORSE = st.one_of(st.none(), ANY_TEXT, WRONG_TYPES)
ANY_TIME = st.one_of(
    st.none(),
    st.datetimes(timezones=st.just(UTC)),  # years 1 to 9999, far past and far future
    st.datetimes(),  # naive: nobody knows its zone
    st.datetimes(timezones=st.sampled_from([timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])),
    ANY_TEXT,
    WRONG_TYPES,
)
ANY_DATE = st.one_of(st.none(), st.dates(), ANY_TEXT, WRONG_TYPES)
ANY_NUMBER = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(), ANY_TEXT)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def journal_size(station: StationHandle) -> tuple[int, int]:
    with Session(station.engine) as s:
        audits = s.exec(select(func.count()).select_from(AuditEntry)).one()
        queued = s.exec(select(func.count()).select_from(OutboxEntry)).one()
    return audits, queued


def saved_or_refused(station: StationHandle, actor: Actor, call: Callable[[Session, Actor], Any]) -> Any:
    """Run one service call in its own transaction; a refusal must be a clear message and leave no trace."""
    before = journal_size(station)
    try:
        with db.write_session(station.engine) as s:
            return call(s, actor)
    except StationDeskError as refused:
        assert refused.message.strip(), "a refusal says why"
        assert "Traceback" not in refused.message
        assert journal_size(station) == before, "a refused call changed something"
        return None


def _same_text(stored: str | None, given: Any) -> None:
    if isinstance(given, str) and given.strip():
        assert stored is not None and stored.strip() == given.strip()


@SETTINGS
@given(
    reported_at=ANY_TIME,
    occurred_from=ANY_TIME,
    category=st.one_of(st.sampled_from(["theft", "assault", "no_such_category"]), TEXT_OR_WORSE),
    narrative=TEXT_OR_WORSE,
    address=TEXT_OR_WORSE,
    latitude=ANY_NUMBER,
    longitude=ANY_NUMBER,
    source=TEXT_OR_WORSE,
)
def test_incidents(
    station: StationHandle, officer: Actor, reported_at: Any, occurred_from: Any, category: Any, narrative: Any,
    address: Any, latitude: Any, longitude: Any, source: Any,
) -> None:  # fmt: skip
    data = IncidentInput(
        reported_at=reported_at, occurred_from=occurred_from, category_code=category, narrative=narrative,
        address=address, latitude=latitude, longitude=longitude, source=source,
    )  # fmt: skip
    incident = saved_or_refused(station, officer, lambda s, a: create_incident(session=s, actor=a, data=data))
    if incident is not None:
        _same_text(incident.narrative, narrative)
        assert incident.reported_at.tzinfo is not None
        for value in (incident.latitude, incident.longitude):
            assert value is None or math.isfinite(value)


@SETTINGS
@given(last=TEXT_OR_WORSE, first=TEXT_OR_WORSE, born=ANY_DATE, age=ANY_NUMBER, sex=TEXT_OR_WORSE, phone=TEXT_OR_WORSE)
def test_persons(
    station: StationHandle, officer: Actor, last: Any, first: Any, born: Any, age: Any, sex: Any, phone: Any
) -> None:
    data = PersonInput(last_name=last, first_name=first, birth_date=born, approximate_age=age, sex=sex, phone=phone)
    person = saved_or_refused(station, officer, lambda s, a: create_person(session=s, actor=a, data=data))
    if person is not None:
        _same_text(person.last_name, last)
        assert person.birth_date is None or person.birth_date <= date.today()


@SETTINGS
@given(started=ANY_TIME, ended=ANY_TIME, mode=TEXT_OR_WORSE, km=ANY_NUMBER, purpose=TEXT_OR_WORSE)
def test_patrols(
    station: StationHandle, officer: Actor, started: Any, ended: Any, mode: Any, km: Any, purpose: Any
) -> None:
    data = PatrolInput(
        started_at=started, ended_at=ended, mode=mode, km=km, purpose=purpose, officer_ids=[officer.user_id]
    )
    patrol = saved_or_refused(station, officer, lambda s, a: create_patrol(session=s, actor=a, data=data))
    if patrol is not None:
        assert patrol.ended_at > patrol.started_at and math.isfinite(patrol.km) and patrol.km >= 0


@SETTINGS
@given(held=ANY_TIME, kind=TEXT_OR_WORSE, place=TEXT_OR_WORSE, attendance=ANY_NUMBER, issues=TEXT_OR_WORSE)
def test_meetings(
    station: StationHandle, officer: Actor, held: Any, kind: Any, place: Any, attendance: Any, issues: Any
) -> None:
    data = MeetingInput(kind=kind, held_at=held, place=place, attendance=attendance, issues_raised=issues)
    meeting = saved_or_refused(station, officer, lambda s, a: create_meeting(session=s, actor=a, data=data))
    if meeting is not None:
        _same_text(meeting.place, place)
        assert meeting.attendance >= 0


@SETTINGS
@given(category=TEXT_OR_WORSE, reported=ANY_TIME, place=TEXT_OR_WORSE, description=TEXT_OR_WORSE)
def test_resident_threats(
    station: StationHandle, officer: Actor, category: Any, reported: Any, place: Any, description: Any
) -> None:
    data = ThreatInput(category=category, reported_at=reported, place=place, description=description)
    saved_or_refused(station, officer, lambda s, a: create_threat(session=s, actor=a, data=data))


def test_a_known_good_incident_still_saves(station: StationHandle, officer: Actor) -> None:
    """The property tests above would pass if everything were refused: one plain record must go in."""
    data = IncidentInput(
        reported_at=datetime.now(UTC) - timedelta(hours=1), category_code="theft", narrative="Вкрали велосипед"
    )
    assert saved_or_refused(station, officer, lambda s, a: create_incident(session=s, actor=a, data=data))
