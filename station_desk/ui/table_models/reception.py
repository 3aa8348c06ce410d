"""Reception visits as Qt tables: the visitors of one session, and the follow-ups that are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from station_desk.i18n import N_, _, format_date
from station_desk.models.enums import VisitOutcome
from station_desk.ui.table_models.rows import ListModel

OUTCOME_LABELS = {
    VisitOutcome.advice_given: N_("Advice given"),
    VisitOutcome.incident_opened: N_("Incident opened"),
    VisitOutcome.referred: N_("Referred elsewhere"),
    VisitOutcome.other: N_("Other"),
}

OVERDUE_COLOUR = "#b3261e"  # the form's error red: readable on light and dark palettes


def outcome_label(outcome: VisitOutcome | str) -> str:
    return _(OUTCOME_LABELS[VisitOutcome(outcome)])


@dataclass(frozen=True)
class VisitRow:
    """A visit as plain data, with the day of the reception it was made at."""

    id: str
    session_id: str
    day: date
    visitor_name: str
    topic: str
    outcome: VisitOutcome
    follow_up_on: date | None
    resolved: bool
    incident_id: str | None = None
    person_id: str | None = None


class _VisitModel(ListModel[VisitRow]):
    """Rows of visits; subclasses name their columns and say what each shows."""

    def cell(self, row: VisitRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.topic
        return None

    def display(self, row: VisitRow, column: int) -> str | None:
        raise NotImplementedError


class VisitTableModel(_VisitModel):
    """The visitors of one reception session, in the order they came."""

    COL_VISITOR, COL_TOPIC, COL_OUTCOME, COL_FOLLOW_UP, COL_RESOLVED = range(5)
    HEADERS = (N_("Visitor"), N_("Topic"), N_("Outcome"), N_("Follow-up"), N_("Resolved"))

    def display(self, row: VisitRow, column: int) -> str | None:
        if column == self.COL_VISITOR:
            return row.visitor_name
        if column == self.COL_TOPIC:
            return row.topic
        if column == self.COL_OUTCOME:
            return outcome_label(row.outcome)
        if column == self.COL_FOLLOW_UP:
            return format_date(row.follow_up_on) if row.follow_up_on else ""
        if column == self.COL_RESOLVED:
            return _("Yes") if row.resolved else _("No")
        return None


class FollowUpTableModel(_VisitModel):
    """Unresolved visits whose follow-up day has come, oldest first."""

    COL_DUE, COL_VISITOR, COL_TOPIC, COL_VISITED = range(4)
    HEADERS = (N_("Follow-up due"), N_("Visitor"), N_("Topic"), N_("Visited on"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.today: date | None = None

    def display(self, row: VisitRow, column: int) -> str | None:
        if column == self.COL_DUE and row.follow_up_on is not None:
            return format_date(row.follow_up_on)
        if column == self.COL_VISITOR:
            return row.visitor_name
        if column == self.COL_TOPIC:
            return row.topic
        if column == self.COL_VISITED:
            return format_date(row.day)
        return None

    def cell(self, row: VisitRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_DUE:
            overdue = self.today is not None and row.follow_up_on is not None and row.follow_up_on < self.today
            return QBrush(QColor(OVERDUE_COLOUR)) if overdue else None
        return super().cell(row, column, role)
