"""Retention rules, the commander's review list on fixed dates, and anonymisation that keeps the monthly figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from station_desk import db
from station_desk.errors import PermissionDenied, ValidationFailed
from station_desk.models import (
    AnonymisedRecord,
    AuditEntry,
    DomesticViolenceDetails,
    Incident,
    IncidentNote,
    Involvement,
    OutboxEntry,
    Person,
    PropertyItem,
    ProtectiveMeasure,
    RetentionRule,
    RiskAssessment,
    Village,
)
from station_desk.models.enums import AuditAction, IncidentStatus
from station_desk.reports.figures import month_figures
from station_desk.services import domestic_violence as dvs
from station_desk.services.accounts import StationHandle
from station_desk.services.anonymisation import PLACEHOLDER, anonymise
from station_desk.services.context import Actor
from station_desk.services.incident_list import IncidentFilter, list_incidents
from station_desk.services.incidents import (
    IncidentInput,
    add_note,
    approve_incident,
    close_incident,
    create_incident,
    submit_incident,
)
from station_desk.services.people import PersonInput, add_property, create_person, find_persons, involve_person
from station_desk.services.records import insert_record
from station_desk.services.retention import (
    DEFAULT_RULES,
    add_months,
    due_for_review,
    retention_rules,
    set_retention_rule,
)
from station_desk.services.search import search_ids
from tests.conftest import COMMANDER_PASSWORD, incident_input

KYIV = ZoneInfo("Europe/Kyiv")


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, tzinfo=UTC)


def past_incident(**values: Any) -> IncidentInput:
    """A valid incident reported on a fixed day (conftest's occurred_from is relative to now)."""
    return incident_input(occurred_from=None, **values)


def person(s: Session, actor: Actor, last: str, first: str, **extra: Any) -> Person:
    return create_person(session=s, actor=actor, data=PersonInput(last_name=last, first_name=first, **extra))


def involve(s: Session, actor: Actor, incident: Incident, someone: Person, role: str = "victim") -> None:
    involve_person(session=s, actor=actor, incident_id=incident.id, person_id=someone.id, role=role)


# -- rules ------------------------------------------------------------------------------------------------


def test_defaults_hold_until_the_commander_sets_a_rule_which_is_audited_and_synced(
    station: StationHandle, commander: Actor, officer: Actor
) -> None:
    with db.read_session(station.engine) as s:
        rules = retention_rules(s, officer)
    assert [(r.record_type, r.review_after_months, r.keep_for_months, r.station_rule) for r in rules] == [
        (kind, review, keep, False) for kind, (review, keep) in DEFAULT_RULES.items()
    ]
    assert DEFAULT_RULES["incident"] == (24, 60) and DEFAULT_RULES["domesticviolencedetails"] == (12, 60)
    with db.write_session(station.engine) as s:
        set_retention_rule(s, commander, "incident", 12, 36)
    with db.write_session(station.engine) as s:
        set_retention_rule(s, commander, "incident", 18, 48)  # the same rule changes, no second row
    with Session(station.engine) as s:
        rows = s.exec(select(RetentionRule)).all()
        assert [(r.record_type, r.review_after_months, r.keep_for_months) for r in rows] == [("incident", 18, 48)]
        outbox = s.exec(select(OutboxEntry.operation).where(OutboxEntry.record_type == "retentionrule")).all()
        audited = s.exec(select(AuditEntry.action).where(AuditEntry.record_type == "retentionrule")).all()
        assert outbox == ["insert", "update"] and audited == [AuditAction.create, AuditAction.update]
        incident_rule = next(r for r in retention_rules(s, officer) if r.record_type == "incident")
    assert (incident_rule.review_after_months, incident_rule.keep_for_months, incident_rule.station_rule) == (
        18,
        48,
        True,
    )


@pytest.mark.parametrize(
    ("record_type", "review", "keep", "field"),
    [
        ("patrol", 12, 24, "record_type"),
        ("no_such_table", 12, 24, "record_type"),
        ("incident", 0, 24, "review_after_months"),
        ("incident", -3, 24, "review_after_months"),
        ("incident", 12, 0, "keep_for_months"),
        ("incident", 24, 12, "keep_for_months"),
        ("incident", 12, 1201, "keep_for_months"),
        ("incident", "12", 24, "review_after_months"),
        ("incident", True, 24, "review_after_months"),
    ],
)
def test_rule_validation(
    station: StationHandle, commander: Actor, record_type: str, review: Any, keep: Any, field: str
) -> None:
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        set_retention_rule(s, commander, record_type, review, keep)
    assert field in error.value.errors
    with Session(station.engine) as s:
        assert s.exec(select(RetentionRule)).all() == []


def test_only_the_commander_sets_rules_or_reads_the_review_list(station: StationHandle, officer: Actor) -> None:
    with pytest.raises(PermissionDenied), db.write_session(station.engine) as s:
        set_retention_rule(s, officer, "incident", 12, 24)
    with pytest.raises(PermissionDenied), db.read_session(station.engine) as s:
        due_for_review(s, officer, date(2030, 1, 1))


def test_months_are_added_on_the_calendar() -> None:
    assert add_months(date(2020, 3, 10), 12) == date(2021, 3, 10)
    assert add_months(date(2020, 8, 31), 6) == date(2021, 2, 28)
    assert add_months(date(2020, 2, 29), 12) == date(2021, 2, 28)
    assert add_months(date(2021, 3, 31), -1) == date(2021, 2, 28)


# -- review list ------------------------------------------------------------------------------------------


@pytest.fixture
def history(station: StationHandle, officer: Actor) -> dict[str, str]:
    """A theft (March 2020), a domestic-violence assault (March 2020), a theft (June 2021), and their people."""
    with db.write_session(station.engine) as s:
        theft = create_incident(session=s, actor=officer, data=past_incident(reported_at=at(2020, 3, 10)))
        assault = create_incident(
            session=s, actor=officer,
            data=past_incident(reported_at=at(2020, 3, 10), category_code="assault", domestic_violence=True),
        )  # fmt: skip
        later = create_incident(session=s, actor=officer, data=past_incident(reported_at=at(2021, 6, 1)))
        victim = person(s, officer, "Мельник", "Оксана")
        owner = person(s, officer, "Коваленко", "Іван")
        involve(s, officer, assault, victim)
        involve(s, officer, theft, owner)
        involve(s, officer, later, owner, "complainant")
    return {"theft": theft.id, "assault": assault.id, "later": later.id, "victim": victim.id, "owner": owner.id}


def due(station: StationHandle, commander: Actor, today: date) -> dict[str, tuple[date, date, bool]]:
    with db.read_session(station.engine) as s:
        return {item.record_id: (item.review_on, item.erase_after, item.past_retention) for item in
                due_for_review(s, commander, today)}  # fmt: skip


def test_review_list_on_fixed_dates(station: StationHandle, commander: Actor, history: dict[str, str]) -> None:
    assert due(station, commander, date(2021, 3, 9)) == {}
    # Domestic violence is reviewed after 12 months, and its victim with it (her only incident).
    dv_dates = (date(2021, 3, 10), date(2025, 3, 10), False)
    assert due(station, commander, date(2021, 3, 10)) == {history["assault"]: dv_dates, history["victim"]: dv_dates}
    # The theft after 24 months; its owner only once his later incident is due too.
    on_review = due(station, commander, date(2022, 3, 10))
    assert set(on_review) == {history["assault"], history["victim"], history["theft"]}
    assert on_review[history["theft"]] == (date(2022, 3, 10), date(2025, 3, 10), False)
    owner = due(station, commander, date(2023, 6, 1))[history["owner"]]
    assert owner == (date(2023, 6, 1), date(2026, 6, 1), False)
    assert due(station, commander, date(2025, 3, 10))[history["assault"]][2] is True  # past retention


def test_review_items_say_what_they_are(station: StationHandle, commander: Actor, history: dict[str, str]) -> None:
    with db.read_session(station.engine) as s:
        items = {item.record_id: item for item in due_for_review(s, commander, date(2024, 1, 1))}
        number = s.get_one(Incident, history["assault"]).number
    assault, victim = items[history["assault"]], items[history["victim"]]
    assert assault.record_type == "incident" and assault.title.startswith(f"{number} · ")
    assert (assault.recorded_on, assault.closed_on, assault.rule) == (
        date(2020, 3, 10),
        None,
        "domesticviolencedetails",
    )
    assert victim.record_type == "person" and victim.title == "Мельник Оксана" and victim.rule == "person"
    # Oldest review first.
    assert [item.review_on for item in items.values()] == sorted(item.review_on for item in items.values())


def test_a_station_rule_moves_the_dates(station: StationHandle, commander: Actor, history: dict[str, str]) -> None:
    with db.write_session(station.engine) as s:
        set_retention_rule(s, commander, "incident", 6, 12)
    assert due(station, commander, date(2020, 9, 10))[history["theft"]] == (date(2020, 9, 10), date(2021, 3, 10), False)


def test_closed_incidents_count_from_closure_and_unlinked_people_by_their_own_rule(
    station: StationHandle, commander: Actor, officer: Actor
) -> None:
    with db.write_session(station.engine) as s:
        incident = create_incident(session=s, actor=officer, data=past_incident(reported_at=at(2020, 3, 10)))
        submit_incident(session=s, actor=officer, incident_id=incident.id)
        approve_incident(session=s, actor=commander, incident_id=incident.id)
        close_incident(session=s, actor=commander, incident_id=incident.id)
        alone = person(s, officer, "Гуменюк", "Олег")
    with Session(station.engine) as s:
        closed_at = s.get_one(Incident, incident.id).closed_at
        assert closed_at is not None
        closed_on = closed_at.astimezone(KYIV).date()
        recorded_on = s.get_one(Person, alone.id).created_at.astimezone(KYIV).date()
    assert incident.id not in due(station, commander, add_months(closed_on, 24) - timedelta(days=1))
    assert due(station, commander, add_months(closed_on, 24))[incident.id][:2] == (
        add_months(closed_on, 24),
        add_months(closed_on, 60),
    )
    assert alone.id not in due(station, commander, add_months(recorded_on, 12) - timedelta(days=1))
    assert alone.id in due(station, commander, add_months(recorded_on, 12))


def test_an_offender_under_monitoring_is_not_due(
    station: StationHandle, commander: Actor, officer: Actor, history: dict[str, str]
) -> None:
    with db.write_session(station.engine) as s:
        dvs.start_monitoring(
            session=s, actor=officer, person_id=history["victim"], started_on=date(2020, 3, 11), reason="Order 124"
        )
    assert history["victim"] not in due(station, commander, date(2022, 1, 1))


# -- anonymisation ----------------------------------------------------------------------------------------

SECRETS = ("Мельник", "Оксана", "вул. Садова", "UA-REG-777", "BK-55", "Притулок Надія", "+380501112233",
           "AB123456", "EAR-TAG-9", "DOC-31", "сусідка бачила")  # fmt: skip


@pytest.fixture
def dv_case(station: StationHandle, officer: Actor, commander: Actor) -> dict[str, str]:
    """An approved DV assault in March 2026 full of identifying data, with a victim linked to nothing else and an
    offender who also appears in a theft that is kept."""
    with db.write_session(station.engine) as s:
        village = insert_record(s, commander, Village(name="Рудня")).id
        assault = create_incident(
            session=s, actor=officer,
            data=past_incident(
                reported_at=at(2026, 3, 5), category_code="assault", domestic_violence=True, village_id=village,
                narrative="Оксана Мельник: чоловік ударив її, сусідка бачила.", address="вул. Садова, 4",
                latitude=50.45, longitude=30.52, national_register_number="UA-REG-777", blue_card_number="BK-55",
            ),
        )  # fmt: skip
        theft = create_incident(session=s, actor=officer, data=past_incident(reported_at=at(2026, 3, 7), address=None))
        victim = person(
            s, officer, "Мельник", "Оксана", birth_date=date(1990, 7, 15), phone="+380501112233",
            address="вул. Садова, 4", id_document="AB123456", notes="сусідка бачила",
        )  # fmt: skip
        offender = person(s, officer, "Ткачук", "Богдан")
        involve(s, officer, assault, victim)
        involve(s, officer, assault, offender, "alleged_offender")
        involve(s, officer, theft, offender, "alleged_offender")
        dvs.set_dv_details(
            session=s, actor=officer, incident_id=assault.id, forms=["physical"], relationship="partner",
            blue_card_form="A", referrals="Притулок Надія",
        )  # fmt: skip
        dvs.add_risk_assessment(
            session=s, actor=officer, incident_id=assault.id, form="UA-2019", answers={"note": "сусідка бачила"},
            level="high", assessed_at=at(2026, 3, 5) + timedelta(hours=1),
        )  # fmt: skip
        dvs.add_protective_measure(
            session=s, actor=officer, incident_id=assault.id, kind="urgent_restraining_order",
            issued_at=at(2026, 3, 5) + timedelta(hours=2), expires_at=at(2026, 3, 14), against_person_id=offender.id,
            document_number="DOC-31",
        )  # fmt: skip
        add_property(
            session=s, actor=officer, incident_id=assault.id, role="evidence", description="Телефон", kind="phone",
            identifier="EAR-TAG-9",
        )  # fmt: skip
        add_note(session=s, actor=officer, incident_id=assault.id, text="сусідка бачила все з вікна")
        submit_incident(session=s, actor=officer, incident_id=assault.id)
        approve_incident(session=s, actor=commander, incident_id=assault.id)
    return {"assault": assault.id, "theft": theft.id, "victim": victim.id, "offender": offender.id}


def figures(station: StationHandle, commander: Actor) -> Any:
    with db.read_session(station.engine) as s:
        return month_figures(
            session=s, actor=commander, year=2026, month=3, language="en", now=datetime(2026, 6, 1, tzinfo=UTC)
        )


def counts(station: StationHandle) -> tuple[int, int]:
    with Session(station.engine) as s:
        return len(s.exec(select(AuditEntry.seq)).all()), len(s.exec(select(OutboxEntry.client_seq)).all())


def test_anonymising_an_incident_clears_identity_and_keeps_every_figure(
    station: StationHandle, commander: Actor, dv_case: dict[str, str]
) -> None:
    before = figures(station, commander)
    with db.write_session(station.engine) as s:
        assert anonymise(s, commander, "incident", [dv_case["assault"]], "  Retention period over ") == 1
    assert figures(station, commander) == before
    with Session(station.engine) as s:
        incident = s.get_one(Incident, dv_case["assault"])
        assert (incident.narrative, incident.address, incident.latitude, incident.longitude) == ("", None, None, None)
        assert (incident.national_register_number, incident.blue_card_number) == (None, None)
        # Kept for the statistics; the approval lock did not stop retention.
        assert incident.status == IncidentStatus.approved and incident.domestic_violence
        assert (incident.category_code, incident.reported_at, incident.legal_type.value) == (
            "assault",
            at(2026, 3, 5),
            "criminal",
        )
        assert incident.village_id is not None
        links = s.exec(select(Involvement).where(Involvement.incident_id == incident.id)).all()
        assert sorted(link.role.value for link in links) == ["alleged_offender", "victim"]
        assert {note.text for note in s.exec(select(IncidentNote).where(IncidentNote.incident_id == incident.id))} <= {
            ""
        }
        details = s.exec(select(DomesticViolenceDetails)).one()
        assert (details.referrals, details.physical, details.blue_card_form) == (PLACEHOLDER, True, "A")
        assert s.exec(select(RiskAssessment)).one().answers == {}
        assert s.exec(select(ProtectiveMeasure)).one().document_number is None
        item = s.exec(select(PropertyItem)).one()
        assert (item.description, item.identifier, item.kind.value) == (PLACEHOLDER, None, "phone")
        victim = s.get_one(Person, dv_case["victim"])
        assert (victim.last_name, victim.first_name, victim.birth_date) == (PLACEHOLDER, PLACEHOLDER, None)
        assert (victim.phone, victim.address, victim.id_document, victim.notes) == (None, None, None, None)
        assert victim.age_on(date(2026, 12, 31)) == 36 and victim.age_on(date(2008, 12, 31)) == 18
        # The offender still appears in a theft that is kept: his record stays whole.
        assert s.get_one(Person, dv_case["offender"]).last_name == "Ткачук"
        assert set(s.exec(select(AnonymisedRecord.record_id))) == {dv_case["assault"], dv_case["victim"]}


def test_anonymisation_is_audited_without_the_old_values_and_queued_for_sync(
    station: StationHandle, commander: Actor, dv_case: dict[str, str]
) -> None:
    with db.write_session(station.engine) as s:
        anonymise(s, commander, "incident", [dv_case["assault"]], "Retention period over")
    with Session(station.engine) as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == AuditAction.anonymise)).all()
        assert {(e.record_type, e.record_id, e.reason, e.user_id) for e in entries} == {
            ("incident", dv_case["assault"], "Retention period over", commander.user_id),
            ("person", dv_case["victim"], "Retention period over", commander.user_id),
        }
        log = json.dumps([[e.reason, e.details] for e in s.exec(select(AuditEntry))], ensure_ascii=False)
        assert [secret for secret in SECRETS if secret in log] == []
        queued = s.exec(
            select(OutboxEntry).where(OutboxEntry.record_id == dv_case["assault"], OutboxEntry.operation == "update")
        ).all()
        assert queued[-1].changed["narrative"] == "" and queued[-1].changed["address"] is None
        person_rows = s.exec(
            select(OutboxEntry).where(OutboxEntry.record_id == dv_case["victim"], OutboxEntry.operation == "update")
        ).all()
        assert person_rows[-1].changed["last_name"] == PLACEHOLDER
        marker_rows = s.exec(select(OutboxEntry).where(OutboxEntry.record_type == "anonymisedrecord")).all()
        assert len(marker_rows) == 2


