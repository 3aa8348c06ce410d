"""Records restricted to named users: set by the commander, enforced by every service that shows a record's details."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from station_desk import db
from station_desk.errors import NotFound, PermissionDenied, ValidationFailed
from station_desk.models import AuditEntry, OutboxEntry, RecordRestriction
from station_desk.services import domestic_violence as dvs
from station_desk.services import people
from station_desk.services.accounts import StationHandle, add_user, disable_user
from station_desk.services.context import Actor
from station_desk.services.incident_list import count_incidents, list_incidents
from station_desk.services.incidents import add_note, create_incident, timeline
from station_desk.services.privacy import open_incident, open_person
from station_desk.services.records import insert_record
from station_desk.services.restriction import allowed_to_open, restrict_record, restricted_to, user_ids_for
from tests.conftest import COMMANDER_PASSWORD, OFFICER_PASSWORD, incident_input


@pytest.fixture
def colleague(station: StationHandle, officer: Actor) -> Actor:
    """A second officer, "ivan", who is not named on the restricted records."""
    with db.write_session(station.engine) as s:
        user = add_user(
            session=s,
            handle=station,
            username="ivan",
            full_name="Іван Бойко",
            role="officer",
            password=OFFICER_PASSWORD,
        )
    return Actor(user_id=user.id, username="ivan", full_name=user.full_name, role=user.role, station_id=user.station_id)


@pytest.fixture
def case(station: StationHandle, officer: Actor) -> dict[str, str]:
    """A domestic-violence incident with a victim, an offender under monitoring, property and a note."""
    with db.write_session(station.engine) as s:
        incident = create_incident(
            session=s, actor=officer, data=incident_input(category_code="assault", domestic_violence=True)
        )
        victim = people.create_person(
            session=s, actor=officer,
            data=people.PersonInput(last_name="Мельник", first_name="Оксана", address="Нова адреса, 7", phone="+380"),
        )  # fmt: skip
        offender = people.create_person(
            session=s, actor=officer, data=people.PersonInput(last_name="Ткачук", first_name="Богдан")
        )
        people.involve_person(session=s, actor=officer, incident_id=incident.id, person_id=victim.id, role="victim")
        people.involve_person(
            session=s, actor=officer, incident_id=incident.id, person_id=offender.id, role="alleged_offender"
        )
        people.add_property(session=s, actor=officer, incident_id=incident.id, role="evidence", description="Ніж")
        add_note(session=s, actor=officer, incident_id=incident.id, text="Сусідка бачила")
        monitoring = dvs.start_monitoring(
            session=s, actor=officer, person_id=offender.id, started_on=date.today(), reason="ТЗП",
            incident_id=incident.id,
        )  # fmt: skip
        dvs.add_check_in(
            session=s, actor=officer, monitoring_id=monitoring.id, at=datetime.now(UTC) - timedelta(minutes=5)
        )
    return {"incident": incident.id, "victim": victim.id, "offender": offender.id, "monitoring": monitoring.id}


def restrict(station: StationHandle, commander: Actor, record_type: str, record_id: str, *users: Actor) -> None:
    with db.write_session(station.engine) as s:
        restrict_record(s, commander, record_type, record_id, [user.user_id for user in users])


# Every service that hands a reader one record's details (or its people, notes, property, DV data).
Reader = Callable[[Session, Actor, dict[str, str]], Any]
INCIDENT_READERS: dict[str, Reader] = {
    "open_incident": lambda s, a, c: open_incident(s, a, c["incident"], "перевірка"),
    "timeline": lambda s, a, c: timeline(session=s, actor=a, incident_id=c["incident"]),
    "people_of_incident": lambda s, a, c: people.people_of_incident(session=s, actor=a, incident_id=c["incident"]),
    "property_of_incident": lambda s, a, c: people.property_of_incident(session=s, actor=a, incident_id=c["incident"]),
    "dv_summary": lambda s, a, c: dvs.dv_summary(session=s, actor=a, incident_id=c["incident"]),
    "check_ins": lambda s, a, c: dvs.check_ins(session=s, actor=a, monitoring_id=c["monitoring"]),
}
PERSON_READERS: dict[str, Reader] = {
    "open_person": lambda s, a, c: open_person(s, a, c["offender"], "перевірка"),
    "incidents_of_person": lambda s, a, c: people.incidents_of_person(session=s, actor=a, person_id=c["offender"]),
    "check_ins": lambda s, a, c: dvs.check_ins(session=s, actor=a, monitoring_id=c["monitoring"]),
    "update_person": lambda s, a, c: people.update_person(
        session=s, actor=a, person_id=c["offender"], data=people.PersonInput(last_name="Ткачук", first_name="Богдан")
    ),
}


@pytest.mark.parametrize("reader", INCIDENT_READERS, ids=str)
def test_a_restricted_incident_opens_only_for_the_named_and_the_commander(
    station: StationHandle, commander: Actor, officer: Actor, colleague: Actor, case: dict[str, str], reader: str
) -> None:
    restrict(station, commander, "incident", case["incident"], colleague)
    read = INCIDENT_READERS[reader]
    with pytest.raises(PermissionDenied, match="restricted to named users"), db.write_session(station.engine) as s:
        read(s, officer, case)  # not named, although he wrote it
    for allowed in (colleague, commander):
        with db.write_session(station.engine) as s:
            read(s, allowed, case)


@pytest.mark.parametrize("reader", PERSON_READERS, ids=str)
def test_a_restricted_person_opens_only_for_the_named_and_the_commander(
    station: StationHandle, commander: Actor, officer: Actor, colleague: Actor, case: dict[str, str], reader: str
) -> None:
    restrict(station, commander, "person", case["offender"], officer)
    read = PERSON_READERS[reader]
    with pytest.raises(PermissionDenied), db.write_session(station.engine) as s:
        read(s, colleague, case)
    for allowed in (officer, commander):
        with db.write_session(station.engine) as s:
            read(s, allowed, case)


def test_the_register_stays_complete_but_hides_the_text(
    station: StationHandle, commander: Actor, officer: Actor, colleague: Actor, case: dict[str, str]
) -> None:
    restrict(station, commander, "incident", case["incident"], officer)
    with db.read_session(station.engine) as s:
        hidden = list_incidents(session=s, actor=colleague)
        named = list_incidents(session=s, actor=officer)
        assert count_incidents(session=s, actor=colleague) == 1
        assert [row.id for row in hidden] == [case["incident"]]
        assert hidden[0].summary == "(restricted)" and hidden[0].number == named[0].number
        assert named[0].summary == list_incidents(session=s, actor=commander)[0].summary != "(restricted)"
        # The offender's history keeps the incident (repeat cases stay visible) without its text.
        incident, link = people.incidents_of_person(session=s, actor=colleague, person_id=case["offender"])[0]
        assert incident.id == case["incident"] and link.role.value == "alleged_offender"
        assert incident.narrative == "(restricted)" and incident.address is None


def test_a_restricted_person_is_found_by_name_without_contact_details(
    station: StationHandle, commander: Actor, officer: Actor, colleague: Actor, case: dict[str, str]
) -> None:
    restrict(station, commander, "person", case["victim"], officer)
    with db.read_session(station.engine) as s:
        found = people.find_persons(session=s, actor=colleague, query="Мельник")[0]
        assert (found.id, found.last_name, found.address, found.phone) == (case["victim"], "Мельник", None, None)
        assert people.find_persons(session=s, actor=officer, query="Мельник")[0].address == "Нова адреса, 7"
        rows = people.people_of_incident(session=s, actor=colleague, incident_id=case["incident"])
        listed = {person.id: person for _link, person in rows}
        assert listed[case["victim"]].phone is None and listed[case["victim"]].last_name == "Мельник"
    with db.read_session(station.engine) as s:  # the masked copies were never saved
        assert people.find_persons(session=s, actor=commander, query="Мельник")[0].phone == "+380"


def test_restricting_is_for_the_commander_and_names_live_users_of_the_station(
    station: StationHandle, commander: Actor, officer: Actor, colleague: Actor, case: dict[str, str]
) -> None:
    with pytest.raises(PermissionDenied), db.write_session(station.engine) as s:
        restrict_record(s, officer, "incident", case["incident"], [officer.user_id])
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        restrict_record(s, commander, "patrol", case["incident"], [officer.user_id])
    assert "record_type" in error.value.errors
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        restrict_record(s, commander, "incident", case["incident"], ["no-such-user"])
    assert "user_ids" in error.value.errors
    with pytest.raises(NotFound), db.write_session(station.engine) as s:
        restrict_record(s, commander, "incident", case["victim"], [officer.user_id])  # a person's id
    with db.write_session(station.engine) as s:
        disable_user(session=s, handle=station, username="ivan")
    with pytest.raises(ValidationFailed, match=colleague.user_id), db.write_session(station.engine) as s:
        restrict_record(s, commander, "incident", case["incident"], [officer.user_id, colleague.user_id])
    with pytest.raises(ValidationFailed, match="nobody"), db.write_session(station.engine) as s:
        user_ids_for(s, commander, ["petro", "nobody"])
    with Session(station.engine) as s:
        assert s.exec(select(RecordRestriction)).all() == []


def test_lifting_and_changing_a_restriction_is_audited_and_synced(
    station: StationHandle, commander: Actor, officer: Actor, colleague: Actor, case: dict[str, str]
) -> None:
    restrict(station, commander, "incident", case["incident"], officer)
    restrict(station, commander, "incident", case["incident"], officer, colleague)
    with db.read_session(station.engine) as s:
        assert allowed_to_open(s, colleague, "incident", case["incident"])
        assert restricted_to(s, commander, "incident", case["incident"]) == [officer.user_id, colleague.user_id]
    restrict(station, commander, "incident", case["incident"])  # nobody named: lifted
    with Session(station.engine) as s:
        assert restricted_to(s, commander, "incident", case["incident"]) is None
        ops = s.exec(
            select(OutboxEntry.operation)
            .where(OutboxEntry.record_type == "recordrestriction")
            .order_by(col(OutboxEntry.client_seq))
        ).all()
        audited = s.exec(select(AuditEntry.user_id).where(AuditEntry.record_type == "recordrestriction")).all()
    assert ops == ["insert", "update", "delete"] and audited == [commander.user_id] * 3
    with db.read_session(station.engine) as s:
        assert allowed_to_open(s, officer, "incident", case["incident"])
        assert allowed_to_open(s, colleague, "incident", case["incident"])


def test_two_laptops_restricting_offline_the_stricter_list_holds_until_the_commander_decides(
    station: StationHandle, commander: Actor, officer: Actor, colleague: Actor, case: dict[str, str]
) -> None:
    with db.write_session(station.engine) as s:
        for users in ([officer.user_id, colleague.user_id], [colleague.user_id]):
            insert_record(
                s, commander, RecordRestriction(record_type="person", record_id=case["victim"], user_ids=users)
            )
    with db.read_session(station.engine) as s:
        assert not allowed_to_open(s, officer, "person", case["victim"])
        assert allowed_to_open(s, colleague, "person", case["victim"])
        assert restricted_to(s, commander, "person", case["victim"]) == [colleague.user_id]
    restrict(station, commander, "person", case["victim"], officer)
    with Session(station.engine) as s:
        live = s.exec(select(RecordRestriction).where(col(RecordRestriction.deleted_at).is_(None))).all()
        assert [row.user_ids for row in live] == [[officer.user_id]]


def test_restrict_command(station: StationHandle, officer: Actor, case: dict[str, str]) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "STATION_DESK_DATA_DIR"}
    environment["STATION_DESK_PASSWORD"] = COMMANDER_PASSWORD
    common = ["--data-dir", str(station.paths.data_dir), "--user", "olena", "--lang", "en"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "station_desk", "privacy", "restrict", *args, *common]
        return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)

    done = run("--type", "incident", "--id", case["incident"], "--users", "petro")
    assert done.returncode == 0, done.stderr
    assert "petro" in done.stdout
    with db.read_session(station.engine) as s:
        assert restricted_to(s, station.actor, "incident", case["incident"]) == [officer.user_id]
    unknown = run("--type", "incident", "--id", case["incident"], "--users", "petro,nobody")
    assert unknown.returncode == 2 and "nobody" in unknown.stderr
    lifted = run("--type", "incident", "--id", case["incident"], "--users", "")
    assert lifted.returncode == 0 and "no longer restricted" in lifted.stdout
    with db.read_session(station.engine) as s:
        assert restricted_to(s, station.actor, "incident", case["incident"]) is None


def test_a_restricted_incident_is_changed_only_by_the_named_and_the_commander(
    station: StationHandle, commander: Actor, officer: Actor, colleague: Actor, case: dict[str, str]
) -> None:
    from station_desk.services.incidents import update_incident

    restrict(station, commander, "incident", case["incident"], colleague)
    writes: list[Callable[[Session, Actor], Any]] = [
        lambda s, a: update_incident(session=s, actor=a, incident_id=case["incident"], data=incident_input()),
        lambda s, a: add_note(session=s, actor=a, incident_id=case["incident"], text="Спроба дописати"),
        lambda s, a: people.involve_person(
            session=s, actor=a, incident_id=case["incident"], person_id=case["victim"], role="witness"
        ),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied, match="restricted to named users"), db.write_session(station.engine) as s:
            write(s, officer)
    with db.write_session(station.engine) as s:
        add_note(session=s, actor=colleague, incident_id=case["incident"], text="Named colleague adds a note")
