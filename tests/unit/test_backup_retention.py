"""Which automatic backups are kept (7 daily, 4 weekly, 12 monthly), and when a new one is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from station_desk.config import resolve_paths
from station_desk.services.accounts import StationHandle
from station_desk.services.backup import verify_backup
from station_desk.services.backup_auto import (
    automatic_backup,
    automatic_backups,
    backups_to_keep,
    prune_automatic_backups,
    taken_at,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday


def _name(when: datetime) -> str:
    return f"station-{when.strftime('%Y%m%dT%H%M%SZ')}.sdbak"


def _daily(days: int, hour: int = 1) -> list[tuple[str, datetime]]:
    """One backup a day at `hour` o'clock UTC, for `days` days up to NOW."""
    start = datetime(NOW.year, NOW.month, NOW.day, hour, tzinfo=UTC)
    return [(_name(start - timedelta(days=back)), start - timedelta(days=back)) for back in range(days)]


def _days(names: set[str]) -> set[date]:
    days = set()
    for name in names:
        when = taken_at(name)
        assert when is not None
        days.add(when.date())
    return days


def test_a_year_and_a_half_of_daily_backups_keeps_seven_days_four_weeks_and_twelve_months() -> None:
    kept = backups_to_keep(_daily(550), NOW)
    expected = {
        *(date(2026, 11, day) for day in range(19, 26)),  # the last 7 days, today included
        date(2026, 11, 22),  # Sunday: the newest of last week (also one of the 7 days)
        date(2026, 11, 15),
        date(2026, 11, 8),  # ... and of the two weeks before
        date(2026, 10, 31),  # the newest of each month back to December 2025 (November's is today's)
        date(2026, 9, 30),
        date(2026, 8, 31),
        date(2026, 7, 31),
        date(2026, 6, 30),
        date(2026, 5, 31),
        date(2026, 4, 30),
        date(2026, 3, 31),
        date(2026, 2, 28),
        date(2026, 1, 31),
        date(2025, 12, 31),
    }
    assert _days(kept) == expected
    assert len(kept) == 20  # one backup counts for several rules (today's for all three)


def test_only_the_newest_backup_of_a_day_is_kept() -> None:
    morning, evening = datetime(2026, 11, 24, 8, tzinfo=UTC), datetime(2026, 11, 24, 20, tzinfo=UTC)
    kept = backups_to_keep([(_name(morning), morning), (_name(evening), evening)], NOW)
    assert kept == {_name(evening)}


def test_backups_dated_after_now_are_kept_when_the_clock_was_set_back() -> None:
    future = NOW + timedelta(days=400)
    kept = backups_to_keep([(_name(future), future), *_daily(3)], NOW)
    assert _name(future) in kept and len(kept) == 4


def test_gaps_are_no_reason_to_delete_what_is_left() -> None:
    # The laptop was off for five months: the two backups before that are the newest of their months.
    before = [datetime(2026, 5, 30, tzinfo=UTC), datetime(2026, 6, 2, tzinfo=UTC)]
    kept = backups_to_keep([(_name(when), when) for when in before], NOW)
    assert kept == {_name(when) for when in before}


def test_pruning_deletes_only_old_backups_inside_the_auto_folder(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path / "station")
    auto = paths.backups / "auto"
    auto.mkdir(parents=True)
    for name, _when in _daily(60):
        (auto / name).write_bytes(b"x")
    beside = paths.backups / _name(NOW - timedelta(days=300))  # a backup someone put outside auto/
    beside.write_bytes(b"x")
    notes = auto / "notes.txt"
    notes.write_text("kept", encoding="utf-8")

    removed = prune_automatic_backups(paths, NOW)

    left = {path.name for path, _when in automatic_backups(paths)}
    assert left == backups_to_keep(_daily(60), NOW)
    assert len(removed) == 60 - len(left)
    assert beside.exists() and notes.exists()


def test_an_automatic_backup_is_written_once_a_day_or_when_forced(station: StationHandle) -> None:
    first = automatic_backup(station, NOW)
    assert first is not None and first.parent == station.paths.backups / "auto"
    assert automatic_backup(station, NOW + timedelta(hours=23)) is None
    # Forced (as when the app closes), later the same day: the newest of the day stays, the older one goes.
    forced = automatic_backup(station, NOW + timedelta(hours=1), force=True)
    assert [path for path, _when in automatic_backups(station.paths)] == [forced]
    next_day = automatic_backup(station, NOW + timedelta(hours=25))
    assert next_day is not None and verify_backup(next_day, key=station.database_key).automatic
    assert [path for path, _when in automatic_backups(station.paths)] == [next_day, forced]
