"""Indexes for the status bar's and Today page's counts and for sorting the incident list

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

The status bar counts the changes waiting after every save, and the Sync page counts them by record type. Without
an index SQLite read every outbox row with its JSON payload (390,000 rows on the 100k station: 0.7 s per count);
this small index covers both counts. The Today page counts open and overdue incidents by status; an index on
(station_id, status, due_on, deleted_at) answers those counts without reading the rows (0.6 s -> see
docs/BENCHMARKS.md). Sorting the incident list by number or category pages by (column, id); an index on
(station_id, column, id) serves each page without sorting every row (310 ms -> a few ms at 100,000).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outboxentry_record_type", "outboxentry", ["record_type"])
    op.create_index("ix_incident_station_status_due", "incident", ["station_id", "status", "due_on", "deleted_at"])
    op.create_index("ix_incident_station_number_id", "incident", ["station_id", "number", "id"])
    op.create_index("ix_incident_station_category_id", "incident", ["station_id", "category_code", "id"])


def downgrade() -> None:
    op.drop_index("ix_incident_station_category_id", table_name="incident")
    op.drop_index("ix_incident_station_number_id", table_name="incident")
    op.drop_index("ix_incident_station_status_due", table_name="incident")
    op.drop_index("ix_outboxentry_record_type", table_name="outboxentry")
