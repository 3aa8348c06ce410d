"""The Incidents page (being built)."""

from __future__ import annotations

from station_desk.i18n import _
from station_desk.ui.pages.base import Page


class IncidentsPage(Page):
    def title(self) -> str:
        return _("Incidents")
