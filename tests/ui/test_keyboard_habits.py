"""Keyboard first: Ctrl+N and Ctrl+F on the page that is showing, Escape asks before throwing away edits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import Session, func, select

from station_desk.models import Patrol
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.patrol_form import PatrolFormDialog
from station_desk.ui.main_window import MainWindow
from station_desk.ui.pages.incidents import IncidentsPage
from station_desk.ui.pages.patrols import PatrolsPage


def _window(context: AppContext, qtbot: QtBot) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # shortcuts reach only the active window
        window.show()
        window.activateWindow()
    return window


def _new_patrol_form(context: AppContext, qtbot: QtBot) -> PatrolFormDialog:
    page = _window(context, qtbot).show_page(PatrolsPage)
    assert isinstance(page, PatrolsPage)
    qtbot.waitUntil(lambda: page.data is not None)  # the form needs the station's villages and officers
    form = page.open_form(None)
    assert form is not None
    qtbot.waitUntil(form.isVisible)
    return form


def _patrols(context: AppContext) -> int:
    with Session(context.handle.engine) as session:
        return session.exec(select(func.count()).select_from(Patrol)).one()


def test_ctrl_f_goes_to_the_search_box_of_the_page_showing(context: AppContext, qtbot: QtBot) -> None:
    window = _window(context, qtbot)
    incidents = window.show_page(IncidentsPage)
    assert isinstance(incidents, IncidentsPage)
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is incidents.search_edit)
    patrols = window.show_page(PatrolsPage)
    assert isinstance(patrols, PatrolsPage)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is patrols.filter_edit)


def test_ctrl_n_opens_a_new_patrol_and_escape_asks_before_losing_what_was_typed(
    context: AppContext, qtbot: QtBot
) -> None:
    window = _window(context, qtbot)
    page = window.show_page(PatrolsPage)
    assert isinstance(page, PatrolsPage)
    before = _patrols(context)
    qtbot.waitUntil(lambda: page.data is not None)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(page.form, PatrolFormDialog) and page.form.isVisible())
    form = page.form
    assert isinstance(form, PatrolFormDialog)

    qtbot.keyClicks(form.purpose_edit, "Night check")  # QTest types ASCII only
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    question = form.discard_question
    assert question is not None and question.isVisible() and form.isVisible()
    question.button(QMessageBox.StandardButton.Cancel).click()  # keep editing
    assert form.isVisible() and form.purpose_edit.toPlainText() == "Night check"

    qtbot.keyClick(form, Qt.Key.Key_Escape)
    question = form.discard_question
    assert question is not None
    question.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not form.isVisible())
    assert _patrols(context) == before


def test_escape_on_an_untouched_form_closes_it_without_a_question(context: AppContext, qtbot: QtBot) -> None:
    form = _new_patrol_form(context, qtbot)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert form.discard_question is None


def test_fields_carry_their_label_as_accessible_name(context: AppContext, qtbot: QtBot) -> None:
    form = _new_patrol_form(context, qtbot)
    assert form.km_edit.accessibleName() == "Kilometres driven or walked"
