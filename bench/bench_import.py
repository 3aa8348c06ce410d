"""Import of a 100,000-row incident register (CSV): read, preview and write rates against raw sqlite3 inserts."""

from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

from station_desk import db
from station_desk.config import resolve_paths
from station_desk.importing.mapping import guess_mapping
from station_desk.importing.plan import plan_rows
from station_desk.importing.readers import read_table
from station_desk.importing.writer import run_import
from station_desk.keys import THROWAWAY_KDF
from station_desk.models import Category, Village
from station_desk.services.accounts import init_station
from station_desk.services.records import insert_record

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
HEADER = ["Номер", "Дата", "Категорія", "Село", "Фабула", "ПІБ", "Дата народження", "Роль"]
VILLAGES = ["Вишневе", "Дубове", "Рудня", "Оране", "Іванків"]


def write_register(path: Path, categories: list[str], rows: int) -> int:
    """A register like a station's: every fifth row names a person, one row in a hundred has an impossible date."""
    bad = 0
    first_day = date(2016, 1, 1)
    with path.open("w", encoding="cp1251", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for n in range(rows):
            day = first_day + timedelta(days=n * 3650 // rows)
            written = "31.02.2020" if n % 100 == 99 else f"{day:%d.%m.%Y} {8 + n % 12:02d}:{n % 60:02d}"
            bad += n % 100 == 99
            person = ["", "", ""]
            if n % 5 == 0:
                k = n % 2000  # 2,000 people, each named in several rows
                person = [f"Мельник{k} Іван", f"{date(1950, 1, 1) + timedelta(days=k * 9):%d.%m.%Y}", "потерпілий"]
            narrative = f"Запис {n}: викрадено майно з двору, заявник звернувся до дільничного офіцера."
            writer.writerow(["", written, categories[n % len(categories)], VILLAGES[n % 5], narrative, *person, ""])
    return bad


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    handle, _code = init_station(
        paths=resolve_paths(folder / "station"),
        station_name="Bench",
        timezone="Europe/Kyiv",
        language="uk",
        username="bench",
        full_name="Bench Commander",
        password="bench-password",
        kdf=THROWAWAY_KDF,
    )
    with db.write_session(handle.engine) as session:
        for name in VILLAGES:
            insert_record(session, handle.actor, Village(name=name))
        categories = [category.name_uk for category in session.exec(select(Category))]
    register = folder / "register.csv"
    bad = write_register(register, categories, ROWS)
    size_mb = register.stat().st_size / 1e6
    print(f"register: {ROWS:,} rows, {size_mb:.1f} MB, {bad:,} with an impossible date", flush=True)

    started = time.perf_counter()
    table = read_table(register)
    read_s = time.perf_counter() - started
    mapping = guess_mapping("incidents", table.headers)
    started = time.perf_counter()
    with Session(handle.engine) as session:
        plan_rows(session=session, actor=handle.actor, table=table, mapping=mapping, path=register)
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    with db.write_session(handle.engine) as session:
        plan = plan_rows(session=session, actor=handle.actor, table=table, mapping=mapping, path=register)
        run = run_import(session=session, actor=handle.actor, plan=plan)
    import_s = time.perf_counter() - started
    handle.close()
    assert len(plan.rejections) == bad, plan.rejections[:3]

    # Baseline: the same rows' values inserted with raw sqlite3 into a plain table, one transaction.
    raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute(
        "CREATE TABLE incident (id TEXT PRIMARY KEY, number TEXT, reported_at TEXT, category_code TEXT,"
        " village_id TEXT, narrative TEXT)"
    )
    values = [
        (str(uuid.uuid4()), f"{n}", row.cells[1], row.cells[2], row.cells[3], row.cells[4])
        for n, row in enumerate(table.rows)
    ]
    started = time.perf_counter()
    raw.execute("BEGIN")
    raw.executemany("INSERT INTO incident VALUES (?, ?, ?, ?, ?, ?)", values)
    raw.execute("COMMIT")
    raw_s = time.perf_counter() - started
    raw.close()

    rows = len(table.rows)
    print(f"read the CSV (cp1251, ';'): {read_s:.1f} s, {rows / read_s:,.0f} rows/s", flush=True)
    print(f"preview (parse, validate, match persons, dedupe): {preview_s:.1f} s, {rows / preview_s:,.0f} rows/s")
    print(
        f"import (preview again + write {run.records_created:,} records with audit, outbox and search index, one "
        f"transaction): {import_s:.1f} s, {rows / import_s:,.0f} rows/s; baseline raw sqlite3 executemany of the same "
        f"{rows:,} rows into a plain table, one transaction: {raw_s:.2f} s, {rows / raw_s:,.0f} rows/s; "
        f"ratio {import_s / raw_s:.0f}x"
    )


if __name__ == "__main__":
    main()
