"""First page of the incident list and a full-text search at 100,000 incidents, against raw sqlite3 on a
plaintext copy of the same data."""

from __future__ import annotations

import sqlite3
from functools import partial

from sqlmodel import Session

from bench.common import large_station, median_ms, plaintext_twin, report
from station_desk.services.incident_list import IncidentFilter, IncidentOrder, SortKey, cursor_after, list_incidents

BUDGET_MS = 100.0
REPEATS = 30
SEARCH_WORD = "корова"


def fetch_all(connection: sqlite3.Connection, sql: str) -> list[object]:
    return connection.execute(sql).fetchall()


def main() -> None:
    paths, handle = large_station()
    twin = sqlite3.connect(plaintext_twin(paths))
    first_page_sql = (
        "SELECT incident.id, number, reported_at, category_code, status, village.name, domestic_violence, "
        "substr(narrative, 1, 120) FROM incident LEFT JOIN village ON village.id = incident.village_id "
        "WHERE incident.deleted_at IS NULL ORDER BY reported_at DESC, incident.id DESC LIMIT 100"
    )
    search_sql = (
        "SELECT incident.id, number FROM incident WHERE incident.id IN (SELECT record_id FROM search_index "
        "WHERE search_index MATCH ? AND record_type = 'incident') ORDER BY reported_at DESC LIMIT 100"
    )
    with Session(handle.engine) as session:
        rows = list_incidents(session=session, actor=handle.actor)
        assert len(rows) == 100, "the large station must have at least a page of incidents"

        first_page = median_ms(lambda: list_incidents(session=session, actor=handle.actor), REPEATS)
        first_page_raw = median_ms(lambda: twin.execute(first_page_sql).fetchall(), REPEATS)
        report("first page of the incident list at 100k", first_page, BUDGET_MS, first_page_raw, "raw sqlite3")

        search_filter = IncidentFilter(text=SEARCH_WORD)
        found = list_incidents(session=session, actor=handle.actor, filters=search_filter)
        print(f"  search for {SEARCH_WORD!r} finds {len(found)} rows on the first page")
        search = median_ms(lambda: list_incidents(session=session, actor=handle.actor, filters=search_filter), REPEATS)
        search_raw = median_ms(lambda: twin.execute(search_sql, (f'body : ("{SEARCH_WORD}"*)',)).fetchall(), REPEATS)
        report("full-text search at 100k (first page)", search, BUDGET_MS, search_raw, "raw sqlite3 FTS5")

        # A header click sorts in the database; the second page is what scrolling asks for next.
        for key, raw_order in (
            (SortKey.number, "number"),
            (SortKey.category, "category_code"),
            (SortKey.village, "village.name"),
        ):
            order = IncidentOrder(key=key, descending=False)
            first = list_incidents(session=session, actor=handle.actor, order=order)
            after = cursor_after(first[-1], order)
            next_page = median_ms(
                partial(list_incidents, session=session, actor=handle.actor, order=order, after=after), REPEATS
            )
            raw_sql = first_page_sql.replace(
                "ORDER BY reported_at DESC, incident.id DESC", f"ORDER BY {raw_order}, incident.id"
            )
            raw = median_ms(partial(fetch_all, twin, raw_sql), REPEATS)
            report(
                f"second page sorted by {key.value} at 100k",
                next_page,
                BUDGET_MS,
                raw,
                "raw sqlite3 first page, same order",
            )
    handle.close()


if __name__ == "__main__":
    main()
