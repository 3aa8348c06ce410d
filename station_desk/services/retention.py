"""Retention: review and erasure periods per kind of record, and the commander's list of records due for review."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from station_desk.i18n import _, current_language
from station_desk.models import (
    AnonymisedRecord,
    Category,
    Incident,
    Involvement,
    OffenderMonitoring,
    Person,
    RetentionRule,
    Station,
)
from station_desk.services.context import Actor
from station_desk.services.records import insert_record, soft_delete, update_record
from station_desk.services.today import category_name
from station_desk.services.validation import Problems

# Default periods in months (review after, keep for), used while a station has set no rule of its own.
# Directive 2016/680 art. 5 asks for "appropriate time limits" for erasure or for a periodic review but sets no
# numbers, and the CJEU (C-118/22) refused keeping police data until death without review; the national periods
# differ (*verify* against Poland's Police Act art. 20, Kosovo's Law 06/L-082 and Ukraine's police regulations).
# So the defaults review early and erase late: a review is only a question to the commander, an erasure is final.
# - incident: reviewed 2 years after it was closed (or reported, if never closed), kept 5 years: long enough for
#   repeat cases, appeals and the year-on-year figures of the monthly report.
# - domesticviolencedetails (applies to every incident flagged as domestic violence): reviewed after 1 year,
#   because the victim's situation, risk and protective orders change within months; kept 5 years like the rest.
# - person: reviewed when none of their incidents is kept any more (the latest of their incidents' dates); a
#   person linked to no incident at all is reviewed 1 year after being recorded and kept at most 5 years.
DEFAULT_RULES: dict[str, tuple[int, int]] = {
    "incident": (24, 60),
    "domesticviolencedetails": (12, 60),
    "person": (12, 60),
}
MAX_MONTHS = 1200  # 100 years: more is a typing mistake, and would overflow the date arithmetic
DV_RULE = "domesticviolencedetails"


@dataclass(frozen=True)
class RetentionPeriod:
    """The rule in force for one kind of record; `station_rule` is False while the default applies."""

    record_type: str
    review_after_months: int
    keep_for_months: int
    station_rule: bool


@dataclass(frozen=True)
class ReviewItem:
    """One record due for review, as plain data; `past_retention`: its keep-for period has run out too."""

    record_type: str
    record_id: str
    title: str
    recorded_on: date  # reported (incident) or recorded (person)
    closed_on: date | None
    review_on: date
    erase_after: date
    past_retention: bool
    rule: str  # a key of DEFAULT_RULES; a person linked to incidents is dated by those incidents' rules


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), on the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _station_rules(session: Session, actor: Actor) -> dict[str, RetentionRule]:
    """The station's live rule per type; if two laptops each set one offline, the later edit holds."""
    rows = session.exec(
        select(RetentionRule)
        .where(RetentionRule.station_id == actor.station_id, col(RetentionRule.deleted_at).is_(None))
        .order_by(col(RetentionRule.updated_at), col(RetentionRule.id))
    )
    return {row.record_type: row for row in rows}


def retention_rules(session: Session, actor: Actor) -> list[RetentionPeriod]:
    """Every kind of record with a retention rule, the station's own or the default; anyone may read them."""
    own = _station_rules(session, actor)
    periods = []
    for record_type, (review, keep) in DEFAULT_RULES.items():
        rule = own.get(record_type)
        if rule is None:
            periods.append(RetentionPeriod(record_type, review, keep, station_rule=False))
        else:
            periods.append(RetentionPeriod(record_type, rule.review_after_months, rule.keep_for_months, True))
    return periods


