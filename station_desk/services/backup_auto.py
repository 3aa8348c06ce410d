"""Automatic backups in backups/auto: when one is due, which ones are kept, and the newest that still restores."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from station_desk.config import Paths
from station_desk.errors import StationDeskError
from station_desk.services.accounts import StationHandle
from station_desk.services.backup import SUFFIX, create_backup, verify_backup
from station_desk.services.backup_format import Cancelled, Progress

AUTO_FOLDER = "auto"
DUE_AFTER = timedelta(days=1)
KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 4, 12
NAME_PATTERN = re.compile(r"^station-(\d{8}T\d{6}Z)(?:-\d+)?" + re.escape(SUFFIX) + "$")
# A backup being written is named *.partial; one older than this was cut short by a crash and is removed.
STALE_PARTIAL = timedelta(hours=1)


def auto_folder(paths: Paths) -> Path:
    return paths.backups / AUTO_FOLDER


def taken_at(name: str) -> datetime | None:
    """The UTC time in an automatic backup's name, or None for a name that is not one."""
    match = NAME_PATTERN.match(name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def automatic_backups(paths: Paths) -> list[tuple[Path, datetime]]:
    """The automatic backups, newest first (by the time in their names, not the file dates a copy changes)."""
    folder = auto_folder(paths)
    if not folder.is_dir():
        return []
    found = [(path, taken_at(path.name)) for path in folder.iterdir() if path.is_file()]
    return sorted(((path, when) for path, when in found if when is not None), key=lambda item: item[1], reverse=True)


def backups_to_keep(backups: Iterable[tuple[str, datetime]], now: datetime) -> set[str]:
    """The names kept: the newest backup of each of the last 7 days, of each of the last 4 ISO weeks and of each
    of the last 12 months (one backup may count for several), and any dated after `now`.

    Days, weeks and months are UTC calendar ones, counting the current one.
    """
    now = now.astimezone(UTC)
    newest: dict[tuple[str, object], tuple[datetime, str]] = {}
    kept: set[str] = set()
    today = now.date()
    this_monday = today - timedelta(days=today.weekday())
    days = {today - timedelta(days=back) for back in range(KEEP_DAYS)}
    weeks = {this_monday - timedelta(weeks=back) for back in range(KEEP_WEEKS)}
    months = {_months_back(today, back) for back in range(KEEP_MONTHS)}
    for name, when in backups:
        when = when.astimezone(UTC)
        if when > now:
            # A clock set back must not make the newest backups look like ones to throw away.
            kept.add(name)
            continue
        day = when.date()
        buckets: list[tuple[str, object]] = []
        if day in days:
            buckets.append(("day", day))
        monday = day - timedelta(days=day.weekday())
        if monday in weeks:
            buckets.append(("week", monday))
        if (day.year, day.month) in months:
            buckets.append(("month", (day.year, day.month)))
        for bucket in buckets:
            if bucket not in newest or (when, name) > newest[bucket]:
                newest[bucket] = (when, name)
    return kept | {name for _when, name in newest.values()}


def _months_back(today: date, back: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - back
    return index // 12, index % 12 + 1


def prune_automatic_backups(paths: Paths, now: datetime | None = None) -> list[Path]:
    """Delete what the rule does not keep, and partial files left by a crash; only ever inside backups/auto."""
    now = now or datetime.now(UTC)
    listed = automatic_backups(paths)
    keep = backups_to_keep(((path.name, when) for path, when in listed), now)
    removed = [path for path, _when in listed if path.name not in keep]
    folder = auto_folder(paths)
    if folder.is_dir():
        for path in folder.glob("*.partial"):
            if now.timestamp() - path.stat().st_mtime > STALE_PARTIAL.total_seconds():
                removed.append(path)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def backup_due(paths: Paths, now: datetime) -> bool:
    listed = automatic_backups(paths)
    if not listed:
        return True
    newest = listed[0][1]
    # A newest backup "in the future" means the clock was wrong then or is now: take one rather than wait.
    return now - newest >= DUE_AFTER or newest > now + timedelta(minutes=5)


def automatic_backup(
    handle: StationHandle,
    now: datetime | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path | None:
    """A backup into backups/auto when the newest there is a day old (or always with `force`, as at closing the
    app), then the old ones pruned. Returns the new file, or None when none was due."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    paths = handle.paths
    if not force and not backup_due(paths, now):
        return None
    folder = auto_folder(paths)
    stem = f"station-{now.strftime('%Y%m%dT%H%M%SZ')}"
    out = folder / f"{stem}{SUFFIX}"
    number = 1
    while out.exists():
        number += 1
        out = folder / f"{stem}-{number}{SUFFIX}"
    create_backup(handle, out, progress=progress, cancelled=cancelled, automatic=True)
    prune_automatic_backups(paths, now)
    return out


def newest_good_backup(paths: Paths, key: bytes) -> Path | None:
    """The newest automatic backup that opens with `key` and passes every check, for a station whose database
    is damaged; None when there is none."""
    for path, _when in automatic_backups(paths):
        try:
            verify_backup(path, key=key, work_dir=paths.backups / "work")
        except StationDeskError:
            continue
        return path
    return None
