"""Opening records about domestic violence or minors: a reason is required, and every opening is audited.

Directive 2016/680 (art. 25) and the national laws ask that each consultation of personal data be logged with
who, when and why; for the most sensitive records (domestic violence, children) the officer must say why before
the record opens. The rule lives here, in the services, so no screen or command can open such a record silently.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.models import Incident, Involvement, Person
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.journal import audit
from station_desk.services.records import get_record

MAX_REASON = 500


class ReasonRequired(StationDeskError):
    """The record is about domestic violence or a minor: the screen asks why, then opens it again with the reason."""

    exit_code = 4

    def __init__(self, what: str) -> None:
        super().__init__(what)


def incident_is_sensitive(session: Session, incident: Incident) -> bool:
    """Domestic violence, or anyone involved who was a minor when it was reported."""
    if incident.domestic_violence:
        return True
    minor = select(Involvement.id).where(
        Involvement.incident_id == incident.id, col(Involvement.minor_at_time), col(Involvement.deleted_at).is_(None)
    )
    return session.exec(minor).first() is not None


def person_is_sensitive(session: Session, person: Person, today: date | None = None) -> bool:
    """A minor today, or a person involved in a domestic-violence incident."""
    if person.is_minor_on(today or date.today()):
        return True
    in_dv = (
        select(Incident.id)
        .join(Involvement, col(Involvement.incident_id) == col(Incident.id))
        .where(
            Involvement.person_id == person.id,
            col(Involvement.deleted_at).is_(None),
            col(Incident.domestic_violence),
            col(Incident.deleted_at).is_(None),
        )
    )
    return session.exec(in_dv).first() is not None


def _cleaned_reason(reason: str | None) -> str | None:
    cleaned = " ".join((reason or "").split())
    return cleaned[:MAX_REASON] or None


def open_incident(session: Session, actor: Actor, incident_id: str, reason: str | None = None) -> Incident:
    """The incident for reading, after the restriction and reason checks; the opening is audited in this session."""
    incident = get_record(session, Incident, incident_id, actor=actor)
    _require_allowed(session, actor, "incident", incident_id)
    cleaned = _cleaned_reason(reason)
    if cleaned is None and incident_is_sensitive(session, incident):
        raise ReasonRequired(
            _("Incident {number} concerns domestic violence or a minor. Say why you open it; this is logged.").format(
                number=incident.number
            )
        )
    audit(session, actor, AuditAction.view, record_type="incident", record_id=incident.id, reason=cleaned)
    return incident


def open_person(session: Session, actor: Actor, person_id: str, reason: str | None = None) -> Person:
    """The person for reading, after the restriction and reason checks; the opening is audited in this session."""
    person = get_record(session, Person, person_id, actor=actor)
    _require_allowed(session, actor, "person", person_id)
    cleaned = _cleaned_reason(reason)
    if cleaned is None and person_is_sensitive(session, person):
        raise ReasonRequired(
            _(
                "The record of {name} concerns a minor or domestic violence. Say why you open it; this is logged."
            ).format(name=f"{person.last_name} {person.first_name}")
        )
    audit(session, actor, AuditAction.view, record_type="person", record_id=person.id, reason=cleaned)
    return person


def _require_allowed(session: Session, actor: Actor, record_type: str, record_id: str) -> None:
    """A record restricted to named users opens only for them (services/restriction.py holds the rule)."""
    from station_desk.services import restriction

    restriction.require_allowed(session, actor, record_type, record_id)