def _months(problems: Problems, field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MONTHS:
        problems.add(field, _("Give a whole number of months from 1 to {max}.").format(max=MAX_MONTHS))
        return 0
    return value


def set_retention_rule(
    session: Session, actor: Actor, record_type: str, review_after_months: int, keep_for_months: int
) -> RetentionPeriod:
    """The commander sets the station's periods for one kind of record; audited and synced."""
    actor.require_commander()
    problems = Problems()
    if record_type not in DEFAULT_RULES:
        problems.add(
            "record_type",
            _("Retention rules exist for these records only: {types}.").format(types=", ".join(DEFAULT_RULES)),
        )
    review = _months(problems, "review_after_months", review_after_months)
    keep = _months(problems, "keep_for_months", keep_for_months)
    if review and keep and keep < review:
        problems.add("keep_for_months", _("A record must be kept at least until its review."))
    problems.raise_if_any()
    rows = session.exec(
        select(RetentionRule)
        .where(
            RetentionRule.station_id == actor.station_id,
            RetentionRule.record_type == record_type,
            col(RetentionRule.deleted_at).is_(None),
        )
        .order_by(col(RetentionRule.updated_at).desc(), col(RetentionRule.id).desc())
    ).all()
    values: dict[str, Any] = {"review_after_months": review, "keep_for_months": keep}
    if rows:
        update_record(session, actor, rows[0], values)
        for duplicate in rows[1:]:  # made offline on another laptop: one rule now holds
            soft_delete(session, actor, duplicate)
    else:
        insert_record(
            session, actor, RetentionRule(record_type=record_type, review_after_months=review, keep_for_months=keep)
        )
    return RetentionPeriod(record_type, review, keep, station_rule=True)


# -- the review list --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    session: Session
    actor: Actor
    today: date
    zone: ZoneInfo
    rules: dict[str, tuple[int, int]]

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def latest_base(self, rule: str) -> datetime:
        """A moment after which no base date can be due under `rule`: prefilters in SQL, exact check in Python.

        Month ends shorten a period by at most three days, so a few days of slack never lose a due record.
        """
        last_day = add_months(self.today, -self.rules[rule][0]) + timedelta(days=4)
        return datetime.combine(last_day, time.min, tzinfo=self.zone).astimezone(UTC)

    def dates(self, rule: str, base: date) -> tuple[date, date]:
        review, keep = self.rules[rule]
        return add_months(base, review), add_months(base, keep)


def _anonymised(record_type: str) -> Any:
    return select(AnonymisedRecord.record_id).where(
        AnonymisedRecord.record_type == record_type, col(AnonymisedRecord.deleted_at).is_(None)
    )


def _base_at() -> Any:
    """What an incident's periods count from: its closure, or its report when never closed."""
    return func.coalesce(col(Incident.closed_at), col(Incident.reported_at))


def _due_incidents(frame: _Frame) -> list[ReviewItem]:
    flag = col(Incident.domestic_violence)
    rows = frame.session.execute(
        sa.select(
            col(Incident.id),
            col(Incident.number),
            col(Incident.category_code),
            col(Incident.reported_at),
            col(Incident.closed_at),
            flag,
        ).where(
            col(Incident.station_id) == frame.actor.station_id,
            col(Incident.deleted_at).is_(None),
            col(Incident.id).not_in(_anonymised("incident")),
            sa.or_(
                sa.and_(flag.is_(True), _base_at() < frame.latest_base(DV_RULE)),
                sa.and_(flag.is_(False), _base_at() < frame.latest_base("incident")),
            ),
        )
    ).all()
    language = current_language()
    names = {
        category.code: category_name(category, language)
        for category in frame.session.exec(select(Category).where(col(Category.code).in_({row[2] for row in rows})))
    }
    items = []
    for record_id, number, code, reported_at, closed_at, dv in rows:
        rule = DV_RULE if dv else "incident"
        closed_on = frame.local_day(closed_at) if closed_at else None
        recorded_on = frame.local_day(reported_at)
        review_on, erase_after = frame.dates(rule, closed_on or recorded_on)
        if review_on <= frame.today:
            title = f"{number} · {names.get(code, code)}"
            items.append(
                ReviewItem("incident", record_id, title, recorded_on, closed_on, review_on, erase_after,
                           erase_after <= frame.today, rule)
            )  # fmt: skip
    return items


def _person_item(frame: _Frame, person: Person, review_on: date, erase_after: date) -> ReviewItem:
    title = " ".join(part for part in (person.last_name, person.first_name, person.patronymic) if part)
    return ReviewItem(
        "person", person.id, title, frame.local_day(person.created_at), None, review_on, erase_after,
        erase_after <= frame.today, "person",
    )  # fmt: skip


def _due_persons(frame: _Frame) -> list[ReviewItem]:
    """A person is due once none of their incidents is kept (their latest incident dates), or by their own rule."""
    flag = col(Incident.domestic_violence)
    dv_base = func.max(sa.case((flag.is_(True), _base_at())))
    plain_base = func.max(sa.case((flag.is_(False), _base_at())))
    latest = (
        sa.select(col(Involvement.person_id).label("person_id"), dv_base.label("dv"), plain_base.label("plain"))
        .join(Incident, col(Incident.id) == col(Involvement.incident_id))
        .where(col(Involvement.deleted_at).is_(None), col(Incident.deleted_at).is_(None))
        # Grouping by the bare column walks its index, one random read of an encrypted page per link; grouping by
        # an expression makes SQLite read the table once and sort, in about half the time.
        .group_by(col(Involvement.person_id).concat(""))
        .subquery()
    )
    # An offender under monitoring that has not ended is followed up, so never due.
    monitored = select(OffenderMonitoring.person_id).where(
        col(OffenderMonitoring.deleted_at).is_(None),
        sa.or_(col(OffenderMonitoring.ends_on).is_(None), col(OffenderMonitoring.ends_on) >= frame.today),
    )
    rows = frame.session.execute(
        sa.select(Person, latest.c.dv, latest.c.plain)
        .outerjoin(latest, latest.c.person_id == col(Person.id))
        .where(
            col(Person.station_id) == frame.actor.station_id,
            col(Person.deleted_at).is_(None),
            col(Person.id).not_in(_anonymised("person")),
            col(Person.id).not_in(monitored),
            sa.or_(
                sa.and_(latest.c.person_id.is_(None), col(Person.created_at) < frame.latest_base("person")),
                sa.and_(
                    latest.c.person_id.is_not(None),
                    sa.or_(latest.c.dv.is_(None), latest.c.dv < frame.latest_base(DV_RULE)),
                    sa.or_(latest.c.plain.is_(None), latest.c.plain < frame.latest_base("incident")),
                ),
            ),
        )
    ).all()
    items = []
    for person, latest_dv, latest_plain in rows:
        dates = [frame.dates(DV_RULE, frame.local_day(latest_dv))] if latest_dv else []
        dates += [frame.dates("incident", frame.local_day(latest_plain))] if latest_plain else []
        if not dates:  # linked to no incident: the person's own rule, from the day they were recorded
            dates = [frame.dates("person", frame.local_day(person.created_at))]
        review_on, erase_after = max(pair[0] for pair in dates), max(pair[1] for pair in dates)
        if review_on <= frame.today:
            items.append(_person_item(frame, person, review_on, erase_after))
    return items


# Each kind of record the review list covers; another kind follows by adding its function here.
REVIEWERS: tuple[Callable[[_Frame], list[ReviewItem]], ...] = (_due_incidents, _due_persons)


def station_today(session: Session, actor: Actor) -> date:
    """Today in the station's time zone, the day the review list is read for."""
    station = session.get(Station, actor.station_id)
    return datetime.now(ZoneInfo(station.timezone if station else "UTC")).date()


def due_for_review(session: Session, actor: Actor, today: date) -> list[ReviewItem]:
    """Records whose review date has come (anonymised ones are done), oldest review first; commander only."""
    actor.require_commander()
    station = session.get(Station, actor.station_id)
    zone = ZoneInfo(station.timezone if station else "UTC")
    rules = {
        period.record_type: (period.review_after_months, period.keep_for_months)
        for period in retention_rules(session, actor)
    }
    frame = _Frame(session=session, actor=actor, today=today, zone=zone, rules=rules)
    items = [item for reviewer in REVIEWERS for item in reviewer(frame)]
    return sorted(items, key=lambda item: (item.review_on, item.record_type, item.title, item.record_id))
