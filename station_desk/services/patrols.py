"""Patrols: time on the beat, mode, officers, vehicle and kilometres, and the villages visited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from station_desk.errors import PermissionDenied
from station_desk.i18n import _
from station_desk.models import Patrol, PatrolVillage, User, Village
from station_desk.models.enums import PatrolMode
from station_desk.services.context import Actor
from station_desk.services.records import get_record, insert_record, soft_delete, update_record
from station_desk.services.search import set_index
from station_desk.services.validation import Problems, check_types

MAX_DURATION = timedelta(hours=24)  # one shift; a longer "patrol" is a typing mistake in a date
MAX_KM = 2000.0


@dataclass
class PatrolInput:
    """What the patrol form sends; times must be time-zone aware."""

    started_at: datetime | None = None
    ended_at: datetime | None = None
    mode: str | None = PatrolMode.foot.value
    officer_ids: list[str] = field(default_factory=list)
    vehicle: str | None = None
    km: float = 0.0
    purpose: str = ""
    observations: str = ""
    village_ids: list[str] = field(default_factory=list)


def _unique(values: list[str]) -> list[str]:
    """Drop blanks and repeats, keeping the order the officer chose."""
    return list(dict.fromkeys(value for value in values if value))


def _fields(session: Session, actor: Actor, data: PatrolInput) -> tuple[dict[str, Any], list[str]]:
    check_types(data)
    problems = Problems()
    started = problems.aware_time("started_at", data.started_at, required=True)
    ended = problems.aware_time("ended_at", data.ended_at, required=True)
    if started and ended:
        if ended <= started:
            problems.add("ended_at", _("The end is before the start."))
        elif ended - started > MAX_DURATION:
            hours = int(MAX_DURATION.total_seconds() // 3600)
            problems.add("ended_at", _("A patrol lasts at most {hours} hours.").format(hours=hours))
    mode = problems.choice("mode", data.mode, PatrolMode)
    km = data.km if data.km is not None else 0.0
    problems.not_negative("km", km)
    if km > MAX_KM:
        problems.add("km", _("At most {count} km.").format(count=int(MAX_KM)))
    officer_ids = _unique(data.officer_ids)
    if not officer_ids:
        problems.add("officer_ids", _("This field is required."))
    elif len(_live_ids(session, User, officer_ids, actor)) != len(officer_ids):
        problems.add("officer_ids", _("Unknown officer."))
    village_ids = _unique(data.village_ids)
    if len(_live_ids(session, Village, village_ids, actor)) != len(village_ids):
        problems.add("village_ids", _("Unknown village."))
    values: dict[str, Any] = {
        "vehicle": problems.optional_text("vehicle", data.vehicle, 60),
        "purpose": problems.optional_text("purpose", data.purpose) or "",
        "observations": problems.optional_text("observations", data.observations) or "",
    }
    problems.raise_if_any()
    values |= {"started_at": started, "ended_at": ended, "mode": mode, "km": float(km), "officer_ids": officer_ids}
    return values, village_ids


def _live_ids(session: Session, model: type[User] | type[Village], ids: list[str], actor: Actor) -> set[str]:
    """Which of these ids are live records of the actor's station."""
    if not ids:
        return set()
    found = session.exec(
        select(model.id).where(
            col(model.id).in_(ids), model.station_id == actor.station_id, col(model.deleted_at).is_(None)
        )
    ).all()
    return set(found)


def _index(session: Session, patrol: Patrol) -> None:
    set_index(session, "patrol", patrol.id, patrol.purpose, patrol.observations)


def create_patrol(*, session: Session, actor: Actor, data: PatrolInput) -> Patrol:
    values, village_ids = _fields(session, actor, data)
    patrol = insert_record(session, actor, Patrol(**values))
    for village_id in village_ids:
        _add_village(session, actor, patrol, village_id)
    _index(session, patrol)
    return patrol


def _add_village(session: Session, actor: Actor, patrol: Patrol, village_id: str) -> None:
    link = PatrolVillage(patrol_id=patrol.id, village_id=village_id)
    insert_record(session, actor, link)


def _require_may_edit(patrol: Patrol, actor: Actor) -> None:
    # A patrol report is the officers' own account of their shift: they or the commander correct it.
    if not (actor.is_commander or patrol.created_by == actor.user_id or actor.user_id in patrol.officer_ids):
        raise PermissionDenied(_("Only the officers of this patrol or the station commander may change it."))


def update_patrol(*, session: Session, actor: Actor, patrol_id: str, data: PatrolInput) -> Patrol:
    """Change a patrol; the villages are replaced: removed links become tombstones, new ones are added."""
    patrol = get_record(session, Patrol, patrol_id, actor=actor)
    _require_may_edit(patrol, actor)
    values, village_ids = _fields(session, actor, data)
    update_record(session, actor, patrol, values)
    current = {link.village_id: link for link in _links(session, patrol.id)}
    for village_id, link in current.items():
        if village_id not in village_ids:
            soft_delete(session, actor, link)
    for village_id in village_ids:
        if village_id not in current:
            _add_village(session, actor, patrol, village_id)
    _index(session, patrol)
    return patrol


def _links(session: Session, patrol_id: str) -> list[PatrolVillage]:
    return list(
        session.exec(
            select(PatrolVillage)
            .where(PatrolVillage.patrol_id == patrol_id, col(PatrolVillage.deleted_at).is_(None))
            .order_by(col(PatrolVillage.created_at), col(PatrolVillage.id))
        )
    )


def list_patrols(*, session: Session, actor: Actor, since: datetime, until: datetime) -> list[Patrol]:
    """Patrols that started in [since, until), newest first."""
    return list(
        session.exec(
            select(Patrol)
            .where(
                Patrol.station_id == actor.station_id,
                col(Patrol.deleted_at).is_(None),
                col(Patrol.started_at) >= since,
                col(Patrol.started_at) < until,
            )
            .order_by(col(Patrol.started_at).desc(), col(Patrol.id).desc())
        )
    )


def patrol_villages(*, session: Session, actor: Actor, patrol_id: str) -> list[Village]:
    """The villages of a patrol, in the order they were entered."""
    get_record(session, Patrol, patrol_id, actor=actor)
    rows = session.exec(
        select(Village, PatrolVillage.id)
        .join(PatrolVillage, col(PatrolVillage.village_id) == col(Village.id))
        .where(PatrolVillage.patrol_id == patrol_id, col(PatrolVillage.deleted_at).is_(None))
        .order_by(col(PatrolVillage.created_at), col(PatrolVillage.id))
    ).all()
    return [village for village, _link_id in rows]
