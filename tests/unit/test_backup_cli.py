"""`station-desk backup` and `restore`, run as an officer would: as separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, func, select

from station_desk import db
from station_desk.config import resolve_paths
from station_desk.models import Incident
from station_desk.services.accounts import StationHandle
from station_desk.services.backup import verify_backup
from station_desk.services.incidents import create_incident
from tests.conftest import COMMANDER_PASSWORD, incident_input


def run(*args: str, password: str = COMMANDER_PASSWORD) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "STATION_DESK_DATA_DIR"}
    environment["STATION_DESK_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "station_desk", *args, "--lang", "en"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def _incident_count(folder: Path, key: bytes) -> int:
    engine = db.make_engine(resolve_paths(folder).database, key)
    try:
        with Session(engine) as session:
            return int(session.exec(select(func.count()).select_from(Incident)).one())
    finally:
        engine.dispose()


def test_backup_to_a_stick_and_restore_on_a_new_laptop_and_over_the_station(
    station: StationHandle, tmp_path: Path
) -> None:
    with db.write_session(station.engine) as session:
        create_incident(session=session, actor=station.actor, data=incident_input())
    key, folder = station.database_key, station.paths.data_dir
    station.close()
    stick = tmp_path / "usb" / "station.sdbak"

    made = run("backup", "--out", str(stick), "--data-dir", str(folder), "--user", "olena")
    assert made.returncode == 0, made.stderr
    assert str(stick) in made.stdout and " MB " in made.stdout and " s." in made.stdout
    assert verify_backup(stick, key=key).database_checked

    new_laptop = tmp_path / "new-laptop"
    restored = run("restore", str(stick), "--data-dir", str(new_laptop), "--user", "olena")
    assert restored.returncode == 0, restored.stderr
    assert "Іванківська станція" in restored.stdout and "kept in" not in restored.stdout
    assert _incident_count(new_laptop, key) == 1

    again = run("restore", str(stick), "--data-dir", str(folder), "--user", "olena")
    assert again.returncode == 0, again.stderr
    kept = next((folder / "backups").glob("replaced-*"))
    assert f"kept in {kept}" in again.stdout
    assert (kept / "station.db").exists() and (kept / "station.keys").exists()


def test_a_truncated_backup_is_refused_with_exit_code_2_and_nothing_replaced(
    station: StationHandle, tmp_path: Path
) -> None:
    folder = station.paths.data_dir
    station.close()
    stick = tmp_path / "station.sdbak"
    assert run("backup", "--out", str(stick), "--data-dir", str(folder), "--user", "olena").returncode == 0
    content = stick.read_bytes()
    stick.write_bytes(content[: len(content) // 2])
    before = (folder / "station.db").read_bytes()

    refused = run("restore", str(stick), "--data-dir", str(folder), "--user", "olena")

    assert refused.returncode == 2
    assert "damaged or incomplete" in refused.stderr and "Nothing was changed" in refused.stderr
    assert (folder / "station.db").read_bytes() == before
    assert not list((folder / "backups").glob("replaced-*"))


def test_a_wrong_password_restores_nothing(station: StationHandle, tmp_path: Path) -> None:
    folder = station.paths.data_dir
    station.close()
    stick = tmp_path / "station.sdbak"
    assert run("backup", "--out", str(stick), "--data-dir", str(folder), "--user", "olena").returncode == 0
    refused = run("restore", str(stick), "--data-dir", str(tmp_path / "new"), "--user", "olena", password="guess-1234")
    assert refused.returncode == 1 and "Wrong user name or password" in refused.stderr
    assert not (tmp_path / "new" / "station.db").exists()


def test_backup_list_shows_the_automatic_backups(station: StationHandle) -> None:
    from station_desk.services.backup_auto import automatic_backup

    made = automatic_backup(station)
    folder = station.paths.data_dir
    station.close()
    listed = run("backup", "--list", "--data-dir", str(folder))
    assert listed.returncode == 0, listed.stderr
    assert made is not None and str(made) in listed.stdout
