"""Persons (one record, many incidents), their links to incidents with roles, and property in an incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from station_desk.errors import PermissionDenied, RecordLocked
from station_desk.i18n import _
from station_desk.models import Incident, Involvement, Person, PropertyItem, Village
from station_desk.models.enums import (
    DataProtectionCategory,
    IncidentStatus,
    InvolvementRole,
    PropertyKind,
    PropertyRole,
    Sex,
)
from station_desk.services.context import Actor
from station_desk.services.incidents import reindex_incident
from station_desk.services.records import get_record, insert_record, soft_delete, update_record
from station_desk.services.restriction import hidden_from, masked_incident, masked_person, require_allowed
from station_desk.services.search import search_ids, set_index
from station_desk.services.validation import Problems, check_types

# The data-protection category a role implies (Directive 2016/680 art. 6); an officer may override it.
ROLE_CATEGORY = {
    InvolvementRole.victim: DataProtectionCategory.victim,
    InvolvementRole.alleged_offender: DataProtectionCategory.suspect,
}
MAX_AGE = 120


@dataclass
class PersonInput:
    last_name: str = ""
    first_name: str = ""
    patronymic: str | None = None
    birth_date: date | None = None
    approximate_age: int | None = None
    sex: str = Sex.unknown.value
    village_id: str | None = None
    address: str | None = None
    phone: str | None = None
    id_document: str | None = None
    notes: str | None = None


def _person_fields(session: Session, data: PersonInput) -> dict[str, Any]:
    check_types(data)
    problems = Problems()
    values: dict[str, Any] = {
        "last_name": problems.required_text("last_name", data.last_name, 120),
        "first_name": problems.required_text("first_name", data.first_name, 120),
        "patronymic": problems.optional_text("patronymic", data.patronymic, 120),
        "sex": problems.choice("sex", data.sex, Sex),
        "address": problems.optional_text("address", data.address, 300),
        "phone": problems.optional_text("phone", data.phone, 50),
        "id_document": problems.optional_text("id_document", data.id_document, 60),
        "notes": problems.optional_text("notes", data.notes),
        "birth_date": data.birth_date,
        "approximate_age": data.approximate_age,
        "approximate_age_on": date.today() if data.approximate_age is not None else None,
        "village_id": data.village_id or None,
    }
    today = date.today()
    if data.birth_date is not None:
        if data.birth_date > today:
            problems.add("birth_date", _("The date of birth is in the future."))
        elif today.year - data.birth_date.year > MAX_AGE:
            problems.add("birth_date", _("The date of birth is too far in the past."))
    if data.approximate_age is not None and not 0 <= data.approximate_age <= MAX_AGE:
        problems.add("approximate_age", _("The age must be between 0 and {max}.").format(max=MAX_AGE))
    if data.village_id and session.get(Village, data.village_id) is None:
        problems.add("village_id", _("Unknown village."))
    problems.raise_if_any()
    return values


def _index_person(session: Session, person: Person) -> None:
    set_index(session, "person", person.id, person.last_name, person.first_name, person.patronymic)


def create_person(*, session: Session, actor: Actor, data: PersonInput) -> Person:
    person = insert_record(session, actor, Person(**_person_fields(session, data)))
    _index_person(session, person)
    return person


def update_person(*, session: Session, actor: Actor, person_id: str, data: PersonInput) -> Person:
    person = get_record(session, Person, person_id, actor=actor)
    # Someone not named on a restricted person got a masked copy: saving it would blank the hidden details.
    require_allowed(session, actor, "person", person_id)
    values = _person_fields(session, data)
    if person.approximate_age == values["approximate_age"]:
        values.pop("approximate_age_on")  # the age was not re-entered, so its reference day stays
    update_record(session, actor, person, values)
    _index_person(session, person)
    for involvement in session.exec(select(Involvement).where(Involvement.person_id == person.id)):
        reindex_incident(session, session.get_one(Incident, involvement.incident_id))
    return person


def find_persons(*, session: Session, actor: Actor, query: str, limit: int = 20) -> list[Person]:
    """Persons whose names match what is typed so far (in Cyrillic or in Latin letters)."""
    ids = search_ids(session, "person", query, limit=limit)
    if not ids:
        return []
    found = {
        person.id: person
        for person in session.exec(select(Person).where(col(Person.id).in_(ids), col(Person.deleted_at).is_(None)))
    }
    hidden = hidden_from(session, actor, "person", found)
    # A restricted person is still found by name (no duplicate gets made), without contact and document details.
    return [masked_person(found[pid]) if pid in hidden else found[pid] for pid in ids if pid in found]


def _incident_open_for_people(session: Session, actor: Actor, incident_id: str) -> Incident:
    incident = get_record(session, Incident, incident_id, actor=actor)
    require_allowed(session, actor, "incident", incident.id)
    if incident.status in (IncidentStatus.approved, IncidentStatus.closed):
        raise RecordLocked()
    if incident.status == IncidentStatus.voided:
        raise PermissionDenied(_("This record was voided and cannot be changed."))
    return incident


def involve_person(
    *,
    session: Session,
    actor: Actor,
    incident_id: str,
    person_id: str,
    role: str,
    data_category: str | None = None,
    note: str | None = None,
) -> Involvement:
    """Link a person to an incident; whether they were a minor is fixed from the day it was reported."""
    incident = _incident_open_for_people(session, actor, incident_id)
    person = get_record(session, Person, person_id, actor=actor)
    problems = Problems()
    chosen_role = problems.choice("role", role, InvolvementRole)
    category = problems.choice("data_category", data_category, DataProtectionCategory, required=False)
    problems.raise_if_any()
    assert chosen_role is not None
    involvement = Involvement(
        incident_id=incident.id,
        person_id=person.id,
        role=chosen_role,
        data_category=category or ROLE_CATEGORY.get(chosen_role, DataProtectionCategory.other),
        minor_at_time=person.is_minor_on(incident.reported_at.date()),
        note=(note or "").strip() or None,
    )
    insert_record(session, actor, involvement)
    reindex_incident(session, incident)
    return involvement


def remove_involvement(*, session: Session, actor: Actor, involvement_id: str, reason: str | None = None) -> None:
    involvement = get_record(session, Involvement, involvement_id, actor=actor)
    incident = _incident_open_for_people(session, actor, involvement.incident_id)
    soft_delete(session, actor, involvement, reason=reason)
    reindex_incident(session, incident)


def incidents_of_person(*, session: Session, actor: Actor, person_id: str) -> list[tuple[Incident, Involvement]]:
    """Every incident a person appears in, newest first: repeat victims and offenders become visible."""
    get_record(session, Person, person_id, actor=actor)
    require_allowed(session, actor, "person", person_id)
    rows = session.exec(
        select(Incident, Involvement)
        .join(Involvement, col(Involvement.incident_id) == col(Incident.id))
        .where(Involvement.person_id == person_id, col(Involvement.deleted_at).is_(None))
        .order_by(col(Incident.reported_at).desc())
    ).all()
    hidden = hidden_from(session, actor, "incident", [incident.id for incident, _link in rows])
    # Repeat cases stay visible; an incident the actor may not open shows only its register line.
    return [(masked_incident(incident) if incident.id in hidden else incident, link) for incident, link in rows]


def people_of_incident(*, session: Session, actor: Actor, incident_id: str) -> list[tuple[Involvement, Person]]:
    get_record(session, Incident, incident_id, actor=actor)
    require_allowed(session, actor, "incident", incident_id)
    rows = session.exec(
        select(Involvement, Person)
        .join(Person, col(Person.id) == col(Involvement.person_id))
        .where(Involvement.incident_id == incident_id, col(Involvement.deleted_at).is_(None))
        .order_by(col(Involvement.created_at))
    ).all()
    hidden = hidden_from(session, actor, "person", [person.id for _link, person in rows])
    return [(link, masked_person(person) if person.id in hidden else person) for link, person in rows]


def add_property(
    *,
    session: Session,
    actor: Actor,
    incident_id: str,
    role: str,
    description: str,
    kind: str = PropertyKind.other.value,
    quantity: float | None = None,
    value: float | None = None,
    identifier: str | None = None,
) -> PropertyItem:
    incident = _incident_open_for_people(session, actor, incident_id)
    problems = Problems()
    item = PropertyItem(
        incident_id=incident.id,
        role=problems.choice("role", role, PropertyRole) or PropertyRole.stolen,
        kind=problems.choice("kind", kind, PropertyKind) or PropertyKind.other,
        description=problems.required_text("description", description, 500),
        quantity=quantity,
        value=value,
        identifier=problems.optional_text("identifier", identifier, 100),
    )
    problems.not_negative("quantity", quantity)
    problems.not_negative("value", value)
    problems.raise_if_any()
    return insert_record(session, actor, item)


def property_of_incident(*, session: Session, actor: Actor, incident_id: str) -> list[PropertyItem]:
    get_record(session, Incident, incident_id, actor=actor)
    require_allowed(session, actor, "incident", incident_id)
    return list(
        session.exec(
            select(PropertyItem).where(PropertyItem.incident_id == incident_id, col(PropertyItem.deleted_at).is_(None))
        )
    )
