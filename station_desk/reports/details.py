"""What a report prints beside the figures: the station's contacts, its officers and its reception hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlmodel import Session, col, or_, select

from station_desk.models import ReceptionSchedule, Station, User
from station_desk.models.enums import Role
from station_desk.services.context import Actor


@dataclass(frozen=True)
class ReceptionHours:
    weekday: int  # 0 is Monday
    starts: time
    ends: time
    place: str


@dataclass(frozen=True)
class StationDetails:
    address: str
    phone: str
    officers: tuple[str, ...]  # "full name, rank" of the active officers, then the commanders
    reception: tuple[ReceptionHours, ...]  # slots valid on any day of the month, by weekday and time


def station_details(*, session: Session, actor: Actor, first_day: date, last_day: date) -> StationDetails:
    """The station's address, phone, people and the reception slots valid in the month."""
    station = session.get(Station, actor.station_id)
    users = session.exec(
        select(User)
        .where(User.station_id == actor.station_id, col(User.deleted_at).is_(None), col(User.disabled).is_(False))
        .order_by(col(User.role), col(User.full_name))
    ).all()
    slots = session.exec(
        select(ReceptionSchedule)
        .where(
            ReceptionSchedule.station_id == actor.station_id,
            col(ReceptionSchedule.deleted_at).is_(None),
            ReceptionSchedule.valid_from <= last_day,
            or_(col(ReceptionSchedule.valid_to).is_(None), col(ReceptionSchedule.valid_to) >= first_day),
        )
        .order_by(col(ReceptionSchedule.weekday), col(ReceptionSchedule.starts), col(ReceptionSchedule.place))
    ).all()
    people = [user for user in users if user.role == Role.officer] + [u for u in users if u.role == Role.commander]
    officers = [f"{user.full_name}, {user.rank}" if user.rank else user.full_name for user in people]
    return StationDetails(
        address=(station.address or "") if station else "",
        phone=(station.phone or "") if station else "",
        officers=tuple(officers),
        reception=tuple(ReceptionHours(slot.weekday, slot.starts, slot.ends, slot.place) for slot in slots),
    )
