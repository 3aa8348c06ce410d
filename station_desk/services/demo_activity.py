"""Demo beat and community work: patrols, reception, meetings, prevention, threats, plans and statistics."""

from __future__ import annotations

from datetime import date, time, timedelta

from station_desk.models import (
    CommunityMeeting,
    DailyStatistics,
    Patrol,
    PatrolVillage,
    PlanAction,
    PreventionEvent,
    PriorityPlan,
    ReceptionSchedule,
    ReceptionSession,
    ReceptionVisit,
    ResidentThreat,
)
from station_desk.models.enums import (
    Country,
    MeetingKind,
    PatrolMode,
    PreventionKind,
    ThreatCategory,
    ThreatStatus,
    VisitOutcome,
)
from station_desk.services.demo_content import DemoContext, Row, Weighted
from station_desk.services.demo_people import People, full_name

_WINTER = (11, 12, 1, 2, 3)
_KM = {PatrolMode.car: (25.0, 90.0), PatrolMode.foot: (3.0, 9.0), PatrolMode.bicycle: (8.0, 25.0)}
_VILLAGES_VISITED = {PatrolMode.car: (3, 6), PatrolMode.foot: (1, 2), PatrolMode.bicycle: (2, 3)}
# Reception twice a week: Monday morning at the first place, Thursday afternoon at the second.
_RECEPTION_SLOTS = ((0, time(10), time(12), 0), (3, time(14), time(16), 1))
_VISIT_OUTCOMES = Weighted([VisitOutcome.advice_given, VisitOutcome.referred, VisitOutcome.other], [60, 25, 15])
_MEETING_KIND = {Country.UA: MeetingKind.meeting, Country.PL: MeetingKind.public_debate,
                 Country.XK: MeetingKind.safety_committee}  # fmt: skip
_PREVENTION = Weighted(list(PreventionKind), [40, 25, 25, 10])
_OPEN_THREAT = Weighted([ThreatStatus.new, ThreatStatus.verifying, ThreatStatus.confirmed_in_progress], [40, 35, 25])
_CLOSED_THREAT = Weighted(
    [ThreatStatus.confirmed_eliminated, ThreatStatus.not_confirmed, ThreatStatus.joke_or_mistake,
     ThreatStatus.passed_outside_police, ThreatStatus.confirmed_in_progress],
    [50, 20, 8, 12, 10],
)  # fmt: skip


def make_patrols(ctx: DemoContext) -> list[Row]:
    """Most days one patrol, fewer at weekends; bicycles stay in the shed in winter."""
    patrols: list[Row] = []
    for day in ctx.days():
        if not ctx.chance(0.9 if day.weekday() < 5 else 0.55):
            continue
        winter = day.month in _WINTER
        mode = Weighted(list(PatrolMode), [30, 55, 3 if winter else 20]).pick(ctx.rng)
        start_hour = ctx.rng.uniform(18, 21) if ctx.chance(0.2) else ctx.rng.uniform(8, 11)
        started = ctx.at(day, start_hour)
        ended = started + timedelta(hours=ctx.rng.uniform(2, 6))
        if ended > ctx.now - timedelta(minutes=10):
            continue
        roll = ctx.rng.random()
        officers = ([ctx.officer_id] if roll < 0.7 else [ctx.commander_id] if roll < 0.8
                    else [ctx.officer_id, ctx.commander_id])  # fmt: skip
        patrol = ctx.add(
            Patrol, started_at=started, ended_at=ended, mode=mode, officer_ids=officers,
            vehicle=ctx.text("vehicle") if mode == PatrolMode.car else None,
            km=round(ctx.rng.uniform(*_KM[mode]), 1), purpose=ctx.pick(ctx.text("patrol", "purposes")),
            observations=ctx.pick(ctx.text("patrol", "observations")),
        )  # fmt: skip
        visited = ctx.rng.sample(ctx.villages, min(len(ctx.villages), ctx.rng.randint(*_VILLAGES_VISITED[mode])))
        for village in visited:
            ctx.add(PatrolVillage, patrol_id=patrol["id"], village_id=village["id"])
        patrols.append(patrol)
    return patrols


def make_reception(ctx: DemoContext) -> list[Row]:
    """The two weekly slots and every session since; returns the sessions that were held (with their start)."""
    places: list[str] = ctx.text("reception_places")
    held: list[Row] = []
    schedules = []
    for weekday, starts, ends, place_index in _RECEPTION_SLOTS:
        place = places[place_index % len(places)]
        schedule = ctx.add(
            ReceptionSchedule, place=place, weekday=weekday, starts=starts, ends=ends,
            valid_from=ctx.first_day - timedelta(days=60),
        )  # fmt: skip
        schedules.append((schedule, starts, ends))
    for day in ctx.days():
        for schedule, starts, ends in schedules:
            if day.weekday() != schedule["weekday"] or ctx.at(day, ends.hour) > ctx.now:
                continue
            was_held = ctx.chance(0.9)
            session = ctx.add(
                ReceptionSession, schedule_id=schedule["id"], day=day, place=schedule["place"], held=was_held,
                note=None if was_held else ctx.pick(ctx.text("reception", "not_held")),
            )  # fmt: skip
            if was_held:
                session["_starts"] = ctx.at(day, starts.hour)
                held.append(session)
    return held


def add_visits(ctx: DemoContext, people: People, sessions: list[Row], opened: dict[str, list[tuple[Row, Row]]]) -> None:
    """Visitors of each held session; an incident reported at reception is a visit that opened it."""
    for session in sessions:
        for incident, person in opened.get(session["id"], []):
            _visit(ctx, session, person, VisitOutcome.incident_opened, incident_id=incident["id"])
        for _ in range(ctx.rng.choice((0, 1, 1, 2, 2, 3, 4))):
            person = people.anyone() if ctx.chance(0.6) else people.senior()
            _visit(ctx, session, person, _VISIT_OUTCOMES.pick(ctx.rng))


