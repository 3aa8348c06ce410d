"""Imports: each run of an import as one undoable action, and the records and row keys it made

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import station_desk

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "importrun",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("file_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", station_desk.models.base.UTCDateTime(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("records_created", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("persons_matched", sa.Integer(), nullable=False),
        sa.Column("persons_created", sa.Integer(), nullable=False),
        sa.Column("undone_at", station_desk.models.base.UTCDateTime(), nullable=True),
        sa.Column("undone_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("importrun", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_importrun_station_id"), ["station_id"], unique=False)
    op.create_table(
        "importedrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("record_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("row_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["importrun.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("importedrecord", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_importedrecord_import_id"), ["import_id"], unique=False)
        batch_op.create_index("ix_importedrecord_row_key", ["row_key"], unique=True)


def downgrade() -> None:
    op.drop_table("importedrecord")
    op.drop_table("importrun")
