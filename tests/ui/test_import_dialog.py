"""The import window: a commander previews a register, fixes a column, imports it, and undoes it from the history."""

from __future__ import annotations

import csv
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlmodel import col, func, select

from station_desk.models import ImportRun, Incident, Village
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.import_dialog import ImportDialog
from station_desk.ui.pages.settings import SettingsPage
from tests.ui.conftest import direct_session, shown


def _register(tmp_path: Path, village: str) -> Path:
    path = tmp_path / "журнал.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Дата", "Вид", "Село", "Фабула"])
        writer.writerow(["03.02.2025", "Погроза", village, "Погрожував сусідові сокирою"])
        writer.writerow(["04.02.2025", "Крадіжка худоби", village, "Зникла коза"])
        writer.writerow(["05.02.2025", "Невідоме", village, "Нема такої категорії"])
    return path


def _imported_incidents(context: AppContext) -> int:
    with direct_session(context) as s:
        query = select(func.count()).select_from(Incident).where(col(Incident.narrative).in_(["Зникла коза"]))
        return s.exec(query.where(col(Incident.deleted_at).is_(None))).one()


def test_preview_import_and_undo(context: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    with direct_session(context) as s:
        village = s.exec(select(Village.name)).first()
    assert village
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.open_file(_register(tmp_path, village))
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
    summary = dialog.summary.text()
    assert "Rows read: 3" in summary and "New records: 2" in summary and "Rejected rows: 1" in summary
    assert dialog.rejections.rowCount() == 1 and dialog.rejections.item(0, 0).text() == "4"
    assert "Unknown category “Невідоме”" in dialog.rejections.item(0, 1).text()
    assert [dialog.mapping_table.item(row, 0).text() for row in range(4)] == ["Дата", "Вид", "Село", "Фабула"]
    assert dialog.import_button.isEnabled()
    assert _imported_incidents(context) == 0  # the preview wrote nothing

    # The officer says "Фабула" is not to be imported: the preview runs again without it.
    narrative_box = dialog.mapping_table.cellWidget(3, 1)
    dialog.preview = None
    narrative_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
    assert "Фабула" not in dialog.preview.plan.mapping.fields
    narrative_box = dialog.mapping_table.cellWidget(3, 1)  # the table is rebuilt with every preview
    dialog.preview = None
    narrative_box.setCurrentIndex(narrative_box.findData("narrative"))
    qtbot.waitUntil(lambda: dialog.preview is not None and "Фабула" in dialog.preview.plan.mapping.fields)

    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.history.rowCount() == 1, timeout=30000)
    assert "Imported 2 records" in dialog.summary.text()
    assert _imported_incidents(context) == 1
    assert dialog.history.item(0, 1).text() == "журнал.csv" and dialog.history.item(0, 4).text() == "active"

    dialog.tabs.setCurrentIndex(1)
    dialog.history.selectRow(0)
    assert dialog.undo_button.isEnabled()
    dialog.undo(dialog.runs[0].id)
    qtbot.waitUntil(lambda: dialog.history.item(0, 4).text().startswith("undone"), timeout=30000)
    assert _imported_incidents(context) == 0
    with direct_session(context) as s:
        assert s.exec(select(ImportRun)).one().undone_at is not None


def test_only_a_commander_opens_the_import(officer_context: AppContext, qtbot: QtBot) -> None:
    page = shown(SettingsPage(officer_context), qtbot)
    assert not page.import_button.isEnabled()
    assert "Only the station commander may import" in page.import_label.text()
