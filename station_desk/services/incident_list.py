"""The incident list: filters, full-text search and keyset paging that stays fast at 100,000 rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text
from sqlmodel import Session, and_, col, func, or_, select

from station_desk.i18n import _
from station_desk.models import Incident, Village
from station_desk.models.enums import IncidentStatus
from station_desk.services.context import Actor
from station_desk.services.restriction import hidden_from
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


class SortKey(StrEnum):
    """Columns the list can be ordered by; each pairs with the id so that paging never skips or repeats a row."""

    reported_at = "reported_at"
    number = "number"
    category = "category"
    village = "village"
    status = "status"


@dataclass(frozen=True)
class IncidentOrder:
    key: SortKey = SortKey.reported_at
    descending: bool = True  # newest first by default


@dataclass(frozen=True)
class PageCursor:
    """Where the next page starts: the last row's sort value and id."""

    value: Any
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


# Each order: the SQL it sorts by, and the same value read from a row (for the next page's cursor).
# Category and status group by their stored code; an incident without a village sorts as an empty name.
_SORTS: dict[SortKey, tuple[Any, Callable[[IncidentRow], Any]]] = {
    SortKey.reported_at: (col(Incident.reported_at), lambda row: row.reported_at),
    SortKey.number: (col(Incident.number), lambda row: row.number),
    SortKey.category: (col(Incident.category_code), lambda row: row.category_code),
    SortKey.village: (func.coalesce(col(Village.name), ""), lambda row: row.village or ""),
    SortKey.status: (col(Incident.status), lambda row: row.status),
}


def list_incidents(
    *,
    session: Session,
    actor: Actor,
    filters: IncidentFilter | None = None,
    after: PageCursor | None = None,
    limit: int = PAGE_SIZE,
    order: IncidentOrder | None = None,
) -> list[IncidentRow]:
    """One page, newest first unless `order` says otherwise; pass `cursor_after(last row)` as `after` for the next."""
    order = order or IncidentOrder()
    conditions = _conditions(actor, filters or IncidentFilter())
    sort = _SORTS[order.key][0]
    if after is not None:
        beyond = (
            (sort < after.value, col(Incident.id) < after.id)
            if order.descending
            else (sort > after.value, col(Incident.id) > after.id)
        )
        conditions.append(or_(beyond[0], and_(sort == after.value, beyond[1])))
    sort_terms = (sort.desc(), col(Incident.id).desc()) if order.descending else (sort.asc(), col(Incident.id).asc())
    statement = (
        sa.select(*_ROW_COLUMNS)
        .outerjoin(Village, col(Village.id) == col(Incident.village_id))
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(*sort_terms)
        .limit(limit)
    )
    rows = [IncidentRow(*row) for row in session.execute(statement)]
    # The register stays complete: a restricted incident the actor may not open keeps its line, not its text.
    hidden = hidden_from(session, actor, "incident", [row.id for row in rows])
    return [replace(row, summary=_("(restricted)")) if row.id in hidden else row for row in rows]


def cursor_after(row: IncidentRow, order: IncidentOrder | None = None) -> PageCursor:
    value_of = _SORTS[(order or IncidentOrder()).key][1]
    return PageCursor(value=value_of(row), id=row.id)


def count_incidents(*, session: Session, actor: Actor, filters: IncidentFilter | None = None) -> int:
    conditions = _conditions(actor, filters or IncidentFilter())
    return int(session.exec(select(func.count()).select_from(Incident).where(*conditions)).one())  # type: ignore[arg-type]