def test_anonymised_names_are_no_longer_found(
    station: StationHandle, commander: Actor, officer: Actor, dv_case: dict[str, str]
) -> None:
    with db.read_session(station.engine) as s:
        assert search_ids(s, "person", "Мельник") == [dv_case["victim"]]
        assert [row.id for row in list_incidents(session=s, actor=officer, filters=IncidentFilter(text="Мельник"))]
    with db.write_session(station.engine) as s:
        anonymise(s, commander, "incident", [dv_case["assault"]], "Retention period over")
    with db.read_session(station.engine) as s:
        for query in ("Мельник", "Melnyk", "Оксана", "Садова", "сусідка"):
            assert search_ids(s, "person", query) == []
            assert list_incidents(session=s, actor=officer, filters=IncidentFilter(text=query)) == []
        assert find_persons(session=s, actor=officer, query="Мельник") == []
        assert find_persons(session=s, actor=officer, query="Ткачук")[0].id == dv_case["offender"]


def test_anonymising_twice_changes_nothing(station: StationHandle, commander: Actor, dv_case: dict[str, str]) -> None:
    with db.write_session(station.engine) as s:
        anonymise(s, commander, "incident", [dv_case["assault"]], "Retention period over")
    before = counts(station)
    with db.write_session(station.engine) as s:
        assert anonymise(s, commander, "incident", [dv_case["assault"]], "Again") == 0
    assert counts(station) == before


