"""Alembic environment for the station database: uses the caller's keyed connection, batch mode for SQLite."""

from alembic import context
from sqlmodel import SQLModel

import station_desk.models  # noqa: F401 - registers every table on the metadata

FTS_TABLE_PREFIX = "search_index"


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # The FTS5 table and its shadow tables are made by hand in the migration, not by the models.
    return not (type_ == "table" and name and name.startswith(FTS_TABLE_PREFIX))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
