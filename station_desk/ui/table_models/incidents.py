"""The incident list as a Qt table: sorted in the database, fetched a page at a time in the background (keyset)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import qtawesome as qta
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QIcon
from sqlmodel import Session

from station_desk.i18n import N_, _
from station_desk.models.enums import IncidentStatus
from station_desk.services.context import Actor
from station_desk.services.incident_list import (
    PAGE_SIZE,
    IncidentFilter,
    IncidentOrder,
    IncidentRow,
    PageCursor,
    SortKey,
    cursor_after,
    list_incidents,
)
from station_desk.services.incidents import status_label
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.incident_common import Lookups
from station_desk.ui.table_models.rows import NO_PARENT, AnyIndex, ListModel


class IncidentTableModel(ListModel[IncidentRow]):
    """Rows arrive through `fetchMore`; a filter change or a reload starts again from the newest."""

    COL_NUMBER, COL_REPORTED, COL_CATEGORY, COL_VILLAGE, COL_STATUS, COL_SUMMARY = range(6)

    HEADERS = (N_("Number"), N_("Reported"), N_("Category"), N_("Village"), N_("Status"), N_("What happened"))
    ID_ROLE = Qt.ItemDataRole.UserRole
    # The summary column is not sortable: ordering 100,000 narratives by their first words helps nobody.
    SORT_KEYS = {
        COL_NUMBER: SortKey.number,
        COL_REPORTED: SortKey.reported_at,
        COL_CATEGORY: SortKey.category,
        COL_VILLAGE: SortKey.village,
        COL_STATUS: SortKey.status,
    }

    # Emitted after each page lands (or fails), so the page can update its count and empty state.
    fetched = Signal()
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.context = context
        self.filters = IncidentFilter()
        self.order = IncidentOrder()
        self.lookups = Lookups()
        self._category_names: dict[str, str] = {}
        self._has_more = True
        self._fetching = False
        # Bumped on every reset: a page that was asked for under an older filter is dropped when it lands.
        self._generation = 0
        self._dv_icon: QIcon | None = None

    # -- what the page calls ---------------------------------------------------------------------------------

    def set_lookups(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.retranslate()

    def retranslate(self) -> None:
        self._category_names = self.lookups.category_names()
        super().retranslate()

    def set_filter(self, filters: IncidentFilter) -> None:
        self.filters = replace(filters)
        self.reload(keep_loaded=False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt calls this when a header is clicked; the database sorts, and paging starts again from the top."""
        key = self.SORT_KEYS.get(column)
        if key is None:
            return
        wanted = IncidentOrder(key=key, descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self.order:
            self.order = wanted
            self.reload(keep_loaded=False)

    def sort_column(self) -> int:
        return next(column for column, key in self.SORT_KEYS.items() if key == self.order.key)

    def reload(self, *, keep_loaded: bool = True) -> None:
        """Start again from the top; after an edit, fetch as many rows as were shown so the place is kept."""
        want = max(PAGE_SIZE, len(self.rows)) if keep_loaded else PAGE_SIZE
        self.beginResetModel()
        self.rows = []
        self._has_more = True
        self._fetching = False
        self._generation += 1
        self.endResetModel()
        self._fetch(want)

    @property
    def is_fetching(self) -> bool:
        return self._fetching

    @property
    def has_more(self) -> bool:
        return self._has_more

    def incident_id(self, index: AnyIndex) -> str | None:
        return self.rows[index.row()].id if index.isValid() and 0 <= index.row() < len(self.rows) else None

    # -- paging ----------------------------------------------------------------------------------------------

    def canFetchMore(self, parent: AnyIndex = NO_PARENT) -> bool:  # noqa: N802 - Qt's name
        if parent.isValid():
            return False
        return self._has_more and not self._fetching

    def fetchMore(self, parent: AnyIndex = NO_PARENT) -> None:  # noqa: N802 - Qt's name
        if parent.isValid():
            return
        self._fetch(PAGE_SIZE)

    def _fetch(self, limit: int) -> None:
        # Views call fetchMore again while a page is on its way; one page at a time keeps rows in order.
        if self._fetching or not self._has_more:
            return
        self._fetching = True
        generation = self._generation
        filters, order = replace(self.filters), self.order
        after: PageCursor | None = cursor_after(self.rows[-1], order) if self.rows else None

        def query(session: Session, actor: Actor) -> list[IncidentRow]:
            return list_incidents(session=session, actor=actor, filters=filters, after=after, limit=limit, order=order)

        self.context.read(
            query,
            lambda rows: self._append(generation, limit, rows),
            lambda error: self._fetch_failed(generation, error),
        )

    def _append(self, generation: int, limit: int, rows: list[IncidentRow]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._has_more = len(rows) == limit
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        self.fetched.emit()

    def _fetch_failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._has_more = False  # stop the view from asking again in a loop; a reload tries afresh
        self.failed.emit(describe_error(error))
        self.fetched.emit()

    # -- the table -------------------------------------------------------------------------------------------

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def cell(self, row: IncidentRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_NUMBER and row.domestic_violence:
            return self._shield()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_NUMBER and row.domestic_violence:
                return _("Domestic violence")
            if column == self.COL_SUMMARY:
                return row.summary or None
        if role == self.ID_ROLE:
            return row.id
        return None

    def _display(self, row: IncidentRow, column: int) -> str | None:
        if column == self.COL_NUMBER:
            return row.number
        if column == self.COL_REPORTED:
            return self.lookups.when(row.reported_at)
        if column == self.COL_CATEGORY:
            return self._category_names.get(row.category_code, row.category_code)
        if column == self.COL_VILLAGE:
            return row.village or ""
        if column == self.COL_STATUS:
            return status_label(IncidentStatus(row.status))
        if column == self.COL_SUMMARY:
            # One line in the table; the full text is in the tooltip and the form.
            return " ".join(row.summary.split())
        return None

    def _shield(self) -> QIcon:
        # Made on first use: qtawesome needs a running QApplication, which the model's import must not.
        if self._dv_icon is None:
            self._dv_icon = qta.icon("mdi6.shield-alert-outline", color="#b3261e")
        return self._dv_icon
