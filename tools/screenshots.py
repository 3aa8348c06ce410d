"""Renders every page of the main window, and the incident form, in each language to PNG in docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [uk pl sq sr sr_Latn en]

Each language gets its own demo station (built once into a temporary folder, with the station's own villages
and names), opened as the demo commander at 1366×768, the screen of the old laptops at the stations. Look at
the pictures after a change to the UI: clipped labels, overlapping widgets or boxes instead of letters are bugs.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
# Fixed, so the pictures change only when the UI does.
DEMO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SIZE = (1366, 768)


def pump(app: object, seconds: float) -> None:
    """Let background reads land and the widgets repaint."""
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


def save(widget: object, target: Path) -> None:
    """A 256-colour PNG: a quarter of the size of a true-colour one, and the text stays crisp."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    flags = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
    widget.grab().toImage().convertToFormat(QImage.Format.Format_Indexed8, flags).save(str(target))


def shoot(language: str, work: Path) -> list[Path]:
    from sqlalchemy import text

    from station_desk import app as app_module
    from station_desk.config import resolve_paths
    from station_desk.keys import THROWAWAY_KDF
    from station_desk.services import accounts, demo
    from station_desk.ui.context import AppContext
    from station_desk.ui.dialogs.incident_form import IncidentForm
    from station_desk.ui.main_window import MainWindow
    from station_desk.ui.pages.reports import ReportsPage

    station_language = language.replace("_Latn", "")
    paths = resolve_paths(work / f"station-{station_language}")
    if not paths.database.exists():
        demo.build_demo_station(
            paths=paths, language=station_language, months=3, seed=1, kdf=THROWAWAY_KDF, now=DEMO_NOW
        )
    app = app_module.make_application(sys.argv[:1])
    app_module.apply_language(language)
    handle = accounts.open_station(paths=paths, username=demo.DEMO_COMMANDER, password=demo.DEMO_COMMANDER_PASSWORD)
    context = AppContext(handle)
    window = MainWindow(context)
    window.resize(*SIZE)
    window.show()
    written = []
    for row, page in enumerate(window.pages):
        window.sidebar.setCurrentRow(row)
        pump(app, 1.0)
        if isinstance(page, ReportsPage):
            # The page is worth a picture with a report in its preview.
            page.purpose_edit.setText("Monthly review")
            page.build()
            deadline = time.monotonic() + 60
            while not page.page_images and time.monotonic() < deadline:
                pump(app, 0.2)
            pump(app, 0.5)
        target = OUT / f"{language}-{row + 1:02d}-{type(page).__name__.removesuffix('Page').lower()}.png"
        save(window, target)
        written.append(target)
    with handle.engine.connect() as connection:
        # The newest incident with a protective measure shows every part of the form at once.
        incident_id = connection.execute(
            text("SELECT incident_id FROM protectivemeasure ORDER BY issued_at DESC LIMIT 1")
        ).scalar()
    form = IncidentForm(context, str(incident_id))
    form.resize(1100, 720)
    form.show()
    pump(app, 1.5)
    for tab in range(form.tabs.count()):
        form.tabs.setCurrentIndex(tab)
        pump(app, 0.3)
        target = OUT / f"{language}-incident-{tab + 1}.png"
        save(form, target)
        written.append(target)
    form.close()
    window.close()
    context.workers.wait_idle()
    handle.close()
    return written


def main(languages: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from station_desk.i18n import LANGUAGES

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="station-desk-screens-") as folder:
        # Window geometry and column widths go to the temporary folder, not to the user's settings.
        from PySide6.QtCore import QSettings

        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        for language in languages or list(LANGUAGES):
            for path in shoot(language, Path(folder)):
                print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
