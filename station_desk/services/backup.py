"""Backups of the station: one encrypted file for a USB stick, taken while work goes on, and checked before use."""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy.engine import Engine

from station_desk import __version__, db
from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.models import Station
from station_desk.models.enums import AuditAction
from station_desk.services.accounts import StationHandle
from station_desk.services.backup_format import (
    CHUNK_BYTES,
    DATABASE_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    KEYS_MEMBER,
    MANIFEST_MEMBER,
    SUFFIX,
    BackupCancelled,
    BackupInfo,
    BackupRefused,
    Cancelled,
    Progress,
    fsync_folder,
    integrity_problem,
    work_folder,
)
from station_desk.services.backup_verify import read_backup_info, verify_backup
from station_desk.services.journal import audit

# The public face of backups: create_backup here, and what callers need from the format and verify modules.
__all__ = [
    "SUFFIX",
    "BackupCancelled",
    "BackupInfo",
    "BackupRefused",
    "create_backup",
    "integrity_problem",
    "read_backup_info",
    "verify_backup",
]

# 4 MiB a step at SQLCipher's 4 KiB pages: often enough to show progress and notice a cancel, few enough to be cheap.
PAGES_PER_STEP = 1024


class _Stop(Exception):
    """Raised inside SQLite's backup progress callback to abort the copy when the user cancels."""


def create_backup(
    handle: StationHandle,
    out: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    automatic: bool = False,
) -> BackupInfo:
    """Write the open station into one backup file at `out`, while other connections keep saving.

    The copy is a snapshot of the moment it starts (SQLite's online backup from a read transaction), so it holds
    every save committed before and none half-done. `progress(done, total)` counts bytes of work; `cancelled()`
    is asked between steps. The file appears under its name only when complete.
    """
    started = time.perf_counter()
    out = Path(out)
    paths = handle.paths
    station_id = handle.actor.station_id
    key_bytes = paths.key_file.read_bytes()
    # Before the copy, so the backup carries the entry that describes it.
    station_name = _audit_backup(handle, out, automatic)
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with work_folder(paths.backups) as work:
            copy = work / DATABASE_MEMBER
            created_at, revision = _copy_database(handle.engine, handle.database_key, copy, progress, cancelled)
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "station_id": station_id,
                "station_name": station_name,
                "schema_revision": revision,
                "app_version": __version__,
                "created_at": created_at.isoformat(),
                "created_by": handle.actor.username,
                "automatic": automatic,
            }
            _pack(partial, copy, key_bytes, manifest, progress, cancelled)
        os.replace(partial, out)
        fsync_folder(out.parent)
    except _Stop:
        raise BackupCancelled() from None
    except sqlcipher3.dbapi2.Error as error:
        # From SQLite's copy: a full disk, or a page of the station's database that no longer reads.
        raise db.describe_database_error(error, paths.database) from None
    except OSError as error:
        raise StationDeskError(
            _("The backup could not be written to {path}: {reason}").format(path=out, reason=error.strerror or error)
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    database = manifest["database"]
    return BackupInfo(
        path=out,
        station_id=station_id,
        station_name=station_name,
        schema_revision=revision,
        app_version=__version__,
        created_at=created_at,
        created_by=handle.actor.username,
        automatic=automatic,
        database_size=database["size"],
        database_sha256=database["sha256"],
        file_size=out.stat().st_size,
        seconds=time.perf_counter() - started,
        database_checked=False,
    )


def _audit_backup(handle: StationHandle, out: Path, automatic: bool) -> str:
    """Write the audit entry of a backup; returns the station's name.

    A write session begins IMMEDIATE, so beside the app's writer it waits its turn (busy_timeout) instead of
    losing to a commit made between its read of the chain's last hash and its write.
    """
    with db.write_session(handle.engine) as session:
        station = session.get(Station, handle.actor.station_id)
        audit(
            session,
            handle.actor,
            AuditAction.backup,
            record_type="station",
            record_id=handle.actor.station_id,
            details={"file": out.name, "automatic": automatic},
        )
        return station.name if station is not None else ""


def _copy_database(
    engine: Engine, key: bytes, target_path: Path, progress: Progress | None, cancelled: Cancelled | None
) -> tuple[datetime, str]:
    """SQLite's online backup, page steps at a time, into a new file keyed with the same key."""
    pooled = engine.raw_connection()
    source: Any = pooled.driver_connection
    try:
        source.execute("BEGIN")
        # The first read fixes the snapshot. Holding it across steps keeps other connections' commits (in the
        # WAL) from restarting the copy, which with a busy writer could otherwise never finish.
        row = source.execute("SELECT version_num FROM alembic_version").fetchone()
        created_at = datetime.now(UTC)
        page_size = int(source.execute("PRAGMA page_size").fetchone()[0])
        target = sqlcipher3.dbapi2.connect(str(target_path), isolation_level=None)
        try:
            target.execute(f'PRAGMA key = "{db.raw_key_pragma(key)}"')
            # A work file: if the power goes, it is thrown away, so it needs no journal and no waiting for the disk.
            target.execute("PRAGMA journal_mode=OFF")
            target.execute("PRAGMA synchronous=OFF")

            def step(_status: int, remaining: int, total: int) -> None:
                if cancelled is not None and cancelled():
                    raise _Stop()
                if progress is not None:
                    progress((total - remaining) * page_size, 2 * total * page_size)

            source.backup(target, pages=PAGES_PER_STEP, progress=step, sleep=0.05)
        finally:
            target.close()
    finally:
        with suppress(sqlcipher3.dbapi2.Error):
            source.execute("ROLLBACK")
        pooled.close()
    return created_at, str(row[0]) if row else ""


def _pack(
    partial: Path,
    copy: Path,
    key_bytes: bytes,
    manifest: dict[str, Any],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    """The zip (stored: the database is encrypted and does not compress), manifest last, flushed to the disk."""
    size = copy.stat().st_size
    digest = hashlib.sha256()
    with partial.open("wb") as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            member = zipfile.ZipInfo(DATABASE_MEMBER, date_time=time.gmtime()[:6])
            done = 0
            with copy.open("rb") as source, archive.open(member, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK_BYTES):
                    if cancelled is not None and cancelled():
                        raise _Stop()
                    digest.update(chunk)
                    target.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(size + done, 2 * size)
            archive.writestr(KEYS_MEMBER, key_bytes)
            manifest["database"] = {"name": DATABASE_MEMBER, "size": done, "sha256": digest.hexdigest()}
            manifest["key_file"] = {"name": KEYS_MEMBER, "sha256": hashlib.sha256(key_bytes).hexdigest()}
            archive.writestr(MANIFEST_MEMBER, json.dumps(manifest, ensure_ascii=False, indent=1))
        handle.flush()
        os.fsync(handle.fileno())
