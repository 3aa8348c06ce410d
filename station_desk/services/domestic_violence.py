"""Domestic violence of an incident: details, risk assessments, protective measures, breaches, monitoring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from station_desk.errors import PermissionDenied
from station_desk.i18n import _
from station_desk.models import (
    DomesticViolenceDetails,
    Incident,
    Involvement,
    MeasureBreach,
    MonitoringCheckIn,
    OffenderMonitoring,
    Person,
    ProtectiveMeasure,
    RiskAssessment,
)
from station_desk.models.enums import (
    BlueCardForm,
    IncidentStatus,
    MeasureKind,
    Relationship,
    RiskLevel,
    ViolenceForm,
)
from station_desk.services.context import Actor
from station_desk.services.records import get_record, insert_record, update_record
from station_desk.services.restriction import require_allowed
from station_desk.services.validation import Problems

# Ukraine: an urgent restraining order (термiновий заборонний припис) is issued for up to 10 days.
URGENT_ORDER_MAX = timedelta(days=10)


@dataclass
class MeasureWithBreaches:
    measure: ProtectiveMeasure
    breaches: list[MeasureBreach] = field(default_factory=list)


@dataclass
class DVSummary:
    """Everything about the domestic violence of one incident, for its detail page and the report."""

    incident_id: str
    details: DomesticViolenceDetails | None
    assessments: list[RiskAssessment]
    measures: list[MeasureWithBreaches]
    monitorings: list[OffenderMonitoring]

    @property
    def latest_risk(self) -> RiskLevel | None:
        return self.assessments[-1].level if self.assessments else None


def _incident_for_dv(session: Session, actor: Actor, incident_id: str) -> Incident:
    """DV rows are new child rows, like supplements: allowed after approval, never on a voided incident."""
    incident = get_record(session, Incident, incident_id, actor=actor)
    require_allowed(session, actor, "incident", incident.id)
    if incident.status == IncidentStatus.voided:
        raise PermissionDenied(_("This record was voided and cannot be changed."))
    return incident


def _aware_or_none(problems: Problems, name: str, value: datetime | None) -> datetime | None:
    """A time that may lie in the future (an expiry), but must still carry its time zone."""
    if value is not None and value.tzinfo is None:
        problems.add(name, _("The time has no time zone."))
        return None
    return value


def _live(model: Any) -> Any:
    return col(model.deleted_at).is_(None)


# -- details ----------------------------------------------------------------------------------------------


def set_dv_details(
    *,
    session: Session,
    actor: Actor,
    incident_id: str,
    forms: list[str],
    relationship: str | None,
    children_present: bool = False,
    blue_card_form: str | None = None,
    referrals: str | None = None,
) -> DomesticViolenceDetails:
    """Create or update the one details row of an incident, and flag the incident as domestic violence."""
    incident = _incident_for_dv(session, actor, incident_id)
    problems = Problems()
    chosen_forms: set[ViolenceForm] = set()
    if not forms:
        problems.add("forms", _("This field is required."))
    for form in forms:
        chosen = problems.choice("forms", form, ViolenceForm)
        if chosen is not None:
            chosen_forms.add(chosen)
    values: dict[str, Any] = {form.value: form in chosen_forms for form in ViolenceForm}
    values |= {
        "relationship": problems.choice("relationship", relationship, Relationship),
        "children_present": bool(children_present),
        "blue_card_form": problems.choice("blue_card_form", blue_card_form, BlueCardForm, required=False),
        "referrals": problems.optional_text("referrals", referrals),
    }
    problems.raise_if_any()
    # incident_id is unique, so a soft-deleted row is brought back rather than duplicated.
    details = session.exec(
        select(DomesticViolenceDetails).where(DomesticViolenceDetails.incident_id == incident.id)
    ).first()
    if details is None:
        details = insert_record(session, actor, DomesticViolenceDetails(incident_id=incident.id, **values))
    else:
        update_record(session, actor, details, values | {"deleted_at": None})
    if not incident.domestic_violence:
        # The flag follows from the details, so it is set even on an approved incident (a derived field).
        update_record(session, actor, incident, {"domestic_violence": True})
    return details


# -- risk assessment --------------------------------------------------------------------------------------


def add_risk_assessment(
    *,
    session: Session,
    actor: Actor,
    incident_id: str,
    form: str,
    answers: dict[str, Any],
    level: str | None,
    assessed_at: datetime | None,
) -> RiskAssessment:
    incident = _incident_for_dv(session, actor, incident_id)
    problems = Problems()
    cleaned_form = problems.required_text("form", form, 60)
    chosen_level = problems.choice("level", level, RiskLevel)
    when = problems.aware_time("assessed_at", assessed_at, required=True)
    if not isinstance(answers, dict):
        problems.add("answers", _("“{value}” is not one of the allowed values.").format(value=answers))
    problems.raise_if_any()
    assert chosen_level is not None and when is not None
    assessment = RiskAssessment(
        incident_id=incident.id,
        form=cleaned_form,
        answers=dict(answers),
        level=chosen_level,
        assessed_at=when,
    )
    return insert_record(session, actor, assessment)


# -- protective measures ----------------------------------------------------------------------------------


def add_protective_measure(
    *,
    session: Session,
    actor: Actor,
    incident_id: str,
    kind: str | None,
    issued_at: datetime | None,
    expires_at: datetime | None = None,
    against_person_id: str | None = None,
    document_number: str | None = None,
) -> ProtectiveMeasure:
    incident = _incident_for_dv(session, actor, incident_id)
    problems = Problems()
    chosen_kind = problems.choice("kind", kind, MeasureKind)
    issued = problems.aware_time("issued_at", issued_at, required=True)
    expires = _aware_or_none(problems, "expires_at", expires_at)
    if issued and expires:
        if expires <= issued:
            problems.add("expires_at", _("The end is before the start."))
        elif chosen_kind == MeasureKind.urgent_restraining_order and expires - issued > URGENT_ORDER_MAX:
            problems.add(
                "expires_at",
                _("An urgent restraining order lasts at most {days} days.").format(days=URGENT_ORDER_MAX.days),
            )
    if chosen_kind == MeasureKind.urgent_restraining_order and expires_at is None:
        problems.add("expires_at", _("This field is required."))
    if against_person_id and not _is_involved(session, incident.id, against_person_id):
        problems.add("against_person_id", _("This person is not involved in this incident."))
    number = problems.optional_text("document_number", document_number, 60)
    problems.raise_if_any()
    assert chosen_kind is not None and issued is not None
    measure = ProtectiveMeasure(
        incident_id=incident.id, kind=chosen_kind, against_person_id=against_person_id or None,
        issued_at=issued, expires_at=expires, document_number=number,
    )  # fmt: skip
    return insert_record(session, actor, measure)


def _is_involved(session: Session, incident_id: str, person_id: str) -> bool:
    return (
        session.exec(
            select(Involvement.id).where(
                Involvement.incident_id == incident_id, Involvement.person_id == person_id, _live(Involvement)
            )
        ).first()
        is not None
    )


def record_breach(
    *, session: Session, actor: Actor, measure_id: str, occurred_at: datetime | None, note: str = ""
) -> MeasureBreach:
    measure = get_record(session, ProtectiveMeasure, measure_id, actor=actor)
    _incident_for_dv(session, actor, measure.incident_id)
    problems = Problems()
    occurred = problems.aware_time("occurred_at", occurred_at, required=True)
    if occurred and occurred < measure.issued_at:
        problems.add("occurred_at", _("The breach cannot be before the measure was issued."))
    cleaned = problems.optional_text("note", note) or ""
    problems.raise_if_any()
    assert occurred is not None
    return insert_record(session, actor, MeasureBreach(measure_id=measure.id, occurred_at=occurred, note=cleaned))


# -- offender monitoring ----------------------------------------------------------------------------------


def start_monitoring(
    *,
    session: Session,
    actor: Actor,
    person_id: str,
    started_on: date | None,
    reason: str,
    incident_id: str | None = None,
    ends_on: date | None = None,
) -> OffenderMonitoring:
    """Put an offender under preventive monitoring, optionally because of one incident."""
    person = get_record(session, Person, person_id, actor=actor)
    if incident_id:
        _incident_for_dv(session, actor, incident_id)
    problems = Problems()
    cleaned_reason = problems.required_text("reason", reason)
    if started_on is None:
        problems.add("started_on", _("This field is required."))
    elif started_on > date.today():
        problems.add("started_on", _("This date is in the future."))
    if started_on and ends_on and ends_on < started_on:
        problems.add("ends_on", _("The end is before the start."))
    problems.raise_if_any()
    assert started_on is not None
    monitoring = OffenderMonitoring(
        person_id=person.id, incident_id=incident_id or None, started_on=started_on,
        ends_on=ends_on, reason=cleaned_reason,
    )  # fmt: skip
    return insert_record(session, actor, monitoring)


def add_check_in(
    *, session: Session, actor: Actor, monitoring_id: str, at: datetime | None, note: str = ""
) -> MonitoringCheckIn:
    monitoring = get_record(session, OffenderMonitoring, monitoring_id, actor=actor)
    problems = Problems()
    when = problems.aware_time("at", at, required=True)
    cleaned = problems.optional_text("note", note) or ""
    problems.raise_if_any()
    assert when is not None
    return insert_record(session, actor, MonitoringCheckIn(monitoring_id=monitoring.id, at=when, note=cleaned))


def active_monitorings(*, session: Session, actor: Actor, on: date) -> list[tuple[OffenderMonitoring, Person]]:
    """Offenders under monitoring on a day (started, not yet ended), by surname."""
    rows = session.exec(
        select(OffenderMonitoring, Person)
        .join(Person, col(Person.id) == col(OffenderMonitoring.person_id))
        .where(
            OffenderMonitoring.station_id == actor.station_id,
            _live(OffenderMonitoring),
            col(OffenderMonitoring.started_on) <= on,
            (col(OffenderMonitoring.ends_on).is_(None)) | (col(OffenderMonitoring.ends_on) >= on),
        )
        .order_by(col(Person.last_name), col(Person.first_name))
    ).all()
    return [(monitoring, person) for monitoring, person in rows]


def check_ins(*, session: Session, actor: Actor, monitoring_id: str) -> list[MonitoringCheckIn]:
    monitoring = get_record(session, OffenderMonitoring, monitoring_id, actor=actor)
    require_allowed(session, actor, "person", monitoring.person_id)
    if monitoring.incident_id:
        require_allowed(session, actor, "incident", monitoring.incident_id)
    return list(
        session.exec(
            select(MonitoringCheckIn)
            .where(MonitoringCheckIn.monitoring_id == monitoring_id, _live(MonitoringCheckIn))
            .order_by(col(MonitoringCheckIn.at))
        )
    )


# -- queries ----------------------------------------------------------------------------------------------


def measures_expiring(
    *, session: Session, actor: Actor, within: timedelta, now: datetime
) -> list[tuple[ProtectiveMeasure, str]]:
    """Measures still in force that expire within `within` of `now`, soonest first, with the incident number.

    The Today page shows them so the officer can check on the victim before the order runs out.
    """
    rows = session.exec(
        select(ProtectiveMeasure, Incident.number)
        .join(Incident, col(Incident.id) == col(ProtectiveMeasure.incident_id))
        .where(
            ProtectiveMeasure.station_id == actor.station_id,
            _live(ProtectiveMeasure),
            _live(Incident),
            Incident.status != IncidentStatus.voided,
            col(ProtectiveMeasure.expires_at) > now,
            col(ProtectiveMeasure.expires_at) <= now + within,
        )
        .order_by(col(ProtectiveMeasure.expires_at))
    ).all()
    return [(measure, number) for measure, number in rows]


def dv_summary(*, session: Session, actor: Actor, incident_id: str) -> DVSummary:
    incident = get_record(session, Incident, incident_id, actor=actor)
    require_allowed(session, actor, "incident", incident.id)
    details = session.exec(
        select(DomesticViolenceDetails).where(
            DomesticViolenceDetails.incident_id == incident.id, _live(DomesticViolenceDetails)
        )
    ).first()
    assessments = session.exec(
        select(RiskAssessment)
        .where(RiskAssessment.incident_id == incident.id, _live(RiskAssessment))
        .order_by(col(RiskAssessment.assessed_at), col(RiskAssessment.id))
    ).all()
    measures = session.exec(
        select(ProtectiveMeasure)
        .where(ProtectiveMeasure.incident_id == incident.id, _live(ProtectiveMeasure))
        .order_by(col(ProtectiveMeasure.issued_at))
    ).all()
    breaches: dict[str, list[MeasureBreach]] = {}
    if measures:
        for breach in session.exec(
            select(MeasureBreach)
            .where(col(MeasureBreach.measure_id).in_([m.id for m in measures]), _live(MeasureBreach))
            .order_by(col(MeasureBreach.occurred_at))
        ):
            breaches.setdefault(breach.measure_id, []).append(breach)
    monitorings = session.exec(
        select(OffenderMonitoring)
        .where(OffenderMonitoring.incident_id == incident.id, _live(OffenderMonitoring))
        .order_by(col(OffenderMonitoring.started_on))
    ).all()
    return DVSummary(
        incident_id=incident.id,
        details=details,
        assessments=list(assessments),
        measures=[MeasureWithBreaches(m, breaches.get(m.id, [])) for m in measures],
        monitorings=list(monitorings),
    )
