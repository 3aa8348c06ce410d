"""Alembic environment for the regional server: the caller's connection, its own version table."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table="server_alembic_version", render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
