"""At start the whole database is checked in the background; a damaged one is reported and not backed up."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from station_desk import db
from station_desk.app import check_then_back_up
from station_desk.services.accounts import StationHandle, open_station
from station_desk.services.incidents import create_incident
from station_desk.ui.context import AppContext
from tests.conftest import COMMANDER_PASSWORD, incident_input


def _auto_backups(station: StationHandle) -> list[str]:
    folder = station.paths.backups / "auto"
    return sorted(path.name for path in folder.glob("*.sdbak")) if folder.exists() else []


def test_a_whole_database_gets_its_daily_backup(station: StationHandle, qtbot: QtBot) -> None:
    context, window = AppContext(station), QWidget()
    qtbot.addWidget(window)
    check_then_back_up(context, window)
    qtbot.waitUntil(lambda: len(_auto_backups(station)) == 1, timeout=30000)
    context.workers.wait_idle()
    assert window.property("damaged_database_warning") is None


def test_a_damaged_page_is_reported_and_not_backed_up(station: StationHandle, qtbot: QtBot) -> None:
    with db.write_session(station.engine) as s:
        for _ in range(400):  # enough pages that the middle of the file holds records
            create_incident(session=s, actor=station.actor, data=incident_input(narrative="Крадіжка " * 40))
    paths = station.paths
    station.close()
    size = paths.database.stat().st_size
    with paths.database.open("r+b") as file:  # pages in the middle overwritten, as a failing disk does
        file.seek(size // 2 - 8192)
        file.write(b"\x5a" * 16384)
    handle = open_station(paths=paths, username="olena", password=COMMANDER_PASSWORD)  # it still opens
    try:
        context, window = AppContext(handle), QWidget()
        qtbot.addWidget(window)
        check_then_back_up(context, window)
        qtbot.waitUntil(lambda: window.property("damaged_database_warning") is True, timeout=30000)
        context.workers.wait_idle()
        assert _auto_backups(handle) == []
    finally:
        handle.close()
