"""Sync: conflicts to resolve, the history of sync runs, and an outbox sequence that never goes back

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

The server refuses a client_seq it has already applied. A plain INTEGER PRIMARY KEY hands out max(rowid) + 1,
so once sync empties the outbox SQLite would start again from 1; AUTOINCREMENT never reuses a number. The
table is rebuilt (SQLite cannot add AUTOINCREMENT in place), keeping every row and its seq.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import station_desk

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outboxentry", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass
    op.create_table(
        "syncconflict",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", station_desk.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", station_desk.models.base.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", station_desk.models.base.UTCDateTime(), nullable=True),
        sa.Column("record_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("resolved_at", station_desk.models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("syncconflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_syncconflict_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_syncconflict_station_id"), ["station_id"], unique=False)
    op.create_table(
        "syncrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", station_desk.models.base.UTCDateTime(), nullable=False),
        sa.Column("finished_at", station_desk.models.base.UTCDateTime(), nullable=True),
        sa.Column("via", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("syncrun")
    with op.batch_alter_table("syncconflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_syncconflict_station_id"))
        batch_op.drop_index(batch_op.f("ix_syncconflict_record_id"))
    op.drop_table("syncconflict")
    with op.batch_alter_table("outboxentry", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
        pass
