"""The headless commands, run as an officer would run them: as a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from station_desk import db
from station_desk.config import resolve_paths
from station_desk.keys import KeyFile
from station_desk.models import AuditEntry

PASSWORD = "cli-password-1"


def run(*args: str, password: str = PASSWORD, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "STATION_DESK_DATA_DIR"}
    environment.update({"STATION_DESK_PASSWORD": password, **(env or {})})
    if "--lang" not in args:
        # The station is Polish, so its messages are; these tests read the English ones unless they ask.
        args = (*args, "--lang", "en")
    return subprocess.run(
        [sys.executable, "-m", "station_desk", *args], capture_output=True, text=True, env=environment, timeout=120
    )


@pytest.fixture
def station_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "station"
    result = run(
        "init",
        "--data-dir",
        str(folder),
        "--station",
        "Żółkiewka",
        "--timezone",
        "Europe/Warsaw",
        "--locale",
        "pl",
        "--user",
        "anna",
        "--full-name",
        "Anna Łęcka",
    )
    assert result.returncode == 0, result.stderr
    assert "Żółkiewka" in result.stdout
    return folder


def test_init_prints_a_recovery_code_and_refuses_a_second_station(station_dir: Path) -> None:
    again = run(
        "init",
        "--data-dir",
        str(station_dir),
        "--station",
        "X",
        "--timezone",
        "Europe/Warsaw",
        "--locale",
        "pl",
        "--user",
        "anna",
    )
    assert again.returncode != 0
    assert KeyFile.load(station_dir / "station.keys").has_user("anna")


def test_init_rejects_a_bad_time_zone_and_a_short_password(tmp_path: Path) -> None:
    result = run(
        "init",
        "--data-dir",
        str(tmp_path / "s"),
        "--station",
        "S",
        "--timezone",
        "Mars/Olympus",
        "--locale",
        "uk",
        "--user",
        "olena",
        password="short",
        env={"STATION_DESK_LANG": ""},
    )
    assert result.returncode == 2
    assert "Mars/Olympus" in result.stderr and "8" in result.stderr
    assert not (tmp_path / "s" / "station.db").exists()


def test_users_add_list_disable(station_dir: Path) -> None:
    common = ["--data-dir", str(station_dir), "--user", "anna"]
    added = run(
        "users",
        "add",
        "marek",
        "--role",
        "officer",
        "--full-name",
        "Marek Żak",
        *common,
        env={"STATION_DESK_NEW_PASSWORD": "marek-password"},
    )
    assert added.returncode == 0, added.stderr
    assert run("info", "--data-dir", str(station_dir), "--user", "marek", password="marek-password").returncode == 0
    disabled = run("users", "disable", "marek", *common)
    assert disabled.returncode == 0, disabled.stderr
    listing = run("users", "list", *common)
    assert "marek" in listing.stdout and "disabled" in listing.stdout
    refused = run("info", "--data-dir", str(station_dir), "--user", "marek", password="marek-password")
    assert refused.returncode == 1 and "Wrong user name or password" in refused.stderr


def test_an_officer_cannot_add_users(station_dir: Path) -> None:
    common = ["--data-dir", str(station_dir)]
    run(
        "users",
        "add",
        "marek",
        "--role",
        "officer",
        *common,
        "--user",
        "anna",
        env={"STATION_DESK_NEW_PASSWORD": "marek-password"},
    )
    result = run(
        "users",
        "add",
        "ewa",
        *common,
        "--user",
        "marek",
        password="marek-password",
        env={"STATION_DESK_NEW_PASSWORD": "ewa-password"},
    )
    assert result.returncode == 3 and "commander" in result.stderr


def test_wrong_password_says_so_in_polish_and_changes_nothing(station_dir: Path) -> None:
    before = {p.name: p.read_bytes() for p in station_dir.iterdir() if p.is_file() and p.suffix != ".json"}
    result = run("info", "--data-dir", str(station_dir), "--user", "anna", "--lang", "pl", password="wrong-guess")
    assert result.returncode == 1
    assert "hasło" in result.stderr.lower()
    after = {p.name: p.read_bytes() for p in station_dir.iterdir() if p.is_file() and p.suffix != ".json"}
    assert after == before


def test_audit_verify_names_the_entry_changed_with_sqlcipher(station_dir: Path) -> None:
    common = ["--data-dir", str(station_dir), "--user", "anna"]
    whole = run("audit", "verify", *common)
    assert whole.returncode == 0 and "whole" in whole.stdout
    key = KeyFile.load(station_dir / "station.keys").unlock("anna", PASSWORD)
    engine = db.make_engine(resolve_paths(station_dir).database, key)
    with Session(engine) as session:
        second = session.exec(select(AuditEntry).order_by(AuditEntry.seq).offset(1)).first()
        assert second is not None
        target_seq, target_id = second.seq, second.id
    with engine.begin() as connection:
        # One byte of the stored row: the record type's first letter.
        connection.exec_driver_sql(
            "UPDATE auditentry SET record_type = 'X' || substr(record_type, 2) WHERE seq = ?", (target_seq,)
        )
    engine.dispose()
    broken = run("audit", "verify", *common)
    assert broken.returncode == 1
    assert f"entry {target_seq}" in broken.stdout and target_id in broken.stdout


def test_export_writes_every_table_and_is_audited(station_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = run(
        "export",
        "--format",
        "json",
        "--out",
        str(out),
        "--purpose",
        "analyst request",
        "--data-dir",
        str(station_dir),
        "--user",
        "anna",
    )
    assert result.returncode == 0, result.stderr
    station_rows = (out / "station.jsonl").read_text(encoding="utf-8")
    assert "Żółkiewka" in station_rows
    assert "analyst request" in (out / "auditentry.jsonl").read_text(encoding="utf-8")
    csv_out = tmp_path / "csv"
    assert (
        run(
            "export", "--format", "csv", "--out", str(csv_out), "--data-dir", str(station_dir), "--user", "anna"
        ).returncode
        == 0
    )
    assert "Anna Łęcka" in (csv_out / "user.csv").read_text(encoding="utf-8-sig")


def test_data_dir_from_the_environment(station_dir: Path) -> None:
    result = run("info", "--user", "anna", env={"STATION_DESK_DATA_DIR": str(station_dir)})
    assert result.returncode == 0, result.stderr
    assert "Żółkiewka" in result.stdout
