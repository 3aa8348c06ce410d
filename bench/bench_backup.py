"""Backup, verify and restore of the 100,000-incident station, each beside a plain copy or check in the same run."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import large_station, plaintext_twin
from station_desk import db
from station_desk.config import resolve_paths
from station_desk.services import demo
from station_desk.services.backup import create_backup, integrity_problem, verify_backup
from station_desk.services.backup_restore import restore_backup


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def warm(path: Path) -> None:
    """Read a file once, so the figure and its baseline both start from the page cache (the first read is the
    disk's, not the code's)."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def line(what: str, figure: float, baseline: float, baseline_name: str) -> None:
    print(
        f"{what}: {figure:.1f} s; baseline {baseline_name}: {baseline:.1f} s; ratio {figure / baseline:.1f}x",
        flush=True,
    )


def main() -> None:
    paths, handle = large_station()
    twin = plaintext_twin(paths)
    work = Path(tempfile.mkdtemp(prefix="bench-backup-", dir=paths.data_dir.parent))
    try:
        out = work / "station.sdbak"
        copy = work / "copy.db"
        database_size = paths.database.stat().st_size
        warm(paths.database)
        warm(twin)
        marks: list[float] = []
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            # The first half of the work is SQLite's page copy, the second the zip with its sha256.
            if not marks and done * 2 >= total:
                marks.append(time.perf_counter() - started)

        backup = seconds(lambda: create_backup(handle, out, progress=progress))
        handle.close()
        copy_time = seconds(lambda: shutil.copyfile(paths.database, copy))
        size = out.stat().st_size
        print(f"database {database_size / 1e6:,.0f} MB; backup file {size / 1e6:,.0f} MB", flush=True)
        line("backup (online copy + zip + sha256)", backup, copy_time, "shutil.copyfile of station.db")
        print(
            f"  of which the online page copy {marks[0]:.1f} s, the zip and sha256 {backup - marks[0]:.1f} s",
            flush=True,
        )
        copy.unlink()

        key = handle.database_key
        verify = seconds(lambda: verify_backup(out, key=key, work_dir=work))

        def plain_check() -> None:
            connection = sqlite3.connect(twin)
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            connection.close()

        line(
            "verify (unzip + sha256 + SQLCipher integrity_check)",
            verify,
            seconds(plain_check),
            "sqlite3 integrity_check, plaintext",
        )

        engine = db.make_engine(paths.database, key)
        try:
            in_place = seconds(lambda: integrity_problem(engine))
        finally:
            engine.dispose()
        print(f"  for reference, SQLCipher integrity_check of station.db in place: {in_place:.1f} s", flush=True)

        target = resolve_paths(work / "new-laptop")
        restore = seconds(
            lambda: restore_backup(target, out, username=demo.DEMO_COMMANDER, password=demo.DEMO_COMMANDER_PASSWORD)
        )
        restore_copy = seconds(lambda: shutil.copyfile(out, copy))
        line(
            "restore onto an empty data folder (verify + move + open)",
            restore,
            restore_copy,
            "shutil.copyfile of the backup",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
