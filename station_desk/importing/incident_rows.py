"""Writes an incident register in bulk: the incidents, the persons they name and the links, audited and queued.

A register of 100,000 rows through the forms' one-record-at-a-time path takes hours on a station laptop (each
ORM object, audit entry and flush costs milliseconds); services.bulk writes the same rows, audit chain and
outbox with executemany. The rows were checked by the forms' own validation when the plan was made.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from station_desk.importing.plan import ImportPlan, PersonKey
from station_desk.models import Incident, Involvement, Person, Station, new_id
from station_desk.models.enums import DataProtectionCategory, InvolvementRole
from station_desk.models.people import ADULT_AGE
from station_desk.services import bulk
from station_desk.services.context import Actor
from station_desk.services.incidents import _next_number  # noqa: PLC2701 - the same numbering as the form
from station_desk.services.people import ROLE_CATEGORY


class _Numbers:
    """Register numbers per year: the first from the database, then counted here, skipping the file's own."""

    def __init__(self, session: Session, actor: Actor, taken: set[str]) -> None:
        self.session, self.actor, self.taken = session, actor, taken
        self.zone = ZoneInfo(session.get_one(Station, actor.station_id).timezone)
        self.next_of_year: dict[int, int] = {}

    def next(self, reported_at: Any) -> str:
        year = reported_at.astimezone(self.zone).year
        if year not in self.next_of_year:
            first = _next_number(self.session, self.actor, reported_at)
            self.next_of_year[year] = int(first.split("/")[1])
        while True:
            sequence = self.next_of_year[year]
            self.next_of_year[year] = sequence + 1
            number = f"{year}/{sequence:04d}"
            if number not in self.taken:
                return number


def _existing_persons(session: Session, ids: set[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), 500):
        chunk = id_list[start : start + 500]
        found.update({person.id: person for person in session.exec(select(Person).where(col(Person.id).in_(chunk)))})
    return found


def _is_minor(birth_date: date | None, day: date) -> bool:
    """As Person.is_minor_on, for a person made from a row (only a date of birth is known)."""
    if birth_date is None:
        return False
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1) < ADULT_AGE


def write_incident_rows(session: Session, actor: Actor, plan: ImportPlan) -> dict[str, str]:
    """Insert every planned incident row; returns each new incident's id with its row key."""
    numbers = _Numbers(
        session, actor, {row.prepared.extra["number"] for row in plan.rows if row.prepared.extra["number"]}
    )
    existing = _existing_persons(
        session, {row.person.existing_id for row in plan.rows if row.person and row.person.existing_id}
    )
    new_persons: dict[PersonKey, dict[str, Any]] = {}
    person_rows: list[dict[str, Any]] = []
    incident_rows: list[dict[str, Any]] = []
    involvement_rows: list[dict[str, Any]] = []
    names: dict[str, str] = {}  # person id -> "last first patronymic", for the incidents' search text
    keyed: dict[str, str] = {}
    for row in plan.rows:
        fields = row.prepared.extra["fields"]
        incident_id = new_id()
        number = row.prepared.extra["number"] or numbers.next(fields["reported_at"])
        incident_rows.append({"id": incident_id, "number": number, **fields})
        keyed[incident_id] = row.row_key
        person = row.person
        if person is None:
            continue
        day = fields["reported_at"].date()
        if person.existing_id:
            known = existing[person.existing_id]
            person_id, minor = known.id, known.is_minor_on(day)
            name_parts = (known.last_name, known.first_name, known.patronymic)
        else:
            made = new_persons.get(person.key) if person.key else None
            if made is None:
                made = {
                    "id": new_id(),
                    "last_name": person.last_name,
                    "first_name": person.first_name,
                    "patronymic": person.patronymic,
                    "birth_date": person.birth_date,
                }
                person_rows.append(made)
                if person.key:
                    new_persons[person.key] = made
            person_id, minor = made["id"], _is_minor(person.birth_date, day)
            name_parts = (person.last_name, person.first_name, person.patronymic)
        names[person_id] = " ".join(part for part in name_parts if part)
        role = InvolvementRole(person.role)
        involvement_rows.append(
            {
                "id": new_id(),
                "incident_id": incident_id,
                "person_id": person_id,
                "role": role,
                "data_category": ROLE_CATEGORY.get(role, DataProtectionCategory.other),
                "minor_at_time": minor,
            }
        )
    bulk.insert_rows(session, actor, {Person: person_rows, Incident: incident_rows, Involvement: involvement_rows})
    people_of: dict[str, list[str]] = {}
    for link in involvement_rows:
        people_of.setdefault(link["incident_id"], []).append(names[link["person_id"]])
    bulk.index_many(
        session,
        [
            *(("person", p["id"], (p["last_name"], p["first_name"], p["patronymic"])) for p in person_rows),
            *(
                ("incident", i["id"], (i["number"], i["address"], i["narrative"], *people_of.get(i["id"], ())))
                for i in incident_rows
            ),
        ],
    )
    return keyed
