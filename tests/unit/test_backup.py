"""Backups and restore on real encrypted stations: taken while saving, put back whole, and bad files refused."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from station_desk import db
from station_desk.config import Paths, resolve_paths
from station_desk.errors import DatabaseProblem
from station_desk.models import AuditEntry, Incident
from station_desk.models.enums import AuditAction
from station_desk.services import backup
from station_desk.services.accounts import StationHandle, init_station, open_station
from station_desk.services.backup import BackupCancelled, BackupRefused, create_backup, verify_backup
from station_desk.services.backup_auto import automatic_backup, automatic_backups, newest_good_backup
from station_desk.services.backup_restore import restore_backup
from station_desk.services.context import Actor
from station_desk.services.incidents import create_incident
from station_desk.services.journal import verify_chain
from tests.conftest import COMMANDER_PASSWORD, OFFICER_PASSWORD, TEST_KDF, incident_input


def _save(handle: StationHandle, count: int, text: str = "корова") -> list[str]:
    ids = []
    for number in range(count):
        with db.write_session(handle.engine) as session:
            ids.append(
                create_incident(
                    session=session, actor=handle.actor, data=incident_input(narrative=f"{text} {number}")
                ).id
            )
    return ids


def _incidents(engine: sa.Engine) -> dict[str, str]:
    with Session(engine) as session:
        return {row.id: row.narrative for row in session.exec(select(Incident))}


def _files(paths: Paths) -> dict[str, str]:
    """What the data folder holds, by content, to show that a refused restore changed nothing."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (paths.database, paths.key_file)
        if path.exists()
    }


def _other_station(folder: Path) -> StationHandle:
    handle, _code = init_station(
        paths=resolve_paths(folder),
        station_name="Żółkiewka",
        timezone="Europe/Warsaw",
        language="pl",
        username="anna",
        full_name="Anna Łęcka",
        password=COMMANDER_PASSWORD,
        kdf=TEST_KDF,
    )
    return handle


def test_a_backup_taken_while_another_thread_saves_holds_every_earlier_save_and_opens_whole(
    station: StationHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _save(station, 20)
    committed: list[str] = []
    stop = threading.Event()
    refused_at: list[float] = []

    def keep_saving() -> None:
        while not stop.is_set():
            began = time.monotonic()
            try:
                committed.extend(_save(station, 1, "під час копії"))
                time.sleep(0.002)  # an officer's saves, however quick, leave the lock free between them
            except DatabaseProblem:
                # The backup's own audit entry is a second writer: a save that overlaps its write is refused whole
                # (SQLite's BUSY / BUSY_SNAPSHOT), as a save in a second window would be; the officer saves again.
                refused_at.append(began)
                time.sleep(0.005)

    writer = threading.Thread(target=keep_saving)
    writer.start()
    monkeypatch.setattr(backup, "PAGES_PER_STEP", 16)  # many small steps, so the writer runs between them
    steps: list[tuple[int, int]] = []
    copy_began: list[float] = []
    saved_during: list[int] = []

    def progress(done: int, total: int) -> None:
        if not copy_began:
            copy_began.append(time.monotonic())
        steps.append((done, total))
        if len(steps) == 3:
            # The copy holds its snapshot open here: saving must go on regardless.
            before = len(committed)
            for _ in range(1000):  # up to 10 s on a busy machine; usually a few milliseconds
                if len(committed) >= before + 3:
                    break
                threading.Event().wait(0.01)
            saved_during.append(len(committed) - before)

    try:
        threading.Event().wait(0.1)
        before_backup = set(_incidents(station.engine))
        info = create_backup(station, tmp_path / "usb" / "station.sdbak", progress=progress)
    finally:
        stop.set()
        writer.join()
    assert saved_during and saved_during[0] >= 3, "saving stopped while the backup ran"
    # Only the audit entry, written before the copy starts, ever gets in a save's way: no save begun after the
    # first step of the copy was refused.
    assert all(when < copy_began[0] for when in refused_at), [round(when - copy_began[0], 4) for when in refused_at]
    assert [done for done, _total in steps] == sorted(done for done, _total in steps)
    assert steps[-1][0] == steps[-1][1]

    restored = resolve_paths(tmp_path / "new-laptop")
    restore_backup(restored, info.path, username="olena", password=COMMANDER_PASSWORD)
    engine = db.open_database(restored.database, station.database_key)
    try:
        assert backup.integrity_problem(engine) is None
        with Session(engine) as session:
            assert verify_chain(session).whole
            actions = list(session.exec(select(AuditEntry.action).order_by(col(AuditEntry.seq))))
        in_backup = set(_incidents(engine))
    finally:
        engine.dispose()
    assert before_backup <= in_backup <= set(_incidents(station.engine))
    # The backup holds the entry that describes it, and the restore adds its own.
    assert AuditAction.backup in actions and actions[-1] == AuditAction.restore


def test_restore_puts_back_the_records_of_the_backup_and_keeps_the_replaced_station(
    station: StationHandle, officer: Actor, tmp_path: Path
) -> None:
    _save(station, 5)
    info = create_backup(station, tmp_path / "usb" / "station.sdbak")
    assert verify_backup(info.path, username="petro", password=OFFICER_PASSWORD).database_checked
    at_backup = _incidents(station.engine)
    later = _save(station, 3, "після копії")
    key, paths = station.database_key, station.paths
    station.close()

    result = restore_backup(paths, info.path, username="petro", password=OFFICER_PASSWORD)

    handle = open_station(paths=paths, username="olena", password=COMMANDER_PASSWORD)
    try:
        assert _incidents(handle.engine) == at_backup
        with Session(handle.engine) as session:
            restore_entry = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).offset(1)).first()
            assert verify_chain(session).whole
    finally:
        handle.close()
    assert restore_entry is not None and restore_entry.action == AuditAction.restore
    assert restore_entry.details["replaced_folder"] == result.replaced_folder.name  # type: ignore[union-attr]
    # The station it replaced is kept whole beside, with the saves made after the backup.
    assert result.replaced_folder is not None and result.replaced_folder.parent == paths.backups
    kept = sorted(path.name for path in result.replaced_folder.iterdir())
    assert "station.db" in kept and "station.keys" in kept
    old = db.make_engine(result.replaced_folder / "station.db", key)
    try:
        assert set(later) <= set(_incidents(old))
    finally:
        old.dispose()


