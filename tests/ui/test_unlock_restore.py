"""The login dialog on a damaged database offers the newest good backup, and restoring it logs the officer in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot
from sqlmodel import Session, func, select

from station_desk import db
from station_desk.models import Incident
from station_desk.services.accounts import StationHandle
from station_desk.services.backup_auto import automatic_backup
from station_desk.services.incidents import create_incident
from station_desk.ui.dialogs.unlock import UnlockDialog
from tests.conftest import COMMANDER_PASSWORD, incident_input


def test_a_damaged_database_offers_the_newest_backup(station: StationHandle, qtbot: QtBot) -> None:
    with db.write_session(station.engine) as s:
        for _ in range(3):
            create_incident(session=s, actor=station.actor, data=incident_input())
    made = automatic_backup(station, datetime.now(UTC) - timedelta(hours=2))
    assert made is not None
    paths = station.paths
    station.close()
    with paths.database.open("r+b") as file:  # the first pages destroyed, as a failing disk does
        file.write(b"\x00" * 8192)

    dialog = UnlockDialog(paths, username="olena")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password_edit.setText(COMMANDER_PASSWORD)
    dialog.try_unlock()
    qtbot.waitUntil(lambda: dialog.restore_newest_button.isVisible(), timeout=20000)
    assert "damaged" in dialog.message.text() and "good backup" in dialog.message.text()
    assert dialog.password_edit.text() == ""  # cleared, yet the offer restores with what was typed
    dialog.restore_newest_button.click()
    qtbot.waitUntil(lambda: dialog.handle is not None, timeout=30000)
    assert dialog.handle is not None
    try:
        with Session(dialog.handle.engine) as s:
            assert s.exec(select(func.count()).select_from(Incident)).one() == 3
    finally:
        dialog.handle.close()
    replaced = [folder for folder in paths.backups.iterdir() if folder.name.startswith("replaced-")]
    assert len(replaced) == 1  # the damaged file is kept aside, not deleted
