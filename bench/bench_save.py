"""Median save of one incident (validate, write, audit, outbox, commit) against a raw sqlite3 insert + commit."""

from __future__ import annotations

import sqlite3
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from itertools import count

from bench.common import median_ms, report
from station_desk import db
from station_desk.config import resolve_paths
from station_desk.services.accounts import init_station
from station_desk.services.incidents import IncidentInput, create_incident

BUDGET_MS = 20.0
REPEATS = 300


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bench-save-")
    handle, _code = init_station(
        paths=resolve_paths(folder),
        station_name="Bench",
        timezone="Europe/Kyiv",
        language="uk",
        username="bench",
        full_name="Bench Officer",
        password="bench-password",
    )
    numbers = count()
    now = datetime.now(UTC)

    def save() -> None:
        data = IncidentInput(
            reported_at=now - timedelta(minutes=next(numbers)),
            occurred_from=now - timedelta(days=1),
            category_code="theft",
            narrative="Викрадено 200 л пального з трактора біля ферми. " * 3,
            address="вул. Шевченка, 12",
        )
        with db.write_session(handle.engine) as session:
            create_incident(session=session, actor=handle.actor, data=data)

    figure = median_ms(save, REPEATS)
    handle.close()

    raw = sqlite3.connect(f"{folder}/raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE incident (id TEXT PRIMARY KEY, reported_at TEXT, category TEXT, narrative TEXT)")

    def raw_insert() -> None:
        raw.execute("BEGIN")
        raw.execute(
            "INSERT INTO incident VALUES (?, ?, ?, ?)",
            (str(uuid.uuid4()), datetime.now(UTC).isoformat(), "theft", "Викрадено 200 л пального " * 3),
        )
        raw.execute("COMMIT")

    baseline = median_ms(raw_insert, REPEATS)
    report("save of an incident (median)", figure, BUDGET_MS, baseline, "raw sqlite3 insert+commit, WAL, FULL sync")


if __name__ == "__main__":
    main()
