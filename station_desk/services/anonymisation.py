"""Anonymisation under a retention rule: clears what identifies people, keeps what the statistics count.

Kept on an incident: number, category, dates, village, legal type, status, outcome, the domestic-violence flag, the
people's roles, data categories and `minor_at_time`, the DV forms, risk levels, measure kinds and dates, property
kinds and values. Cleared: every free text and number that points at a person or a place (see the *_CLEARED maps).
A person is anonymised with it once every record that links to them is anonymised.

The changes are audited and queued for sync like any edit, but their audit entries list the cleared fields
without their old values: the audit log is append-only and hash-chained, so a value written there could never be
erased again, and an anonymisation that kept the narrative in the log would not be one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from station_desk.i18n import _
from station_desk.models import (
    AnonymisedRecord,
    DomesticViolenceDetails,
    Incident,
    IncidentNote,
    Involvement,
    MeasureBreach,
    MonitoringCheckIn,
    OffenderMonitoring,
    Person,
    PropertyItem,
    ProtectiveMeasure,
    ReceptionVisit,
    RecordBase,
    RiskAssessment,
    utcnow,
)
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.incidents import reindex_incident
from station_desk.services.journal import audit, queue_change
from station_desk.services.records import get_record, insert_record
from station_desk.services.search import set_index
from station_desk.services.validation import Problems

# Stands in for a required text that was cleared (a name, a description): language-neutral, as it syncs to laptops
# in other languages, and without letters, so it never matches a search.
PLACEHOLDER = "***"
MAX_REASON = 500
ANONYMISABLE = ("incident", "person")

INCIDENT_CLEARED: dict[str, Any] = {
    "narrative": "", "address": None, "latitude": None, "longitude": None, "national_register_number": None,
    "blue_card_number": None, "return_note": None, "void_reason": None,
}  # fmt: skip
PERSON_CLEARED: dict[str, Any] = {
    "last_name": PLACEHOLDER, "first_name": PLACEHOLDER, "patronymic": None, "address": None, "phone": None,
    "id_document": None, "notes": None,
}  # fmt: skip


def _erase(session: Session, actor: Actor, record: RecordBase, changes: dict[str, Any], reason: str) -> bool:
    """update_record's write (audit entry, outbox row), but the audit entry names the fields, never the old values."""
    changed = {name: value for name, value in changes.items() if getattr(record, name) != value}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(record, name, value)
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    table = str(record.__tablename__)
    audit(
        session, actor, AuditAction.update, record_type=table, record_id=record.id, reason=reason,
        details={"erased": sorted(changed)},
    )  # fmt: skip
    queue_change(
        session, record_type=table, record_id=record.id, operation="update",
        changed=changed | {"updated_at": record.updated_at}, base_version=record.version,
    )  # fmt: skip
    return True


def _all_rows(session: Session, model: Any, column: Any, ids: Iterable[str]) -> list[Any]:
    """Every row pointing at these ids, soft-deleted ones too: a deleted row still holds its text."""
    wanted = list(ids)
    return list(session.exec(select(model).where(col(column).in_(wanted)))) if wanted else []


