"""The main window on a demo station: every page in the sidebar, the status bar, lock."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from station_desk.ui.context import AppContext
from station_desk.ui.main_window import MainWindow
from station_desk.ui.pages.settings import SettingsPage


def test_sidebar_lists_every_page_and_status_bar_names_the_user(context: AppContext, qtbot: QtBot) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles == [
        "Today", "Incidents", "Patrols", "Reception", "Community", "People", "Reports", "Sync", "Settings",
    ]  # fmt: skip
    qtbot.waitUntil(lambda: "changes waiting" in window.sync_label.text())
    assert context.actor.full_name in window.user_label.text()
    assert window.station_label.text()
    for row in range(window.sidebar.count()):
        window.sidebar.setCurrentRow(row)
        assert window.stack.currentWidget() is window.pages[row]
    # Each page loads when first shown; the last one, Settings, then lists the station's accounts.
    settings = window.pages[-1]
    assert isinstance(settings, SettingsPage)
    qtbot.waitUntil(lambda: settings.users_table.rowCount() == 2)
    with qtbot.waitSignal(context.locked):
        window.lock_button.click()
