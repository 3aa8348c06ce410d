"""Search as officers type: any case, without diacritics, and Ukrainian names in Latin letters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from station_desk import db
from station_desk.models import Village
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.incident_list import (
    IncidentFilter,
    IncidentOrder,
    SortKey,
    count_incidents,
    cursor_after,
    list_incidents,
)
from station_desk.services.incidents import IncidentInput, create_incident
from station_desk.services.people import PersonInput, create_person, find_persons, incidents_of_person, involve_person
from station_desk.services.records import insert_record
from station_desk.services.search import fold, match_expression


def test_fold_handles_letters_fts_does_not() -> None:
    assert fold("Łódź") == "lódź"
    assert fold("Đakovica") == "dakovica"


def test_typed_fts_syntax_is_plain_text() -> None:
    assert match_expression('"NEAR(a b)" AND OR') is not None
    assert match_expression("  ,. ") is None


@pytest.fixture
def filled(station: StationHandle, officer: Actor) -> StationHandle:
    now = datetime.now(UTC)
    with db.write_session(station.engine) as session:
        shevchenko = create_person(
            session=session,
            actor=officer,
            data=PersonInput(last_name="Шевченко", first_name="Тарас", patronymic="Григорович"),
        )
        for index, (category, narrative) in enumerate(
            [
                ("theft", "Викрадено пальне з трактора у Łódź"),
                ("family_dispute", "Сварка в родині, Ђурђевић"),
                ("livestock_theft", "Зникли дві вівці"),
            ]
        ):
            incident = create_incident(
                session=session,
                actor=officer,
                data=IncidentInput(
                    reported_at=now - timedelta(days=index), category_code=category, narrative=narrative
                ),
            )
            if category != "family_dispute":
                involve_person(
                    session=session, actor=officer, incident_id=incident.id, person_id=shevchenko.id, role="victim"
                )
    return station


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Lodz", 1),
        ("ЛОДЗ", 1),
        ("Shevchenko", 2),
        ("шевч", 2),
        ("Djurdjevic", 1),
        ("Đurđević", 1),
        ("durdevic", 1),
        ("пальне трактора", 1),
        ("вівці", 1),
        ("nothing-like-this", 0),
    ],
)
def test_incident_search(filled: StationHandle, officer: Actor, query: str, expected: int) -> None:
    with Session(filled.engine) as session:
        assert count_incidents(session=session, actor=officer, filters=IncidentFilter(text=query)) == expected


def test_person_lookup_as_you_type_and_their_incidents(filled: StationHandle, officer: Actor) -> None:
    with Session(filled.engine) as session:
        found = find_persons(session=session, actor=officer, query="Shev")
        assert [p.last_name for p in found] == ["Шевченко"]
        history = incidents_of_person(session=session, actor=officer, person_id=found[0].id)
        assert len(history) == 2 and all(inv.role.value == "victim" for _, inv in history)


def test_keyset_pages_cover_every_row_once(station: StationHandle, officer: Actor) -> None:
    base = datetime.now(UTC) - timedelta(days=30)
    with db.write_session(station.engine) as session:
        for index in range(25):
            # Pairs share a reported time, so the id must break ties.
            create_incident(
                session=session,
                actor=officer,
                data=IncidentInput(
                    reported_at=base + timedelta(hours=index // 2), category_code="theft", narrative=str(index)
                ),
            )
    seen: list[str] = []
    with Session(station.engine) as session:
        page = list_incidents(session=session, actor=officer, limit=7)
        while page:
            seen.extend(row.id for row in page)
            page = list_incidents(session=session, actor=officer, limit=7, after=cursor_after(page[-1]))
        filtered = list_incidents(session=session, actor=officer, filters=IncidentFilter(categories=["assault"]))
    assert len(seen) == len(set(seen)) == 25
    assert filtered == []


@pytest.mark.parametrize("key", list(SortKey))
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_order_pages_through_every_row_once_in_order(
    station: StationHandle, officer: Actor, commander: Actor, key: SortKey, descending: bool
) -> None:
    base = datetime.now(UTC) - timedelta(days=30)
    with db.write_session(station.engine) as session:
        villages = [insert_record(session, commander, Village(name=name)).id for name in ("Рудня", "Андріївка")]
        for index in range(23):
            create_incident(
                session=session,
                actor=officer,
                data=IncidentInput(
                    reported_at=base + timedelta(hours=index // 3),
                    category_code=("theft", "assault", "neighbour_dispute")[index % 3],
                    village_id=(villages[0], villages[1], None)[index % 3 if index % 2 else 0],
                    narrative=str(index),
                ),
            )
    order = IncidentOrder(key=key, descending=descending)
    with Session(station.engine) as session:
        everything = list_incidents(session=session, actor=officer, limit=1000, order=order)
        paged: list[str] = []
        page = list_incidents(session=session, actor=officer, limit=4, order=order)
        while page:
            paged.extend(row.id for row in page)
            page = list_incidents(
                session=session, actor=officer, limit=4, order=order, after=cursor_after(page[-1], order)
            )
    assert paged == [row.id for row in everything] and len(set(paged)) == 23
    values = [cursor_after(row, order).value for row in everything]
    assert values == sorted(values, reverse=descending)


def test_minor_is_flagged_from_date_of_birth_at_the_incident(station: StationHandle, officer: Actor) -> None:
    now = datetime.now(UTC)
    with db.write_session(station.engine) as session:
        child = create_person(
            session=session,
            actor=officer,
            data=PersonInput(
                last_name="Коваль", first_name="Марко", birth_date=(now - timedelta(days=365 * 10)).date()
            ),
        )
        incident = create_incident(
            session=session,
            actor=officer,
            data=IncidentInput(reported_at=now, category_code="family_dispute", narrative="..."),
        )
        link = involve_person(
            session=session, actor=officer, incident_id=incident.id, person_id=child.id, role="child_witness"
        )
    assert link.minor_at_time is True
    assert link.data_category.value == "other"