def _clear_incident(session: Session, actor: Actor, incident: Incident, reason: str) -> bool:
    """Clear one incident and everything hanging off it; True if anything changed."""
    changed = _erase(session, actor, incident, INCIDENT_CLEARED, reason)
    one = [incident.id]
    measures = _all_rows(session, ProtectiveMeasure, ProtectiveMeasure.incident_id, one)
    monitorings = _all_rows(session, OffenderMonitoring, OffenderMonitoring.incident_id, one)
    rows: list[tuple[RecordBase, dict[str, Any]]] = [
        *((note, {"text": ""}) for note in _all_rows(session, IncidentNote, IncidentNote.incident_id, one)),
        *((link, {"note": None}) for link in _all_rows(session, Involvement, Involvement.incident_id, one)),
        *(
            (item, {"description": PLACEHOLDER, "identifier": None})
            for item in _all_rows(session, PropertyItem, PropertyItem.incident_id, one)
        ),
        *((risk, {"answers": {}}) for risk in _all_rows(session, RiskAssessment, RiskAssessment.incident_id, one)),
        *((measure, {"document_number": None}) for measure in measures),
        *(
            (breach, {"note": ""})
            for breach in _all_rows(session, MeasureBreach, MeasureBreach.measure_id, [m.id for m in measures])
        ),
        *((monitoring, {"reason": PLACEHOLDER}) for monitoring in monitorings),
        *(
            (check_in, {"note": ""})
            for check_in in _all_rows(
                session, MonitoringCheckIn, MonitoringCheckIn.monitoring_id, [m.id for m in monitorings]
            )
        ),
        *(
            (visit, {"visitor_name": PLACEHOLDER})
            for visit in _all_rows(session, ReceptionVisit, ReceptionVisit.incident_id, one)
        ),
    ]
    for details in _all_rows(session, DomesticViolenceDetails, DomesticViolenceDetails.incident_id, one):
        # The report counts referrals by a non-empty text: where the victim went is cleared, that they went stays.
        if (details.referrals or "").strip():
            rows.append((details, {"referrals": PLACEHOLDER}))
    for record, changes in rows:
        changed = _erase(session, actor, record, changes, reason) or changed
    return changed


def _year_only(person: Person) -> dict[str, Any]:
    """Birth date down to the year, kept as an approximate age of 0 on 1 January of that year.

    Person.age_on then gives the age by year of birth (at most one year high before the birthday). The reports
    count minors from Involvement.minor_at_time, fixed when the person was linked and kept, so no figure moves.
    """
    if person.birth_date is None:
        return {}
    return {"birth_date": None, "approximate_age": 0, "approximate_age_on": date(person.birth_date.year, 1, 1)}


def _clear_person(session: Session, actor: Actor, person: Person, reason: str) -> bool:
    changed = _erase(session, actor, person, PERSON_CLEARED | _year_only(person), reason)
    set_index(session, "person", person.id)  # no text: the person leaves the search index
    return changed


def _anonymised_incidents() -> Any:
    return select(AnonymisedRecord.record_id).where(
        AnonymisedRecord.record_type == "incident", col(AnonymisedRecord.deleted_at).is_(None)
    )


def _kept_incidents(session: Session, person_id: str) -> list[str]:
    """Numbers of the incidents not anonymised that still link to the person (an empty list: none)."""
    kept = sa.and_(col(Incident.deleted_at).is_(None), col(Incident.id).not_in(_anonymised_incidents()))
    linked = (
        select(Incident.number)
        .join(Involvement, col(Involvement.incident_id) == col(Incident.id))
        .where(Involvement.person_id == person_id, col(Involvement.deleted_at).is_(None), kept)
    )
    return sorted(set(session.exec(linked)))


def _kept_elsewhere(session: Session, person_id: str) -> bool:
    """A monitoring or reception visit not belonging to an anonymised incident still needs the person."""
    for model in (OffenderMonitoring, ReceptionVisit):
        found = session.exec(
            select(model.id).where(
                col(model.person_id) == person_id,
                col(model.deleted_at).is_(None),
                sa.or_(col(model.incident_id).is_(None), col(model.incident_id).not_in(_anonymised_incidents())),
            )
        ).first()
        if found is not None:
            return True
    return False


def _mark(session: Session, actor: Actor, record_type: str, record_id: str, reason: str) -> bool:
    """Record (once) that a record is anonymised, for the other laptops and the review list."""
    existing = session.exec(
        select(AnonymisedRecord.id).where(
            AnonymisedRecord.record_type == record_type,
            AnonymisedRecord.record_id == record_id,
            col(AnonymisedRecord.deleted_at).is_(None),
        )
    ).first()
    if existing is not None:
        return False
    insert_record(session, actor, AnonymisedRecord(record_type=record_type, record_id=record_id, reason=reason))
    return True


def _people_of(session: Session, incident_ids: Sequence[str]) -> set[str]:
    linked = _all_rows(session, Involvement, Involvement.incident_id, incident_ids)
    against = _all_rows(session, ProtectiveMeasure, ProtectiveMeasure.incident_id, incident_ids)
    watched = _all_rows(session, OffenderMonitoring, OffenderMonitoring.incident_id, incident_ids)
    visits = _all_rows(session, ReceptionVisit, ReceptionVisit.incident_id, incident_ids)
    ids = {row.person_id for row in [*linked, *watched, *visits]} | {m.against_person_id for m in against}
    return {person_id for person_id in ids if person_id}


