"""The self-test's look at the GUI: the main window opens on a station and its first page loads."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings

from station_desk.app import apply_language, make_application
from station_desk.config import Paths
from station_desk.services import accounts
from station_desk.ui.context import AppContext
from station_desk.ui.main_window import MainWindow


def open_main_window_once(paths: Paths, *, username: str, password: str) -> str:
    """Open, wait for the first page's data, close; says how many pages the sidebar offered."""
    # The window remembers its size on close: into the throwaway folder, not the officer's settings.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(paths.data_dir))
    app = make_application(sys.argv[:1])
    apply_language("uk")
    handle = accounts.open_station(paths=paths, username=username, password=password)
    context = AppContext(handle)
    try:
        window = MainWindow(context)
        window.show()
        app.processEvents()
        if not context.workers.wait_idle(30_000):
            raise RuntimeError("the first page did not load within 30 s")
        app.processEvents()
        pages, title = window.sidebar.count(), window.sidebar.item(0).text()
        window.close()
        context.workers.wait_idle()
    finally:
        handle.close()
    return f"{pages} pages, first: {title}"
