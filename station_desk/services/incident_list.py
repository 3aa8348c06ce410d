"""The incident list: filters, full-text search and keyset paging that stays fast at 100,000 rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text
from sqlmodel import Session, and_, col, func, or_, select

from station_desk.models import Incident, Village
from station_desk.models.enums import IncidentStatus
from station_desk.services.context import Actor
from station_desk.services.search import match_expression

PAGE_SIZE = 100
SUMMARY_LENGTH = 120


@dataclass
class IncidentFilter:
    categories: list[str] = field(default_factory=list)
    statuses: list[IncidentStatus] = field(default_factory=list)
    village_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    domestic_violence_only: bool = False
    text: str = ""


@dataclass(frozen=True)
class IncidentRow:
    """One line of the list as plain data, safe to hand to another thread."""

    id: str
    number: str
    reported_at: datetime
    category_code: str
    status: IncidentStatus
    village: str | None
    domestic_violence: bool
    summary: str


@dataclass(frozen=True)
class PageCursor:
    """Where the next page starts: the last row's (reported_at, id), newest first."""

    reported_at: datetime
    id: str


# In IncidentRow's field order.
_ROW_COLUMNS: list[Any] = [
    col(Incident.id),
    col(Incident.number),
    col(Incident.reported_at),
    col(Incident.category_code),
    col(Incident.status),
    col(Village.name),
    col(Incident.domestic_violence),
    func.substr(col(Incident.narrative), 1, SUMMARY_LENGTH),
]


def _conditions(actor: Actor, filters: IncidentFilter) -> list[object]:
    conditions: list[object] = [Incident.station_id == actor.station_id, col(Incident.deleted_at).is_(None)]
    if filters.categories:
        conditions.append(col(Incident.category_code).in_(filters.categories))
    if filters.statuses:
        conditions.append(col(Incident.status).in_(filters.statuses))
    if filters.village_id:
        conditions.append(Incident.village_id == filters.village_id)
    if filters.since:
        conditions.append(col(Incident.reported_at) >= filters.since)
    if filters.until:
        conditions.append(col(Incident.reported_at) < filters.until)
    if filters.domestic_violence_only:
        conditions.append(col(Incident.domestic_violence).is_(True))
    expression = match_expression(filters.text) if filters.text else None
    if expression is not None:
        matching = text(
            "SELECT record_id FROM search_index WHERE search_index MATCH :expr AND record_type = 'incident'"
        ).bindparams(expr=f"body : ({expression})")
        conditions.append(col(Incident.id).in_(matching))
    return conditions


def list_incidents(
    *,
    session: Session,
    actor: Actor,
    filters: IncidentFilter | None = None,
    after: PageCursor | None = None,
    limit: int = PAGE_SIZE,
) -> list[IncidentRow]:
    """One page, newest first; pass the last row's cursor as `after` for the next page."""
    conditions = _conditions(actor, filters or IncidentFilter())
    if after is not None:
        conditions.append(
            or_(
                col(Incident.reported_at) < after.reported_at,
                and_(col(Incident.reported_at) == after.reported_at, col(Incident.id) < after.id),
            )
        )
    statement = (
        sa.select(*_ROW_COLUMNS)
        .outerjoin(Village, col(Village.id) == col(Incident.village_id))
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(col(Incident.reported_at).desc(), col(Incident.id).desc())
        .limit(limit)
    )
    return [IncidentRow(*row) for row in session.execute(statement)]


def cursor_after(row: IncidentRow) -> PageCursor:
    return PageCursor(reported_at=row.reported_at, id=row.id)


def count_incidents(*, session: Session, actor: Actor, filters: IncidentFilter | None = None) -> int:
    conditions = _conditions(actor, filters or IncidentFilter())
    return int(session.exec(select(func.count()).select_from(Incident).where(*conditions)).one())  # type: ignore[arg-type]
