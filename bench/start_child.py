"""Child process of bench_start: prints seconds from interpreter start to a usable window, and its RSS.

`bare` shows an empty QMainWindow; `app` unlocks the 100k station and shows the main window with its first
page's data loaded, as an officer would see it after typing the password.
"""

from __future__ import annotations

import os
import resource
import sys
import time

STARTED = time.perf_counter()  # as close to interpreter start as a script gets; imports follow


def bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 720)
    window.show()
    app.processEvents()
    report()


def full(data_dir: str) -> None:
    from PySide6.QtWidgets import QApplication

    from station_desk.app import apply_language, make_application
    from station_desk.config import resolve_paths
    from station_desk.services import accounts, demo
    from station_desk.ui.context import AppContext
    from station_desk.ui.main_window import MainWindow

    app = make_application(sys.argv[:1])
    apply_language("uk")
    handle = accounts.open_station(
        paths=resolve_paths(data_dir), username=demo.DEMO_COMMANDER, password=demo.DEMO_COMMANDER_PASSWORD
    )
    context = AppContext(handle)
    window = MainWindow(context)
    window.show()
    # Usable: the status bar and the first page have their data (the reads run in the background).
    while "·" not in window.sync_label.text():
        app.processEvents()
        time.sleep(0.001)
    context.workers.wait_idle()
    app.processEvents()
    report()
    if len(sys.argv) > 3 and sys.argv[3] == "--scroll":
        from station_desk.ui.pages.incidents import IncidentsPage

        page = window.show_page(IncidentsPage)
        deadline = time.perf_counter() + 20
        while time.perf_counter() < deadline:
            app.processEvents()
        print(f"rss_after_incidents_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", flush=True)
        del page
    QApplication.quit()


def report() -> None:
    elapsed = time.perf_counter() - STARTED
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"seconds={elapsed:.3f} rss_mb={rss_mb:.0f}", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if sys.argv[1] == "bare":
        bare()
    else:
        full(sys.argv[2])
