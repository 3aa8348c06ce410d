"""Incidents: create and edit with validation, the approval workflow and its permissions, notes, supplements."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from station_desk.errors import PermissionDenied, RecordLocked
from station_desk.i18n import _
from station_desk.models import Category, Incident, IncidentNote, Involvement, Person, Station, Village, utcnow
from station_desk.models.enums import (
    AuditAction,
    Confidentiality,
    IncidentSource,
    IncidentStatus,
    InvolvementRole,
    LegalType,
    NoteKind,
    Outcome,
)
from station_desk.services.context import Actor
from station_desk.services.records import get_record, insert_record, update_record
from station_desk.services.restriction import require_allowed
from station_desk.services.search import set_index
from station_desk.services.validation import Problems, check_types

EDITABLE_STATUSES = {IncidentStatus.draft, IncidentStatus.returned}


@dataclass
class IncidentInput:
    """What the incident form sends; times must be time-zone aware."""

    reported_at: datetime | None = None
    category_code: str | None = None
    source: str | None = IncidentSource.walk_in.value
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    village_id: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    legal_type: str | None = None  # taken from the category when left empty
    domestic_violence: bool = False
    narrative: str = ""
    outcome: str = Outcome.pending.value
    due_on: datetime | None = None
    national_register_number: str | None = None
    blue_card_number: str | None = None
    confidentiality: str = Confidentiality.normal.value
    patrol_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _validated_fields(session: Session, data: IncidentInput) -> dict[str, Any]:
    check_types(data)
    problems = Problems()
    reported_at = problems.aware_time("reported_at", data.reported_at, required=True)
    occurred_from = problems.aware_time("occurred_from", data.occurred_from)
    occurred_to = problems.aware_time("occurred_to", data.occurred_to)
    if occurred_from and reported_at and occurred_from > reported_at:
        problems.add("occurred_from", _("The incident cannot have happened after it was reported."))
    if occurred_from and occurred_to and occurred_to < occurred_from:
        problems.add("occurred_to", _("The end is before the start."))
    if occurred_to and reported_at and occurred_to > reported_at and not occurred_from:
        problems.add("occurred_to", _("The incident cannot have happened after it was reported."))
    category = session.get(Category, data.category_code) if data.category_code else None
    if not data.category_code:
        problems.add("category_code", _("This field is required."))
    elif category is None:
        problems.add("category_code", _("Unknown category “{value}”.").format(value=data.category_code))
    source = problems.choice("source", data.source, IncidentSource)
    legal_type = problems.choice("legal_type", data.legal_type, LegalType, required=False)
    if legal_type is None and category is not None:
        legal_type = category.default_legal_type
    outcome = problems.choice("outcome", data.outcome, Outcome)
    confidentiality = problems.choice("confidentiality", data.confidentiality, Confidentiality)
    if data.village_id and session.get(Village, data.village_id) is None:
        problems.add("village_id", _("Unknown village."))
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        problems.add("latitude", _("Latitude must be between -90 and 90."))
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        problems.add("longitude", _("Longitude must be between -180 and 180."))
    address = problems.optional_text("address", data.address, 300)
    national_number = problems.optional_text("national_register_number", data.national_register_number, 60)
    blue_card = problems.optional_text("blue_card_number", data.blue_card_number, 60)
    problems.raise_if_any()
    return {
        "reported_at": reported_at,
        "occurred_from": occurred_from,
        "occurred_to": occurred_to,
        "category_code": data.category_code,
        "source": source,
        "legal_type": legal_type,
        "village_id": data.village_id or None,
        "address": address,
        "latitude": data.latitude,
        "longitude": data.longitude,
        "domestic_violence": bool(data.domestic_violence),
        "narrative": (data.narrative or "").strip(),
        "outcome": outcome,
        "due_on": data.due_on,
        "national_register_number": national_number,
        "blue_card_number": blue_card,
        "confidentiality": confidentiality,
        "patrol_id": data.patrol_id or None,
    }


def _next_number(session: Session, actor: Actor, reported_at: datetime) -> str:
    """Register number per station and year in the station's time zone, e.g. 2026/0042."""
    station = session.get(Station, actor.station_id)
    year = reported_at.year
    if station is not None:
        year = reported_at.astimezone(ZoneInfo(station.timezone)).year
    prefix = f"{year}/"
    # A range rather than LIKE: "2026/" <= number < "20260" ('0' follows '/') reads only the index's last entry.
    last = session.exec(
        select(func.max(Incident.number)).where(
            Incident.station_id == actor.station_id, col(Incident.number) >= prefix, col(Incident.number) < f"{year}0"
        )
    ).one()
    sequence = int(last.split("/")[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def reindex_incident(session: Session, incident: Incident) -> None:
    """The search text of an incident: its number, address, narrative, and the names of everyone involved."""
    names = session.exec(
        select(Person.last_name, Person.first_name, Person.patronymic)
        .join(Involvement, col(Involvement.person_id) == col(Person.id))
        .where(Involvement.incident_id == incident.id, col(Involvement.deleted_at).is_(None))
    ).all()
    set_index(
        session,
        "incident",
        incident.id,
        incident.number,
        incident.address,
        incident.narrative,
        *(" ".join(part for part in name if part) for name in names),
    )


def create_incident(*, session: Session, actor: Actor, data: IncidentInput) -> Incident:
    """A new draft incident with a register number; audited, queued for sync and indexed."""
    values = _validated_fields(session, data)
    incident = Incident(number=_next_number(session, actor, values["reported_at"]), **values)
    insert_record(session, actor, incident)
    reindex_incident(session, incident)
    return incident


def _require_editable(incident: Incident, actor: Actor) -> None:
    if incident.status in (IncidentStatus.approved, IncidentStatus.closed):
        raise RecordLocked()
    if incident.status == IncidentStatus.voided:
        raise PermissionDenied(_("This record was voided and cannot be changed."))
    if incident.status == IncidentStatus.submitted and not actor.is_commander:
        raise PermissionDenied(
            _("This record is waiting for approval. Ask the commander to return it if it needs a change.")
        )


def update_incident(*, session: Session, actor: Actor, incident_id: str, data: IncidentInput) -> Incident:
    incident = get_record(session, Incident, incident_id, actor=actor)
    require_allowed(session, actor, "incident", incident.id)  # a restricted record is changed by its named users
    _require_editable(incident, actor)
    values = _validated_fields(session, data)
    update_record(session, actor, incident, values)
    reindex_incident(session, incident)
    return incident


# -- workflow ---------------------------------------------------------------------------------------------


def _check_ready_for_submission(session: Session, incident: Incident) -> None:
    problems = Problems()
    if incident.domestic_violence:
        victims = session.exec(
            select(func.count())
            .select_from(Involvement)
            .where(
                Involvement.incident_id == incident.id,
                Involvement.role == InvolvementRole.victim,
                col(Involvement.deleted_at).is_(None),
            )
        ).one()
        if not victims:
            problems.add("people", _("A domestic-violence incident needs at least one victim."))
    if not incident.narrative.strip():
        problems.add("narrative", _("Describe what happened before submitting."))
    problems.raise_if_any()


def _change_status(
    session: Session,
    actor: Actor,
    incident: Incident,
    new_status: IncidentStatus,
    *,
    note: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Incident:
    require_allowed(session, actor, "incident", incident.id)
    old_status = incident.status
    update_record(
        session,
        actor,
        incident,
        {"status": new_status, **(extra or {})},
        action=AuditAction.status_change,
        reason=note,
    )
    # The status change is also an append-only child row, so it shows in the timeline and never conflicts.
    insert_record(
        session,
        actor,
        IncidentNote(
            incident_id=incident.id,
            kind=NoteKind.status_change,
            text=note or "",
            status_from=old_status.value,
            status_to=new_status.value,
        ),
    )
    return incident


def _require_status(incident: Incident, *allowed: IncidentStatus) -> None:
    if incident.status not in allowed:
        raise PermissionDenied(
            _("This cannot be done while the record is “{status}”.").format(status=status_label(incident.status))
        )


def submit_incident(*, session: Session, actor: Actor, incident_id: str) -> Incident:
    incident = get_record(session, Incident, incident_id, actor=actor)
    _require_status(incident, IncidentStatus.draft, IncidentStatus.returned)
    _check_ready_for_submission(session, incident)
    return _change_status(session, actor, incident, IncidentStatus.submitted, extra={"submitted_at": utcnow()})


def return_incident(*, session: Session, actor: Actor, incident_id: str, note: str) -> Incident:
    actor.require_commander()
    incident = get_record(session, Incident, incident_id, actor=actor)
    _require_status(incident, IncidentStatus.submitted)
    problems = Problems()
    cleaned = problems.required_text("note", note)
    problems.raise_if_any()
    return _change_status(
        session, actor, incident, IncidentStatus.returned, note=cleaned, extra={"return_note": cleaned}
    )


def approve_incident(*, session: Session, actor: Actor, incident_id: str) -> Incident:
    actor.require_commander()
    incident = get_record(session, Incident, incident_id, actor=actor)
    _require_status(incident, IncidentStatus.submitted)
    _check_ready_for_submission(session, incident)
    return _change_status(
        session, actor, incident, IncidentStatus.approved, extra={"approved_by": actor.user_id, "approved_at": utcnow()}
    )


def close_incident(*, session: Session, actor: Actor, incident_id: str, outcome: str | None = None) -> Incident:
    actor.require_commander()
    incident = get_record(session, Incident, incident_id, actor=actor)
    _require_status(incident, IncidentStatus.approved)
    extra: dict[str, Any] = {"closed_at": utcnow()}
    if outcome is not None:
        problems = Problems()
        extra["outcome"] = problems.choice("outcome", outcome, Outcome)
        problems.raise_if_any()
    return _change_status(session, actor, incident, IncidentStatus.closed, extra=extra)


def void_incident(*, session: Session, actor: Actor, incident_id: str, reason: str) -> Incident:
    """A wrong record is voided with a reason, never deleted. The author may void a draft never submitted."""
    incident = get_record(session, Incident, incident_id, actor=actor)
    own_draft = incident.status == IncidentStatus.draft and incident.created_by == actor.user_id
    if not (actor.is_commander or own_draft):
        raise PermissionDenied(_("Only the station commander may void this record."))
    _require_status(incident, *(set(IncidentStatus) - {IncidentStatus.voided}))
    problems = Problems()
    cleaned = problems.required_text("reason", reason)
    problems.raise_if_any()
    return _change_status(session, actor, incident, IncidentStatus.voided, note=cleaned, extra={"void_reason": cleaned})


def add_note(*, session: Session, actor: Actor, incident_id: str, text: str) -> IncidentNote:
    """A note, at any stage but voided; after approval use add_supplement, which says what it changes."""
    incident = get_record(session, Incident, incident_id, actor=actor)
    require_allowed(session, actor, "incident", incident.id)
    if incident.status == IncidentStatus.voided:
        raise PermissionDenied(_("This record was voided and cannot be changed."))
    problems = Problems()
    cleaned = problems.required_text("text", text)
    problems.raise_if_any()
    kind = NoteKind.supplement if incident.status in (IncidentStatus.approved, IncidentStatus.closed) else NoteKind.note
    return insert_record(session, actor, IncidentNote(incident_id=incident.id, kind=kind, text=cleaned))


def add_supplement(*, session: Session, actor: Actor, incident_id: str, text: str) -> IncidentNote:
    """An addition to an approved record, which itself stays as approved."""
    incident = get_record(session, Incident, incident_id, actor=actor)
    require_allowed(session, actor, "incident", incident.id)
    _require_status(incident, IncidentStatus.approved, IncidentStatus.closed)
    problems = Problems()
    cleaned = problems.required_text("text", text)
    problems.raise_if_any()
    return insert_record(session, actor, IncidentNote(incident_id=incident.id, kind=NoteKind.supplement, text=cleaned))


def timeline(*, session: Session, actor: Actor, incident_id: str) -> list[IncidentNote]:
    get_record(session, Incident, incident_id, actor=actor)
    require_allowed(session, actor, "incident", incident_id)
    return list(
        session.exec(
            select(IncidentNote)
            .where(IncidentNote.incident_id == incident_id, col(IncidentNote.deleted_at).is_(None))
            .order_by(col(IncidentNote.created_at), col(IncidentNote.id))
        )
    )


def status_label(status: IncidentStatus) -> str:
    labels = {
        IncidentStatus.draft: _("draft"),
        IncidentStatus.submitted: _("submitted"),
        IncidentStatus.returned: _("returned"),
        IncidentStatus.approved: _("approved"),
        IncidentStatus.closed: _("closed"),
        IncidentStatus.voided: _("voided"),
    }
    return labels[status]
