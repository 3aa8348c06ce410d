"""Community work: meetings, prevention events, threats and their status, the priority plan, daily figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from station_desk import db
from station_desk.errors import ValidationFailed
from station_desk.models import (
    AuditEntry,
    CommunityMeeting,
    DailyStatistics,
    OutboxEntry,
    PlanAction,
    PreventionEvent,
    PriorityPlan,
    ResidentThreat,
    Village,
)
from station_desk.models.enums import AuditAction, ThreatStatus
from station_desk.services import community as cw
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.journal import verify_chain
from station_desk.services.records import insert_record
from station_desk.services.search import search_ids

COUNTED = (AuditEntry, OutboxEntry, CommunityMeeting, PreventionEvent, ResidentThreat, PriorityPlan, PlanAction,
           DailyStatistics)  # fmt: skip
NOW = datetime.now(UTC)
TODAY = date.today()


def counts(station: StationHandle) -> dict[str, int]:
    with Session(station.engine) as s:
        return {m.__name__: s.exec(select(func.count()).select_from(m)).one() for m in COUNTED}


def added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def expect_refused(station: StationHandle, field: str, write: Any) -> None:
    """The write fails naming the field, and not a single row (record, audit or outbox) is left behind."""
    before = counts(station)
    with pytest.raises(ValidationFailed) as error, db.write_session(station.engine) as s:
        write(s)
    assert field in error.value.errors, error.value.errors
    assert counts(station) == before


@pytest.fixture
def village(station: StationHandle, commander: Actor) -> str:
    with db.write_session(station.engine) as s:
        return insert_record(s, commander, Village(name="Рудня")).id


def meeting_input(village: str | None, **changes: Any) -> cw.MeetingInput:
    data = cw.MeetingInput(kind="public_debate", held_at=NOW - timedelta(days=2), place="Village club",
                           village_id=village, attendance=34, issues_raised="Speeding lorries on the main street",
                           commitments="Speed checks on Fridays")  # fmt: skip
    return replace(data, **changes)


def test_meeting_saved_listed_updated_and_searchable(station: StationHandle, officer: Actor, village: str) -> None:
    before = counts(station)
    with db.write_session(station.engine) as s:
        meeting = cw.create_meeting(session=s, actor=officer, data=meeting_input(village))
    assert added(before, counts(station)) == {"AuditEntry": 1, "OutboxEntry": 1, "CommunityMeeting": 1}
    with Session(station.engine) as s:
        listed = cw.list_meetings(session=s, actor=officer, since=NOW - timedelta(days=7), until=NOW)
        assert [(m.id, m.attendance, m.village_id) for m in listed] == [(meeting.id, 34, village)]
        assert search_ids(s, "community_meeting", "lorries") == [meeting.id]
    with db.write_session(station.engine) as s:
        cw.update_meeting(session=s, actor=officer, meeting_id=meeting.id, data=meeting_input(village, attendance=40))
    with Session(station.engine) as s:
        assert s.get_one(CommunityMeeting, meeting.id).attendance == 40
        entry = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc())).first()
        assert entry is not None and entry.details["changes"] == {"attendance": [34, 40]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"attendance": -1}, "attendance"), ({"village_id": "nowhere"}, "village_id"), ({"kind": "party"}, "kind"),
     ({"held_at": NOW + timedelta(days=1)}, "held_at"), ({"place": ""}, "place")],
)  # fmt: skip
def test_bad_meeting_writes_nothing(
    station: StationHandle, officer: Actor, village: str, changes: dict[str, Any], field: str
) -> None:
    expect_refused(station, field, lambda s: cw.create_meeting(session=s, actor=officer,
                                                               data=meeting_input(village, **changes)))  # fmt: skip


def test_prevention_event_and_its_audience(station: StationHandle, officer: Actor, village: str) -> None:
    data = cw.PreventionInput(kind="school_talk", held_at=NOW - timedelta(hours=3), place="School No. 2",
                              village_id=village, audience_size=120, topic="Safe way home in winter")  # fmt: skip
    expect_refused(station, "audience_size", lambda s: cw.create_prevention_event(
        session=s, actor=officer, data=replace(data, audience_size=-5)))  # fmt: skip
    with db.write_session(station.engine) as s:
        event = cw.create_prevention_event(session=s, actor=officer, data=data)
    with Session(station.engine) as s:
        listed = cw.list_prevention_events(session=s, actor=officer, since=NOW - timedelta(days=1), until=NOW)
        assert [(e.id, e.audience_size) for e in listed] == [(event.id, 120)]
        assert search_ids(s, "prevention_event", "winter") == [event.id]


def test_threat_status_change_is_audited_as_such(station: StationHandle, officer: Actor, village: str) -> None:
    data = cw.ThreatInput(category="stray_dogs", reported_at=NOW - timedelta(days=1), place="Behind the school",
                          village_id=village, description="A pack of dogs attacks children")  # fmt: skip
    with db.write_session(station.engine) as s:
        threat = cw.create_threat(session=s, actor=officer, data=data)
    with Session(station.engine) as s:
        assert s.get_one(ResidentThreat, threat.id).status == ThreatStatus.new

    # "Eliminated" goes into the public report as what was done: it needs the action.
    expect_refused(station, "action_taken", lambda s: cw.set_threat_status(
        session=s, actor=officer, threat_id=threat.id, status="confirmed_eliminated"))  # fmt: skip
    expect_refused(station, "status", lambda s: cw.set_threat_status(
        session=s, actor=officer, threat_id=threat.id, status="solved"))  # fmt: skip

    before = counts(station)
    with db.write_session(station.engine) as s:
        cw.set_threat_status(session=s, actor=officer, threat_id=threat.id, status="confirmed_eliminated",
                             action_taken="Dogs taken to the shelter with the municipality")  # fmt: skip
    assert added(before, counts(station)) == {"AuditEntry": 1, "OutboxEntry": 1}
    with Session(station.engine) as s:
        stored = s.get_one(ResidentThreat, threat.id)
        assert stored.status == ThreatStatus.confirmed_eliminated and "shelter" in stored.action_taken
        entry = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc())).first()
        assert entry is not None and entry.action == AuditAction.status_change and entry.record_id == threat.id
        assert entry.details["changes"]["status"] == ["new", "confirmed_eliminated"]
        since, until = NOW - timedelta(days=7), NOW
        assert [t.id for t in cw.list_threats(session=s, actor=officer, since=since, until=until)] == [threat.id]
        assert cw.list_threats(session=s, actor=officer, since=since, until=until, status=ThreatStatus.new) == []
        assert search_ids(s, "resident_threat", "shelter") == [threat.id]
        assert verify_chain(s).whole


def plan_input(**changes: Any) -> cw.PlanInput:
    data = cw.PlanInput(period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                        problem="Drinking at the bus stop", goal="Fewer complaints than last year")  # fmt: skip
    return replace(data, **changes)


def test_priority_plan_actions_and_evaluation(station: StationHandle, officer: Actor) -> None:
    expect_refused(station, "period_end", lambda s: cw.create_plan(
        session=s, actor=officer, data=plan_input(period_end=date(2025, 12, 1))))  # fmt: skip
    before = counts(station)
    with db.write_session(station.engine) as s:
        plan = cw.create_plan(session=s, actor=officer, data=plan_input())
        action = cw.add_action(session=s, actor=officer, plan_id=plan.id, description="Evening checks at the stop",
                               deadline=date(2026, 3, 31), partners="Municipal guard")  # fmt: skip
    assert added(before, counts(station)) == {"AuditEntry": 2, "OutboxEntry": 2, "PriorityPlan": 1, "PlanAction": 1}

    expect_refused(station, "deadline", lambda s: cw.add_action(
        session=s, actor=officer, plan_id=plan.id, description="Too late", deadline=date(2026, 7, 15)))  # fmt: skip
    expect_refused(station, "done_on", lambda s: cw.mark_action_done(
        session=s, actor=officer, action_id=action.id, done_on=TODAY + timedelta(days=3)))  # fmt: skip
    # Shrinking the period would strand the March action outside it.
    expect_refused(station, "period_end", lambda s: cw.update_plan(
        session=s, actor=officer, plan_id=plan.id, data=plan_input(period_end=date(2026, 2, 28))))  # fmt: skip

    with db.write_session(station.engine) as s:
        cw.mark_action_done(session=s, actor=officer, action_id=action.id, done_on=TODAY)
        cw.set_evaluation(session=s, actor=officer, plan_id=plan.id, evaluation="Complaints fell from 12 to 4")
    with Session(station.engine) as s:
        assert [a.done_on for a in cw.plan_actions(session=s, actor=officer, plan_id=plan.id)] == [TODAY]
        assert s.get_one(PriorityPlan, plan.id).evaluation == "Complaints fell from 12 to 4"
        assert [p.id for p in cw.list_plans(session=s, actor=officer, on=date(2026, 3, 1))] == [plan.id]
        assert cw.list_plans(session=s, actor=officer, on=date(2026, 8, 1)) == []
        assert search_ids(s, "priority_plan", "complaints fell") == [plan.id]
        assert verify_chain(s).whole


def test_daily_statistics_one_row_per_day(station: StationHandle, officer: Actor) -> None:
    day = TODAY - timedelta(days=1)
    before = counts(station)
    with db.write_session(station.engine) as s:
        first = cw.save_daily_statistics(
            session=s, actor=officer, data=cw.StatisticsInput(day=day, injury_accidents=1, traffic_tickets=7)
        )
    with db.write_session(station.engine) as s:
        second = cw.save_daily_statistics(session=s, actor=officer,
                                          data=cw.StatisticsInput(day=day, injury_accidents=1, traffic_tickets=9,
                                                                  arrests=1))  # fmt: skip
    assert second.id == first.id
    # One insert, then one update of the same row: both audited and queued.
    assert added(before, counts(station)) == {"AuditEntry": 2, "OutboxEntry": 2, "DailyStatistics": 1}
    with Session(station.engine) as s:
        rows = cw.list_daily_statistics(session=s, actor=officer, since=day, until=TODAY)
        assert [(r.day, r.traffic_tickets, r.arrests, r.injury_accidents) for r in rows] == [(day, 9, 1, 1)]

    expect_refused(station, "arrests", lambda s: cw.save_daily_statistics(
        session=s, actor=officer, data=cw.StatisticsInput(day=day, arrests=-1)))  # fmt: skip
    expect_refused(station, "day", lambda s: cw.save_daily_statistics(
        session=s, actor=officer, data=cw.StatisticsInput(day=TODAY + timedelta(days=2))))  # fmt: skip
    expect_refused(station, "day", lambda s: cw.save_daily_statistics(
        session=s, actor=officer, data=cw.StatisticsInput(day=None)))  # fmt: skip