def _anonymise_person(session: Session, actor: Actor, person: Person, reason: str, *, cause: str | None) -> bool:
    changed = _clear_person(session, actor, person, reason)
    if _mark(session, actor, "person", person.id, reason) or changed:
        audit(
            session, actor, AuditAction.anonymise, record_type="person", record_id=person.id, reason=reason,
            details={"with_incident": cause} if cause else {},
        )  # fmt: skip
        return True
    return False


def _reindex_incidents_of(session: Session, actor: Actor, person_ids: Iterable[str], also: Iterable[str]) -> None:
    """The incidents' search text holds the names of their people: rebuild it where a name was cleared."""
    incident_ids = set(also) | {
        link.incident_id for link in _all_rows(session, Involvement, Involvement.person_id, person_ids)
    }
    for incident_id in sorted(incident_ids):
        incident = session.get(Incident, incident_id)
        if incident is not None and incident.station_id == actor.station_id:
            reindex_incident(session, incident)


def anonymise(session: Session, actor: Actor, record_type: str, record_ids: Sequence[str], reason: str) -> int:
    """The commander clears the identifying data of these records; returns how many of them changed.

    A second call on the same records changes nothing and returns 0. An approved (locked) incident is anonymised
    too: the lock stops officers rewriting a record, and retention, which the law requires, overrides it.
    """
    actor.require_commander()
    problems = Problems()
    cleaned = problems.required_text("reason", reason, MAX_REASON)
    if record_type not in ANONYMISABLE:
        problems.add(
            "record_type",
            _("Only these records can be anonymised: {types}.").format(types=", ".join(ANONYMISABLE)),
        )
    ids = list(dict.fromkeys(record_id.strip() for record_id in record_ids if record_id.strip()))
    if not ids:
        problems.add("record_ids", _("This field is required."))
    problems.raise_if_any()
    if record_type == "person":
        return _anonymise_persons(session, actor, ids, cleaned)
    incidents = [get_record(session, Incident, record_id, actor=actor) for record_id in ids]  # all found, or none
    count = 0
    for incident in incidents:
        marked = _mark(session, actor, "incident", incident.id, cleaned)
        if _clear_incident(session, actor, incident, cleaned) or marked:
            count += 1
            audit(session, actor, AuditAction.anonymise, record_type="incident", record_id=incident.id, reason=cleaned)
    cleared = []
    for person_id in sorted(_people_of(session, ids)):
        person = session.get(Person, person_id)
        if person is None or person.station_id != actor.station_id or person.deleted_at is not None:
            continue
        if not _kept_incidents(session, person_id) and not _kept_elsewhere(session, person_id):
            _anonymise_person(session, actor, person, cleaned, cause=ids[0] if len(ids) == 1 else None)
            cleared.append(person_id)
    _reindex_incidents_of(session, actor, cleared, ids)
    return count


def _anonymise_persons(session: Session, actor: Actor, ids: list[str], reason: str) -> int:
    """A person alone: only once no kept record links to them, or an incident would lose its people."""
    persons = [get_record(session, Person, record_id, actor=actor) for record_id in ids]
    refusals = []
    for person in persons:
        name = f"{person.last_name} {person.first_name}"
        numbers = _kept_incidents(session, person.id)
        if numbers:
            refusals.append(
                _("{name} still appears in incidents that are kept: {numbers}. Anonymise those first.").format(
                    name=name, numbers=", ".join(numbers)
                )
            )
        elif _kept_elsewhere(session, person.id):
            refusals.append(
                _("{name} is still under monitoring or in a reception visit that is kept.").format(name=name)
            )
    if refusals:
        problems = Problems()
        problems.add("record_ids", " ".join(refusals))
        problems.raise_if_any()
    count = sum(_anonymise_person(session, actor, person, reason, cause=None) for person in persons)
    _reindex_incidents_of(session, actor, ids, [])
    return count
