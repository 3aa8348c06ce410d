"""The encrypted station database: migrations from empty, refusal of newer files, damage and a full disk."""

from __future__ import annotations

import secrets
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel, func, select

from station_desk import db
from station_desk.errors import DatabaseProblem
from station_desk.models import AuditEntry, Category, Incident, OutboxEntry
from station_desk.services.accounts import StationHandle, open_station
from station_desk.services.incidents import IncidentInput, create_incident
from tests.conftest import COMMANDER_PASSWORD


def test_migration_from_an_empty_file_builds_the_whole_model(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    engine = db.open_database(path, secrets.token_bytes(32), create=True)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_object": lambda o, name, kind, r, c: not (kind == "table" and name.startswith("search_"))},
        )
        assert compare_metadata(context, SQLModel.metadata) == []
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys")
        }
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    with Session(engine) as session:
        categories = {c.code: c for c in session.exec(select(Category))}
    assert categories["livestock_theft"].iccs_code == "05025"
    assert categories["assault"].name_uk.startswith("Напад")
    assert all(c.name_pl and c.name_sq and c.name_sr and c.name_en for c in categories.values())
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


def test_plain_sqlite_cannot_read_the_station_database(station: StationHandle) -> None:
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(station.paths.database).execute("SELECT * FROM sqlite_master").fetchall()


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(station: StationHandle) -> None:
    with station.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    station.close()
    before = station.paths.database.read_bytes()
    with pytest.raises(DatabaseProblem, match="newer version of Station Desk"):
        open_station(paths=station.paths, username="olena", password=COMMANDER_PASSWORD)
    assert station.paths.database.read_bytes() == before
    assert not station.paths.backups.exists()


# A revision after this version's head, as the next release of the app would ship it.
NEXT_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "9001"
down_revision = "{head}"


def upgrade():
    with op.batch_alter_table("village") as batch:
        batch.add_column(sa.Column("note_from_next_version", sa.String(), nullable=True))


def downgrade():
    with op.batch_alter_table("village") as batch:
        batch.drop_column("note_from_next_version")
"""


def test_a_newer_app_copies_the_older_database_aside_then_migrates_keeping_records(
    station: StationHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.write_session(station.engine) as session:
        create_incident(
            session=session,
            actor=station.actor,
            data=IncidentInput(reported_at=datetime.now(UTC), category_code="theft", narrative="before upgrade"),
        )
    station.close()
    next_version = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, next_version)
    head = db.head_revision()
    (next_version / "versions" / "9001_next.py").write_text(NEXT_REVISION.replace("{head}", head))
    monkeypatch.setattr(db, "MIGRATIONS_DIR", next_version)

    upgraded = open_station(paths=station.paths, username="olena", password=COMMANDER_PASSWORD)
    assert db.current_revision(upgraded.engine) == "9001"
    with Session(upgraded.engine) as session:
        assert session.exec(select(Incident.narrative)).all() == ["before upgrade"]
    upgraded.close()
    copies = list(station.paths.backups.glob(f"before-migration-{head}-*.db"))
    assert len(copies) == 1
    old = db.make_engine(copies[0], station.database_key)
    assert db.current_revision(old) == head
    old.dispose()


def _damage(path: Path, offset: int, length: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset : offset + length] = secrets.token_bytes(length)
    path.write_bytes(bytes(data))


def test_a_corrupt_database_is_reported_and_nothing_written(station: StationHandle) -> None:
    station.close()
    with station.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    station.engine.dispose()
    _damage(station.paths.database, 0, 64)  # the first page holds the schema
    before = station.paths.database.read_bytes()
    with pytest.raises(DatabaseProblem, match="damaged"):
        open_station(paths=station.paths, username="olena", password=COMMANDER_PASSWORD)
    assert station.paths.database.read_bytes() == before


def test_a_truncated_database_is_reported(station: StationHandle) -> None:
    with station.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    station.close()
    data = station.paths.database.read_bytes()
    station.paths.database.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatabaseProblem, match="damaged"):
        open_station(paths=station.paths, username="olena", password=COMMANDER_PASSWORD)


def test_missing_database_file_is_reported(station: StationHandle) -> None:
    station.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(station.paths.database) + suffix).unlink(missing_ok=True)
    with pytest.raises(DatabaseProblem, match="no station database"):
        open_station(paths=station.paths, username="olena", password=COMMANDER_PASSWORD)


def test_a_full_disk_saves_nothing_and_keeps_what_was_stored(station: StationHandle) -> None:
    with db.write_session(station.engine) as session:
        create_incident(
            session=session,
            actor=station.actor,
            data=IncidentInput(reported_at=datetime.now(UTC), category_code="theft", narrative="kept"),
        )
    station.close()
    # SQLite's own page limit produces the same SQLITE_FULL error as a full disk.
    with station.engine.connect() as connection:
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar() or 0)
    station.engine.dispose()
    engine = db.make_engine(station.paths.database, station.database_key, max_page_count=pages)
    with pytest.raises(DatabaseProblem, match="disk is full"), db.write_session(engine) as session:
        for number in range(200):
            data = IncidentInput(
                reported_at=datetime.now(UTC), category_code="theft", narrative=f"{number}" + "x" * 5000
            )
            create_incident(session=session, actor=station.actor, data=data)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Incident)).one() == 1
        assert session.exec(select(Incident.narrative)).one() == "kept"
        assert session.exec(select(func.count()).select_from(OutboxEntry)).one() == 3  # station, user, incident
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == 3
    engine.dispose()
