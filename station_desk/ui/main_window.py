"""The main window: a sidebar of pages, the status bar, and the wiring between them; nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

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

from station_desk import db
from station_desk.i18n import _, format_datetime, format_number, ngettext
from station_desk.models import Station
from station_desk.sync import overview
from station_desk.ui.context import AppContext
from station_desk.ui.pages.base import Page
from station_desk.ui.pages.registry import page_classes
from station_desk.ui.sync_runner import SyncOutcome, SyncRunner

SIDEBAR_MIN_WIDTH = 190


@dataclass(frozen=True)
class SyncStatusLine:
    """What the status bar says about the station and its sync."""

    station_name: str
    waiting: int
    last_sync: str | None  # formatted in the station's time zone
    open_conflicts: int
    enrolled: bool
    last_error: str | None


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setMinimumSize(1000, 640)
        # Made before the pages: the Sync page shows this runner's progress.
        self.sync_runner = SyncRunner(context, self)
        context.sync_runner = self.sync_runner
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
        self.syncing_icon = QLabel()
        self.syncing_icon.setPixmap(qta.icon("mdi6.sync").pixmap(16, 16))
        self.syncing_icon.hide()
        self.conflicts_button = QPushButton(qta.icon("mdi6.alert-outline", color="#b3261e"), "")
        self.conflicts_button.setFlat(True)
        self.conflicts_button.clicked.connect(self._show_sync_page)
        self.conflicts_button.hide()
        self._status: SyncStatusLine | None = None
        self.lock_button = QPushButton(qta.icon("mdi6.lock"), "")
        self.lock_button.clicked.connect(context.locked.emit)
        status = self.statusBar()
        status.addWidget(self.user_label)
        status.addWidget(self.station_label)
        status.addPermanentWidget(self.conflicts_button)
        status.addPermanentWidget(self.syncing_icon)
        status.addPermanentWidget(self.sync_label)
        status.addPermanentWidget(self.lock_button)
        QShortcut(QKeySequence("Ctrl+L"), self, context.locked.emit)

        context.data_changed.connect(lambda _type: self.refresh_status())
        context.sync_state_changed.connect(self.refresh_status)
        self.sync_runner.started.connect(lambda _automatic: self._show_sync_line())
        self.sync_runner.finished.connect(self._sync_finished)
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
        engine, station_id = self.context.handle.engine, self.context.actor.station_id

        def query() -> SyncStatusLine:
            with db.read_session(engine) as session:
                station = session.get(Station, station_id)
            status = overview.sync_status(engine)
            last = status.last_sync_at
            timezone = station.timezone if station else "UTC"
            return SyncStatusLine(
                station_name=station.name if station else "",
                waiting=status.waiting,
                last_sync=format_datetime(last.astimezone(ZoneInfo(timezone))) if last else None,
                open_conflicts=status.open_conflicts,
                enrolled=status.enrolled,
                last_error=status.last_error,
            )

        self.context.workers.read(query, self._show_status)

    def _show_status(self, status: SyncStatusLine) -> None:
        self._status = status
        self.station_label.setText(status.station_name)
        self._show_sync_line()

    def _show_sync_line(self) -> None:
        status = self._status
        if status is None:
            return
        waiting = ngettext("{count} change waiting", "{count} changes waiting", status.waiting).format(
            count=format_number(status.waiting)
        )
        if self.sync_runner.running:
            synced = _("Syncing…")
        elif status.last_sync:
            synced = _("Last sync: {when}").format(when=status.last_sync)
        else:
            synced = _("Never synced")
        self.sync_label.setText(_("{synced} · {waiting}").format(synced=synced, waiting=waiting))
        self.syncing_icon.setVisible(self.sync_runner.running)
        tip = [_("Not enrolled with a regional server.")] if not status.enrolled else []
        if status.last_error and not self.sync_runner.running:
            tip.append(_("The last try failed: {reason}").format(reason=status.last_error))
        self.sync_label.setToolTip("\n".join(tip))
        self.conflicts_button.setVisible(status.open_conflicts > 0)
        self.conflicts_button.setText(
            ngettext("{count} conflict to resolve", "{count} conflicts to resolve", status.open_conflicts).format(
                count=format_number(status.open_conflicts)
            )
        )

    def _sync_finished(self, outcome: SyncOutcome) -> None:
        self.refresh_status()
        result = outcome.result
        if result is not None and (result.received or result.merged or result.conflicts):
            # Records came from the server: every page already loaded shows them (the Sync page reloads itself).
            from station_desk.ui.pages.sync import SyncPage

            for page in self.shown_pages:
                if not isinstance(page, SyncPage):
                    page.reload()

    def _show_sync_page(self) -> None:
        from station_desk.ui.pages.sync import SyncPage

        self.show_page(SyncPage)

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 720)  # fits a 1366x768 laptop with its task bar

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        self.sync_runner.shutdown()
        self.context.workers.wait_idle()
        super().closeEvent(event)
