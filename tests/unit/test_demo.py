"""The demo station: the mix of work officers describe, consistent workflow data, names in the right script."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from station_desk.config import resolve_paths
from station_desk.models import (
    Incident,
    Involvement,
    MeasureBreach,
    OffenderMonitoring,
    OutboxEntry,
    Person,
    ProtectiveMeasure,
)
from station_desk.models.enums import IncidentStatus, InvolvementRole
from station_desk.services.accounts import StationHandle, open_station
from station_desk.services.demo import DEMO_OFFICER, DemoSummary, build_demo_station
from station_desk.services.demo_incidents import COMMON_CATEGORIES
from station_desk.services.journal import verify_chain
from station_desk.services.search import search_ids
from tests.conftest import TEST_KDF

NOW = datetime(2026, 3, 16, 11, 30, tzinfo=UTC)
CYRILLIC = re.compile(r"^[\u0400-\u04FF’'\- ]+$")
LATIN = re.compile(r"^[A-Za-zÀ-ž\- ]+$")


@dataclass
class Demo:
    summary: DemoSummary
    handle: StationHandle


def _build(root: Path, language: str = "uk", **options: object) -> DemoSummary:
    return build_demo_station(paths=resolve_paths(root), language=language, kdf=TEST_KDF, now=NOW, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    root = tmp_path_factory.mktemp("demo") / "station"
    summary = _build(root, months=2)
    handle = open_station(
        paths=resolve_paths(root), username=summary.officer_username, password=summary.officer_password
    )
    yield Demo(summary, handle)
    handle.close()


@pytest.fixture
def db(demo: Demo) -> Iterator[Session]:
    with Session(demo.handle.engine) as session:
        yield session


def _names(session: Session) -> list[tuple[str, str, str | None]]:
    return sorted(session.exec(select(Person.last_name, Person.first_name, Person.patronymic)).all())


def test_summary_gives_working_logins(demo: Demo) -> None:
    assert demo.handle.actor.username == DEMO_OFFICER
    assert demo.summary.counts["incident"] >= 120  # two months at 60-100 a month
    assert demo.summary.counts["auditentry"] == demo.summary.counts["outboxentry"]


def test_common_categories_all_present(db: Session) -> None:
    found = set(db.exec(select(Incident.category_code).distinct()).all())
    assert set(COMMON_CATEGORIES) <= found


def test_every_dv_incident_has_a_victim_and_details(db: Session) -> None:
    dv_ids = set(db.exec(select(Incident.id).where(col(Incident.domestic_violence))).all())
    assert dv_ids
    with_victim = set(db.exec(select(Involvement.incident_id).where(Involvement.role == InvolvementRole.victim)).all())
    assert dv_ids <= with_victim
    assert db.exec(select(func.count()).select_from(ProtectiveMeasure)).one() > 0
    expiring = db.exec(
        select(func.count())
        .select_from(ProtectiveMeasure)
        .where(col(ProtectiveMeasure.expires_at) > NOW, col(ProtectiveMeasure.expires_at) < NOW + timedelta(days=11))
    ).one()
    assert expiring > 0
    assert db.exec(select(func.count()).select_from(MeasureBreach)).one() > 0
    assert db.exec(select(func.count()).select_from(OffenderMonitoring)).one() > 0


def test_minors_are_flagged(db: Session) -> None:
    children = db.exec(select(Involvement).where(Involvement.role == InvolvementRole.child_witness)).all()
    assert children and all(child.minor_at_time for child in children)
    for involvement in db.exec(select(Involvement).where(col(Involvement.minor_at_time))).all():
        person = db.get_one(Person, involvement.person_id)
        incident = db.get_one(Incident, involvement.incident_id)
        assert person.is_minor_on(incident.reported_at.date())


def test_times_numbers_and_statuses_are_consistent(db: Session) -> None:
    incidents = db.exec(select(Incident)).all()
    numbers = [incident.number for incident in incidents]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"20\d\d/\d{4}", number) for number in numbers)
    for incident in incidents:
        assert incident.reported_at <= NOW
        assert incident.occurred_from is None or incident.occurred_from <= incident.reported_at
        for later in (incident.submitted_at, incident.approved_at, incident.closed_at):
            assert later is None or incident.reported_at <= later <= NOW
    statuses = {incident.status for incident in incidents}
    assert {IncidentStatus.draft, IncidentStatus.approved, IncidentStatus.closed, IncidentStatus.voided} <= statuses
    voided = [incident for incident in incidents if incident.status == IncidentStatus.voided]
    assert 1 <= len(voided) <= 3 and all(incident.void_reason for incident in voided)


def test_repeat_people_appear_in_several_incidents(db: Session) -> None:
    per_person = db.exec(
        select(Involvement.person_id, func.count()).group_by(col(Involvement.person_id)).having(func.count() > 2)
    ).all()
    assert per_person


def test_audit_chain_whole_and_outbox_complete(db: Session, demo: Demo) -> None:
    assert verify_chain(db).whole
    outbox = db.exec(select(OutboxEntry).where(OutboxEntry.record_type == "incident").limit(1)).one()
    assert outbox.operation == "insert" and outbox.base_version == 0
    assert {"number", "narrative", "status", "reported_at", "station_id"} <= set(outbox.changed)


def test_search_finds_a_demo_person(db: Session) -> None:
    person = db.exec(select(Person).order_by(Person.last_name).limit(1)).one()
    assert person.id in search_ids(db, "person", person.last_name, limit=1000)
    assert search_ids(db, "incident", person.last_name, limit=1000)


def test_database_file_holds_no_name_in_clear(db: Session, demo: Demo) -> None:
    last_names = {name for name, _first, _patronymic in _names(db)}
    folder = demo.summary.data_dir
    content = b"".join(path.read_bytes() for path in folder.glob("station.db*"))
    assert content
    for name in last_names:
        assert name.encode("utf-8") not in content


def test_same_seed_same_station(tmp_path: Path, demo: Demo, db: Session) -> None:
    again = _build(tmp_path / "again", months=2)
    assert again.counts == demo.summary.counts
    handle = open_station(paths=resolve_paths(tmp_path / "again"), username=again.commander_username,
                          password=again.commander_password)  # fmt: skip
    try:
        with Session(handle.engine) as other:
            assert _names(other) == _names(db)
            assert sorted(other.exec(select(Incident.narrative)).all()) == sorted(
                db.exec(select(Incident.narrative)).all()
            )
    finally:
        handle.close()


@pytest.mark.parametrize(
    ("language", "script", "letters"),
    [("uk", CYRILLIC, "іїєґ"), ("pl", LATIN, "ąęłżśćńó"), ("sq", LATIN, "ëç"), ("sr", CYRILLIC, "ђћџљњј"),
     ("en", CYRILLIC, "іїє")],
)  # fmt: skip
def test_names_in_the_language_script(tmp_path: Path, language: str, script: re.Pattern[str], letters: str) -> None:
    summary = _build(tmp_path / language, language=language, months=1, incidents=40)
    handle = open_station(paths=resolve_paths(tmp_path / language), username=summary.commander_username,
                          password=summary.commander_password)  # fmt: skip
    try:
        with Session(handle.engine) as session:
            names = _names(session)
            narratives = session.exec(select(Incident.narrative)).all()
    finally:
        handle.close()
    assert names and narratives
    assert all(script.match(f"{last} {first} {patronymic or ''}".strip()) for last, first, patronymic in names)
    assert any(letter in "".join(f"{last}{first}{p or ''}".lower() for last, first, p in names) for letter in letters)
    if language == "uk":
        assert all(patronymic for _last, _first, patronymic in names)
    if language == "en":
        assert all(re.match(r"^[A-Z]", narrative) for narrative in narratives)  # English texts, Ukrainian people
