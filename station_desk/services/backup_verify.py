"""Checking a backup file before it is trusted: whole, a Station Desk backup, not newer, and a database that opens."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from station_desk import db
from station_desk.errors import DatabaseProblem, KeyFileProblem
from station_desk.i18n import _
from station_desk.keys import KeyFile, LoginThrottle
from station_desk.services.backup_format import (
    CHUNK_BYTES,
    DATABASE_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    KEYS_MEMBER,
    MANIFEST_MEMBER,
    ZIP_MAGIC,
    BackupCancelled,
    BackupInfo,
    BackupRefused,
    Cancelled,
    Progress,
    integrity_problem,
    known_revision,
)


@dataclass(frozen=True)
class Examined:
    """A backup taken apart in a work folder: its manifest, the extracted database and key file, and the key."""

    info: BackupInfo
    database: Path
    key_file_bytes: bytes
    key: bytes | None


def _damaged(file: Path) -> BackupRefused:
    return BackupRefused(
        _(
            "The backup file {path} is damaged or incomplete (perhaps cut short while copying). Nothing was changed; "
            "use another backup."
        ).format(path=file)
    )


def _foreign(file: Path) -> BackupRefused:
    return BackupRefused(_("{path} is not a Station Desk backup. Nothing was changed.").format(path=file))


def _newer(file: Path, revision: str) -> BackupRefused:
    return BackupRefused(
        _(
            "The backup {path} was made by a newer version of Station Desk (schema {revision}). Install the newer "
            "version to restore it. Nothing was changed."
        ).format(path=file, revision=revision)
    )


def _read_manifest(archive: zipfile.ZipFile, file: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST_MEMBER).decode("utf-8"))
    except KeyError:
        raise _foreign(file) from None
    except (ValueError, UnicodeDecodeError):
        raise _damaged(file) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _foreign(file)
    try:
        newer_format = int(manifest["format_version"]) > FORMAT_VERSION
        revision = str(manifest["schema_revision"])
        datetime.fromisoformat(str(manifest["created_at"]))
        int(manifest["database"]["size"]), str(manifest["database"]["sha256"]), str(manifest["station_id"])
        str(manifest["key_file"]["sha256"])
    except (KeyError, TypeError, ValueError):
        raise _damaged(file) from None
    if newer_format or not known_revision(revision):
        raise _newer(file, revision)
    return manifest


def read_backup_info(file: Path) -> BackupInfo:
    """The manifest of a backup, without reading the database inside (quick enough for a list of files)."""
    file = Path(file)
    with _open_archive(file) as archive:
        manifest = _read_manifest(archive, file)
    return _info(file, manifest, seconds=0.0, checked=False)


def _info(file: Path, manifest: dict[str, Any], *, seconds: float, checked: bool) -> BackupInfo:
    return BackupInfo(
        path=file,
        station_id=str(manifest["station_id"]),
        station_name=str(manifest.get("station_name", "")),
        schema_revision=str(manifest["schema_revision"]),
        app_version=str(manifest.get("app_version", "")),
        created_at=datetime.fromisoformat(str(manifest["created_at"])),
        created_by=str(manifest.get("created_by", "")),
        automatic=bool(manifest.get("automatic", False)),
        database_size=int(manifest["database"]["size"]),
        database_sha256=str(manifest["database"]["sha256"]),
        file_size=file.stat().st_size,
        seconds=seconds,
        database_checked=checked,
    )


@contextmanager
def _open_archive(file: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(file)
    except FileNotFoundError:
        raise BackupRefused(_("There is no file {path}.").format(path=file)) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        # A zip cut short has lost its directory at the end; its first bytes still say it was a zip.
        try:
            with file.open("rb") as handle:
                looks_like_zip = handle.read(4) == ZIP_MAGIC
        except OSError:
            looks_like_zip = False
        raise (_damaged(file) if looks_like_zip else _foreign(file)) from None
    with archive:
        yield archive


def examine_backup(
    file: Path,
    work: Path,
    *,
    key: bytes | None = None,
    username: str | None = None,
    password: str | None = None,
    station_id: str | None = None,
    throttle: LoginThrottle | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Examined:
    """Check a backup and take it apart into `work`; with a key (or a user's password for the backup's own key
    file) also open the database and run `PRAGMA integrity_check`. Refuses with BackupRefused."""
    started = time.perf_counter()
    file = Path(file)
    with _open_archive(file) as archive:
        manifest = _read_manifest(archive, file)
        if station_id is not None and manifest["station_id"] != station_id:
            raise BackupRefused(
                _(
                    "The backup {path} is of the station “{station}”, not of the station on this laptop. Nothing "
                    "was changed."
                ).format(path=file, station=manifest.get("station_name", manifest["station_id"]))
            )
        database = work / DATABASE_MEMBER
        try:
            key_file_bytes = archive.read(KEYS_MEMBER)
            _extract(archive, database, int(manifest["database"]["size"]), progress, cancelled)
        except KeyError:
            raise _damaged(file) from None
        except (zipfile.BadZipFile, EOFError, ValueError):  # a bad CRC, a member cut short
            raise _damaged(file) from None
        if hashlib.sha256(key_file_bytes).hexdigest() != manifest["key_file"]["sha256"]:
            raise _damaged(file)
    if _sha256(database) != manifest["database"]["sha256"] or database.stat().st_size != manifest["database"]["size"]:
        raise _damaged(file)
    if username is not None:
        key = _unlock(work, key_file_bytes, manifest, username, password or "", throttle, file)
    if key is not None:
        _check_database(database, key, manifest, file)
    info = _info(file, manifest, seconds=time.perf_counter() - started, checked=key is not None)
    return Examined(info=info, database=database, key_file_bytes=key_file_bytes, key=key)


def _extract(
    archive: zipfile.ZipFile, target: Path, size: int, progress: Progress | None, cancelled: Cancelled | None
) -> None:
    done = 0
    with archive.open(DATABASE_MEMBER) as source, target.open("wb") as handle:
        while chunk := source.read(CHUNK_BYTES):
            if cancelled is not None and cancelled():
                raise BackupCancelled(_("Cancelled. Nothing was changed."))
            handle.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(min(done, size), size)
        handle.flush()
        # A restore renames this file into place, so it must be on the disk before the old one moves aside.
        os.fsync(handle.fileno())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _unlock(
    work: Path,
    key_file_bytes: bytes,
    manifest: dict[str, Any],
    username: str,
    password: str,
    throttle: LoginThrottle | None,
    file: Path,
) -> bytes:
    """The database key from the backup's own key file (its slots are the users' passwords at backup time)."""
    keys_path = work / KEYS_MEMBER
    keys_path.write_bytes(key_file_bytes)
    try:
        key_file = KeyFile.load(keys_path)
    except KeyFileProblem:
        raise _damaged(file) from None
    if key_file.station_id != manifest["station_id"]:
        raise _damaged(file)
    return key_file.unlock(username, password, throttle=throttle or LoginThrottle(work / "login-throttle.json"))


def _check_database(database: Path, key: bytes, manifest: dict[str, Any], file: Path) -> None:
    engine = db.make_engine(database, key)
    try:
        try:
            db.check_database_file(engine, database)
        except DatabaseProblem:
            raise BackupRefused(
                _(
                    "The database in the backup {path} does not open: it is damaged or belongs to another station. "
                    "Nothing was changed."
                ).format(path=file)
            ) from None
        problem = integrity_problem(engine)
        if problem is not None:
            raise BackupRefused(
                _("The database in the backup {path} is damaged ({problem}). Nothing was changed.").format(
                    path=file, problem=problem
                )
            )
        revision = db.current_revision(engine)
        if not known_revision(revision):
            raise _newer(file, str(revision))
        with engine.connect() as connection:
            stations = {str(row) for row in connection.exec_driver_sql("SELECT id FROM station").scalars()}
        if manifest["station_id"] not in stations:
            raise _damaged(file)
    finally:
        # Closing the last connection checkpoints and removes the -wal and -shm files beside the copy.
        engine.dispose()


def verify_backup(
    file: Path,
    *,
    key: bytes | None = None,
    username: str | None = None,
    password: str | None = None,
    station_id: str | None = None,
    work_dir: Path | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> BackupInfo:
    """Check that `file` is a whole backup this version can restore; with `key`, or a user's name and password
    (checked against the backup's own key file), also that its database opens and passes integrity_check.

    With `station_id`, a backup of another station is refused. Nothing is left behind in `work_dir`.
    """
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="verify-", dir=work_dir))
    try:
        return examine_backup(
            file,
            work,
            key=key,
            username=username,
            password=password,
            station_id=station_id,
            progress=progress,
            cancelled=cancelled,
        ).info
    finally:
        shutil.rmtree(work, ignore_errors=True)
