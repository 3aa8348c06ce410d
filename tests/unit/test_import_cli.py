"""`station-desk import` and `imports` run as a separate process, as a commander would run them."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlmodel import Session, col, func, select

from station_desk.config import resolve_paths
from station_desk.models import Incident
from station_desk.services.accounts import open_station
from tests.unit.test_cli import PASSWORD, run, station_dir  # noqa: F401 - the fixture is used by name


def _rejestr(tmp_path: Path) -> Path:
    path = tmp_path / "rejestr.csv"
    with path.open("w", encoding="cp1250", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Data zdarzenia", "Kategoria", "Opis", "Imię i nazwisko", "Data urodzenia", "Rola"])
        writer.writerow(["07.03.2024", "Kradzież", "Skradziono rower", "Łęcki Paweł", "3.5.1980", "pokrzywdzony"])
        writer.writerow(["8.3.24", "Groźba karalna", "Groźby wobec sąsiadki", "", "", ""])
        writer.writerow(["2024-13-01", "Kradzież", "Zła data", "", "", ""])
    return path


def _live_incidents(folder: Path) -> int:
    handle = open_station(paths=resolve_paths(folder), username="anna", password=PASSWORD)
    try:
        with Session(handle.engine) as s:
            query = select(func.count()).select_from(Incident).where(col(Incident.deleted_at).is_(None))
            return s.exec(query).one()
    finally:
        handle.close()


def test_dry_run_import_and_undo_from_the_command_line(station_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    register = _rejestr(tmp_path)
    common = ("--data-dir", str(station_dir), "--user", "anna")
    dry = run("import", str(register), "--dry-run", *common, "--lang", "pl")
    assert dry.returncode == 0, dry.stderr
    assert "cp1250" in dry.stdout and "“Data zdarzenia” →" in dry.stdout
    assert "4: " in dry.stdout  # the rejected line, with its reason in Polish
    assert "Przebieg próbny: niczego nie zapisano." in dry.stdout
    assert _live_incidents(station_dir) == 0

    done = run("import", str(register), *common)
    assert done.returncode == 0, done.stderr
    assert "New records: 2" in done.stdout and "Rejected rows: 1" in done.stdout
    assert _live_incidents(station_dir) == 2
    again = run("import", str(register), *common)
    assert "Already in the station, skipped: 2" in again.stdout and "Nothing to import." in again.stdout

    listed = run("imports", "list", *common)
    import_id = listed.stdout.split()[0]
    assert "rejestr.csv: 4 records, active" in listed.stdout
    undone = run("imports", "undo", import_id, "--reason", "zły plik", *common)
    assert undone.returncode == 0, undone.stderr
    assert "4 records deleted" in undone.stdout
    assert _live_incidents(station_dir) == 0


def test_a_file_that_cannot_be_read_exits_with_a_message(station_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    broken = tmp_path / "rejestr.xlsx"
    broken.write_bytes(b"PK\x03\x04 broken")
    result = run("import", str(broken), "--data-dir", str(station_dir), "--user", "anna")
    assert result.returncode == 2
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
