"""Incidents: saving, validation in the user's language, the workflow and who may move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, func, select

from station_desk import db, i18n
from station_desk.errors import PermissionDenied, RecordLocked, ValidationFailed
from station_desk.models import AuditEntry, Incident, IncidentNote, OutboxEntry
from station_desk.models.enums import IncidentStatus, NoteKind
from station_desk.services import incidents as svc
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.journal import verify_chain
from station_desk.services.people import PersonInput, create_person, involve_person
from tests.conftest import incident_input

NOW = datetime.now(UTC)


_input = incident_input  # the shared valid incident of tests/conftest.py


def _counts(station: StationHandle) -> tuple[int, int, int]:
    with Session(station.engine) as session:
        return (
            session.exec(select(func.count()).select_from(Incident)).one(),
            session.exec(select(func.count()).select_from(AuditEntry)).one(),
            session.exec(select(func.count()).select_from(OutboxEntry)).one(),
        )


def _create(station: StationHandle, actor: Actor, **overrides: object) -> str:
    with db.write_session(station.engine) as session:
        return svc.create_incident(session=session, actor=actor, data=_input(**overrides)).id


def test_a_saved_incident_is_stored_numbered_audited_and_queued(station: StationHandle, officer: Actor) -> None:
    before = _counts(station)
    incident_id = _create(station, officer)
    with Session(station.engine) as session:
        stored = session.get_one(Incident, incident_id)
        assert stored.number == f"{NOW.year}/0001"
        assert stored.status == IncidentStatus.draft
        assert stored.legal_type.value == "criminal"  # from the category
        assert stored.created_by == officer.user_id
        assert stored.reported_at.tzinfo is not None
        audit = session.exec(select(AuditEntry).where(AuditEntry.record_id == incident_id)).one()
        outbox = session.exec(select(OutboxEntry).where(OutboxEntry.record_id == incident_id)).one()
        assert audit.user_id == officer.user_id and audit.action.value == "create"
        assert outbox.operation == "insert" and outbox.changed["narrative"] == "З пасовища зникла корова."
        assert verify_chain(session).whole
    assert _counts(station) == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert _create(station, officer) != incident_id


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"occurred_from": NOW - timedelta(hours=1), "reported_at": NOW - timedelta(hours=5)},
            "occurred_from",
            "after it was",
        ),
        ({"reported_at": NOW + timedelta(days=2)}, "reported_at", "in the future"),
        ({"occurred_from": NOW - timedelta(hours=1), "occurred_to": NOW - timedelta(hours=3)}, "occurred_to", "before"),
        ({"category_code": "made_up"}, "category_code", "Unknown category"),
        ({"category_code": None}, "category_code", "required"),
        ({"reported_at": None}, "reported_at", "required"),
        ({"reported_at": datetime(2026, 3, 1, 10, 0)}, "reported_at", "time zone"),
        ({"source": "pigeon"}, "source", "not one of the allowed values"),
        ({"latitude": 123.0}, "latitude", "between -90 and 90"),
        ({"village_id": "no-such-village"}, "village_id", "Unknown village"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    station: StationHandle, officer: Actor, overrides: dict[str, object], field: str, message: str
) -> None:
    before = _counts(station)
    with pytest.raises(ValidationFailed) as failure:
        _create(station, officer, **overrides)
    assert field in failure.value.errors
    assert message in failure.value.errors[field]
    assert _counts(station) == before


def test_validation_messages_come_in_ukrainian(station: StationHandle, officer: Actor) -> None:
    i18n.set_language("uk")
    with pytest.raises(ValidationFailed) as failure:
        _create(station, officer, category_code=None)
    assert failure.value.errors["category_code"] == "Це поле обов’язкове."


def test_full_workflow_draft_to_closed(station: StationHandle, officer: Actor, commander: Actor) -> None:
    incident_id = _create(station, officer)
    with db.write_session(station.engine) as session:
        svc.submit_incident(session=session, actor=officer, incident_id=incident_id)
    with db.write_session(station.engine) as session:
        svc.return_incident(session=session, actor=commander, incident_id=incident_id, note="Додайте адресу власника")
    with db.write_session(station.engine) as session:
        svc.update_incident(session=session, actor=officer, incident_id=incident_id, data=_input(address="Садова 5"))
        svc.submit_incident(session=session, actor=officer, incident_id=incident_id)
    with db.write_session(station.engine) as session:
        svc.approve_incident(session=session, actor=commander, incident_id=incident_id)
    with db.write_session(station.engine) as session:
        svc.add_supplement(session=session, actor=officer, incident_id=incident_id, text="Корову знайдено.")
        svc.close_incident(session=session, actor=commander, incident_id=incident_id, outcome="solved")
    with Session(station.engine) as session:
        stored = session.get_one(Incident, incident_id)
        assert stored.status == IncidentStatus.closed
        assert stored.approved_by == commander.user_id and stored.approved_at is not None
        assert stored.address == "Садова 5" and stored.outcome.value == "solved"
        timeline = svc.timeline(session=session, actor=officer, incident_id=incident_id)
        changes = [(n.status_from, n.status_to) for n in timeline if n.kind == NoteKind.status_change]
        assert changes == [
            ("draft", "submitted"),
            ("submitted", "returned"),
            ("returned", "submitted"),
            ("submitted", "approved"),
            ("approved", "closed"),
        ]
        assert [n.text for n in timeline if n.kind == NoteKind.supplement] == ["Корову знайдено."]
        assert verify_chain(session).whole


def test_an_officer_cannot_approve_return_close_or_void_others_records(
    station: StationHandle, officer: Actor, commander: Actor
) -> None:
    incident_id = _create(station, commander)
    with db.write_session(station.engine) as session:
        svc.submit_incident(session=session, actor=commander, incident_id=incident_id)
    before = _counts(station)
    for action in (
        lambda s: svc.approve_incident(session=s, actor=officer, incident_id=incident_id),
        lambda s: svc.return_incident(session=s, actor=officer, incident_id=incident_id, note="no"),
        lambda s: svc.void_incident(session=s, actor=officer, incident_id=incident_id, reason="no"),
        lambda s: svc.update_incident(session=s, actor=officer, incident_id=incident_id, data=_input()),
    ):
        with pytest.raises(PermissionDenied), db.write_session(station.engine) as session:
            action(session)
    assert _counts(station) == before


def test_an_approved_record_is_locked_and_takes_supplements(
    station: StationHandle, officer: Actor, commander: Actor
) -> None:
    incident_id = _create(station, officer)
    with db.write_session(station.engine) as session:
        svc.submit_incident(session=session, actor=officer, incident_id=incident_id)
        svc.approve_incident(session=session, actor=commander, incident_id=incident_id)
    with pytest.raises(RecordLocked), db.write_session(station.engine) as session:
        svc.update_incident(session=session, actor=commander, incident_id=incident_id, data=_input(narrative="new"))
    with db.write_session(station.engine) as session:
        note = svc.add_note(session=session, actor=officer, incident_id=incident_id, text="Власник повідомив ...")
    assert note.kind == NoteKind.supplement
    with Session(station.engine) as session:
        assert session.get_one(Incident, incident_id).narrative == "З пасовища зникла корова."


def test_voiding_needs_a_reason_and_keeps_the_record(station: StationHandle, officer: Actor, commander: Actor) -> None:
    incident_id = _create(station, officer)
    with pytest.raises(ValidationFailed), db.write_session(station.engine) as session:
        svc.void_incident(session=session, actor=commander, incident_id=incident_id, reason="  ")
    with db.write_session(station.engine) as session:
        svc.void_incident(session=session, actor=commander, incident_id=incident_id, reason="Duplicate of 2026/0001")
    with Session(station.engine) as session:
        stored = session.get_one(Incident, incident_id)
        assert stored.status == IncidentStatus.voided and stored.void_reason == "Duplicate of 2026/0001"
        assert stored.deleted_at is None
    with pytest.raises(PermissionDenied), db.write_session(station.engine) as session:
        svc.add_note(session=session, actor=officer, incident_id=incident_id, text="late")


def test_an_officer_may_void_only_their_own_draft(station: StationHandle, officer: Actor, commander: Actor) -> None:
    own = _create(station, officer)
    with db.write_session(station.engine) as session:
        svc.void_incident(session=session, actor=officer, incident_id=own, reason="typed twice")
    others = _create(station, commander)
    with pytest.raises(PermissionDenied), db.write_session(station.engine) as session:
        svc.void_incident(session=session, actor=officer, incident_id=others, reason="not mine")


def test_domestic_violence_without_a_victim_cannot_be_submitted(station: StationHandle, officer: Actor) -> None:
    incident_id = _create(station, officer, category_code="assault", domestic_violence=True)
    before = _counts(station)
    with pytest.raises(ValidationFailed) as failure, db.write_session(station.engine) as session:
        svc.submit_incident(session=session, actor=officer, incident_id=incident_id)
    assert "victim" in failure.value.errors["people"]
    assert _counts(station) == before
    with db.write_session(station.engine) as session:
        victim = create_person(session=session, actor=officer, data=PersonInput(last_name="Бондар", first_name="Ганна"))
        involve_person(session=session, actor=officer, incident_id=incident_id, person_id=victim.id, role="victim")
        svc.submit_incident(session=session, actor=officer, incident_id=incident_id)
    with Session(station.engine) as session:
        assert session.get_one(Incident, incident_id).status == IncidentStatus.submitted


def test_status_change_rows_are_append_only_children(station: StationHandle, officer: Actor) -> None:
    incident_id = _create(station, officer)
    with db.write_session(station.engine) as session:
        svc.submit_incident(session=session, actor=officer, incident_id=incident_id)
    with Session(station.engine) as session:
        notes = session.exec(select(IncidentNote).where(IncidentNote.incident_id == incident_id)).all()
        outbox_types = session.exec(select(OutboxEntry.record_type).order_by(OutboxEntry.client_seq)).all()
    assert [n.kind for n in notes] == [NoteKind.status_change]
    assert outbox_types[-2:] == ["incident", "incidentnote"]
