"""The bulk writer leaves the same audit entries, outbox rows and search rows as one insert_record at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from station_desk.models import AuditEntry, Incident, Involvement, OutboxEntry, Person, Village
from station_desk.models.enums import DataProtectionCategory, IncidentSource, InvolvementRole, LegalType, Sex
from station_desk.services.bulk import index_many, insert_many, insert_rows
from station_desk.services.context import Actor
from station_desk.services.journal import verify_chain
from station_desk.services.records import insert_record
from station_desk.services.search import index_body, search_ids

_VARYING = {"id", "created_at", "updated_at"}


def _person(**extra: Any) -> Person:
    return Person(last_name="Шевчук", first_name="Оксана", patronymic="Іванівна", sex=Sex.female, **extra)


def _audit_of(session: Session, record_id: str) -> AuditEntry:
    return session.exec(select(AuditEntry).where(AuditEntry.record_id == record_id)).one()


def _outbox_of(session: Session, record_id: str) -> OutboxEntry:
    return session.exec(select(OutboxEntry).where(OutboxEntry.record_id == record_id)).one()


def test_same_audit_and_outbox_shape_as_insert_record(session: Session, commander: Actor) -> None:
    one = insert_record(session, commander, _person())
    written = insert_many(session, commander, [_person()])
    (bulk_id,) = written["person"]
    single_audit, bulk_audit = _audit_of(session, one.id), _audit_of(session, bulk_id)
    for field in ("station_id", "user_id", "action", "record_type", "reason", "details"):
        assert getattr(bulk_audit, field) == getattr(single_audit, field), field
    single_out, bulk_out = _outbox_of(session, one.id), _outbox_of(session, bulk_id)
    assert (bulk_out.record_type, bulk_out.operation, bulk_out.base_version) == ("person", "insert", 0)
    assert list(bulk_out.changed) == list(single_out.changed)  # every column, in column order
    assert {k: v for k, v in bulk_out.changed.items() if k not in _VARYING} == {
        k: v for k, v in single_out.changed.items() if k not in _VARYING
    }
    stored = session.get_one(Person, bulk_id)
    assert stored.created_by == commander.user_id and stored.created_at.tzinfo is not None


def test_chain_stays_whole_between_single_and_bulk_writes(session: Session, commander: Actor) -> None:
    insert_record(session, commander, _person())
    insert_many(session, commander, [_person(), _person()])
    insert_rows(session, commander, {Person: [{"last_name": "Коваль", "first_name": "Ігор"}]}, reason="import")
    insert_record(session, commander, _person())
    session.commit()
    report = verify_chain(session)
    assert report.whole
    assert report.entries >= 7  # station, user, and five persons


def test_parents_are_written_first_and_rows_get_defaults(session: Session, commander: Actor) -> None:
    village_id, person_id, incident_id = "v-1", "p-1", "i-1"
    reported = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    written = insert_rows(
        session,
        commander,
        {
            # Children listed before their parents on purpose: the writer orders tables by foreign keys.
            Involvement: [
                {"incident_id": incident_id, "person_id": person_id, "role": InvolvementRole.victim,
                 "data_category": DataProtectionCategory.victim}
            ],
            Incident: [
                {"id": incident_id, "number": "2025/0001", "reported_at": reported, "source": IncidentSource.phone,
                 "village_id": village_id, "category_code": "theft", "legal_type": LegalType.criminal,
                 "narrative": "Викрадено дизельне пальне з трактора."}
            ],
            Person: [{"id": person_id, "last_name": "Бондар", "first_name": "Марія", "village_id": village_id}],
            Village: [{"id": village_id, "name": "Колонщина", "_generator_note": "not a column"}],
        },
    )  # fmt: skip
    order = list(written)
    assert (
        order[0] == "village"
        and order[-1] == "involvement"
        and set(order) == {"village", "person", "incident", "involvement"}
    )
    incident = session.get_one(Incident, incident_id)
    assert incident.status == "draft" and incident.outcome == "pending" and incident.reported_at == reported
    involvement = session.get_one(Involvement, written["involvement"][0])
    assert involvement.minor_at_time is False and involvement.version == 0
    seqs = [
        entry.record_type
        for entry in session.exec(select(AuditEntry).order_by(col(AuditEntry.seq)))
        if entry.record_type in written
    ]
    assert seqs[-4:] == order  # audited in the order written
    assert (
        "_generator_note"
        not in session.exec(select(OutboxEntry.changed).where(OutboxEntry.record_id == village_id)).one()
    )
    session.commit()
    assert verify_chain(session).whole


def test_index_many_is_searchable(session: Session, commander: Actor) -> None:
    written = insert_many(session, commander, [_person()])
    index_many(session, [("person", written["person"][0], ("Шевчук", "Оксана", "Іванівна")), ("person", "x", ())])
    assert search_ids(session, "person", "shevchuk") == written["person"]
    assert search_ids(session, "person", "Шевч") == written["person"]


def test_stored_values_match_orm_storage(session: Session, commander: Actor) -> None:
    """Raw executemany must store times, dates and enums as the ORM does, or queries comparing them break."""
    born = date(1990, 5, 17)
    one = insert_record(session, commander, _person(birth_date=born))
    (bulk_id,) = insert_many(session, commander, [_person(birth_date=born)])["person"]
    stored = {
        row[0]: row[1:]
        for row in session.connection().exec_driver_sql(
            "SELECT id, typeof(created_at), length(created_at), birth_date, sex FROM person WHERE id IN (?, ?)",
            (one.id, bulk_id),
        )
    }
    assert stored[one.id] == stored[bulk_id]


def test_index_many_has_the_words_of_index_body(session: Session) -> None:
    parts = [("2025/0001", "вул. Шевченка, 5", "Викрадено пальне з трактора.", "Łukasz Wróbel", None, "Gëzim Thaçi")]
    index_many(session, [("incident", "i-1", parts[0])])
    body = session.connection().exec_driver_sql("SELECT body FROM search_index WHERE record_id = 'i-1'").scalar()
    assert set(body.split()) == set(index_body(*parts[0]).split())
