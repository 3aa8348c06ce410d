"""Community work: meetings, prevention events, resident-flagged threats, the priority plan, daily statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from station_desk.i18n import _
from station_desk.models import (
    CommunityMeeting,
    DailyStatistics,
    PlanAction,
    PreventionEvent,
    PriorityPlan,
    ResidentThreat,
    Village,
)
from station_desk.models.enums import AuditAction, MeetingKind, PreventionKind, ThreatCategory, ThreatStatus
from station_desk.services.context import Actor
from station_desk.services.records import get_record, insert_record, update_record
from station_desk.services.search import set_index
from station_desk.services.validation import Problems, check_types

Dated = TypeVar("Dated", CommunityMeeting, PreventionEvent, ResidentThreat)
# Closing a threat as dealt with goes into the public report as "what was done": it must say what.
STATUSES_NEEDING_ACTION = {ThreatStatus.confirmed_eliminated, ThreatStatus.passed_outside_police}
STAT_FIELDS = ("fatal_accidents", "injury_accidents", "damage_only_accidents", "traffic_tickets", "arrests",
               "people_held")  # fmt: skip


def _check_village(problems: Problems, session: Session, actor: Actor, village_id: str | None) -> str | None:
    if not village_id:
        return None
    village = session.get(Village, village_id)
    if village is None or village.deleted_at is not None or village.station_id != actor.station_id:
        problems.add("village_id", _("Unknown village."))
    return village_id


def _in_period(session: Session, actor: Actor, model: type[Dated], since: datetime, until: datetime) -> list[Dated]:
    """Records of one kind whose main time falls in [since, until), newest first."""
    when = col(getattr(model, "reported_at" if model is ResidentThreat else "held_at"))
    return list(
        session.exec(
            select(model)
            .where(model.station_id == actor.station_id, col(model.deleted_at).is_(None), when >= since, when < until)
            .order_by(when.desc())
        )
    )


# -- meetings ---------------------------------------------------------------------------------------------


@dataclass
class MeetingInput:
    kind: str | None = MeetingKind.meeting.value
    held_at: datetime | None = None
    place: str = ""
    village_id: str | None = None
    attendance: int = 0
    issues_raised: str = ""
    commitments: str = ""


def _meeting_fields(session: Session, actor: Actor, data: MeetingInput) -> dict[str, Any]:
    check_types(data)
    problems = Problems()
    values = {
        "kind": problems.choice("kind", data.kind, MeetingKind),
        "held_at": problems.aware_time("held_at", data.held_at, required=True),
        "place": problems.required_text("place", data.place, 200),
        "village_id": _check_village(problems, session, actor, data.village_id),
        "attendance": data.attendance or 0,
        "issues_raised": (data.issues_raised or "").strip(),
        "commitments": (data.commitments or "").strip(),
    }
    problems.not_negative("attendance", data.attendance)
    problems.raise_if_any()
    return values


def _index_meeting(session: Session, meeting: CommunityMeeting) -> None:
    set_index(session, "community_meeting", meeting.id, meeting.place, meeting.issues_raised, meeting.commitments)


def create_meeting(*, session: Session, actor: Actor, data: MeetingInput) -> CommunityMeeting:
    values = _meeting_fields(session, actor, data)
    meeting = insert_record(session, actor, CommunityMeeting(**values))
    _index_meeting(session, meeting)
    return meeting


def update_meeting(*, session: Session, actor: Actor, meeting_id: str, data: MeetingInput) -> CommunityMeeting:
    meeting = get_record(session, CommunityMeeting, meeting_id, actor=actor)
    update_record(session, actor, meeting, _meeting_fields(session, actor, data))
    _index_meeting(session, meeting)
    return meeting


def list_meetings(*, session: Session, actor: Actor, since: datetime, until: datetime) -> list[CommunityMeeting]:
    return _in_period(session, actor, CommunityMeeting, since, until)


# -- prevention events ------------------------------------------------------------------------------------


@dataclass
class PreventionInput:
    kind: str | None = PreventionKind.school_talk.value
    held_at: datetime | None = None
    place: str = ""
    village_id: str | None = None
    audience_size: int = 0
    topic: str = ""


def _prevention_fields(session: Session, actor: Actor, data: PreventionInput) -> dict[str, Any]:
    check_types(data)
    problems = Problems()
    values = {
        "kind": problems.choice("kind", data.kind, PreventionKind),
        "held_at": problems.aware_time("held_at", data.held_at, required=True),
        "place": problems.required_text("place", data.place, 200),
        "village_id": _check_village(problems, session, actor, data.village_id),
        "audience_size": data.audience_size or 0,
        "topic": (data.topic or "").strip(),
    }
    problems.not_negative("audience_size", data.audience_size)
    problems.raise_if_any()
    return values


def _index_event(session: Session, event: PreventionEvent) -> None:
    set_index(session, "prevention_event", event.id, event.place, event.topic)


def create_prevention_event(*, session: Session, actor: Actor, data: PreventionInput) -> PreventionEvent:
    event = insert_record(session, actor, PreventionEvent(**_prevention_fields(session, actor, data)))
    _index_event(session, event)
    return event


def update_prevention_event(*, session: Session, actor: Actor, event_id: str, data: PreventionInput) -> PreventionEvent:
    event = get_record(session, PreventionEvent, event_id, actor=actor)
    update_record(session, actor, event, _prevention_fields(session, actor, data))
    _index_event(session, event)
    return event


def list_prevention_events(
    *, session: Session, actor: Actor, since: datetime, until: datetime
) -> list[PreventionEvent]:
    return _in_period(session, actor, PreventionEvent, since, until)


# -- threats flagged by residents -------------------------------------------------------------------------


@dataclass
class ThreatInput:
    category: str | None = None
    reported_at: datetime | None = None
    place: str = ""
    village_id: str | None = None
    description: str = ""


def _threat_fields(session: Session, actor: Actor, data: ThreatInput) -> dict[str, Any]:
    check_types(data)
    problems = Problems()
    values = {
        "category": problems.choice("category", data.category, ThreatCategory),
        "reported_at": problems.aware_time("reported_at", data.reported_at, required=True),
        "place": problems.required_text("place", data.place, 300),
        "village_id": _check_village(problems, session, actor, data.village_id),
        "description": (data.description or "").strip(),
    }
    problems.raise_if_any()
    return values


def _index_threat(session: Session, threat: ResidentThreat) -> None:
    set_index(session, "resident_threat", threat.id, threat.place, threat.description, threat.action_taken)


def create_threat(*, session: Session, actor: Actor, data: ThreatInput) -> ResidentThreat:
    """A new threat starts as "new"; its status then moves only through set_threat_status."""
    threat = insert_record(session, actor, ResidentThreat(**_threat_fields(session, actor, data)))
    _index_threat(session, threat)
    return threat


def update_threat(*, session: Session, actor: Actor, threat_id: str, data: ThreatInput) -> ResidentThreat:
    threat = get_record(session, ResidentThreat, threat_id, actor=actor)
    update_record(session, actor, threat, _threat_fields(session, actor, data))
    _index_threat(session, threat)
    return threat


def set_threat_status(
    *, session: Session, actor: Actor, threat_id: str, status: str | None, action_taken: str = ""
) -> ResidentThreat:
    threat = get_record(session, ResidentThreat, threat_id, actor=actor)
    problems = Problems()
    new_status = problems.choice("status", status, ThreatStatus)
    action = (action_taken or "").strip() or threat.action_taken
    if new_status in STATUSES_NEEDING_ACTION and not action:
        problems.add("action_taken", _("This field is required."))
    problems.raise_if_any()
    update_record(
        session, actor, threat, {"status": new_status, "action_taken": action}, action=AuditAction.status_change
    )
    _index_threat(session, threat)
    return threat


def list_threats(
    *, session: Session, actor: Actor, since: datetime, until: datetime, status: ThreatStatus | None = None
) -> list[ResidentThreat]:
    threats = _in_period(session, actor, ResidentThreat, since, until)
    return [threat for threat in threats if status is None or threat.status == status]


# -- priority action plan ---------------------------------------------------------------------------------


@dataclass
class PlanInput:
    period_start: date | None = None
    period_end: date | None = None
    problem: str = ""
    goal: str = ""
    village_id: str | None = None


def _plan_fields(session: Session, actor: Actor, data: PlanInput) -> dict[str, Any]:
    check_types(data)
    problems = Problems()
    for name, value in (("period_start", data.period_start), ("period_end", data.period_end)):
        if value is None:
            problems.add(name, _("This field is required."))
    if data.period_start and data.period_end and data.period_end <= data.period_start:
        problems.add("period_end", _("The end is before the start."))
    values = {
        "period_start": data.period_start,
        "period_end": data.period_end,
        "problem": problems.required_text("problem", data.problem),
        "goal": problems.required_text("goal", data.goal),
        "village_id": _check_village(problems, session, actor, data.village_id),
    }
    problems.raise_if_any()
    return values


def _index_plan(session: Session, plan: PriorityPlan) -> None:
    set_index(session, "priority_plan", plan.id, plan.problem, plan.goal, plan.evaluation)


def create_plan(*, session: Session, actor: Actor, data: PlanInput) -> PriorityPlan:
    plan = insert_record(session, actor, PriorityPlan(**_plan_fields(session, actor, data)))
    _index_plan(session, plan)
    return plan


def update_plan(*, session: Session, actor: Actor, plan_id: str, data: PlanInput) -> PriorityPlan:
    plan = get_record(session, PriorityPlan, plan_id, actor=actor)
    values = _plan_fields(session, actor, data)
    problems = Problems()
    # Shrinking the period must not leave an action with a deadline outside it.
    for action in plan_actions(session=session, actor=actor, plan_id=plan.id):
        if not values["period_start"] <= action.deadline <= values["period_end"]:
            problems.add("period_end", _("An action's deadline would fall outside the plan's period."))
    problems.raise_if_any()
    update_record(session, actor, plan, values)
    _index_plan(session, plan)
    return plan


def list_plans(*, session: Session, actor: Actor, on: date | None = None) -> list[PriorityPlan]:
    """Every plan, newest period first; with `on`, only the plans whose period holds that day."""
    query = select(PriorityPlan).where(
        PriorityPlan.station_id == actor.station_id, col(PriorityPlan.deleted_at).is_(None)
    )
    if on is not None:
        query = query.where(col(PriorityPlan.period_start) <= on, col(PriorityPlan.period_end) >= on)
    return list(session.exec(query.order_by(col(PriorityPlan.period_start).desc())))


def add_action(
    *, session: Session, actor: Actor, plan_id: str, description: str, deadline: date | None, partners: str = ""
) -> PlanAction:
    plan = get_record(session, PriorityPlan, plan_id, actor=actor)
    problems = Problems()
    cleaned = problems.required_text("description", description)
    if deadline is None:
        problems.add("deadline", _("This field is required."))
    elif not plan.period_start <= deadline <= plan.period_end:
        problems.add("deadline", _("The deadline must be inside the plan's period."))
    problems.raise_if_any()
    assert deadline is not None
    action = PlanAction(plan_id=plan.id, description=cleaned, deadline=deadline, partners=(partners or "").strip())
    return insert_record(session, actor, action)


def mark_action_done(*, session: Session, actor: Actor, action_id: str, done_on: date | None) -> PlanAction:
    """Set the day an action was done, or None to reopen it."""
    action = get_record(session, PlanAction, action_id, actor=actor)
    problems = Problems()
    if done_on is not None and done_on > date.today():
        problems.add("done_on", _("This date is in the future."))
    problems.raise_if_any()
    update_record(session, actor, action, {"done_on": done_on})
    return action


def set_evaluation(*, session: Session, actor: Actor, plan_id: str, evaluation: str) -> PriorityPlan:
    plan = get_record(session, PriorityPlan, plan_id, actor=actor)
    problems = Problems()
    cleaned = problems.required_text("evaluation", evaluation)
    problems.raise_if_any()
    update_record(session, actor, plan, {"evaluation": cleaned})
    _index_plan(session, plan)
    return plan


def plan_actions(*, session: Session, actor: Actor, plan_id: str) -> list[PlanAction]:
    get_record(session, PriorityPlan, plan_id, actor=actor)
    return list(
        session.exec(
            select(PlanAction)
            .where(PlanAction.plan_id == plan_id, col(PlanAction.deleted_at).is_(None))
            .order_by(col(PlanAction.deadline), col(PlanAction.created_at))
        )
    )


# -- daily statistics -------------------------------------------------------------------------------------


@dataclass
class StatisticsInput:
    day: date | None = None
    fatal_accidents: int = 0
    injury_accidents: int = 0
    damage_only_accidents: int = 0
    traffic_tickets: int = 0
    arrests: int = 0
    people_held: int = 0


def save_daily_statistics(*, session: Session, actor: Actor, data: StatisticsInput) -> DailyStatistics:
    """One row per day: the first save creates it, a later save of the same day corrects it."""
    problems = Problems()
    if data.day is None:
        problems.add("day", _("This field is required."))
    elif data.day > date.today():
        problems.add("day", _("This date is in the future."))
    figures: dict[str, Any] = {name: getattr(data, name) or 0 for name in STAT_FIELDS}
    for name, value in figures.items():
        problems.not_negative(name, value)
    problems.raise_if_any()
    assert data.day is not None
    existing = session.exec(
        select(DailyStatistics).where(
            DailyStatistics.station_id == actor.station_id,
            DailyStatistics.day == data.day,
            col(DailyStatistics.deleted_at).is_(None),
        )
    ).first()
    if existing is not None:
        update_record(session, actor, existing, figures)
        return existing
    return insert_record(session, actor, DailyStatistics(day=data.day, **figures))


def list_daily_statistics(*, session: Session, actor: Actor, since: date, until: date) -> list[DailyStatistics]:
    """The days from since to until, both included, oldest first (the order of a table or a chart)."""
    return list(
        session.exec(
            select(DailyStatistics)
            .where(
                DailyStatistics.station_id == actor.station_id,
                col(DailyStatistics.deleted_at).is_(None),
                col(DailyStatistics.day) >= since,
                col(DailyStatistics.day) <= until,
            )
            .order_by(col(DailyStatistics.day))
        )
    )
