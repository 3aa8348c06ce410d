"""Read-only table models over a plain list of records: the shared list base, and one with a sort role."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, ClassVar, Generic, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from station_desk.i18n import _, format_date, format_datetime

T = TypeVar("T")
# The proxy sorts by this role, so dates sort as dates and numbers as numbers whatever the display text.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the invisible root: a table has no other parent


class ListModel(QAbstractTableModel, Generic[T]):
    """The rows, Qt's counts and the column headers; subclasses say what a cell holds for a role in `cell()`.

    Headers come from `HEADERS` (marked with N_, translated when shown, so a language switch needs no reload)
    unless a subclass overrides `headers()`.
    """

    HEADERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T:
        return self.rows[row]

    def headers(self) -> list[str]:
        return [_(header) for header in self.HEADERS]

    def cell(self, record: T, column: int, role: int) -> Any:
        """What one cell holds for a Qt role (text, tooltip, colour, sort key); None for a role not used."""
        return None

    def retranslate(self) -> None:
        """Headers and enum labels change with the language; the rows stay."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.columnCount() - 1))
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.columnCount() - 1))

    # -- Qt's interface -----------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = NO_PARENT) -> int:  # noqa: N802 - Qt's name
        if parent.isValid():
            return 0
        return len(self.rows)

    def columnCount(self, parent: AnyIndex = NO_PARENT) -> int:  # noqa: N802 - Qt's name
        if parent.isValid():
            return 0
        return len(self.headers())

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.cell(self.rows[index.row()], index.column(), role)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None


class RowsModel(ListModel[T]):
    """Subclasses name their columns in `headers()` and say what each cell shows in `display()`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timezone = "UTC"
        self.villages: dict[str, str] = {}

    def set_rows(
        self, rows: Sequence[T], *, timezone: str | None = None, villages: dict[str, str] | None = None
    ) -> None:
        if timezone is not None:
            self.timezone = timezone
        if villages is not None:
            self.villages = villages
        super().set_rows(rows)

    def display(self, record: T, column: int) -> str:
        raise NotImplementedError

    def sort_key(self, record: T, column: int) -> Any:
        return self.display(record, column).casefold()

    def foreground(self, record: T, column: int) -> Any:
        return None

    def tooltip(self, record: T, column: int) -> str | None:
        return None

    def cell(self, record: T, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(record, column)
        if role == SORT_ROLE:
            return self.sort_key(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(record, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(record, column)
        return None

    # -- helpers for subclasses ---------------------------------------------------------------------------

    def local_time(self, moment: datetime) -> str:
        return format_datetime(moment.astimezone(ZoneInfo(self.timezone)))

    @staticmethod
    def day(value: date) -> str:
        return format_date(value)

    def village(self, village_id: str | None) -> str:
        return self.villages.get(village_id, "") if village_id else ""
