"""The Reports page: monthly reports for the commander and the community (being built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from station_desk.i18n import _
from station_desk.ui.context import AppContext
from station_desk.ui.pages.base import Page


class ReportsPage(Page):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.layout_.addWidget(self.note)
        self.layout_.addStretch(1)

    def title(self) -> str:
        return _("Reports")

    def retranslate(self) -> None:
        super().retranslate()
        self.note.setText(_("Monthly PDF reports are not available in this version yet."))
