"""The main window: a sidebar of pages, the status bar, and the wiring between them; nothing else."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)
from sqlmodel import Session, func, select

from station_desk.i18n import _
from station_desk.models import OutboxEntry, Station, SyncState
from station_desk.services.context import Actor
from station_desk.ui.context import AppContext
from station_desk.ui.pages.base import Page
from station_desk.ui.pages.registry import page_classes

SIDEBAR_MIN_WIDTH = 190


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setMinimumSize(1000, 640)
        self.sidebar = QListWidget()
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.setIconSize(self.sidebar.iconSize() * 1.2)
        self.stack = QStackedWidget()
        self.pages: list[Page] = []
        self.shown_pages: set[Page] = set()
        for page_class, icon_name in page_classes():
            page = page_class(context)
            self.pages.append(page)
            self.stack.addWidget(page)
            self.sidebar.addItem(QListWidgetItem(qta.icon(icon_name), ""))
        self.sidebar.currentRowChanged.connect(self._show_page)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.user_label = QLabel()
        self.station_label = QLabel()
        self.sync_label = QLabel()
        self.lock_button = QPushButton(qta.icon("mdi6.lock"), "")
        self.lock_button.clicked.connect(context.locked.emit)
        status = self.statusBar()
        status.addWidget(self.user_label)
        status.addWidget(self.station_label)
        status.addPermanentWidget(self.sync_label)
        status.addPermanentWidget(self.lock_button)
        QShortcut(QKeySequence("Ctrl+L"), self, context.locked.emit)

        context.data_changed.connect(lambda _type: self.refresh_status())
        context.sync_state_changed.connect(self.refresh_status)
        context.language_changed.connect(lambda _language: self.retranslate())
        self.retranslate()
        self._restore_geometry()
        self.sidebar.setCurrentRow(0)
        self.refresh_status()

    def retranslate(self) -> None:
        for row, page in enumerate(self.pages):
            item = self.sidebar.item(row)
            item.setText(page.title())
            page.retranslate()
        # Titles differ in length per language ("Przyjęcia interesantów"): the sidebar fits the longest one.
        widest = self.sidebar.sizeHintForColumn(0) + 2 * self.sidebar.frameWidth() + 8
        self.sidebar.setFixedWidth(max(SIDEBAR_MIN_WIDTH, widest))
        actor = self.context.actor
        role = _("commander") if actor.is_commander else _("officer")
        self.user_label.setText(f"{actor.full_name} ({role})")
        self.lock_button.setText(_("Lock"))
        self.lock_button.setToolTip(_("Lock the app (Ctrl+L); log in again to continue."))
        self.setWindowTitle(_("Station Desk"))
        self.refresh_status()

    def _show_page(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        page = self.pages[row]
        # Pages load their data the first time they are shown, so start-up queries only the Today page.
        if page not in self.shown_pages:
            self.shown_pages.add(page)
            page.reload()

    def show_page(self, page_class: type[Page]) -> Page:
        for row, page in enumerate(self.pages):
            if isinstance(page, page_class):
                self.sidebar.setCurrentRow(row)
                return page
        raise KeyError(page_class)

    def refresh_status(self) -> None:
        def query(session: Session, actor: Actor) -> tuple[str, int, str | None]:
            station = session.get(Station, actor.station_id)
            waiting = session.exec(select(func.count()).select_from(OutboxEntry)).one()
            last = session.get(SyncState, "last_sync_at")
            return (station.name if station else ""), int(waiting), (last.value if last else None)

        self.context.read(query, self._show_status)

    def _show_status(self, status: tuple[str, int, str | None]) -> None:
        station_name, waiting, last_sync = status
        self.station_label.setText(station_name)
        synced = _("Last sync: {when}").format(when=last_sync) if last_sync else _("Never synced")
        self.sync_label.setText(_("{synced} · {count} changes waiting").format(synced=synced, count=waiting))

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 720)  # fits a 1366x768 laptop with its task bar

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        self.context.workers.wait_idle()
        super().closeEvent(event)
