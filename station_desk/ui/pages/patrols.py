"""The Patrols page: a month of patrols, the time-on-the-beat summary, and the patrol form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import qtawesome as qta
from babel.numbers import format_percent
from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
)
from sqlmodel import Session, col, select

from station_desk.i18n import _, babel_locale, format_date, format_number, ngettext
from station_desk.models import PatrolVillage, Station, User, Village
from station_desk.models.enums import PatrolMode
from station_desk.services.context import Actor
from station_desk.services.patrols import list_patrols
from station_desk.services.today import month_bounds as months_around
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.patrol_form import Choice, PatrolFormDialog
from station_desk.ui.pages.base import Page
from station_desk.ui.table_models.patrols import PatrolRow, PatrolTableModel, format_duration
from station_desk.ui.table_models.views import list_view, remember_header

BEAT_GOAL = 0.8  # community officers should spend up to 80% of working time on the beat
WORKDAY_HOURS = 8


@dataclass
class PatrolMonth:
    """What the page shows for one month, as plain data (no ORM object leaves the reading thread)."""

    timezone: str
    month: date
    today: date
    rows: list[PatrolRow] = field(default_factory=list)
    officers: list[Choice] = field(default_factory=list)
    villages: list[Choice] = field(default_factory=list)


def month_bounds(month: date, timezone: str) -> tuple[datetime, datetime]:
    """The month from local midnight of its first day to that of the next month's, in UTC."""
    _previous, since, until = months_around(month, ZoneInfo(timezone))
    return since, until


def load_month(session: Session, actor: Actor, month: date | None) -> PatrolMonth:
    station = session.get_one(Station, actor.station_id)
    zone = ZoneInfo(station.timezone)
    today = datetime.now(zone).date()
    month = (month or today).replace(day=1)
    since, until = month_bounds(month, station.timezone)
    patrols = list_patrols(session=session, actor=actor, since=since, until=until)
    users = session.exec(
        select(User).where(User.station_id == actor.station_id, col(User.deleted_at).is_(None)).order_by(User.full_name)
    ).all()
    villages = session.exec(
        select(Village)
        .where(Village.station_id == actor.station_id, col(Village.deleted_at).is_(None))
        .order_by(Village.name)
    ).all()
    links = session.exec(
        select(PatrolVillage.patrol_id, PatrolVillage.village_id)
        .where(col(PatrolVillage.patrol_id).in_([p.id for p in patrols]), col(PatrolVillage.deleted_at).is_(None))
        .order_by(col(PatrolVillage.created_at), col(PatrolVillage.id))
    ).all()
    user_names = {user.id: user.full_name for user in users}
    village_names = {village.id: village.name for village in villages}
    visited: dict[str, list[str]] = {}
    for patrol_id, village_id in links:
        visited.setdefault(patrol_id, []).append(village_id)
    rows = [
        PatrolRow(
            id=patrol.id, started_at=patrol.started_at.astimezone(zone), ended_at=patrol.ended_at.astimezone(zone),
            mode=PatrolMode(patrol.mode), km=patrol.km, officer_ids=list(patrol.officer_ids),
            officer_names=[user_names.get(uid, "?") for uid in patrol.officer_ids],
            village_ids=visited.get(patrol.id, []),
            village_names=[village_names.get(vid, "?") for vid in visited.get(patrol.id, [])],
            vehicle=patrol.vehicle, purpose=patrol.purpose, observations=patrol.observations,
        )
        for patrol in patrols
    ]  # fmt: skip
    # Disabled accounts stay in the names above (old patrols) but are not offered for new ones.
    officers = [Choice(user.id, user.full_name) for user in users if not user.disabled]
    return PatrolMonth(station.timezone, month, today, rows, officers, [Choice(v.id, v.name) for v in villages])


def working_days(month: date, today: date) -> int:
    """Monday to Friday of the month, up to today when the month is the current one."""
    first = month.replace(day=1)
    last = min((first + timedelta(days=32)).replace(day=1) - timedelta(days=1), today)
    return sum((first + timedelta(days=offset)).weekday() < 5 for offset in range((last - first).days + 1))


