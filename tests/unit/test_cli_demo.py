"""The issue's acceptance path, as a user types it: demo, export, audit verify, on the real files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from station_desk import db
from station_desk.config import resolve_paths
from station_desk.keys import KeyFile
from station_desk.models import Incident, Person
from station_desk.services import demo
from tests.unit.test_cli import run


@pytest.mark.slow
def test_demo_export_and_audit_verify_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    built = run("demo", "--data-dir", str(folder), "--seed", "1", "--months", "2", "--locale", "pl")
    assert built.returncode == 0, built.stderr
    assert demo.DEMO_COMMANDER in built.stdout and demo.DEMO_COMMANDER_PASSWORD in built.stdout

    paths = resolve_paths(folder)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(paths.database).execute("SELECT count(*) FROM sqlite_master").fetchone()
    key = KeyFile.load(paths.key_file).unlock(demo.DEMO_COMMANDER, demo.DEMO_COMMANDER_PASSWORD)
    engine = db.make_engine(paths.database, key)
    with Session(engine) as session:
        incidents = session.exec(select(func.count()).select_from(Incident)).one()
        names = [p.last_name for p in session.exec(select(Person).limit(50))]
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    wal = Path(str(paths.database) + "-wal")
    raw = paths.database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert all(name.encode("utf-8") not in raw for name in names)

    login = ["--data-dir", str(folder), "--user", demo.DEMO_COMMANDER]
    out = tmp_path / "export"
    exported = run("export", "--format", "json", "--out", str(out), *login, password=demo.DEMO_COMMANDER_PASSWORD)
    assert exported.returncode == 0, exported.stderr
    exported_incidents = (out / "incident.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(exported_incidents) == incidents
    exported_names = {json.loads(line)["last_name"] for line in (out / "person.jsonl").read_text().splitlines()}
    assert set(names) <= exported_names

    verified = run("audit", "verify", *login, password=demo.DEMO_COMMANDER_PASSWORD)
    assert verified.returncode == 0 and "whole" in verified.stdout, verified.stderr
