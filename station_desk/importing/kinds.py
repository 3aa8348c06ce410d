"""For each kind of import: the same validation the forms use, and the service call that writes one row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from station_desk.errors import ValidationFailed
from station_desk.i18n import _
from station_desk.models import Incident, ReceptionSession
from station_desk.services import community, incidents, patrols, people, reception
from station_desk.services.context import Actor
from station_desk.services.records import insert_record

# The services' field checks are module-private because forms reach them through create_*; the import calls
# them directly so the preview rejects exactly what the forms would, without writing anything.


@dataclass(frozen=True)
class Prepared:
    """A row that passed the checks, ready to write: what to pass to the kind's service."""

    data: Any
    extra: dict[str, Any]


def _incident(session: Session, actor: Actor, values: dict[str, Any]) -> Prepared:
    data = incidents.IncidentInput(
        reported_at=values.get("reported_at"),
        category_code=values.get("category_code"),
        village_id=values.get("village_id"),
        address=values.get("address"),
        narrative=values.get("narrative") or "",
        domestic_violence=bool(values.get("domestic_violence")),
        national_register_number=values.get("national_register_number"),
    )
    fields = incidents._validated_fields(session, data)  # noqa: SLF001 - see the note at the top
    number = values.get("number")
    if number:
        # A deleted incident's number is free again: an import undone and done again keeps its numbers.
        taken = select(Incident.id).where(
            Incident.station_id == actor.station_id, Incident.number == number, col(Incident.deleted_at).is_(None)
        )
        if session.exec(taken).first() is not None:
            raise ValidationFailed({"number": _("Register number {number} is already used.").format(number=number)})
    return Prepared(data, {"number": number, "fields": fields})


def _write_incident(session: Session, actor: Actor, prepared: Prepared) -> str:
    # The fields were checked in this same transaction when the plan was made (see writer.run_import).
    fields = prepared.extra["fields"]
    number = prepared.extra["number"] or incidents._next_number(session, actor, fields["reported_at"])  # noqa: SLF001
    incident = insert_record(session, actor, Incident(number=number, **fields))
    if not prepared.extra.get("person_follows"):
        incidents.reindex_incident(session, incident)  # else involve_person indexes it with the person's name
    return incident.id


def _person(session: Session, actor: Actor, values: dict[str, Any]) -> Prepared:
    data = people.PersonInput(
        last_name=values.get("last_name") or "",
        first_name=values.get("first_name") or "",
        patronymic=values.get("patronymic"),
        birth_date=values.get("birth_date"),
        sex=values.get("sex") or "unknown",
        village_id=values.get("village_id"),
        address=values.get("address"),
        phone=values.get("phone"),
        id_document=values.get("id_document"),
        notes=values.get("notes"),
    )
    people._person_fields(session, data)  # noqa: SLF001
    return Prepared(data, {})


def _write_person(session: Session, actor: Actor, prepared: Prepared) -> str:
    return people.create_person(session=session, actor=actor, data=prepared.data).id


def _patrol(session: Session, actor: Actor, values: dict[str, Any]) -> Prepared:
    data = patrols.PatrolInput(
        started_at=values.get("started_at"),
        ended_at=values.get("ended_at"),
        mode=values.get("mode") or "foot",
        # A register often names nobody: the commander who imports it stands for the patrol.
        officer_ids=values.get("officer_ids") or [actor.user_id],
        vehicle=values.get("vehicle"),
        km=values.get("km") or 0.0,
        purpose=values.get("purpose") or "",
        observations=values.get("observations") or "",
        village_ids=values.get("village_ids") or [],
    )
    patrols._fields(session, actor, data)  # noqa: SLF001
    return Prepared(data, {})


def _write_patrol(session: Session, actor: Actor, prepared: Prepared) -> str:
    return patrols.create_patrol(session=session, actor=actor, data=prepared.data).id


def _visit(session: Session, actor: Actor, values: dict[str, Any]) -> Prepared:
    day: date | None = values.get("day")
    place = values.get("place") or values["_station_name"]
    data = reception.VisitInput(
        visitor_name=values.get("visitor_name") or "",
        topic=values.get("topic") or "",
        outcome=values.get("outcome") or "advice_given",
        follow_up_on=values.get("follow_up_on"),
        resolved=bool(values.get("resolved")),
    )
    if day is None:
        raise ValidationFailed({"day": _("This field is required.")})
    if day > date.today():
        raise ValidationFailed({"day": _("This date is in the future.")})
    # A reception session that is not stored: the visit's checks only need its day and that it was held.
    reception._visit_fields(session, actor, ReceptionSession(day=day, held=True, place=place), data)  # noqa: SLF001
    return Prepared(data, {"day": day, "place": place})


def _write_visit(session: Session, actor: Actor, prepared: Prepared) -> str:
    held = reception.mark_session(
        session=session, actor=actor, day=prepared.extra["day"], held=True, place=prepared.extra["place"]
    )
    return reception.add_visit(session=session, actor=actor, reception_session_id=held.id, data=prepared.data).id


def _meeting(session: Session, actor: Actor, values: dict[str, Any]) -> Prepared:
    data = community.MeetingInput(
        kind=values.get("kind") or "meeting",
        held_at=values.get("held_at"),
        place=values.get("place") or "",
        village_id=values.get("village_id"),
        attendance=values.get("attendance") or 0,
        issues_raised=values.get("issues_raised") or "",
        commitments=values.get("commitments") or "",
    )
    community._meeting_fields(session, actor, data)  # noqa: SLF001
    return Prepared(data, {})


def _write_meeting(session: Session, actor: Actor, prepared: Prepared) -> str:
    return community.create_meeting(session=session, actor=actor, data=prepared.data).id


Check = Callable[[Session, Actor, dict[str, Any]], Prepared]
Write = Callable[[Session, Actor, Prepared], str]
RULES: dict[str, tuple[Check, Write]] = {
    "incidents": (_incident, _write_incident),
    "persons": (_person, _write_person),
    "patrols": (_patrol, _write_patrol),
    "reception-visits": (_visit, _write_visit),
    "meetings": (_meeting, _write_meeting),
}
