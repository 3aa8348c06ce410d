"""The backup file's format and what the backup modules share: names, errors, BackupInfo, checks, work folders."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError

from station_desk import db
from station_desk.errors import StationDeskError
from station_desk.i18n import _

FORMAT = "station-desk-backup"
FORMAT_VERSION = 1
SUFFIX = ".sdbak"
MANIFEST_MEMBER = "manifest.json"
DATABASE_MEMBER = "station.db"
KEYS_MEMBER = "station.keys"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK_BYTES = 1 << 20
# A work file untouched this long belongs to a backup or restore that was killed, not to one still running.
STALE_WORK_SECONDS = 3600

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class BackupRefused(StationDeskError):
    """The file is not a backup this station can use: damaged, foreign, from a newer version, or another station's."""

    exit_code = 2


class BackupCancelled(StationDeskError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("The backup was cancelled. No backup file was written."))


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds, from its manifest; `database_checked` when it was also opened and found whole."""

    path: Path
    station_id: str
    station_name: str
    schema_revision: str
    app_version: str
    created_at: datetime
    created_by: str
    automatic: bool
    database_size: int
    database_sha256: str
    file_size: int
    seconds: float
    database_checked: bool


def integrity_problem(engine: Engine) -> str | None:
    """None when `PRAGMA integrity_check` says ok; otherwise its first complaints, or the error that stopped it."""
    try:
        with engine.connect() as connection:
            rows = [str(row) for row in connection.exec_driver_sql("PRAGMA integrity_check").scalars()]
    except DatabaseError as error:
        # SQLCipher reports a page whose HMAC fails as an error, not as a row of the check.
        return str(error.orig)
    return None if rows == ["ok"] else "; ".join(rows[:3])


def known_revision(revision: str | None) -> bool:
    """Whether this version of the app has the migration `revision` (a newer app's database has one it lacks)."""
    if revision is None:
        return True
    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    try:
        return ScriptDirectory.from_config(config).get_revision(revision) is not None
    except Exception:
        return False


def fsync_folder(folder: Path) -> None:
    """Make a rename inside `folder` survive a power cut (a no-op where folders cannot be opened, as on Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextmanager
def work_folder(paths_backups: Path) -> Iterator[Path]:
    """A private folder under backups/work for files on their way in or out; removed afterwards, even on failure.

    It sits beside the data, so a restored database is moved into place by a rename on the same disk. Leftovers of
    a killed backup or restore (large files) are removed here once they are stale.
    """
    root = paths_backups / "work"
    root.mkdir(parents=True, exist_ok=True)
    for leftover in root.iterdir():
        try:
            touched = max([leftover.stat().st_mtime, *(inner.stat().st_mtime for inner in leftover.glob("*"))])
            if time.time() - touched <= STALE_WORK_SECONDS:
                continue
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink()
        except OSError:
            pass
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
