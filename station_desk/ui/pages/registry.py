"""The sidebar's pages in order, each with its icon (Material Design Icons through qtawesome)."""

from __future__ import annotations

from station_desk.ui.pages.base import Page


def page_classes() -> list[tuple[type[Page], str]]:
    # Imported here so each page module can import the context without a cycle through the main window.
    from station_desk.ui.pages.community import CommunityPage
    from station_desk.ui.pages.incidents import IncidentsPage
    from station_desk.ui.pages.patrols import PatrolsPage
    from station_desk.ui.pages.people import PeoplePage
    from station_desk.ui.pages.reception import ReceptionPage
    from station_desk.ui.pages.reports import ReportsPage
    from station_desk.ui.pages.settings import SettingsPage
    from station_desk.ui.pages.sync import SyncPage
    from station_desk.ui.pages.today import TodayPage

    return [
        (TodayPage, "mdi6.view-dashboard-outline"),
        (IncidentsPage, "mdi6.alert-circle-outline"),
        (PatrolsPage, "mdi6.walk"),
        (ReceptionPage, "mdi6.account-clock-outline"),
        (CommunityPage, "mdi6.account-group-outline"),
        (PeoplePage, "mdi6.card-account-details-outline"),
        (ReportsPage, "mdi6.file-chart-outline"),
        (SyncPage, "mdi6.cloud-sync-outline"),
        (SettingsPage, "mdi6.cog-outline"),
    ]
