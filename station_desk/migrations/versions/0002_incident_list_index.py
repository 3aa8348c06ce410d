"""Incident list index leads with the station

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

The list filters by station and orders by (reported_at, id). With an index on reported_at alone, SQLite chose
the station_id index and sorted all 100,000 rows for every page (887 ms); leading with station_id serves the
filter and the order together (under 1 ms on the same data).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_incident_reported_at_id", table_name="incident")
    op.create_index("ix_incident_station_reported_id", "incident", ["station_id", "reported_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_incident_station_reported_id", table_name="incident")
    op.create_index("ix_incident_reported_at_id", "incident", ["reported_at", "id"])