def test_anonymisation_is_refused_to_officers_and_without_a_reason(
    station: StationHandle, commander: Actor, officer: Actor, dv_case: dict[str, str]
) -> None:
    before = counts(station)
    with pytest.raises(PermissionDenied), db.write_session(station.engine) as s:
        anonymise(s, officer, "incident", [dv_case["assault"]], "I want to")
    for reason in ("", "   "):
        with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
            anonymise(s, commander, "incident", [dv_case["assault"]], reason)
        assert "reason" in error.value.errors
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        anonymise(s, commander, "patrol", [dv_case["assault"]], "Retention")
    assert "record_type" in error.value.errors
    assert counts(station) == before


def test_a_person_alone_is_anonymised_only_once_no_kept_incident_names_them(
    station: StationHandle, commander: Actor, officer: Actor, dv_case: dict[str, str]
) -> None:
    with pytest.raises(ValidationFailed, match="Anonymise those first"), db.write_session(station.engine) as s:
        anonymise(s, commander, "person", [dv_case["offender"]], "Retention")
    with db.write_session(station.engine) as s:
        alone = person(s, officer, "Гуменюк", "Олег", phone="+380671234567")
    with db.write_session(station.engine) as s:
        assert anonymise(s, commander, "person", [alone.id], "Recorded by mistake, never linked") == 1
    with Session(station.engine) as s:
        stored = s.get_one(Person, alone.id)
        assert (stored.last_name, stored.phone) == (PLACEHOLDER, None)
    # Once both of his incidents are anonymised, the offender goes with the last one.
    with db.write_session(station.engine) as s:
        anonymise(s, commander, "incident", [dv_case["assault"], dv_case["theft"]], "Retention period over")
    with Session(station.engine) as s:
        assert s.get_one(Person, dv_case["offender"]).last_name == PLACEHOLDER