def _visit(ctx: DemoContext, session: Row, person: Row, outcome: VisitOutcome, incident_id: str | None = None) -> None:
    follow_up = session["day"] + timedelta(days=ctx.rng.randint(7, 21)) if ctx.chance(0.4) else None
    resolved = follow_up is not None and follow_up < ctx.today and ctx.chance(0.8)
    ctx.add(
        ReceptionVisit, session_id=session["id"], visitor_name=full_name(person), person_id=person["id"],
        topic=ctx.pick(ctx.text("reception", "topics")), outcome=outcome, incident_id=incident_id,
        follow_up_on=follow_up, resolved=resolved or (follow_up is None and outcome != VisitOutcome.referred),
    )  # fmt: skip


def _month_starts(ctx: DemoContext) -> list[date]:
    first = ctx.first_day.replace(day=1)
    months = []
    while first <= ctx.today:
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return months


def make_community(ctx: DemoContext) -> None:
    """A meeting a month, two prevention events, threats flagged by residents, and the daily statistics."""
    for month in _month_starts(ctx):
        next_month = (month + timedelta(days=32)).replace(day=1)
        days = [d for d in ctx.days() if month <= d < next_month and d.weekday() < 5 and ctx.at(d, 20) < ctx.now]
        if not days:
            continue
        village = ctx.pick(ctx.villages)
        issues: list[str] = ctx.text("meetings", "issues")
        ctx.add(
            CommunityMeeting, kind=_MEETING_KIND[ctx.country], held_at=ctx.at(ctx.pick(days), ctx.rng.choice((17, 18))),
            place=f"{ctx.pick(ctx.text('meetings', 'places'))}, {village['name']}", village_id=village["id"],
            attendance=ctx.rng.randint(8, 60), issues_raised="; ".join(ctx.rng.sample(issues, 2)),
            commitments=ctx.pick(ctx.text("meetings", "commitments")),
        )  # fmt: skip
        for _ in range(2):
            kind = _PREVENTION.pick(ctx.rng)
            village = ctx.pick(ctx.villages)
            ctx.add(
                PreventionEvent, kind=kind, held_at=ctx.at(ctx.pick(days), ctx.rng.uniform(9, 15)),
                place=f"{ctx.pick(ctx.text('prevention', 'places'))}, {village['name']}", village_id=village["id"],
                audience_size=ctx.rng.randint(10, 90), topic=ctx.pick(ctx.text("prevention", "topics", kind.value)),
            )  # fmt: skip
    _threats(ctx)
    _plans(ctx)
    _statistics(ctx)


def _threats(ctx: DemoContext) -> None:
    threats: list[list[str]] = ctx.text("threats")
    per_day = 7 / 30 if ctx.country == Country.PL else 2 / 30  # the threat map is a Polish channel
    for day in ctx.days():
        if not ctx.chance(per_day):
            continue
        reported = ctx.past(ctx.at(day, ctx.rng.uniform(7, 22)))
        category, description = ctx.pick(threats)
        village = ctx.pick(ctx.villages)
        age = (ctx.now - reported).days
        status = _OPEN_THREAT.pick(ctx.rng) if age < 10 else _CLOSED_THREAT.pick(ctx.rng)
        finished = status not in (ThreatStatus.new, ThreatStatus.verifying)
        ctx.add(
            ResidentThreat, category=ThreatCategory(category), reported_at=reported, village_id=village["id"],
            place=village["name"], description=description, status=status,
            action_taken=ctx.pick(ctx.text("threat_actions")) if finished else "",
        )  # fmt: skip


def _plans(ctx: DemoContext) -> None:
    """Poland's half-year priority plan; the other countries keep one too, as a station work plan."""
    plans: list[dict[str, object]] = ctx.text("plans")
    year, half = ctx.first_day.year, 0 if ctx.first_day.month <= 6 else 1
    number = 0
    while date(year, 1 + 6 * half, 1) <= ctx.today:
        start = date(year, 1 + 6 * half, 1)
        end = date(year, 6, 30) if half == 0 else date(year, 12, 31)
        content = plans[number % len(plans)]
        village = ctx.pick(ctx.villages)
        plan = ctx.add(
            PriorityPlan, period_start=start, period_end=end, problem=content["problem"], goal=content["goal"],
            village_id=village["id"], evaluation=content["evaluation"] if end < ctx.today else None,
        )  # fmt: skip
        actions = content["actions"]
        assert isinstance(actions, list)
        for position, action in enumerate(actions, start=1):
            deadline = start + timedelta(days=(end - start).days * position // (len(actions) + 1))
            done = deadline < ctx.today and ctx.chance(0.8)
            ctx.add(
                PlanAction, plan_id=plan["id"], description=action["description"], deadline=deadline,
                partners=action["partners"],
                done_on=min(deadline + timedelta(days=ctx.rng.randint(-20, 10)), ctx.today) if done else None,
            )  # fmt: skip
        number += 1
        year, half = (year, 1) if half == 0 else (year + 1, 0)


def _statistics(ctx: DemoContext) -> None:
    """Traffic and custody figures for every finished day."""
    for day in ctx.days()[:-1]:
        rng = ctx.rng
        ctx.add(
            DailyStatistics, day=day, fatal_accidents=int(rng.random() < 0.005),
            injury_accidents=int(rng.random() < 0.12), damage_only_accidents=rng.choice((0, 0, 0, 1, 1, 2)),
            traffic_tickets=rng.randint(0, 6), arrests=int(rng.random() < 0.08), people_held=int(rng.random() < 0.1),
        )  # fmt: skip
