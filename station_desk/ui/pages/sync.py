"""The Sync page: what waits to go to the regional server, by record type, and when the last sync ran."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem
from sqlmodel import Session, col, func, select

from station_desk.i18n import _, format_number
from station_desk.models import OutboxEntry, SyncState
from station_desk.services.context import Actor
from station_desk.services.record_types import record_type_name
from station_desk.ui.context import AppContext
from station_desk.ui.pages.base import Page


def _waiting(session: Session, _actor: Actor) -> tuple[list[tuple[str, int]], str | None]:
    rows = session.exec(
        select(OutboxEntry.record_type, func.count())
        .group_by(col(OutboxEntry.record_type))
        .order_by(func.count().desc())
    ).all()
    server = session.get(SyncState, "server_url")
    return [(record_type, int(count)) for record_type, count in rows], (server.value if server else None)


class SyncPage(Page):
    watches = ("*",)

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.sync_button = QPushButton()
        self.sync_button.setEnabled(False)
        self.table = QTableWidget(0, 2)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.layout_.addWidget(self.state_label)
        self.layout_.addWidget(self.sync_button)
        self.layout_.addWidget(self.table, 1)
        self._server: str | None = None
        self._rows: list[tuple[str, int]] = []

    def title(self) -> str:
        return _("Sync")

    def retranslate(self) -> None:
        super().retranslate()
        self.sync_button.setText(_("Sync now"))
        self.table.setHorizontalHeaderLabels([_("Record type"), _("Changes waiting")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self._show_rows()
        self._show_state()

    def reload(self) -> None:
        self.context.read(_waiting, self._show)

    def _show(self, result: tuple[list[tuple[str, int]], str | None]) -> None:
        self._rows, self._server = result
        self._show_rows()
        self._show_state()

    def _show_rows(self) -> None:
        self.table.setRowCount(len(self._rows))
        for row, (record_type, count) in enumerate(self._rows):
            self.table.setItem(row, 0, QTableWidgetItem(record_type_name(record_type)))
            self.table.setItem(row, 1, QTableWidgetItem(format_number(count)))

    def _show_state(self) -> None:
        if self._server:
            self.state_label.setText(_("Regional server: {url}").format(url=self._server))
        else:
            self.state_label.setText(
                _("This laptop is not enrolled with a regional server yet. Every change is kept here and waits.")
            )
            self.sync_button.setToolTip(_("Available once the laptop is enrolled."))
