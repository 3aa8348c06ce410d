"""An officer's and a commander's day through the real windows: log in, record, find, submit, approve, supplement."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select

from station_desk.config import resolve_paths
from station_desk.models import Incident, IncidentNote
from station_desk.models.enums import IncidentStatus
from station_desk.services import demo
from station_desk.services.accounts import StationHandle
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.incident_form import IncidentForm
from station_desk.ui.dialogs.unlock import UnlockDialog
from station_desk.ui.main_window import MainWindow
from station_desk.ui.pages.incidents import IncidentsPage

NARRATIVE = "Two jerrycans of diesel stolen from the barn overnight."  # QTest types ASCII only


def log_in(demo_paths: Path, qtbot: QtBot, username: str, password: str) -> StationHandle:
    dialog = UnlockDialog(resolve_paths(demo_paths))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.user_box.setCurrentText(username)
    qtbot.keyClicks(dialog.password_edit, "wrong-password")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.message.isVisible)  # the wrong password is refused with a message
    assert dialog.handle is None and dialog.password_edit.text() == ""
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.handle is not None)
    assert dialog.handle is not None
    return dialog.handle


def open_window(handle: StationHandle, qtbot: QtBot) -> tuple[AppContext, MainWindow, IncidentsPage]:
    context = AppContext(handle)
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    page = window.show_page(IncidentsPage)
    assert isinstance(page, IncidentsPage)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    return context, window, page


def close(context: AppContext) -> None:
    context.workers.wait_idle()
    context.handle.close()


def test_an_incident_from_first_keystroke_to_the_commanders_supplement(demo_paths: Path, qtbot: QtBot) -> None:
    officer = log_in(demo_paths, qtbot, demo.DEMO_OFFICER, demo.DEMO_OFFICER_PASSWORD)
    context, window, page = open_window(officer, qtbot)

    # Ctrl+N, type what happened, choose the category, Ctrl+S.
    qtbot.keyClick(page.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = page.form
    assert isinstance(form, IncidentForm)
    qtbot.waitUntil(lambda: form.is_loaded)
    details = form.details
    details.category_box.setCurrentIndex(details.category_box.findData("theft"))
    qtbot.keyClicks(details.narrative_edit, NARRATIVE)
    qtbot.keyClick(details.narrative_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.incident_id is not None)
    incident_id = form.incident_id
    with Session(officer.engine) as session:
        stored = session.get_one(Incident, incident_id)
        assert stored.narrative == NARRATIVE and stored.status == IncidentStatus.draft
        number = stored.number

    # It is in the list, and a word of the narrative finds it.
    qtbot.waitUntil(lambda: any(row.id == incident_id for row in page.model.rows))
    qtbot.keyClicks(page.search_edit, "jerrycans")
    qtbot.waitUntil(lambda: [row.number for row in page.model.rows] == [number])

    # The officer submits it; it is then read-only for them.
    form.submit_button.click()
    qtbot.waitUntil(lambda: form.status_chip.text() == "submitted")
    assert details.narrative_edit.isReadOnly()
    form.close()
    close(context)

    # The commander logs in at the same desk, approves it, cannot edit it any more, and adds a supplement.
    commander = log_in(demo_paths, qtbot, demo.DEMO_COMMANDER, demo.DEMO_COMMANDER_PASSWORD)
    context, window, page = open_window(commander, qtbot)
    form = page.open_incident(incident_id)
    qtbot.waitUntil(lambda: form.is_loaded)
    form.approve_button.click()
    qtbot.waitUntil(lambda: form.status_chip.text() == "approved")
    assert form.details.narrative_edit.isReadOnly() and not form.save_button.isVisible()
    form.supplement_button.click()
    qtbot.keyClicks(form.timeline_section.text_edit, "The jerrycans were found at the neighbour's.")
    form.timeline_section.add_button.click()
    with Session(commander.engine) as session:
        qtbot.waitUntil(
            lambda: (
                session.exec(select(IncidentNote).where(IncidentNote.incident_id == incident_id)).first() is not None
            )
        )
        approved = session.get_one(Incident, incident_id)
        assert approved.status == IncidentStatus.approved and approved.narrative == NARRATIVE
    form.close()
    close(context)
