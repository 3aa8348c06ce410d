"""Patrols: saved with their villages, validated, villages replaced on edit, listed and found by search."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from station_desk import db
from station_desk.errors import PermissionDenied, ValidationFailed
from station_desk.models import AuditEntry, OutboxEntry, Patrol, PatrolVillage, Village
from station_desk.models.enums import AuditAction, PatrolMode
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.journal import verify_chain
from station_desk.services.patrols import PatrolInput, create_patrol, list_patrols, patrol_villages, update_patrol
from station_desk.services.records import insert_record
from station_desk.services.search import search_ids

COUNTED = (AuditEntry, OutboxEntry, Patrol, PatrolVillage)


def counts(station: StationHandle) -> dict[str, int]:
    with Session(station.engine) as s:
        return {m.__name__: s.exec(select(func.count()).select_from(m)).one() for m in COUNTED}


def added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


@pytest.fixture
def villages(station: StationHandle, commander: Actor) -> list[str]:
    with db.write_session(station.engine) as s:
        made = [insert_record(s, commander, Village(name=name))
                for name in ("Іванків", "Рудня", "Оране")]  # fmt: skip
    return [village.id for village in made]


def patrol_input(officer: Actor, villages: list[str], **changes: Any) -> PatrolInput:
    end = datetime.now(UTC) - timedelta(hours=1)
    data = PatrolInput(
        started_at=end - timedelta(hours=4), ended_at=end, mode="car", officer_ids=[officer.user_id],
        vehicle="Renault Duster AI 1234", km=63.5, purpose="Check of farms after livestock theft",
        observations="Unlit tractor parked on the road near the dairy", village_ids=villages[:2],
    )  # fmt: skip
    return replace(data, **changes)


def test_patrol_is_saved_with_its_villages(station: StationHandle, officer: Actor, villages: list[str]) -> None:
    before = counts(station)
    with db.write_session(station.engine) as s:
        patrol = create_patrol(session=s, actor=officer, data=patrol_input(officer, villages))
    # One patrol and two village links, each audited and queued for sync.
    assert added(before, counts(station)) == {"AuditEntry": 3, "OutboxEntry": 3, "Patrol": 1, "PatrolVillage": 2}
    with Session(station.engine) as s:
        stored = s.get_one(Patrol, patrol.id)
        assert (stored.mode, stored.km, stored.officer_ids) == (PatrolMode.car, 63.5, [officer.user_id])
        assert stored.started_at.tzinfo is not None and stored.created_by == officer.user_id
        assert [v.name for v in patrol_villages(session=s, actor=officer, patrol_id=patrol.id)] == ["Іванків", "Рудня"]
        assert search_ids(s, "patrol", "tractor") == [patrol.id]
        assert search_ids(s, "patrol", "livestock") == [patrol.id]
        assert verify_chain(s).whole


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ended_at": datetime.now(UTC) - timedelta(hours=6)}, "ended_at"),  # before the start
        ({"ended_at": datetime.now(UTC) + timedelta(hours=2)}, "ended_at"),  # in the future
        ({"started_at": datetime.now(UTC) - timedelta(hours=30)}, "ended_at"),  # longer than 24 h
        ({"started_at": datetime(2026, 1, 1, 8, 0)}, "started_at"),  # no time zone
        ({"started_at": None}, "started_at"),
        ({"km": -1.0}, "km"),
        ({"km": 2000.5}, "km"),
        ({"mode": "horse"}, "mode"),
        ({"village_ids": ["no-such-village"]}, "village_ids"),
        ({"officer_ids": []}, "officer_ids"),
        ({"officer_ids": ["no-such-user"]}, "officer_ids"),
    ],
)
def test_bad_patrol_names_the_field_and_writes_nothing(
    station: StationHandle, officer: Actor, villages: list[str], changes: dict[str, Any], field: str
) -> None:
    before = counts(station)
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        create_patrol(session=s, actor=officer, data=patrol_input(officer, villages, **changes))
    assert field in error.value.errors
    assert counts(station) == before


def test_update_replaces_the_villages(station: StationHandle, officer: Actor, villages: list[str]) -> None:
    with db.write_session(station.engine) as s:
        patrol = create_patrol(session=s, actor=officer, data=patrol_input(officer, villages))
    before = counts(station)
    with db.write_session(station.engine) as s:
        update_patrol(
            session=s, actor=officer, patrol_id=patrol.id,
            data=patrol_input(officer, villages, village_ids=[villages[1], villages[2]], km=70.0,
                              observations="Broken fence at the school"),
        )  # fmt: skip
    # The patrol update, one tombstone for Іванків, one new link for Оране.
    assert added(before, counts(station)) == {"AuditEntry": 3, "OutboxEntry": 3, "PatrolVillage": 1}
    with Session(station.engine) as s:
        assert [v.name for v in patrol_villages(session=s, actor=officer, patrol_id=patrol.id)] == ["Рудня", "Оране"]
        removed = s.exec(select(PatrolVillage).where(PatrolVillage.village_id == villages[0])).one()
        assert removed.deleted_at is not None
        operations = s.exec(select(OutboxEntry.operation).order_by(col(OutboxEntry.client_seq).desc()).limit(3)).all()
        assert sorted(operations) == ["delete", "insert", "update"]
        assert s.get_one(Patrol, patrol.id).km == 70.0
        assert search_ids(s, "patrol", "fence") == [patrol.id]
        assert search_ids(s, "patrol", "tractor") == []
        assert verify_chain(s).whole


def test_unchanged_update_writes_nothing(station: StationHandle, officer: Actor, villages: list[str]) -> None:
    data = patrol_input(officer, villages)
    with db.write_session(station.engine) as s:
        patrol = create_patrol(session=s, actor=officer, data=data)
    before = counts(station)
    with db.write_session(station.engine) as s:
        update_patrol(session=s, actor=officer, patrol_id=patrol.id, data=data)
    assert counts(station) == before


def test_only_its_officers_or_the_commander_may_edit(
    station: StationHandle, officer: Actor, commander: Actor, villages: list[str]
) -> None:
    with db.write_session(station.engine) as s:
        patrol = create_patrol(session=s, actor=commander, data=patrol_input(commander, villages))
    before = counts(station)
    with pytest.raises(PermissionDenied), db.write_session(station.engine) as s:
        update_patrol(session=s, actor=officer, patrol_id=patrol.id, data=patrol_input(commander, villages, km=1.0))
    assert counts(station) == before
    both = [commander.user_id, officer.user_id]
    with db.write_session(station.engine) as s:
        update_patrol(session=s, actor=commander, patrol_id=patrol.id,
                      data=patrol_input(commander, villages, officer_ids=both))  # fmt: skip
    with db.write_session(station.engine) as s:  # now a member of the patrol, the officer may correct it
        update_patrol(session=s, actor=officer, patrol_id=patrol.id,
                      data=patrol_input(commander, villages, officer_ids=both, km=5.0))  # fmt: skip
    with Session(station.engine) as s:
        assert s.get_one(Patrol, patrol.id).km == 5.0
        last = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc())).first()
        assert last is not None and last.action == AuditAction.update and last.user_id == officer.user_id


def test_list_is_newest_first_within_the_period(station: StationHandle, officer: Actor, villages: list[str]) -> None:
    now = datetime.now(UTC)
    ids = []
    with db.write_session(station.engine) as s:
        for days in (10, 3, 1):
            start = now - timedelta(days=days)
            data = patrol_input(officer, villages, started_at=start, ended_at=start + timedelta(hours=2))
            ids.append(create_patrol(session=s, actor=officer, data=data).id)
    with Session(station.engine) as s:
        listed = list_patrols(session=s, actor=officer, since=now - timedelta(days=7), until=now)
    assert [p.id for p in listed] == [ids[2], ids[1]]