class PatrolsPage(Page):
    watches = ("patrol", "patrolvillage")

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.data: PatrolMonth | None = None
        self.month: date | None = None  # None until the first load tells today's month in the station's zone
        self.form: PatrolFormDialog | None = None

        self.previous_button = QPushButton(qta.icon("mdi6.chevron-left"), "")
        self.this_button = QPushButton()
        self.next_button = QPushButton(qta.icon("mdi6.chevron-right"), "")
        self.next_button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # the arrow after the text
        self.month_label = QLabel()
        font = self.month_label.font()
        font.setBold(True)
        self.month_label.setFont(font)
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(240)
        self.new_button = QPushButton(qta.icon("mdi6.plus", color="white"), "")
        self.new_button.setDefault(True)
        self.new_button.setStyleSheet(
            "QPushButton { background: palette(highlight); color: palette(highlighted-text); padding: 5px 14px; }"
        )
        bar = QHBoxLayout()
        for widget in (self.previous_button, self.this_button, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.month_label)
        bar.addStretch(1)
        bar.addWidget(self.filter_edit)
        bar.addWidget(self.new_button)
        self.layout_.addLayout(bar)

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_.addWidget(self.summary_label)

        self.model = PatrolTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = list_view(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(PatrolTableModel.COL_START, Qt.SortOrder.DescendingOrder)
        for column, width in ((0, 150), (1, 140), (2, 100), (3, 90), (4, 330), (5, 70)):
            self.table.horizontalHeader().resizeSection(column, width)
        remember_header(self.table, "patrols/header")
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        self.layout_.addWidget(self.stack, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.layout_.addWidget(self.message)

        self.previous_button.clicked.connect(lambda: self._step(-1))
        self.next_button.clicked.connect(lambda: self._step(1))
        self.this_button.clicked.connect(lambda: self.show_month(None))
        self.filter_edit.textChanged.connect(self._filter)
        self.new_button.clicked.connect(lambda: self.open_form(None))
        self.add_shortcuts(new=lambda: self.open_form(None), find=self.filter_edit)
        self.table.doubleClicked.connect(self._edit_at)
        self.table.activated.connect(self._edit_at)

    def title(self) -> str:
        return _("Patrols")

    def retranslate(self) -> None:
        super().retranslate()
        self.previous_button.setText(_("Previous month"))
        self.this_button.setText(_("This month"))
        self.next_button.setText(_("Next month"))
        self.filter_edit.setPlaceholderText(_("Filter by village, officer, mode…"))
        self.new_button.setText(_("New patrol"))
        self.new_button.setToolTip(_("Record a patrol: when, where and who"))
        self.table.setToolTip(_("Double-click a patrol to correct it."))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self._show_summary()

    def reload(self) -> None:
        month = self.month
        self.context.read(lambda session, actor: load_month(session, actor, month), self._show, self._failed)

    def show_month(self, month: date | None) -> None:
        """Show another month (None: the current one)."""
        self.month = month.replace(day=1) if month else None
        self.reload()

    def _step(self, months: int) -> None:
        current = self.month or (self.data.month if self.data else date.today().replace(day=1))
        moved = current + timedelta(days=32) if months > 0 else current - timedelta(days=1)
        self.show_month(moved.replace(day=1))

    def _show(self, data: PatrolMonth) -> None:
        if self.month is not None and data.month != self.month:
            return  # an older answer arrived after the officer moved on to another month
        self.data = data
        self.message.hide()
        self.model.set_rows(data.rows)
        self.next_button.setEnabled(data.month < data.today.replace(day=1))
        self.this_button.setEnabled(data.month != data.today.replace(day=1))
        self._show_summary()

    def _failed(self, error: Exception) -> None:
        self.message.setText(describe_error(error))
        self.message.show()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._show_summary()

    def _show_summary(self) -> None:
        data = self.data
        if data is None:
            return
        self.month_label.setText(format_date(data.month, length="LLLL y").capitalize())
        hours = sum((row.duration for row in data.rows), timedelta()).total_seconds() / 3600
        km = sum(row.km for row in data.rows)
        covered = len({village_id for row in data.rows for village_id in row.village_ids})
        days = working_days(data.month, data.today)
        share = hours / (days * WORKDAY_HOURS) if days else 0.0
        locale = babel_locale()
        parts = [
            ngettext("{count} patrol", "{count} patrols", len(data.rows)).format(count=format_number(len(data.rows))),
            _("{duration} on patrol").format(duration=format_duration(timedelta(hours=hours))),
            _("{km} km").format(km=format_number(round(km, 1))),
            _("{covered} of {total} villages covered").format(
                covered=format_number(covered), total=format_number(len(data.villages))
            ),
            _("{share} of working time on the beat (goal {goal})").format(
                share=format_percent(share, locale=locale), goal=format_percent(BEAT_GOAL, locale=locale)
            ),
        ]
        self.summary_label.setText(" · ".join(parts))
        self.summary_label.setToolTip(
            _(
                "Time on the beat = hours on patrol ÷ (working days × {hours} h) = {patrol} ÷ ({days} × {hours} h).\n"
                "Working days are Monday to Friday of the month, up to today; public holidays are not taken off.\n"
                "Each patrol counts once, however many officers went on it."
            ).format(hours=WORKDAY_HOURS, patrol=format_duration(timedelta(hours=hours)), days=days)
        )
        if data.rows and self.proxy.rowCount() == 0:
            self.empty_label.setText(_("No patrol matches “{text}”. Clear the filter to see them all.").format(
                text=self.filter_edit.text().strip()
            ))  # fmt: skip
        else:
            self.empty_label.setText(
                _("No patrols recorded in {month}.\nPress “New patrol” when you are back from the beat.").format(
                    month=format_date(data.month, length="LLLL y")
                )
            )
        self.stack.setCurrentWidget(self.table if self.proxy.rowCount() else self.empty_label)

    def _edit_at(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_form(self.model.row_at(self.proxy.mapToSource(index).row()))

    def open_form(self, patrol: PatrolRow | None) -> PatrolFormDialog | None:
        """Open the form for a new patrol (None) or to correct one; it saves in the background and closes."""
        if self.data is None:
            return None  # the station's villages and users are not loaded yet
        self.form = PatrolFormDialog(
            self.context,
            timezone=self.data.timezone,
            officers=self.data.officers,
            villages=self.data.villages,
            patrol=patrol,
            parent=self,
        )
        self.form.open()
        return self.form
