"""Domestic violence: details, risk, protective measures and breaches, monitoring, against the real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from station_desk import db
from station_desk.errors import PermissionDenied, ValidationFailed
from station_desk.models import (
    AuditEntry,
    DomesticViolenceDetails,
    Incident,
    MeasureBreach,
    MonitoringCheckIn,
    OffenderMonitoring,
    OutboxEntry,
    ProtectiveMeasure,
    RiskAssessment,
)
from station_desk.models.enums import AuditAction, IncidentStatus, MeasureKind, RiskLevel
from station_desk.services import domestic_violence as dv
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.incidents import (
    IncidentInput,
    approve_incident,
    create_incident,
    submit_incident,
    void_incident,
)
from station_desk.services.journal import verify_chain
from station_desk.services.people import PersonInput, create_person, involve_person

COUNTED = (AuditEntry, OutboxEntry, DomesticViolenceDetails, RiskAssessment, ProtectiveMeasure, MeasureBreach,
           OffenderMonitoring, MonitoringCheckIn)  # fmt: skip


def counts(station: StationHandle) -> dict[str, int]:
    with Session(station.engine) as s:
        return {m.__name__: s.exec(select(func.count()).select_from(m)).one() for m in COUNTED}


def added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def case(station: StationHandle, officer: Actor) -> dict[str, str]:
    """A draft DV incident by the officer, with a victim and an alleged offender."""
    with db.write_session(station.engine) as s:
        incident = create_incident(
            session=s, actor=officer,
            data=IncidentInput(reported_at=now() - timedelta(hours=2), category_code="assault",
                               narrative="Husband hit his wife in the kitchen.", domestic_violence=True),
        )  # fmt: skip
        victim = create_person(session=s, actor=officer, data=PersonInput(last_name="Коваль", first_name="Марія"))
        offender = create_person(session=s, actor=officer, data=PersonInput(last_name="Коваль", first_name="Іван"))
        stranger = create_person(session=s, actor=officer, data=PersonInput(last_name="Бондар", first_name="Олег"))
        involve_person(session=s, actor=officer, incident_id=incident.id, person_id=victim.id, role="victim")
        involve_person(
            session=s, actor=officer, incident_id=incident.id, person_id=offender.id, role="alleged_offender"
        )
    return {"incident": incident.id, "number": incident.number, "victim": victim.id, "offender": offender.id,
            "stranger": stranger.id}  # fmt: skip


def measure(station: StationHandle, actor: Actor, incident_id: str, **overrides: Any) -> ProtectiveMeasure:
    values: dict[str, Any] = {
        "kind": MeasureKind.urgent_restraining_order.value,
        "issued_at": now() - timedelta(hours=1),
        "expires_at": now() + timedelta(days=9),
    } | overrides
    with db.write_session(station.engine) as s:
        return dv.add_protective_measure(session=s, actor=actor, incident_id=incident_id, **values)


def test_details_are_saved_once_and_flag_the_incident(station: StationHandle, officer: Actor) -> None:
    with db.write_session(station.engine) as s:
        plain = create_incident(
            session=s, actor=officer,
            data=IncidentInput(reported_at=now(), category_code="assault", narrative="A fight"),
        )  # fmt: skip
    before = counts(station)
    with db.write_session(station.engine) as s:
        dv.set_dv_details(
            session=s, actor=officer, incident_id=plain.id, forms=["physical", "psychological"],
            relationship="partner", children_present=True, blue_card_form="A", referrals="Shelter in Bucha",
        )  # fmt: skip
    # One create for the details, one update of the incident's flag, each with its outbox row.
    assert added(before, counts(station)) == {"AuditEntry": 2, "OutboxEntry": 2, "DomesticViolenceDetails": 1}
    with Session(station.engine) as s:
        details = s.exec(select(DomesticViolenceDetails)).one()
        assert (details.physical, details.psychological, details.sexual, details.economic) == (True, True, False, False)
        assert details.children_present and details.blue_card_form == "A"
        assert s.get_one(Incident, plain.id).domestic_violence is True

    before = counts(station)
    with db.write_session(station.engine) as s:
        dv.set_dv_details(session=s, actor=officer, incident_id=plain.id, forms=["economic"], relationship="partner")
    assert added(before, counts(station)) == {"AuditEntry": 1, "OutboxEntry": 1}  # an update, not a second row
    with Session(station.engine) as s:
        details = s.exec(select(DomesticViolenceDetails)).one()
        assert (details.physical, details.economic, details.children_present) == (False, True, False)
        entry = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc())).first()
        assert entry is not None and entry.action == AuditAction.update and "economic" in entry.details["changes"]
        assert verify_chain(s).whole


@pytest.mark.parametrize(
    ("forms", "relationship", "blue_card", "field"),
    [([], "partner", None, "forms"), (["kicking"], "partner", None, "forms"),
     (["physical"], None, None, "relationship"), (["physical"], "neighbour", None, "relationship"),
     (["physical"], "partner", "E", "blue_card_form")],
)  # fmt: skip
def test_bad_details_name_the_field_and_write_nothing(
    station: StationHandle, officer: Actor, case: dict[str, str], forms: list[str], relationship: str | None,
    blue_card: str | None, field: str,
) -> None:  # fmt: skip
    before = counts(station)
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        dv.set_dv_details(session=s, actor=officer, incident_id=case["incident"], forms=forms,
                          relationship=relationship, blue_card_form=blue_card)  # fmt: skip
    assert field in error.value.errors
    assert counts(station) == before


def test_risk_assessment_saved_and_shown_as_latest(
    station: StationHandle, officer: Actor, case: dict[str, str]
) -> None:
    before = counts(station)
    with db.write_session(station.engine) as s:
        for level, hours in (("medium", 3), ("high", 1)):
            dv.add_risk_assessment(
                session=s, actor=officer, incident_id=case["incident"], form="UA-2019", answers={"weapon": True},
                level=level, assessed_at=now() - timedelta(hours=hours),
            )  # fmt: skip
    assert added(before, counts(station)) == {"AuditEntry": 2, "OutboxEntry": 2, "RiskAssessment": 2}
    with Session(station.engine) as s:
        summary = dv.dv_summary(session=s, actor=officer, incident_id=case["incident"])
        assert [a.level for a in summary.assessments] == [RiskLevel.medium, RiskLevel.high]
        assert summary.latest_risk == RiskLevel.high
        assert summary.assessments[0].answers == {"weapon": True}


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"assessed_at": datetime.now(UTC) + timedelta(days=1)}, "assessed_at"),
     ({"assessed_at": datetime(2026, 1, 1, 10, 0)}, "assessed_at"), ({"level": "extreme"}, "level"),
     ({"form": " "}, "form"), ({"assessed_at": None}, "assessed_at")],
)  # fmt: skip
def test_bad_risk_assessment_writes_nothing(
    station: StationHandle, officer: Actor, case: dict[str, str], changes: dict[str, Any], field: str
) -> None:
    values: dict[str, Any] = {"form": "UA-2019", "answers": {}, "level": "low", "assessed_at": now()} | changes
    before = counts(station)
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        dv.add_risk_assessment(session=s, actor=officer, incident_id=case["incident"], **values)
    assert field in error.value.errors
    assert counts(station) == before


def test_urgent_order_lasts_at_most_ten_days(station: StationHandle, officer: Actor, case: dict[str, str]) -> None:
    issued = now() - timedelta(hours=1)
    before = counts(station)
    with pytest.raises(ValidationFailed) as error:
        measure(station, officer, case["incident"], issued_at=issued, expires_at=issued + timedelta(days=10, hours=1))
    assert "10 days" in error.value.errors["expires_at"]
    assert counts(station) == before
    saved = measure(station, officer, case["incident"], issued_at=issued, expires_at=issued + timedelta(days=10),
                    against_person_id=case["offender"], document_number="ТЗП-17")  # fmt: skip
    assert added(before, counts(station)) == {"AuditEntry": 1, "OutboxEntry": 1, "ProtectiveMeasure": 1}
    with Session(station.engine) as s:
        stored = s.get_one(ProtectiveMeasure, saved.id)
        assert stored.expires_at == issued + timedelta(days=10) and stored.against_person_id == case["offender"]
    # A court's protection order is not bound by the 10 days.
    measure(station, officer, case["incident"], kind="protection_order", expires_at=issued + timedelta(days=180))


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"expires_at": datetime.now(UTC) - timedelta(days=1)}, "expires_at"), ({"expires_at": None}, "expires_at"),
     ({"kind": "ban"}, "kind"), ({"issued_at": datetime.now(UTC) + timedelta(days=1)}, "issued_at"),
     ({"against_person_id": "stranger"}, "against_person_id")],
)  # fmt: skip
def test_bad_measure_writes_nothing(
    station: StationHandle, officer: Actor, case: dict[str, str], changes: dict[str, Any], field: str
) -> None:
    if changes.get("against_person_id") == "stranger":
        changes = {"against_person_id": case["stranger"]}  # a real person, but not in this incident
    before = counts(station)
    with pytest.raises(ValidationFailed) as error:
        measure(station, officer, case["incident"], **changes)
    assert field in error.value.errors
    assert counts(station) == before


def test_breach_is_recorded_under_its_measure(station: StationHandle, officer: Actor, case: dict[str, str]) -> None:
    order = measure(station, officer, case["incident"])
    before = counts(station)
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        dv.record_breach(
            session=s, actor=officer, measure_id=order.id, occurred_at=order.issued_at - timedelta(hours=1)
        )
    assert "occurred_at" in error.value.errors
    assert counts(station) == before
    with db.write_session(station.engine) as s:
        dv.record_breach(session=s, actor=officer, measure_id=order.id, occurred_at=now(), note="Came back drunk")
    assert added(before, counts(station)) == {"AuditEntry": 1, "OutboxEntry": 1, "MeasureBreach": 1}
    with Session(station.engine) as s:
        summary = dv.dv_summary(session=s, actor=officer, incident_id=case["incident"])
        assert [b.note for b in summary.measures[0].breaches] == ["Came back drunk"]


def test_measures_expiring_for_the_today_page(
    station: StationHandle, officer: Actor, commander: Actor, case: dict[str, str]
) -> None:
    soon = measure(station, officer, case["incident"], expires_at=now() + timedelta(days=2))
    measure(station, officer, case["incident"], expires_at=now() + timedelta(days=9))
    measure(
        station, officer, case["incident"], issued_at=now() - timedelta(days=5), expires_at=now() - timedelta(days=1)
    )
    with Session(station.engine) as s:
        found = dv.measures_expiring(session=s, actor=officer, within=timedelta(days=3), now=now())
    assert [(m.id, number) for m, number in found] == [(soon.id, case["number"])]
    with db.write_session(station.engine) as s:
        void_incident(session=s, actor=commander, incident_id=case["incident"], reason="Entered twice")
    with Session(station.engine) as s:
        assert dv.measures_expiring(session=s, actor=officer, within=timedelta(days=3), now=now()) == []


def test_approved_incident_still_takes_dv_rows(
    station: StationHandle, officer: Actor, commander: Actor, case: dict[str, str]
) -> None:
    with db.write_session(station.engine) as s:
        submit_incident(session=s, actor=officer, incident_id=case["incident"])
        approve_incident(session=s, actor=commander, incident_id=case["incident"])
    before = counts(station)
    measure(station, officer, case["incident"])
    with db.write_session(station.engine) as s:
        dv.set_dv_details(session=s, actor=officer, incident_id=case["incident"], forms=["physical"],
                          relationship="partner")  # fmt: skip
    assert added(before, counts(station)) == {"AuditEntry": 2, "OutboxEntry": 2, "ProtectiveMeasure": 1,
                                              "DomesticViolenceDetails": 1}  # fmt: skip
    with Session(station.engine) as s:
        assert s.get_one(Incident, case["incident"]).status == IncidentStatus.approved


def test_voided_incident_refuses_every_dv_write(
    station: StationHandle, officer: Actor, commander: Actor, case: dict[str, str]
) -> None:
    order = measure(station, officer, case["incident"])
    with db.write_session(station.engine) as s:
        void_incident(session=s, actor=commander, incident_id=case["incident"], reason="Wrong station")
    before = counts(station)
    attempts = [
        lambda s: dv.set_dv_details(session=s, actor=commander, incident_id=case["incident"], forms=["physical"],
                                    relationship="partner"),
        lambda s: dv.add_risk_assessment(session=s, actor=commander, incident_id=case["incident"], form="UA",
                                         answers={}, level="low", assessed_at=now()),
        lambda s: dv.add_protective_measure(session=s, actor=commander, incident_id=case["incident"],
                                            kind="protection_order", issued_at=now()),
        lambda s: dv.record_breach(session=s, actor=commander, measure_id=order.id, occurred_at=now()),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="voided"), db.write_session(station.engine) as s:
            attempt(s)
    assert counts(station) == before


def test_monitoring_and_check_ins(station: StationHandle, officer: Actor, case: dict[str, str]) -> None:
    today = date.today()
    before = counts(station)
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        dv.start_monitoring(session=s, actor=officer, person_id=case["offender"], started_on=today,
                            ends_on=today - timedelta(days=1), reason="")  # fmt: skip
    assert set(error.value.errors) == {"ends_on", "reason"}
    assert counts(station) == before
    with db.write_session(station.engine) as s:
        monitoring = dv.start_monitoring(
            session=s, actor=officer, person_id=case["offender"], incident_id=case["incident"],
            started_on=today - timedelta(days=30), ends_on=today + timedelta(days=150), reason="Repeat DV offender",
        )  # fmt: skip
        dv.add_check_in(session=s, actor=officer, monitoring_id=monitoring.id, at=now(), note="Sober, at work")
    assert added(before, counts(station)) == {"AuditEntry": 2, "OutboxEntry": 2, "OffenderMonitoring": 1,
                                              "MonitoringCheckIn": 1}  # fmt: skip
    with Session(station.engine) as s:
        active = dv.active_monitorings(session=s, actor=officer, on=today)
        assert [(m.id, p.first_name) for m, p in active] == [(monitoring.id, "Іван")]
        assert dv.active_monitorings(session=s, actor=officer, on=today + timedelta(days=200)) == []
        assert [c.note for c in dv.check_ins(session=s, actor=officer, monitoring_id=monitoring.id)] == [
            "Sober, at work"
        ]
        assert [m.id for m in dv.dv_summary(session=s, actor=officer, incident_id=case["incident"]).monitorings] == [
            monitoring.id
        ]
        assert verify_chain(s).whole
