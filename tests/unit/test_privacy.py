"""Opening records about domestic violence or minors needs a reason; every opening is in the audit log."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from station_desk import db
from station_desk.models import AuditEntry
from station_desk.models.enums import AuditAction
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.incidents import create_incident
from station_desk.services.people import PersonInput, create_person, involve_person
from station_desk.services.privacy import ReasonRequired, open_incident, open_person
from tests.conftest import incident_input


def views(station: StationHandle) -> list[tuple[str | None, str | None, str | None]]:
    with Session(station.engine) as s:
        entries = s.exec(
            select(AuditEntry).where(AuditEntry.action == AuditAction.view).order_by(col(AuditEntry.seq))
        ).all()
        return [(entry.user_id, entry.record_id, entry.reason) for entry in entries]


def test_a_plain_incident_opens_without_a_reason_and_the_opening_is_logged(
    station: StationHandle, officer: Actor
) -> None:
    with db.write_session(station.engine) as s:
        incident = create_incident(session=s, actor=officer, data=incident_input())
    with db.write_session(station.engine) as s:
        assert open_incident(s, officer, incident.id).id == incident.id
    assert views(station) == [(officer.user_id, incident.id, None)]


def test_a_domestic_violence_incident_needs_a_reason(station: StationHandle, officer: Actor) -> None:
    with db.write_session(station.engine) as s:
        incident = create_incident(
            session=s, actor=officer, data=incident_input(category_code="assault", domestic_violence=True)
        )
    for missing in (None, "", "   "):
        with pytest.raises(ReasonRequired, match=incident.number), db.write_session(station.engine) as s:
            open_incident(s, officer, incident.id, missing)
    assert views(station) == []  # refused openings leave nothing behind
    with db.write_session(station.engine) as s:
        open_incident(s, officer, incident.id, "  Перевірка   перед виїздом ")
    assert views(station) == [(officer.user_id, incident.id, "Перевірка перед виїздом")]


def test_a_child_in_an_incident_or_a_child_person_needs_a_reason(station: StationHandle, officer: Actor) -> None:
    with db.write_session(station.engine) as s:
        incident = create_incident(session=s, actor=officer, data=incident_input())
        child = create_person(
            session=s,
            actor=officer,
            data=PersonInput(
                last_name="Бондар", first_name="Марко", birth_date=date.today().replace(year=date.today().year - 12)
            ),
        )
        involve_person(session=s, actor=officer, incident_id=incident.id, person_id=child.id, role="witness")
        adult = create_person(
            session=s,
            actor=officer,
            data=PersonInput(last_name="Бондар", first_name="Іван", birth_date=date(1970, 1, 1)),
        )
    with db.write_session(station.engine) as s, pytest.raises(ReasonRequired):
        open_incident(s, officer, incident.id)
    with db.write_session(station.engine) as s, pytest.raises(ReasonRequired, match="Бондар Марко"):
        open_person(s, officer, child.id)
    with db.write_session(station.engine) as s:
        open_person(s, officer, adult.id)
        open_person(s, officer, child.id, "запит служби у справах дітей")
    assert views(station) == [
        (officer.user_id, adult.id, None),
        (officer.user_id, child.id, "запит служби у справах дітей"),
    ]


def test_an_adult_in_a_domestic_violence_incident_needs_a_reason(station: StationHandle, officer: Actor) -> None:
    with db.write_session(station.engine) as s:
        incident = create_incident(
            session=s, actor=officer, data=incident_input(category_code="assault", domestic_violence=True)
        )
        victim = create_person(
            session=s,
            actor=officer,
            data=PersonInput(last_name="Коваль", first_name="Ганна", birth_date=date(1985, 5, 5)),
        )
        involve_person(session=s, actor=officer, incident_id=incident.id, person_id=victim.id, role="victim")
    with db.write_session(station.engine) as s, pytest.raises(ReasonRequired):
        open_person(s, officer, victim.id)
