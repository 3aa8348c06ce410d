"""The patrol list as a Qt table: one row per patrol, newest first, times in the station's time zone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_time
from babel.numbers import format_decimal
from PySide6.QtCore import Qt

from station_desk.i18n import N_, _, babel_locale, format_datetime
from station_desk.models.enums import PatrolMode
from station_desk.ui.table_models.rows import ListModel

MODE_LABELS = {PatrolMode.foot: N_("On foot"), PatrolMode.car: N_("By car"), PatrolMode.bicycle: N_("By bicycle")}


def mode_label(mode: PatrolMode | str) -> str:
    return _(MODE_LABELS[PatrolMode(mode)])


def format_duration(duration: timedelta) -> str:
    minutes = max(0, round(duration.total_seconds() / 60))
    return _("{hours} h {minutes} min").format(hours=minutes // 60, minutes=f"{minutes % 60:02d}")


@dataclass(frozen=True)
class PatrolRow:
    """A patrol as plain data, with the names it refers to, ready to show and to edit."""

    id: str
    started_at: datetime  # in the station's time zone
    ended_at: datetime
    mode: PatrolMode
    km: float
    officer_ids: list[str] = field(default_factory=list)
    officer_names: list[str] = field(default_factory=list)
    village_ids: list[str] = field(default_factory=list)
    village_names: list[str] = field(default_factory=list)
    vehicle: str | None = None
    purpose: str = ""
    observations: str = ""

    @property
    def duration(self) -> timedelta:
        return self.ended_at - self.started_at


class PatrolTableModel(ListModel[PatrolRow]):
    COL_START, COL_END, COL_DURATION, COL_MODE, COL_VILLAGES, COL_KM, COL_OFFICERS = range(7)

    HEADERS = (N_("Start"), N_("End"), N_("Duration"), N_("Mode"), N_("Villages"), N_("Km"), N_("Officers"))

    def set_rows(self, rows: Sequence[PatrolRow]) -> None:
        super().set_rows(sorted(rows, key=lambda row: (row.started_at, row.id), reverse=True))

    def cell(self, row: PatrolRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.COL_VILLAGES, self.COL_OFFICERS):
            return "\n".join(row.village_names if column == self.COL_VILLAGES else row.officer_names) or None
        if role == Qt.ItemDataRole.UserRole:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.COL_DURATION, self.COL_KM):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: PatrolRow, column: int) -> str | None:
        if column == self.COL_START:
            return format_datetime(row.started_at)
        if column == self.COL_END:
            # The same day needs only the time; a night patrol past midnight shows its date as well.
            if row.ended_at.date() == row.started_at.date():
                return format_time(row.ended_at, format="short", locale=babel_locale())
            return format_datetime(row.ended_at)
        if column == self.COL_DURATION:
            return format_duration(row.duration)
        if column == self.COL_MODE:
            return mode_label(row.mode)
        if column == self.COL_VILLAGES:
            return ", ".join(row.village_names)
        if column == self.COL_KM:
            return format_decimal(row.km, format="#,##0.0", locale=babel_locale())  # one decimal lines the column up
        if column == self.COL_OFFICERS:
            return ", ".join(row.officer_names)
        return None

    def _sort_key(self, row: PatrolRow, column: int) -> Any:
        """Values the sort proxy compares, so dates and numbers sort as such rather than as text."""
        keys: dict[int, Any] = {
            self.COL_START: row.started_at.timestamp(),
            self.COL_END: row.ended_at.timestamp(),
            self.COL_DURATION: row.duration.total_seconds(),
            self.COL_MODE: mode_label(row.mode),
            self.COL_VILLAGES: ", ".join(row.village_names),
            self.COL_KM: row.km,
            self.COL_OFFICERS: ", ".join(row.officer_names),
        }
        return keys.get(column)
