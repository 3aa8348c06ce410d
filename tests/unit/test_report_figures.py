"""The monthly report's figures equal plain SQL written by hand over the same database.

A station gets a known March 2026 (Europe/Kyiv) through the services, with records just outside the month, voided
and deleted ones, February 2026 and March 2025 for the comparisons; the demo station checks totals at scale.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import Session

from station_desk import db, i18n
from station_desk.config import resolve_paths
from station_desk.models import Incident, Patrol, Village
from station_desk.reports.figures import MonthFigures, month_figures
from station_desk.reports.figures_export import canonical_json, figures_as_rows, figures_hash, write_csv
from station_desk.services import accounts, demo
from station_desk.services import community as cw
from station_desk.services import domestic_violence as dvs
from station_desk.services import incidents as inc
from station_desk.services import patrols as pat
from station_desk.services import reception as rec
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.people import PersonInput, create_person
from station_desk.services.records import get_record, insert_record, soft_delete
from tests.conftest import TEST_KDF

KYIV = ZoneInfo("Europe/Kyiv")
# Local midnights in Kyiv as stored UTC text (EET is UTC+2; summer time from the last Sunday of March is UTC+3).
MARCH = ("2026-02-28 22:00:00", "2026-03-31 21:00:00")
FEBRUARY = ("2026-01-31 22:00:00", "2026-02-28 22:00:00")
MARCH_2025 = ("2025-02-28 22:00:00", "2025-03-31 21:00:00")
LATER = datetime(2026, 6, 1, tzinfo=UTC)  # figures built well after March ended


def utc(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Built:
    station: StationHandle
    actor: Actor
    numbers: dict[str, str]  # name in this file -> register number
    villages: dict[str, str]


def _incident(s: Session, actor: Actor, at: datetime, category: str, village: str | None, **extra: Any) -> Incident:
    data = inc.IncidentInput(reported_at=at, category_code=category, village_id=village, narrative="Reported.")
    for name, value in extra.items():
        setattr(data, name, value)
    return inc.create_incident(session=s, actor=actor, data=data)


def _build(s: Session, commander: Actor, officer: Actor) -> tuple[dict[str, str], dict[str, str]]:
    villages = {name: insert_record(s, commander, Village(name=name)).id for name in ("Рудня", "Андріївка", "Лука")}
    rudnia, andriivka, luka = villages["Рудня"], villages["Андріївка"], villages["Лука"]
    made: dict[str, Incident] = {}

    def add(name: str, at: datetime, category: str, village: str | None, **extra: Any) -> Incident:
        made[name] = _incident(s, officer, at, category, village, **extra)
        return made[name]

    closed = add("closed_theft", utc(3, 10), "theft", rudnia)
    for step in (inc.submit_incident, inc.approve_incident):
        step(session=s, actor=commander if step is inc.approve_incident else officer, incident_id=closed.id)
    inc.close_incident(session=s, actor=commander, incident_id=closed.id, outcome="solved")
    dv = add("dv_assault", utc(3, 15), "assault", andriivka, domestic_violence=True, outcome="warning")
    add("first_minutes", utc(2, 28, 23, 30), "threat", rudnia)  # 01:30 on 1 March in Kyiv
    add("april_already", utc(3, 31, 21, 30), "threat", rudnia)  # 00:30 on 1 April in Kyiv (summer time)
    add("feb_theft", utc(2, 10), "theft", rudnia)
    add("feb_dv", utc(2, 20), "family_dispute", andriivka, domestic_violence=True)
    add("march_2025", utc(3, 5, year=2025), "theft", luka)
    add("march_2025_dv", utc(3, 6, year=2025), "assault", luka, domestic_violence=True)
    add("overdue_vandalism", utc(3, 22), "vandalism", None, due_on=utc(3, 25))
    add("due_later", utc(3, 23), "fraud", rudnia, due_on=utc(4, 20))
    old_open = add("january_open", utc(1, 12), "theft", andriivka, due_on=utc(2, 1))
    inc.submit_incident(session=s, actor=officer, incident_id=old_open.id)
    add("october", utc(10, 7, year=2025), "theft", rudnia)
    voided = add("voided", utc(3, 20), "burglary", rudnia, domestic_violence=True)
    deleted = add("deleted", utc(3, 21), "theft", luka)

    person = create_person(session=s, actor=officer, data=PersonInput(last_name="Коваленко", first_name="Іван"))
    # Domestic violence of the live incident: details, an assessment, an order and its breach.
    dvs.set_dv_details(session=s, actor=officer, incident_id=dv.id, forms=["physical"], relationship="partner",
                       blue_card_form="A", referrals="Shelter in Makariv")  # fmt: skip
    dvs.add_risk_assessment(session=s, actor=officer, incident_id=dv.id, form="national", answers={}, level="high",
                            assessed_at=utc(3, 15, 12))  # fmt: skip
    order = dvs.add_protective_measure(session=s, actor=officer, incident_id=dv.id, kind="urgent_restraining_order",
                                       issued_at=utc(3, 15, 13), expires_at=utc(3, 22, 13))  # fmt: skip
    dvs.record_breach(session=s, actor=officer, measure_id=order.id, occurred_at=utc(3, 18))
    dvs.record_breach(session=s, actor=officer, measure_id=order.id, occurred_at=utc(3, 19))
    dvs.add_protective_measure(session=s, actor=officer, incident_id=made["feb_dv"].id, kind="restrictive_order",
                               issued_at=utc(2, 21), expires_at=utc(3, 5))  # fmt: skip
    # The same on the incident voided later: none of it may count.
    dvs.set_dv_details(session=s, actor=officer, incident_id=voided.id, forms=["physical"], relationship="partner",
                       blue_card_form="B", referrals="Social services")  # fmt: skip
    dvs.add_risk_assessment(session=s, actor=officer, incident_id=voided.id, form="national", answers={}, level="low",
                            assessed_at=utc(3, 20, 12))  # fmt: skip
    void_order = dvs.add_protective_measure(session=s, actor=officer, incident_id=voided.id,
                                            kind="urgent_restraining_order", issued_at=utc(3, 20, 13),
                                            expires_at=utc(3, 25))  # fmt: skip
    dvs.record_breach(session=s, actor=officer, measure_id=void_order.id, occurred_at=utc(3, 21))
    dvs.start_monitoring(session=s, actor=officer, person_id=person.id, started_on=date(2026, 3, 3), reason="DV",
                         incident_id=dv.id)  # fmt: skip
    dvs.start_monitoring(session=s, actor=officer, person_id=person.id, started_on=date(2026, 1, 3), reason="DV",
                         ends_on=date(2026, 3, 5))  # fmt: skip
    other = create_person(session=s, actor=officer, data=PersonInput(last_name="Мельник", first_name="Олег"))
    dvs.start_monitoring(session=s, actor=officer, person_id=other.id, started_on=date(2026, 1, 3), reason="DV",
                         ends_on=date(2026, 2, 27))  # fmt: skip
    inc.void_incident(session=s, actor=commander, incident_id=voided.id, reason="Entered twice")
    soft_delete(s, commander, get_record(s, Incident, deleted.id))

    # Patrols: a March one, one in the first minutes of March in Kyiv, one that is still February, one deleted.
    def patrol(start: datetime, end: datetime, km: float, village_ids: list[str]) -> Patrol:
        data = pat.PatrolInput(started_at=start, ended_at=end, mode="car", officer_ids=[officer.user_id], km=km,
                               village_ids=village_ids)  # fmt: skip
        return pat.create_patrol(session=s, actor=officer, data=data)

    patrol(utc(3, 2, 8), utc(3, 2, 12, 30), 30.5, [rudnia, andriivka])
    patrol(utc(2, 28, 22, 30), utc(3, 1, 1), 12.0, [rudnia])
    patrol(utc(3, 31, 20), utc(3, 31, 23), 8.0, [andriivka])  # 23:00 on 31 March in Kyiv
    patrol(utc(2, 28, 21), utc(2, 28, 21, 50), 5.0, [luka])  # 23:00 on 28 February in Kyiv
    soft_delete(s, officer, patrol(utc(3, 9, 8), utc(3, 9, 10), 40.0, [luka]))

    # Reception: Mondays all along, Thursdays until 10 March; two held, one not, one held without a schedule.
    monday = rec.create_schedule(session=s, actor=commander, data=rec.ScheduleInput(
        place="Gmina office", weekday=0, starts=time(10), ends=time(12), valid_from=date(2026, 1, 1)))  # fmt: skip
    rec.create_schedule(session=s, actor=commander, data=rec.ScheduleInput(
        place="School", weekday=3, starts=time(14), ends=time(16), valid_from=date(2026, 1, 1),
        valid_to=date(2026, 3, 10)))  # fmt: skip
    held = rec.mark_session(session=s, actor=officer, day=date(2026, 3, 2), held=True, schedule_id=monday.id)
    rec.mark_session(session=s, actor=officer, day=date(2026, 3, 9), held=False, schedule_id=monday.id)
    later = rec.mark_session(session=s, actor=officer, day=date(2026, 3, 16), held=True, schedule_id=monday.id)
    extra = rec.mark_session(session=s, actor=officer, day=date(2026, 3, 18), held=True, place="Village club")
    february = rec.mark_session(session=s, actor=officer, day=date(2026, 2, 23), held=True, schedule_id=monday.id)
    for session_id, topic, outcome, resolved, incident_id in (
        (held.id, "Stray dogs", "advice_given", True, None),
        (held.id, "Stray dogs ", "advice_given", False, None),
        (later.id, "Noise at night", "referred", True, None),
        (extra.id, "Stolen bicycle", "incident_opened", False, closed.id),
        (february.id, "Stray dogs", "advice_given", True, None),
    ):
        data = rec.VisitInput(visitor_name="Resident", topic=topic, outcome=outcome, resolved=resolved,
                              incident_id=incident_id)  # fmt: skip
        rec.add_visit(session=s, actor=officer, reception_session_id=session_id, data=data)

    # Community work and the plan.
    for when, attendance in ((utc(3, 5, 17), 20), (utc(3, 25, 17), 15), (utc(2, 20, 17), 40)):
        cw.create_meeting(session=s, actor=officer, data=cw.MeetingInput(held_at=when, place="Club",
                                                                          attendance=attendance))  # fmt: skip
    meeting = cw.create_meeting(session=s, actor=officer, data=cw.MeetingInput(held_at=utc(3, 6), place="Club",
                                                                               attendance=99))  # fmt: skip
    soft_delete(s, officer, meeting)
    for when, audience in ((utc(3, 10), 30), (utc(2, 28, 23), 25), (utc(3, 31, 22), 50)):
        cw.create_prevention_event(session=s, actor=officer, data=cw.PreventionInput(
            held_at=when, place="School", audience_size=audience))  # fmt: skip
    cw.create_threat(session=s, actor=officer, data=cw.ThreatInput(category="stray_dogs", reported_at=utc(3, 3),
                                                                   place="Bus stop"))  # fmt: skip
    done = cw.create_threat(
        session=s, actor=officer, data=cw.ThreatInput(category="poaching", reported_at=utc(3, 4), place="Forest")
    )
    cw.set_threat_status(session=s, actor=officer, threat_id=done.id, status="confirmed_eliminated",
                         action_taken="Forest patrols")  # fmt: skip
    cw.create_threat(session=s, actor=officer, data=cw.ThreatInput(category="stray_dogs", reported_at=utc(2, 3),
                                                                   place="Shop"))  # fmt: skip
    plan = cw.create_plan(
        session=s,
        actor=commander,
        data=cw.PlanInput(
            period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), problem="Fuel theft", goal="Fewer thefts"
        ),
    )
    for deadline, done_on in ((date(2026, 2, 15), date(2026, 2, 10)), (date(2026, 3, 20), None),
                              (date(2026, 5, 30), None), (date(2026, 3, 10), date(2026, 4, 2))):  # fmt: skip
        action = cw.add_action(session=s, actor=commander, plan_id=plan.id, description="Step", deadline=deadline)
        if done_on:
            cw.mark_action_done(session=s, actor=commander, action_id=action.id, done_on=done_on)
    cw.create_plan(
        session=s,
        actor=commander,
        data=cw.PlanInput(
            period_start=date(2026, 7, 1), period_end=date(2026, 12, 31), problem="Speeding", goal="Slower traffic"
        ),
    )
    for day, tickets in ((date(2026, 3, 1), 3), (date(2026, 3, 31), 4), (date(2026, 2, 28), 9)):
        cw.save_daily_statistics(session=s, actor=officer, data=cw.StatisticsInput(
            day=day, traffic_tickets=tickets, arrests=1, people_held=2, injury_accidents=1))  # fmt: skip
    return {name: incident.number for name, incident in made.items()}, villages


@pytest.fixture
def built(station: StationHandle, commander: Actor, officer: Actor) -> Built:
    with db.write_session(station.engine) as s:
        numbers, villages = _build(s, commander, officer)
    return Built(station, commander, numbers, villages)


def figures_of(built: Built, year: int = 2026, month: int = 3, now: datetime = LATER) -> MonthFigures:
    with db.read_session(built.station.engine) as s:
        return month_figures(session=s, actor=built.actor, year=year, month=month, language="en", now=now)


def sql(built: Built | StationHandle, query: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = built.station.engine if isinstance(built, Built) else built.engine
    with Session(engine) as s:
        return [tuple(row) for row in s.execute(text(query), params).all()]


def one(built: Built | StationHandle, query: str, **params: Any) -> Any:
    return sql(built, query, **params)[0][0]


COUNTED = "i.deleted_at IS NULL AND i.status != 'voided'"
IN_MONTH = "i.reported_at >= :since AND i.reported_at < :until"


def by_period(built: Built, select: str, group: str, period: tuple[str, str], joins: str = "") -> dict[Any, int]:
    return dict(
        sql(
            built,
            f"SELECT {select}, count(*) FROM incident i {joins} WHERE {COUNTED} AND {IN_MONTH} GROUP BY {group}",
            since=period[0],
            until=period[1],
        )
    )


# -- incidents ----------------------------------------------------------------------------------------------


def test_incidents_by_category_section_and_village_match_sql(built: Built) -> None:
    figures = figures_of(built).incidents
    for period, attribute in ((MARCH, "this_month"), (FEBRUARY, "last_month"), (MARCH_2025, "same_month_last_year")):
        expected = by_period(built, "i.category_code", "i.category_code", period)
        assert expected, period
        found = {c.code: getattr(c, attribute) for c in figures.by_category if getattr(c, attribute)}
        assert found == expected
        assert getattr(figures, attribute) == sum(expected.values())
        sections = by_period(built, "c.iccs_section", "c.iccs_section", period,
                             "JOIN category c ON c.code = i.category_code")  # fmt: skip
        assert {s.section: getattr(s, attribute) for s in figures.by_section if getattr(s, attribute)} == sections
        villages = by_period(built, "v.name", "i.village_id", period, "LEFT JOIN village v ON v.id = i.village_id")
        assert {v.name or None: getattr(v, attribute) for v in figures.by_village if getattr(v, attribute)} == villages
    categories = {row[0]: row[1:] for row in sql(built, "SELECT code, name_en, iccs_code, iccs_section FROM category")}
    assert all((c.name, c.iccs_code, c.iccs_section) == categories[c.code] for c in figures.by_category)
    assert [s.section for s in figures.by_section][-1] is None  # outside ICCS comes last
    assert figures.this_month == 5 and figures.last_month == 2 and figures.same_month_last_year == 2


def test_voided_and_deleted_incidents_never_count(built: Built) -> None:
    figures = figures_of(built)
    listed = {line.number for line in figures.incident_list}
    assert built.numbers["voided"] not in listed and built.numbers["deleted"] not in listed
    everything = one(built, "SELECT count(*) FROM incident i WHERE " + IN_MONTH, since=MARCH[0], until=MARCH[1])
    assert everything == figures.incidents.this_month + 2  # both are in March: the filter, not the dates, drops them
    assert "burglary" not in {c.code for c in figures.incidents.by_category}
    lines = sql(
        built,
        f"""SELECT i.number, i.reported_at, i.category_code, coalesce(v.name, ''), i.status, i.outcome
            FROM incident i LEFT JOIN village v ON v.id = i.village_id WHERE {COUNTED} AND {IN_MONTH}
            ORDER BY i.reported_at, i.number""",
        since=MARCH[0],
        until=MARCH[1],
    )
    assert [
        (x.number, x.reported_at.strftime("%Y-%m-%d %H:%M:%S.%f"), x.category_code, x.village, x.status, x.outcome)
        for x in figures.incident_list
    ] == lines


def test_month_follows_kyiv_midnight_not_utc(built: Built) -> None:
    march, april, february = figures_of(built), figures_of(built, month=4), figures_of(built, month=2)
    first, late = built.numbers["first_minutes"], built.numbers["april_already"]
    assert first in {x.number for x in march.incident_list}  # 23:30 UTC on 28 February
    assert first not in {x.number for x in february.incident_list}
    assert late not in {x.number for x in march.incident_list}  # 21:30 UTC on 31 March, after summer time began
    assert late in {x.number for x in april.incident_list}
    assert march.period.starts_at == datetime(2026, 2, 28, 22, tzinfo=UTC)
    assert march.period.ends_at == datetime(2026, 3, 31, 21, tzinfo=UTC)
    assert april.incidents.last_month == march.incidents.this_month


def test_outcomes_closed_share_and_open_items_match_sql(built: Built) -> None:
    figures = figures_of(built)
    outcomes = by_period(built, "i.outcome", "i.outcome", MARCH)
    assert {o.key: o.count for o in figures.incidents.by_outcome if o.count} == outcomes
    closed = one(built, f"SELECT count(*) FROM incident i WHERE {COUNTED} AND {IN_MONTH} AND i.status = 'closed'",
                 since=MARCH[0], until=MARCH[1])  # fmt: skip
    assert figures.incidents.closed == closed == 1
    assert figures.incidents.closed_share == pytest.approx(1 / 5)
    open_sql = """FROM incident i WHERE i.deleted_at IS NULL AND i.reported_at < :until
                  AND i.status IN ('draft', 'submitted', 'returned', 'approved')"""
    by_status = dict(sql(built, f"SELECT i.status, count(*) {open_sql} GROUP BY i.status", until=MARCH[1]))
    assert {o.key: o.count for o in figures.open_items.by_status if o.count} == by_status
    assert figures.open_items.open_count == sum(by_status.values())
    overdue = sql(
        built,
        f"""SELECT i.number, i.category_code, i.status {open_sql} AND i.due_on IS NOT NULL AND i.due_on < :until
            ORDER BY i.due_on""",
        until=MARCH[1],
    )
    assert [(x.number, x.category_code, x.status) for x in figures.open_items.overdue] == overdue
    assert figures.open_items.overdue_count == len(overdue) == 2
    assert built.numbers["due_later"] not in {x.number for x in figures.open_items.overdue}


# -- time on the beat ---------------------------------------------------------------------------------------


def test_beat_figures_match_sql(built: Built) -> None:
    beat = figures_of(built).beat
    where = "p.deleted_at IS NULL AND p.started_at >= :since AND p.started_at < :until"
    count, hours, km = sql(
        built,
        f"""SELECT count(*), sum((julianday(ended_at) - julianday(started_at)) * 24), sum(km)
            FROM patrol p WHERE {where}""",
        since=MARCH[0],
        until=MARCH[1],
    )[0]
    assert (beat.patrols, beat.km) == (count, km) == (3, 50.5)
    assert beat.patrol_hours == pytest.approx(hours, abs=0.01) and hours == pytest.approx(4.5 + 2.5 + 3)
    villages = [
        name
        for (name,) in sql(
            built,
            f"""SELECT DISTINCT v.name FROM patrolvillage pv JOIN patrol p ON p.id = pv.patrol_id
                JOIN village v ON v.id = pv.village_id WHERE pv.deleted_at IS NULL AND {where} ORDER BY v.name""",
            since=MARCH[0],
            until=MARCH[1],
        )
    ]
    assert list(beat.villages_covered) == villages == ["Андріївка", "Рудня"]
    assert beat.working_days == 22  # Monday to Friday in March 2026
    assert beat.working_hours == 176 and beat.desk_hours == pytest.approx(176 - hours, abs=0.01)
    assert beat.beat_share == pytest.approx(hours / 176, abs=1e-4)


def test_a_month_still_running_counts_up_to_now(built: Built) -> None:
    now = datetime(2026, 3, 16, 12, tzinfo=UTC)
    figures = figures_of(built, now=now)
    assert figures.period.as_of == now
    assert figures.beat.working_days == 11  # 2-6, 9-13 and 16 March
    assert figures.reception.sessions_scheduled == 4  # Mondays 2, 9, 16 and Thursday 5 March
    assert figures.beat.patrols == 2  # the patrol of 31 March has not happened yet
    assert figures.open_items.overdue_count == 1  # the vandalism is due on 25 March; January's was due on 1 Feb


# -- domestic violence ----------------------------------------------------------------------------------------


def test_domestic_violence_matches_sql(built: Built) -> None:
    dv = figures_of(built).domestic_violence
    calls = f"SELECT count(*) FROM incident i WHERE {COUNTED} AND {IN_MONTH} AND i.domestic_violence = 1"
    assert (dv.calls, dv.calls_last_month, dv.calls_same_month_last_year) == tuple(
        one(built, calls, since=p[0], until=p[1]) for p in (MARCH, FEBRUARY, MARCH_2025)
    ) == (1, 1, 1)  # fmt: skip
    on_incident = f"JOIN incident i ON i.id = x.incident_id WHERE x.deleted_at IS NULL AND {COUNTED}"
    risk = dict(sql(built, f"""SELECT x.level, count(*) FROM riskassessment x {on_incident}
                             AND x.assessed_at >= :since AND x.assessed_at < :until GROUP BY x.level""",
                    since=MARCH[0], until=MARCH[1]))  # fmt: skip
    assert {r.key: r.count for r in dv.risk_levels if r.count} == risk == {"high": 1}
    issued = dict(sql(built, f"""SELECT x.kind, count(*) FROM protectivemeasure x {on_incident}
                               AND x.issued_at >= :since AND x.issued_at < :until GROUP BY x.kind""",
                      since=MARCH[0], until=MARCH[1]))  # fmt: skip
    assert {o.key: o.count for o in dv.orders_issued if o.count} == issued == {"urgent_restraining_order": 1}
    expiring = one(
        built,
        f"""SELECT count(*) FROM protectivemeasure x {on_incident}
                            AND x.expires_at >= :since AND x.expires_at < :until""",
        since=MARCH[0],
        until=MARCH[1],
    )
    assert dv.orders_expiring == expiring == 2  # this month's order and February's restrictive order
    breaches = sql(built, f"""SELECT count(*), count(DISTINCT b.measure_id) FROM measurebreach b
                            JOIN protectivemeasure x ON x.id = b.measure_id {on_incident} AND b.deleted_at IS NULL
                            AND b.occurred_at >= :since AND b.occurred_at < :until""",
                   since=MARCH[0], until=MARCH[1])[0]  # fmt: skip
    assert (dv.breaches, dv.orders_breached) == breaches == (2, 1)
    details = sql(built, f"""SELECT x.blue_card_form, x.referrals FROM domesticviolencedetails x {on_incident}
                           AND {IN_MONTH}""", since=MARCH[0], until=MARCH[1])  # fmt: skip
    assert (
        {b.key: b.count for b in dv.blue_cards if b.count}
        == {"A": 1}
        == {form: sum(1 for f, _r in details if f == form) for form, _ in details if form}
    )
    assert dv.referrals == sum(1 for _f, referral in details if referral) == 1
    monitored = sql(built, """SELECT count(DISTINCT person_id), sum(started_on >= '2026-03-01')
                              FROM offendermonitoring WHERE deleted_at IS NULL AND started_on <= '2026-03-31'
                              AND (ends_on IS NULL OR ends_on >= '2026-03-01')""")[0]  # fmt: skip
    assert (dv.offenders_monitored, dv.monitoring_started) == monitored == (1, 1)


# -- reception, community, traffic ------------------------------------------------------------------------------


def test_reception_matches_sql(built: Built) -> None:
    reception = figures_of(built).reception
    in_march = "day >= '2026-03-01' AND day <= '2026-03-31' AND deleted_at IS NULL"
    held, not_held, unscheduled = sql(
        built,
        f"""SELECT sum(held = 1), sum(held = 0), sum(held = 1 AND schedule_id IS NULL) FROM receptionsession
            WHERE {in_march}""",
    )[0]
    assert (reception.sessions_held, reception.sessions_not_held, reception.sessions_unscheduled) == (
        held, not_held, unscheduled) == (3, 1, 1)  # fmt: skip
    assert reception.sessions_scheduled == 6  # five Mondays, and Thursday 5 March before the slot ended
    visits = f"""FROM receptionvisit x JOIN receptionsession r ON r.id = x.session_id
                 WHERE x.deleted_at IS NULL AND r.{in_march.replace(" AND ", " AND r.")}"""
    outcomes = dict(sql(built, f"SELECT x.outcome, count(*) {visits} GROUP BY x.outcome"))
    assert {o.key: o.count for o in reception.outcomes if o.count} == outcomes
    assert reception.visitors == sum(outcomes.values()) == 4
    assert reception.resolved == one(built, f"SELECT count(*) {visits} AND x.resolved = 1") == 2
    topics = sql(built, f"SELECT trim(x.topic), count(*) {visits} GROUP BY trim(x.topic) ORDER BY 2 DESC, 1")
    assert [(t.key, t.count) for t in reception.topics] == topics
    assert reception.topics[0].key == "Stray dogs" and reception.topics[0].count == 2


def test_community_plan_and_traffic_match_sql(built: Built) -> None:
    figures = figures_of(built)
    community, traffic = figures.community, figures.traffic
    window = "deleted_at IS NULL AND {at} >= :since AND {at} < :until"
    meetings = sql(built, "SELECT count(*), sum(attendance) FROM communitymeeting WHERE " + window.format(
        at="held_at"), since=MARCH[0], until=MARCH[1])[0]  # fmt: skip
    assert (community.meetings, community.meeting_attendance) == meetings == (2, 35)
    events = sql(built, "SELECT count(*), sum(audience_size) FROM preventionevent WHERE " + window.format(
        at="held_at"), since=MARCH[0], until=MARCH[1])[0]  # fmt: skip
    assert (community.prevention_events, community.prevention_audience) == events == (2, 55)
    threats = dict(sql(built, "SELECT status, count(*) FROM residentthreat WHERE " + window.format(
        at="reported_at") + " GROUP BY status", since=MARCH[0], until=MARCH[1]))  # fmt: skip
    assert {t.key: t.count for t in community.threats_by_status if t.count} == threats
    assert threats == {"new": 1, "confirmed_eliminated": 1}
    plans = sql(
        built,
        """SELECT p.problem, count(a.id), sum(a.done_on IS NOT NULL AND a.done_on <= '2026-03-31'),
                  sum(a.id IS NOT NULL AND (a.done_on IS NULL OR a.done_on > '2026-03-31')
                      AND a.deadline < '2026-03-31')
           FROM priorityplan p LEFT JOIN planaction a ON a.plan_id = p.id AND a.deleted_at IS NULL
           WHERE p.deleted_at IS NULL AND p.period_start <= '2026-03-31' AND p.period_end >= '2026-03-01'
           GROUP BY p.id""",
    )
    assert [(p.problem, p.actions_total, p.actions_done, p.actions_overdue) for p in community.plans] == plans
    assert plans == [("Fuel theft", 4, 1, 2)]  # the one done on 2 April was still overdue at the end of March
    totals = sql(built, """SELECT count(*), sum(fatal_accidents), sum(injury_accidents), sum(damage_only_accidents),
                                  sum(traffic_tickets), sum(arrests), sum(people_held) FROM dailystatistics
                           WHERE deleted_at IS NULL AND day BETWEEN '2026-03-01' AND '2026-03-31'""")[0]  # fmt: skip
    assert astuple(traffic) == totals == (2, 0, 2, 0, 7, 2, 4)


def _local_midnights(year: int, month: int, count: int) -> list[str]:
    """The first of each month from count-1 months before (year, month) to the month after, as stored UTC text."""
    index = year * 12 + month - 1 - (count - 1)
    days = [date((index + k) // 12, (index + k) % 12 + 1, 1) for k in range(count + 1)]
    return [datetime.combine(d, time(), KYIV).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") for d in days]


def test_twelve_month_trend_matches_sql(built: Built) -> None:
    trend = figures_of(built).trend
    bounds = _local_midnights(2026, 3, 12)
    expected = [
        sql(built, f"SELECT count(*), coalesce(sum(i.domestic_violence), 0) FROM incident i WHERE {COUNTED} AND "
            f"{IN_MONTH}", since=since, until=until)[0]
        for since, until in zip(bounds, bounds[1:], strict=False)
    ]  # fmt: skip
    assert [(m.incidents, m.domestic_violence) for m in trend] == expected
    assert [(m.year, m.month) for m in trend][0] == (2025, 4) and [(m.year, m.month) for m in trend][-1] == (2026, 3)
    assert sum(m.incidents for m in trend) == 9  # October 2025, January, February (2) and March (5) 2026


# -- rows, CSV and hash ---------------------------------------------------------------------------------------


def test_rows_csv_and_hash(built: Built, tmp_path: Path) -> None:
    figures = figures_of(built)
    rows = figures_as_rows(figures)
    assert ("Incidents", "Incidents: this month", "5") in rows
    assert ("Domestic violence", "Risk level: High", "1") in rows
    assert ("Time on the beat", "Kilometres", "50.5") in rows
    assert all(len(row) == 3 and all(isinstance(cell, str) for cell in row) for row in rows)
    path = tmp_path / "figures.csv"
    write_csv(figures, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        read = [tuple(row) for row in csv.reader(handle)]
    assert read[0] == ("Section", "Indicator", "Figure") and read[1:] == rows
    i18n.set_language("uk")
    translated = figures_as_rows(figures)
    assert len(translated) == len(rows) and translated != rows
    digest = figures_hash(figures)
    assert digest == hashlib.sha256(canonical_json(figures).encode()).hexdigest() == figures_hash(figures_of(built))
    with db.write_session(built.station.engine) as s:
        _incident(s, built.actor, utc(3, 30), "theft", None)
    assert figures_hash(figures_of(built)) != digest


# -- the demo station ---------------------------------------------------------------------------------------------

DEMO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
OCTOBER, SEPTEMBER = ("2026-09-30 21:00:00", "2026-10-31 22:00:00"), ("2026-08-31 21:00:00", "2026-09-30 21:00:00")
OCTOBER_2025 = ("2025-09-30 21:00:00", "2025-10-31 22:00:00")


@pytest.fixture(scope="module")
def demo_station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StationHandle]:
    folder = tmp_path_factory.mktemp("report") / "station"
    demo.build_demo_station(paths=resolve_paths(folder), language="uk", months=13, seed=3, kdf=TEST_KDF, now=DEMO_NOW)
    handle = accounts.open_station(
        paths=resolve_paths(folder), username=demo.DEMO_COMMANDER, password=demo.DEMO_COMMANDER_PASSWORD
    )
    yield handle
    handle.close()


def test_demo_station_totals_match_sql(demo_station: StationHandle) -> None:
    with db.read_session(demo_station.engine) as s:
        figures = month_figures(session=s, actor=demo_station.actor, year=2026, month=10, language="uk", now=DEMO_NOW)
    counted = f"FROM incident i WHERE {COUNTED} AND {IN_MONTH}"
    month = {"since": OCTOBER[0], "until": OCTOBER[1]}
    incidents = figures.incidents
    assert (incidents.this_month, incidents.last_month, incidents.same_month_last_year) == tuple(
        one(demo_station, f"SELECT count(*) {counted}", since=p[0], until=p[1]) for p in (OCTOBER, SEPTEMBER,
                                                                                           OCTOBER_2025)
    )  # fmt: skip
    assert incidents.this_month > 30 and incidents.same_month_last_year > 0
    assert sum(c.this_month for c in incidents.by_category) == sum(s.this_month for s in incidents.by_section)
    assert sum(v.this_month for v in incidents.by_village) == incidents.this_month == len(figures.incident_list)
    assert dict(sql(demo_station, f"SELECT i.outcome, count(*) {counted} GROUP BY i.outcome", **month)) == {
        o.key: o.count for o in incidents.by_outcome if o.count
    }
    assert incidents.closed == one(demo_station, f"SELECT count(*) {counted} AND i.status = 'closed'", **month)
    assert figures.domestic_violence.calls == one(
        demo_station, f"SELECT count(*) {counted} AND i.domestic_violence = 1", **month
    )
    patrols, km = sql(demo_station, """SELECT count(*), sum(km) FROM patrol WHERE deleted_at IS NULL
                                       AND started_at >= :since AND started_at < :until""", **month)[0]  # fmt: skip
    assert figures.beat.patrols == patrols > 0 and figures.beat.km == pytest.approx(km, abs=0.05)
    hours = one(
        demo_station,
        """SELECT sum((julianday(ended_at) - julianday(started_at)) * 24) FROM patrol
                                 WHERE deleted_at IS NULL AND started_at >= :since AND started_at < :until""",
        **month,
    )
    assert figures.beat.patrol_hours == pytest.approx(hours, abs=0.01)
    visits = one(demo_station, """SELECT count(*) FROM receptionvisit x JOIN receptionsession r ON r.id = x.session_id
                                  WHERE x.deleted_at IS NULL AND r.deleted_at IS NULL
                                  AND r.day BETWEEN '2026-10-01' AND '2026-10-31'""")  # fmt: skip
    assert figures.reception.visitors == visits
    tickets, days = sql(
        demo_station,
        """SELECT sum(traffic_tickets), count(*) FROM dailystatistics
                                         WHERE deleted_at IS NULL AND day BETWEEN '2026-10-01' AND '2026-10-31'""",
    )[0]
    assert (figures.traffic.traffic_tickets, figures.traffic.days_reported) == (tickets, days) and days == 31
    bounds = _local_midnights(2026, 10, 12)
    trend = [
        one(demo_station, f"SELECT count(*) {counted}", since=a, until=b)
        for a, b in zip(bounds, bounds[1:], strict=False)
    ]
    assert [m.incidents for m in figures.trend] == trend
    open_count = one(demo_station, """SELECT count(*) FROM incident WHERE deleted_at IS NULL AND reported_at < :until
                                      AND status IN ('draft', 'submitted', 'returned', 'approved')""",
                     until=OCTOBER[1])  # fmt: skip
    assert figures.open_items.open_count == open_count
