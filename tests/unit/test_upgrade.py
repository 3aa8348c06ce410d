"""Installing a newer build over an older one: the older schema's database opens, is copied aside, migrated,
and keeps every record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import Session, func, select

from station_desk import db
from station_desk.models import AuditEntry, Incident, OutboxEntry
from station_desk.services.accounts import StationHandle, open_station
from station_desk.services.incidents import IncidentInput, create_incident
from tests.conftest import COMMANDER_PASSWORD


def _counts(engine: sa.Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            int(session.exec(select(func.count()).select_from(model)).one())
            for model in (Incident, AuditEntry, OutboxEntry)
        )


def test_a_database_of_the_previous_schema_is_backed_up_migrated_and_keeps_every_record(
    station: StationHandle,
) -> None:
    with db.write_session(station.engine) as session:
        for day in range(30):
            create_incident(
                session=session,
                actor=station.actor,
                data=IncidentInput(
                    reported_at=datetime.now(UTC) - timedelta(days=day), category_code="theft", narrative=f"№{day}"
                ),
            )
    head = db.head_revision()
    previous = ScriptDirectory.from_config(db._alembic_config()).get_revision(head).down_revision
    assert isinstance(previous, str)
    # What the previous release left on the laptop: the same records under the schema before this one.
    with station.engine.begin() as connection:
        command.downgrade(db._alembic_config(connection), previous)
    before = _counts(station.engine)
    station.close()

    upgraded = open_station(paths=station.paths, username="olena", password=COMMANDER_PASSWORD)
    try:
        assert db.current_revision(upgraded.engine) == head
        incidents, audit_entries, outbox = _counts(upgraded.engine)
        # Every record kept; the audit log gains only the login that opened it.
        assert (incidents, outbox) == (before[0], before[2]) and incidents == 30
        assert audit_entries == before[1] + 1
        with Session(upgraded.engine) as session:
            narratives = set(session.exec(select(Incident.narrative)).all())
        assert narratives == {f"№{day}" for day in range(30)}
    finally:
        upgraded.close()
    copies = list(station.paths.backups.glob(f"before-migration-{previous}-*.db"))
    assert len(copies) == 1
    old = db.make_engine(copies[0], station.database_key)
    try:
        assert db.current_revision(old) == previous and _counts(old) == before
    finally:
        old.dispose()