def test_a_backup_restores_on_an_empty_data_folder(station: StationHandle, tmp_path: Path) -> None:
    _save(station, 2)
    info = create_backup(station, tmp_path / "station.sdbak")
    new_laptop = resolve_paths(tmp_path / "new-laptop")
    result = restore_backup(new_laptop, info.path, username="olena", password=COMMANDER_PASSWORD)
    assert result.replaced_folder is None
    handle = open_station(paths=new_laptop, username="olena", password=COMMANDER_PASSWORD)
    try:
        assert _incidents(handle.engine) == _incidents(station.engine)
    finally:
        handle.close()


def _refused_and_untouched(station: StationHandle, file: Path, *, says: str) -> None:
    paths = station.paths
    station.close()
    before = _files(paths)
    with pytest.raises(BackupRefused, match=says) as refused:
        restore_backup(paths, file, username="olena", password=COMMANDER_PASSWORD)
    assert refused.value.exit_code == 2
    assert _files(paths) == before
    assert not list(paths.backups.glob("replaced-*"))


def test_a_backup_cut_in_half_is_refused_and_nothing_is_replaced(station: StationHandle, tmp_path: Path) -> None:
    info = create_backup(station, tmp_path / "station.sdbak")
    content = info.path.read_bytes()
    cut = tmp_path / "cut.sdbak"
    cut.write_bytes(content[: len(content) // 2])
    with pytest.raises(BackupRefused, match="damaged or incomplete"):
        verify_backup(cut)
    _refused_and_untouched(station, cut, says="damaged or incomplete")


def test_a_backup_with_a_changed_byte_in_its_database_is_refused(station: StationHandle, tmp_path: Path) -> None:
    info = create_backup(station, tmp_path / "station.sdbak")
    content = bytearray(info.path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    changed = tmp_path / "changed.sdbak"
    changed.write_bytes(bytes(content))
    _refused_and_untouched(station, changed, says="damaged or incomplete")


def test_files_that_are_not_backups_are_refused(station: StationHandle, tmp_path: Path) -> None:
    text = tmp_path / "notes.sdbak"
    text.write_text("not a backup", encoding="utf-8")
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("photo.txt", "x")
    for file in (text, other_zip):
        with pytest.raises(BackupRefused, match="not a Station Desk backup"):
            verify_backup(file)
    _refused_and_untouched(station, other_zip, says="not a Station Desk backup")


def test_a_backup_of_another_station_is_refused_over_this_one(station: StationHandle, tmp_path: Path) -> None:
    other = _other_station(tmp_path / "other")
    try:
        info = create_backup(other, tmp_path / "other.sdbak")
    finally:
        other.close()
    paths = station.paths
    with pytest.raises(BackupRefused, match="Żółkiewka"):
        verify_backup(info.path, station_id=station.actor.station_id)
    with pytest.raises(BackupRefused, match="damaged or belongs to another station"):
        verify_backup(info.path, key=station.database_key)
    _refused_and_untouched(station, info.path, says="not of the station on this laptop")
    # Said on purpose, it may replace this station (which is kept aside as always).
    result = restore_backup(paths, info.path, username="anna", password=COMMANDER_PASSWORD, allow_other_station=True)
    assert result.backup.station_name == "Żółkiewka" and result.replaced_folder is not None


def _rewrite_manifest(file: Path, target: Path, change: Callable[[dict[str, object]], None]) -> None:
    with zipfile.ZipFile(file) as source, zipfile.ZipFile(target, "w") as copy:
        for member in source.namelist():
            content = source.read(member)
            if member == "manifest.json":
                manifest = json.loads(content)
                change(manifest)
                content = json.dumps(manifest).encode("utf-8")
            copy.writestr(member, content)


def test_a_backup_from_a_newer_version_is_refused(station: StationHandle, tmp_path: Path) -> None:
    # A newer release's database: its schema revision is one this version has never heard of.
    with station.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    newer = create_backup(station, tmp_path / "newer.sdbak")
    with station.engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{db.head_revision()}'")
    with pytest.raises(BackupRefused, match="newer version of Station Desk"):
        verify_backup(newer.path)
    # Also when only the manifest's format says so.
    current = create_backup(station, tmp_path / "current.sdbak")
    later_format = tmp_path / "later-format.sdbak"
    _rewrite_manifest(current.path, later_format, lambda manifest: manifest.update(format_version=2))
    with pytest.raises(BackupRefused, match="newer version of Station Desk"):
        verify_backup(later_format)
    _refused_and_untouched(station, newer.path, says="newer version of Station Desk")


def test_a_cancelled_backup_leaves_no_file(station: StationHandle, tmp_path: Path) -> None:
    out = tmp_path / "usb" / "station.sdbak"
    with pytest.raises(BackupCancelled):
        create_backup(station, out, cancelled=lambda: True)
    assert not out.exists() and list(out.parent.iterdir()) == []
    assert list((station.paths.backups / "work").iterdir()) == []


def test_a_damaged_station_database_is_found_and_the_newest_good_automatic_backup_brings_it_back(
    station: StationHandle,
) -> None:
    paths, key = station.paths, station.database_key
    _save(station, 100, "до пошкодження")
    earlier = automatic_backup(station, datetime.now(UTC) - timedelta(days=2))
    newest = automatic_backup(station, datetime.now(UTC) - timedelta(minutes=1))
    assert earlier is not None and newest is not None
    at_backup = _incidents(station.engine)
    station.close()  # the last connection checkpoints the WAL into station.db
    # The newest backup is itself damaged (cut short on the way), so the one before it must be chosen.
    newest.write_bytes(newest.read_bytes()[:1000])
    assert [path for path, _when in automatic_backups(paths)] == [newest, earlier]

    size = paths.database.stat().st_size
    with paths.database.open("r+b") as file:  # pages in the middle overwritten, as a failing disk does
        file.seek(size // 2 - 8192)
        file.write(b"\x5a" * 16384)
    engine = db.make_engine(paths.database, key)
    try:
        problem = None
        try:
            db.check_database_file(engine, paths.database)
        except Exception as error:  # noqa: BLE001 - either check may be the one that notices
            problem = str(error)
        problem = problem or backup.integrity_problem(engine)
    finally:
        engine.dispose()
    assert problem is not None

    good = newest_good_backup(paths, key)
    assert good == earlier
    restore_backup(paths, good, username="olena", password=COMMANDER_PASSWORD)
    handle = open_station(paths=paths, username="olena", password=COMMANDER_PASSWORD)
    try:
        assert backup.integrity_problem(handle.engine) is None
        assert _incidents(handle.engine) == at_backup
    finally:
        handle.close()
