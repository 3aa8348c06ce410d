"""The Today figures on the demo station agree with plain SQL written without the service's helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from station_desk import db
from station_desk.config import resolve_paths
from station_desk.models.enums import IncidentStatus
from station_desk.services import accounts, demo
from station_desk.services.accounts import StationHandle
from station_desk.services.today import SlotState, TodayFigures, today_figures, working_days_between
from tests.conftest import TEST_KDF

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday; Kyiv is UTC+2 in November, UTC+3 in early October
# Local midnights in Kyiv as stored UTC text: 1 October, 1 November, 1 December 2026.
LAST_MONTH, THIS_MONTH, NEXT_MONTH = "2026-09-30 21:00:00", "2026-10-31 22:00:00", "2026-11-30 22:00:00"
NOW_TEXT = "2026-11-20 12:00:00"


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StationHandle]:
    folder: Path = tmp_path_factory.mktemp("today") / "station"
    demo.build_demo_station(paths=resolve_paths(folder), language="uk", months=2, seed=1, kdf=TEST_KDF, now=NOW)
    handle = accounts.open_station(
        paths=resolve_paths(folder), username=demo.DEMO_COMMANDER, password=demo.DEMO_COMMANDER_PASSWORD
    )
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def figures(station: StationHandle) -> TodayFigures:
    with db.read_session(station.engine) as session:
        return today_figures(session=session, actor=station.actor, now=NOW, language="uk")


def _rows(station: StationHandle, sql: str, **params: object) -> list[Any]:
    with Session(station.engine) as session:
        return [tuple(row) for row in session.execute(text(sql), params).all()]


def test_incidents_by_category_match_sql(station: StationHandle, figures: TodayFigures) -> None:
    sql = """SELECT category_code, count(*) FROM incident
             WHERE deleted_at IS NULL AND status != 'voided' AND reported_at >= :since AND reported_at < :until
             GROUP BY category_code"""
    this_month = dict(_rows(station, sql, since=THIS_MONTH, until=NEXT_MONTH))
    last_month = dict(_rows(station, sql, since=LAST_MONTH, until=THIS_MONTH))
    assert this_month and last_month
    assert {c.code: c.this_month for c in figures.categories if c.this_month} == this_month
    assert {c.code: c.last_month for c in figures.categories if c.last_month} == last_month
    assert figures.incidents_this_month == sum(this_month.values())
    assert figures.incidents_last_month == sum(last_month.values())
    ordered = [c.this_month for c in figures.categories]
    assert ordered == sorted(ordered, reverse=True)


def test_category_names_are_in_the_language_asked_for(station: StationHandle, figures: TodayFigures) -> None:
    names = dict(_rows(station, "SELECT code, name_uk FROM category"))
    assert all(c.name == names[c.code] for c in figures.categories)
    with db.read_session(station.engine) as session:
        latin = today_figures(session=session, actor=station.actor, now=NOW, language="sr_Latn")
    assert not any("\u0400" <= ch <= "\u04ff" for c in latin.categories for ch in c.name)


def test_open_and_overdue_match_sql(station: StationHandle, figures: TodayFigures) -> None:
    open_rows = dict(
        _rows(
            station,
            """SELECT status, count(*) FROM incident WHERE deleted_at IS NULL
               AND status IN ('draft', 'submitted', 'returned', 'approved') GROUP BY status""",
        )
    )
    assert {status.value: count for status, count in figures.open_by_status.items()} == open_rows
    overdue = _rows(
        station,
        """SELECT number FROM incident WHERE deleted_at IS NULL AND due_on IS NOT NULL AND due_on < :now
           AND status IN ('draft', 'submitted', 'returned', 'approved') ORDER BY due_on, number""",
        now=NOW_TEXT,
    )
    assert figures.overdue_count == len(overdue) > 0
    assert [item.number for item in figures.overdue] == [row[0] for row in overdue[:5]]
    assert all(item.status != IncidentStatus.closed and item.due_on < NOW for item in figures.overdue)


def test_orders_expiring_in_three_days_match_sql(station: StationHandle, figures: TodayFigures) -> None:
    expected = _rows(
        station,
        """SELECT i.number FROM protectivemeasure m JOIN incident i ON i.id = m.incident_id
           WHERE m.deleted_at IS NULL AND i.deleted_at IS NULL AND i.status != 'voided'
           AND m.expires_at > :now AND m.expires_at <= :until ORDER BY m.expires_at""",
        now=NOW_TEXT,
        until="2026-11-23 12:00:00",
    )
    assert [order.incident_number for order in figures.expiring] == [row[0] for row in expected]
    assert all(NOW < order.expires_at <= NOW + timedelta(days=3) for order in figures.expiring)


def test_reception_of_this_week(station: StationHandle, figures: TodayFigures) -> None:
    held = _rows(
        station,
        "SELECT day, held FROM receptionsession WHERE deleted_at IS NULL AND day BETWEEN :monday AND :sunday",
        monday="2026-11-16",
        sunday="2026-11-22",
    )
    by_day = {date.fromisoformat(str(day)): bool(was_held) for day, was_held in held}
    assert figures.reception
    for slot in figures.reception:
        assert date(2026, 11, 16) <= slot.day <= date(2026, 11, 22)
        if slot.day in by_day:
            assert slot.state == (SlotState.held if by_day[slot.day] else SlotState.not_held)
        else:
            assert slot.state == (SlotState.upcoming if slot.day >= date(2026, 11, 20) else SlotState.not_marked)


def test_patrol_hours_against_the_working_days(station: StationHandle, figures: TodayFigures) -> None:
    (seconds,) = _rows(
        station,
        """SELECT sum((julianday(min(ended_at, :now)) - julianday(started_at)) * 86400) FROM patrol
           WHERE deleted_at IS NULL AND started_at >= :since AND started_at < :now""",
        since=THIS_MONTH,
        now=NOW_TEXT,
    )[0]
    assert figures.patrol_hours == pytest.approx(float(seconds) / 3600, abs=0.01)
    assert figures.working_days == 15  # 2-6, 9-13, 16-20 November 2026
    assert figures.beat_share == pytest.approx(figures.patrol_hours / (15 * 8))


def test_working_days_skip_weekends() -> None:
    assert working_days_between(date(2026, 11, 1), date(2026, 11, 1)) == 0  # a Sunday
    assert working_days_between(date(2026, 11, 2), date(2026, 11, 8)) == 5
