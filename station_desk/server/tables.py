"""The server's tables as SQLAlchemy Core objects (the migrations create them) and the server sequence."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.types import UserDefinedType

from station_desk.models.base import UTCDateTime

metadata = sa.MetaData()
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
SEQUENCE_NAME = "server_seq"
MAX_SEQ = 2**63 - 1  # the largest BIGINT: a seq or cursor above it cannot be stored or compared in SQL


class Xid8(UserDefinedType[Any]):
    """PostgreSQL's 64-bit transaction id (the column is a nullable integer on SQLite)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "xid8"


station = sa.Table(
    "station",
    metadata,
    sa.Column("key", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("station_id", sa.String(36), nullable=True, unique=True),
    sa.Column("checksum", sa.String(32), nullable=False),
    sa.Column("purged_through", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

enrolment_code = sa.Table(
    "enrolment_code",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("station_key", sa.String(36), sa.ForeignKey("station.key"), nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime, nullable=True),
)

device = sa.Table(
    "device",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("station_key", sa.String(36), sa.ForeignKey("station.key"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    sa.Column("last_seen_at", UTCDateTime, nullable=True),
    sa.Column("applied_through", sa.BigInteger, nullable=False, server_default="0"),
)

access_token = sa.Table(
    "access_token",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("device_id", sa.String(36), sa.ForeignKey("device.id"), nullable=False, index=True),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

batch = sa.Table(
    "batch",
    metadata,
    # Keyed by device too: another device naming the same batch id must never read this device's answer.
    sa.Column("device_id", sa.String(36), sa.ForeignKey("device.id"), primary_key=True),
    sa.Column("batch_id", sa.String(64), primary_key=True),
    sa.Column("answer", sa.LargeBinary, nullable=False),  # zstd-compressed PushAnswer JSON
    sa.Column("created_at", UTCDateTime, nullable=False),
)

record = sa.Table(
    "record",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("station_id", sa.String(36), nullable=False),  # "" for the region's reference data
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("server_seq", sa.BigInteger, nullable=False),
    sa.Column("txid", Xid8(), nullable=True),
    sa.Column("origin_device", sa.String(36), nullable=False),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("field_versions", JSONType, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("written_at", UTCDateTime, nullable=False),
    sa.Index("ix_record_station_seq", "station_id", "server_seq"),
    sa.Index("ix_record_station_id", "station_id", "id"),
)

seq_counter = sa.Table(
    "seq_counter",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)


def next_seqs(conn: Connection, count: int) -> list[int]:
    """`count` new server sequence numbers, ascending, in one round trip (inside the caller's transaction)."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        # Must come first in the transaction: see server_take_seqs in the migration and feed.py.
        taken = conn.execute(sa.text("SELECT server_take_seqs(:n)"), {"n": count}).scalar_one()
        return [int(value) for value in taken]
    # SQLite: one writer at a time (BEGIN IMMEDIATE), so a counter row is enough.
    top = conn.execute(
        sa.text("UPDATE seq_counter SET value = value + :n WHERE id = 1 RETURNING value"), {"n": count}
    ).scalar_one()
    return list(range(int(top) - count + 1, int(top) + 1))


def current_seq(conn: Connection) -> int:
    """The highest sequence number handed out so far."""
    if conn.dialect.name == "postgresql":
        value = conn.execute(
            sa.text(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {SEQUENCE_NAME}")
        ).scalar_one()
        return int(value)
    return int(conn.execute(sa.text("SELECT value FROM seq_counter WHERE id = 1")).scalar_one())


def writer_mark(conn: Connection) -> Any:
    """The `txid` an upsert stores: the writing transaction's id on PostgreSQL, nothing on SQLite."""
    if conn.dialect.name == "postgresql":
        return sa.func.pg_current_xact_id()
    return None
