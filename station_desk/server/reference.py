"""The region's reference data (categories): read from the package's data file and kept in the record table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from station_desk.server import db
from station_desk.server.tables import next_seqs, record, writer_mark

CATEGORY_TYPE = "category"


def reference_categories() -> list[dict[str, Any]]:
    """The categories of migrations/versions/0001_categories.json, as shipped in the package."""
    source = resources.files("station_desk").joinpath("migrations", "versions", "0001_categories.json")
    data: list[dict[str, Any]] = json.loads(source.read_text(encoding="utf-8"))
    return data


def load_reference_data(engine: Engine) -> int:
    """Write each category that is new or changed as a station-less record; returns how many were written."""
    categories = {item["code"]: item for item in reference_categories()}
    with db.write(engine) as conn:
        stored = {
            row.id: row.fields
            for row in conn.execute(
                sa.select(record.c.id, record.c.fields).where(record.c.station_id == "", record.c.type == CATEGORY_TYPE)
            )
        }
        changed = [code for code, fields in categories.items() if stored.get(code) != fields]
        if not changed:
            return 0
        seqs = next_seqs(conn, len(changed))
        now = datetime.now(UTC)
        mark = writer_mark(conn)
        for code, seq in zip(changed, seqs, strict=True):
            values: dict[str, Any] = {
                "type": CATEGORY_TYPE,
                "station_id": "",
                "version": seq,
                "server_seq": seq,
                "origin_device": "",
                "fields": categories[code],
                "field_versions": {},
                "deleted": False,
                "written_at": now,
            }
            if mark is not None:
                values["txid"] = mark
            if code in stored:
                conn.execute(sa.update(record).where(record.c.id == code).values(**values))
            else:
                conn.execute(sa.insert(record).values(id=code, **values))
        return len(changed)
