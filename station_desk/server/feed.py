"""What flows down: pull pages behind the open-transaction guard, the snapshot after a 410, and tombstone purge.

The guard (PostgreSQL). A writer takes its transaction id and its seqs together under a short lock
(`server_take_seqs`, before it writes anything), so a smaller seq always belongs to a smaller transaction id.
A reader serves a row only when its `txid` is below its snapshot's `xmin` (every transaction below `xmin` has
ended, so no smaller seq can still appear), and stops its cursor before the first row it holds back.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from station_desk.server import db
from station_desk.server.auth import DeviceInfo
from station_desk.server.errors import ApiError
from station_desk.server.tables import record, station
from station_desk.sync import protocol


def _held_column(conn: Connection) -> Any:
    if db.is_postgres(conn):
        return (record.c.txid >= sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot())).label("held")
    return sa.false().label("held")


def _station_row(conn: Connection, dev: DeviceInfo) -> Any:
    if not dev.station_id:
        raise ApiError(403, "station_unbound", "The device's station is not bound to a station database.")
    return conn.execute(
        sa.select(station.c.checksum, station.c.purged_through).where(station.c.key == dev.station_key)
    ).one()


def _visible(dev: DeviceInfo, *columns: Any) -> list[sa.Select[Any]]:
    """One select for the station's rows and one for the region's reference rows (each uses its index)."""
    return [sa.select(*columns).where(record.c.station_id == owner) for owner in (dev.station_id, "")]


def _seq_chunk(conn: Connection, dev: DeviceInfo, after: int, count: int) -> list[Any]:
    columns = (
        record.c.server_seq, record.c.type, record.c.id, record.c.version, record.c.fields,
        record.c.origin_device, _held_column(conn),
    )  # fmt: skip
    parts = [
        sa.select(part.where(record.c.server_seq > after).order_by(record.c.server_seq).limit(count).subquery())
        for part in _visible(dev, *columns)
    ]
    merged = sa.union_all(*parts).subquery()
    return list(conn.execute(sa.select(merged).order_by(merged.c.server_seq).limit(count)).all())


def pull(engine: Engine, dev: DeviceInfo, after: int, limit: int = protocol.PULL_PAGE) -> protocol.PullAnswer:
    """The next page of changes after `after` for the device's station (and the region's reference data)."""
    limit = max(1, min(limit, protocol.PULL_PAGE))
    with db.read(engine) as conn:
        return pull_in(conn, dev, after, limit)


def pull_in(conn: Connection, dev: DeviceInfo, after: int, limit: int = protocol.PULL_PAGE) -> protocol.PullAnswer:
    """`pull` inside the caller's (repeatable read) transaction."""
    station_row = _station_row(conn, dev)
    purged_through = int(station_row.purged_through)
    if 0 < after < purged_through:
        raise ApiError(
            410,
            "snapshot_required",
            "The cursor is older than the tombstones the server keeps; read the snapshot.",
            oldest_cursor=purged_through,
        )
    changes: list[protocol.Change] = []
    cursor = after
    held = more = False
    chunk_size = limit + 1
    position = after
    while True:
        rows = _seq_chunk(conn, dev, position, chunk_size)
        stop = False
        for row in rows:
            if row.held:
                held = stop = True
                break
            if len(changes) >= limit:
                more = stop = True
                break
            cursor = int(row.server_seq)
            if row.origin_device != dev.id:
                changes.append(protocol.Change(type=row.type, id=row.id, version=int(row.version), fields=row.fields))
        if stop or len(rows) < chunk_size:
            break
        position = int(rows[-1].server_seq)
    checksum = None if (held or more) else str(station_row.checksum)
    return protocol.PullAnswer(
        changes=changes, cursor=cursor, more=more, checksum=checksum, server_time=datetime.now(UTC)
    )


def safe_cursor(conn: Connection, dev: DeviceInfo) -> int:
    """The highest seq a pull may resume after: just before the first held-back row, else the newest row."""
    if db.is_postgres(conn):
        held = [
            sa.select(sa.func.min(record.c.server_seq)).where(
                record.c.station_id == owner,
                record.c.txid >= sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot()),
            )
            for owner in (dev.station_id, "")
        ]
        lowest = [value for value in (conn.execute(query).scalar() for query in held) if value is not None]
        if lowest:
            return int(min(lowest)) - 1
    newest = [
        conn.execute(sa.select(sa.func.max(record.c.server_seq)).where(record.c.station_id == owner)).scalar()
        for owner in (dev.station_id, "")
    ]
    return max([int(value) for value in newest if value is not None], default=0)


def snapshot(
    engine: Engine, dev: DeviceInfo, after_id: str | None = None, limit: int = protocol.PULL_PAGE
) -> protocol.SnapshotAnswer:
    """One page of the station's live records (and the reference data) ordered by id, after `after_id`."""
    limit = max(1, min(limit, protocol.PULL_PAGE))
    with db.read(engine) as conn:
        station_row = _station_row(conn, dev)
        # Never below the purge mark, or the pull that follows the snapshot would answer 410 again.
        cursor = max(safe_cursor(conn, dev), int(station_row.purged_through))
        columns = (record.c.type, record.c.id, record.c.version, record.c.fields)
        parts = []
        for part in _visible(dev, *columns):
            part = part.where(record.c.deleted.is_(False))
            if after_id:
                part = part.where(record.c.id > after_id)
            parts.append(sa.select(part.order_by(record.c.id).limit(limit + 1).subquery()))
        merged = sa.union_all(*parts).subquery()
        rows = conn.execute(sa.select(merged).order_by(merged.c.id).limit(limit + 1)).all()
    page = rows[:limit]
    changes = [protocol.Change(type=r.type, id=r.id, version=int(r.version), fields=r.fields) for r in page]
    next_after_id = page[-1].id if len(rows) > limit else None
    return protocol.SnapshotAnswer(
        changes=changes, next_after_id=next_after_id, cursor=cursor, server_time=datetime.now(UTC)
    )


def purge(engine: Engine, older_than_days: float) -> int:
    """Remove tombstones written more than `older_than_days` ago; each station remembers the highest seq removed."""
    cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
    with db.write(engine) as conn:
        rows = conn.execute(
            sa.select(record.c.id, record.c.station_id, record.c.version, record.c.server_seq).where(
                record.c.deleted.is_(True), record.c.written_at < cutoff, record.c.station_id != ""
            )
        ).all()
        by_station: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            by_station[row.station_id].append(row)
        for station_id, gone in by_station.items():
            current = conn.execute(
                sa.select(station.c.checksum, station.c.purged_through)
                .where(station.c.station_id == station_id)
                .with_for_update()
            ).one_or_none()
            ids = [row.id for row in gone]
            for start in range(0, len(ids), 500):
                conn.execute(sa.delete(record).where(record.c.id.in_(ids[start : start + 500])))
            if current is None:
                continue
            checksum = str(current.checksum)
            for row in gone:
                checksum = protocol.fold_checksum(checksum, row.id, int(row.version), None)
            through = max(int(current.purged_through), max(int(row.server_seq) for row in gone))
            conn.execute(
                sa.update(station)
                .where(station.c.station_id == station_id)
                .values(checksum=checksum, purged_through=through)
            )
        return len(rows)
