"""Putting a backup back: checked first, the replaced station kept aside, then opened (and migrated) once."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from station_desk import db
from station_desk.config import Paths
from station_desk.errors import KeyFileProblem
from station_desk.keys import KeyFile, LoginThrottle
from station_desk.models import User
from station_desk.models.enums import AuditAction
from station_desk.services.backup_format import BackupInfo, Cancelled, Progress, fsync_folder, work_folder
from station_desk.services.backup_verify import examine_backup
from station_desk.services.context import Actor
from station_desk.services.journal import audit


@dataclass(frozen=True)
class RestoreResult:
    """The backup that was restored, where the station it replaced was kept, and the schema it is at now."""

    backup: BackupInfo
    replaced_folder: Path | None  # None when the data folder held no station (a new laptop)
    schema_revision: str
    seconds: float


def _station_files(paths: Paths) -> list[Path]:
    database = paths.database
    return [
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
        paths.key_file,
    ]


def current_station_id(paths: Paths) -> str | None:
    """The id of the station in the data folder, read from its key file (no password needed); None if absent."""
    if not paths.key_file.exists():
        return None
    try:
        return KeyFile.load(paths.key_file).station_id
    except KeyFileProblem:
        # A damaged key file is one reason to restore; it does not name a station to protect.
        return None


def _move_aside(paths: Paths) -> Path | None:
    """The current database (with its WAL) and key file into backups/replaced-<UTC stamp>/: kept, never deleted."""
    present = [path for path in _station_files(paths) if path.exists()]
    if not present:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = paths.backups / f"replaced-{stamp}"
    number = 1
    while folder.exists():
        number += 1
        folder = paths.backups / f"replaced-{stamp}-{number}"
    folder.mkdir(parents=True)
    for path in present:
        os.replace(path, folder / path.name)
    fsync_folder(folder)
    return folder


def _write_key_file(path: Path, content: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def restore_backup(
    paths: Paths,
    file: Path,
    *,
    username: str,
    password: str,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    allow_other_station: bool = False,
) -> RestoreResult:
    """Replace the station in `paths` by the backup `file`, unlocked with a user's password from the backup's own
    key file. Works on an empty data folder too (a new laptop).

    Everything is checked before anything moves: a damaged, foreign or newer backup, or (unless
    `allow_other_station`) another station's, is refused and the data folder is untouched. The station must be
    closed (no engine open on its database) while this runs.
    """
    started = time.perf_counter()
    file = Path(file)
    paths.ensure()
    with work_folder(paths.backups) as work:
        examined = examine_backup(
            file,
            work,
            username=username,
            password=password,
            station_id=None if allow_other_station else current_station_id(paths),
            # The same counter of wrong passwords as logging in to this station.
            throttle=LoginThrottle(paths.data_dir / "login-throttle.json"),
            progress=progress,
            cancelled=cancelled,
        )
        assert examined.key is not None
        # If the power goes between these steps, the old station is whole in the replaced folder and the backup is
        # still on its stick: restoring again (into the now empty folder) finishes the job.
        replaced = _move_aside(paths)
        os.replace(examined.database, paths.database)
        _write_key_file(paths.key_file, examined.key_file_bytes)
        fsync_folder(paths.data_dir)
    engine = db.open_database(paths.database, examined.key)
    try:
        revision = db.current_revision(engine) or ""
        with db.write_session(engine) as session:
            user = session.exec(select(User).where(User.username == username)).first()
            actor = (
                Actor(
                    user_id=user.id,
                    username=user.username,
                    full_name=user.full_name,
                    role=user.role,
                    station_id=user.station_id,
                )
                if user is not None
                else None
            )
            audit(
                session,
                actor,
                AuditAction.restore,
                station_id=examined.info.station_id,
                record_type="station",
                record_id=examined.info.station_id,
                details={
                    "file": file.name,
                    "backup_created_at": examined.info.created_at.isoformat(),
                    "backup_schema": examined.info.schema_revision,
                    "replaced_folder": replaced.name if replaced is not None else None,
                },
            )
    finally:
        engine.dispose()
    return RestoreResult(
        backup=examined.info,
        replaced_folder=replaced,
        schema_revision=revision,
        seconds=time.perf_counter() - started,
    )
