"""The regional server's schema: stations, enrolment codes, devices, tokens, batches, records, the sequence.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

EMPTY_CHECKSUM = "0" * 32

# Seqs and the transaction id are taken together under a short lock, so a transaction with a smaller seq always
# has a smaller id: the pull guard (txid < pg_snapshot_xmin) then never serves a row while a smaller seq is open.
TAKE_SEQS = """
CREATE FUNCTION server_take_seqs(n integer) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    result bigint[];
BEGIN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'server_take_seqs must run before the transaction writes anything';
    END IF;
    PERFORM pg_advisory_lock(7715002);
    BEGIN
        PERFORM pg_current_xact_id();
        SELECT array_agg(v ORDER BY v) INTO result FROM (SELECT nextval('server_seq') AS v
            FROM generate_series(1, n)) AS taken;
    EXCEPTION WHEN OTHERS THEN
        PERFORM pg_advisory_unlock(7715002);
        RAISE;
    END;
    PERFORM pg_advisory_unlock(7715002);
    RETURN result;
END
$$
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    json_type = JSONB() if postgres else sa.JSON()
    when = sa.DateTime()
    op.create_table(
        "station",
        sa.Column("key", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("station_id", sa.String(36), nullable=True, unique=True),
        sa.Column("checksum", sa.String(32), nullable=False, server_default=EMPTY_CHECKSUM),
        sa.Column("purged_through", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", when, nullable=False),
    )
    op.create_table(
        "enrolment_code",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("station_key", sa.String(36), sa.ForeignKey("station.key"), nullable=False),
        sa.Column("expires_at", when, nullable=False),
        sa.Column("used_at", when, nullable=True),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("station_key", sa.String(36), sa.ForeignKey("station.key"), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("revoked_at", when, nullable=True),
        sa.Column("last_seen_at", when, nullable=True),
        sa.Column("applied_through", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_table(
        "access_token",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(36), sa.ForeignKey("device.id"), nullable=False, index=True),
        sa.Column("expires_at", when, nullable=False),
    )
    op.create_table(
        "batch",
        sa.Column("device_id", sa.String(36), sa.ForeignKey("device.id"), primary_key=True),
        sa.Column("batch_id", sa.String(64), primary_key=True),
        sa.Column("answer", sa.LargeBinary, nullable=False),
        sa.Column("created_at", when, nullable=False),
    )
    op.create_table(
        "record",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("station_id", sa.String(36), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("server_seq", sa.BigInteger, nullable=False),
        sa.Column("origin_device", sa.String(36), nullable=False),
        sa.Column("fields", json_type, nullable=False),
        sa.Column("field_versions", json_type, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("written_at", when, nullable=False),
    )
    op.create_index("ix_record_station_seq", "record", ["station_id", "server_seq"])
    op.create_index("ix_record_station_id", "record", ["station_id", "id"])
    if postgres:
        op.execute("ALTER TABLE record ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id()")
        op.execute("CREATE SEQUENCE server_seq AS bigint")
        op.execute(TAKE_SEQS)
    else:
        op.add_column("record", sa.Column("txid", sa.BigInteger, nullable=True))
        op.create_table(
            "seq_counter",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("value", sa.BigInteger, nullable=False),
        )
        op.execute("INSERT INTO seq_counter (id, value) VALUES (1, 0)")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP FUNCTION server_take_seqs(integer)")
        op.execute("DROP SEQUENCE server_seq")
    else:
        op.drop_table("seq_counter")
    for table in ("record", "batch", "access_token", "device", "enrolment_code", "station"):
        op.drop_table(table)
