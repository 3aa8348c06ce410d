"""The Community page: meetings, prevention events, resident-flagged threats and the priority plan, in tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QTabWidget

from station_desk.i18n import _
from station_desk.ui.context import AppContext
from station_desk.ui.pages.base import Page
from station_desk.ui.pages.community_plan import PlanTab
from station_desk.ui.pages.community_tabs import ListTab, MeetingsTab, PreventionTab, ThreatsTab


class CommunityPage(Page):
    watches = ("communitymeeting", "preventionevent", "residentthreat", "priorityplan", "planaction")

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.meetings = MeetingsTab(context)
        self.prevention = PreventionTab(context)
        self.threats = ThreatsTab(context)
        self.plan = PlanTab(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for tab in (self.meetings, self.prevention, self.threats, self.plan):
            self.tabs.addTab(tab, "")
        self.layout_.addWidget(self.tabs, 1)
        self.add_shortcuts(new=self.new_on_current_tab)

    def new_on_current_tab(self) -> QDialog | None:
        """Ctrl+N: a new meeting, event, threat or plan, after the tab that is showing."""
        tab = self.tabs.currentWidget()
        if isinstance(tab, PlanTab):
            return tab.new_plan()
        return tab.new_record() if isinstance(tab, ListTab) else None

    def title(self) -> str:
        return _("Community")

    def retranslate(self) -> None:
        super().retranslate()
        for index, text in enumerate(
            (_("Meetings"), _("Prevention events"), _("Threats flagged by residents"), _("Priority plan"))
        ):
            self.tabs.setTabText(index, text)
        self.meetings.retranslate()
        self.prevention.retranslate()
        self.threats.retranslate()
        self.plan.retranslate()

    def reload(self) -> None:
        self.meetings.reload()
        self.prevention.reload()
        self.threats.reload()
        self.plan.reload()

    def _on_data_changed(self, record_type: str) -> None:
        # Reload only the tab whose records changed; a threat's status change need not refetch the plan.
        tabs: dict[str, tuple[MeetingsTab | PreventionTab | ThreatsTab | PlanTab, ...]] = {
            "communitymeeting": (self.meetings,),
            "preventionevent": (self.prevention,),
            "residentthreat": (self.threats,),
            "priorityplan": (self.plan,),
            "planaction": (self.plan,),
        }
        for tab in tabs.get(record_type, ()):
            tab.reload()
