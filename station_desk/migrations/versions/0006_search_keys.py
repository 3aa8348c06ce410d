"""Search index keyed by rowid: saving a record no longer reads the whole full-text index

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

FTS5 looks a row up quickly only by its rowid; `DELETE ... WHERE record_id = ?` on the UNINDEXED column read the
whole index on every save (about 3 ms a save at 2,000 records, growing with the station). `search_index_key` gives
each record a fixed rowid, and the index is rebuilt once with those rowids.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = "record_type UNINDEXED, record_id UNINDEXED, body, tokenize='unicode61 remove_diacritics 2'"


def upgrade() -> None:
    op.execute(
        "CREATE TABLE search_index_key (id INTEGER PRIMARY KEY, record_type TEXT NOT NULL, record_id TEXT NOT NULL,"
        " UNIQUE (record_type, record_id))"
    )
    op.execute(
        "INSERT INTO search_index_key (record_type, record_id)"
        " SELECT DISTINCT record_type, record_id FROM search_index ORDER BY rowid"
    )
    op.execute(f"CREATE VIRTUAL TABLE search_index_rekeyed USING fts5({FTS_COLUMNS})")
    op.execute(
        "INSERT INTO search_index_rekeyed (rowid, record_type, record_id, body)"
        " SELECT key.id, key.record_type, key.record_id, max(old.body) FROM search_index AS old"
        " JOIN search_index_key AS key ON key.record_type = old.record_type AND key.record_id = old.record_id"
        " GROUP BY key.id"
    )
    op.execute("DROP TABLE search_index")
    op.execute("ALTER TABLE search_index_rekeyed RENAME TO search_index")


def downgrade() -> None:
    op.execute("DROP TABLE search_index_key")
