"""Privacy: retention rules per station, markers of anonymised records, and records restricted to named users

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

All three are synced records (RecordBase), so a rule, an anonymisation or a restriction made on one laptop
reaches the station's other laptops and the server. None has a unique key: two laptops may make one offline,
and the services read every live row (the stricter reading wins for restrictions).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import station_desk

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _record_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    """The RecordBase columns every synced table starts with."""
    return [
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", station_desk.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", station_desk.models.base.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", station_desk.models.base.UTCDateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "retentionrule",
        *_record_columns(),
        sa.Column("record_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("review_after_months", sa.Integer(), nullable=False),
        sa.Column("keep_for_months", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("retentionrule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retentionrule_record_type"), ["record_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_retentionrule_station_id"), ["station_id"], unique=False)
    op.create_table(
        "anonymisedrecord",
        *_record_columns(),
        sa.Column("record_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("anonymisedrecord", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_anonymisedrecord_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_anonymisedrecord_station_id"), ["station_id"], unique=False)
    op.create_table(
        "recordrestriction",
        *_record_columns(),
        sa.Column("record_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("user_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recordrestriction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recordrestriction_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recordrestriction_station_id"), ["station_id"], unique=False)


def downgrade() -> None:
    op.drop_table("recordrestriction")
    op.drop_table("anonymisedrecord")
    op.drop_table("retentionrule")