def test_anonymised_records_leave_the_review_list(
    station: StationHandle, commander: Actor, history: dict[str, str]
) -> None:
    with db.write_session(station.engine) as s:
        anonymise(s, commander, "incident", [history["assault"]], "Reviewed: nothing kept")
    assert set(due(station, commander, date(2022, 3, 10))) == {history["theft"]}


# -- the command ------------------------------------------------------------------------------------------


def run(station: StationHandle, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "STATION_DESK_DATA_DIR"}
    environment["STATION_DESK_PASSWORD"] = COMMANDER_PASSWORD
    command = [sys.executable, "-m", "station_desk", *args, "--data-dir", str(station.paths.data_dir)]
    return subprocess.run(
        [*command, "--user", "olena", "--lang", "en"], capture_output=True, text=True, env=environment, timeout=120
    )


def test_privacy_commands(station: StationHandle, officer: Actor) -> None:
    with db.write_session(station.engine) as s:
        incident = create_incident(session=s, actor=officer, data=past_incident(reported_at=at(2020, 3, 10)))
    rules = run(station, "privacy", "rules", "--set", "incident", "12", "36")
    assert rules.returncode == 0, rules.stderr
    assert "review after 12 months, keep for 36 months" in rules.stdout and "(default)" in rules.stdout
    refused = run(station, "privacy", "rules", "--set", "incident", "twelve", "36")
    assert refused.returncode == 2 and "review_after_months" in refused.stderr
    review = run(station, "privacy", "review")
    assert review.returncode == 0, review.stderr
    assert incident.id in review.stdout and "past retention" in review.stdout
    done = run(station, "privacy", "anonymise", "--type", "incident", "--id", incident.id, "--reason", "Retention")
    assert done.returncode == 0, done.stderr
    assert "Records anonymised: 1." in done.stdout
    assert "Nothing is due for review." in run(station, "privacy", "review").stdout
    with Session(station.engine) as s:
        assert s.exec(select(Incident.narrative).where(col(Incident.id) == incident.id)).one() == ""
