"""The Reception page: this week's reception hours, whether each was held, its visitors, and due follow-ups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import qtawesome as qta
from babel.dates import format_interval, format_skeleton, format_time
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
)
from sqlmodel import Session, col, select

from station_desk.i18n import _, babel_locale
from station_desk.models import ReceptionSession, ReceptionVisit, Station
from station_desk.models.enums import VisitOutcome
from station_desk.services.context import Actor
from station_desk.services.reception import (
    list_visits,
    mark_session,
    open_follow_ups,
    schedules_active_on,
    sessions_for_week,
)
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.visit_form import ScheduleFormDialog, VisitFormDialog, weekday_names
from station_desk.ui.pages.base import Page
from station_desk.ui.table_models.reception import FollowUpTableModel, VisitRow, VisitTableModel
from station_desk.ui.table_models.views import list_view

PRIMARY_STYLE = "QPushButton { background: palette(highlight); color: palette(highlighted-text); padding: 5px 14px; }"


@dataclass(frozen=True)
class SlotRow:
    """One reception of the week as plain data; session_id None while nobody has marked it."""

    day: date
    place: str
    starts: time | None
    ends: time | None
    schedule_id: str | None
    session_id: str | None
    held: bool | None
    note: str | None

    @property
    def key(self) -> tuple[date, str]:
        """Stays the same when the slot gets its session, so the selection survives marking it."""
        return self.day, self.schedule_id or self.session_id or self.place


@dataclass
class ReceptionWeek:
    timezone: str
    today: date
    monday: date
    slots: list[SlotRow] = field(default_factory=list)
    visits: dict[str, list[VisitRow]] = field(default_factory=dict)
    follow_ups: list[VisitRow] = field(default_factory=list)
    schedule: list[str] = field(default_factory=list)


def _visit_row(visit: ReceptionVisit, day: date) -> VisitRow:
    return VisitRow(
        id=visit.id, session_id=visit.session_id, day=day, visitor_name=visit.visitor_name, topic=visit.topic,
        outcome=VisitOutcome(visit.outcome), follow_up_on=visit.follow_up_on, resolved=visit.resolved,
        incident_id=visit.incident_id, person_id=visit.person_id,
    )  # fmt: skip


def hours_text(starts: time | None, ends: time | None) -> str:
    if starts is None or ends is None:
        return "—"
    locale = babel_locale()
    return f"{format_time(starts, 'short', locale=locale)}–{format_time(ends, 'short', locale=locale)}"


def load_week(session: Session, actor: Actor, week_start: date | None) -> ReceptionWeek:
    station = session.get_one(Station, actor.station_id)
    today = datetime.now(ZoneInfo(station.timezone)).date()
    day = week_start or today
    monday = day - timedelta(days=day.weekday())
    slots = [
        SlotRow(
            day=slot.day, place=slot.place, starts=slot.starts, ends=slot.ends,
            schedule_id=slot.schedule.id if slot.schedule else None,
            session_id=slot.session.id if slot.session else None,
            held=slot.session.held if slot.session else None, note=slot.session.note if slot.session else None,
        )
        for slot in sessions_for_week(session=session, actor=actor, week_start=monday)
    ]  # fmt: skip
    visits: dict[str, list[VisitRow]] = {}
    for visit, reception in reversed(
        list_visits(session=session, actor=actor, since=monday, until=monday + timedelta(days=6))
    ):
        visits.setdefault(reception.id, []).append(_visit_row(visit, reception.day))
    due = open_follow_ups(session=session, actor=actor, today=today)
    sessions = session.exec(select(ReceptionSession).where(col(ReceptionSession.id).in_({v.session_id for v in due})))
    days = {reception.id: reception.day for reception in sessions}
    names = weekday_names()
    schedule = [
        f"{names[s.weekday]} {hours_text(s.starts, s.ends)}, {s.place}"
        for s in schedules_active_on(session=session, actor=actor, day=today)
    ]
    return ReceptionWeek(
        station.timezone, today, monday, slots, visits, [_visit_row(v, days[v.session_id]) for v in due], schedule
    )


def _fit_columns(view: QTableView, stretch: int, widths: dict[int, int]) -> None:
    """Short columns fit their text, names get a fixed width, and the free text takes the rest."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    for column in range(view.model().columnCount()):
        mode = QHeaderView.ResizeMode.Interactive if column in widths else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == stretch else mode)
        if column in widths:
            header.resizeSection(column, widths[column])


def _heading() -> QLabel:
    label = QLabel()
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class ReceptionPage(Page):
    watches = ("receptionschedule", "receptionsession", "receptionvisit")

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.data: ReceptionWeek | None = None
        self.week_start: date | None = None  # None: the current week in the station's time zone
        self.selected_key: tuple[date, str] | None = None
        self.visit_form: VisitFormDialog | None = None
        self.schedule_form: ScheduleFormDialog | None = None

        self.previous_button = QPushButton(qta.icon("mdi6.chevron-left"), "")
        self.this_button = QPushButton()
        self.next_button = QPushButton(qta.icon("mdi6.chevron-right"), "")
        self.next_button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # the arrow after the text
        self.week_label = _heading()
        self.schedule_button = QPushButton(qta.icon("mdi6.calendar-plus"), "")
        self.schedule_button.setVisible(context.actor.is_commander)
        bar = QHBoxLayout()
        for widget in (self.previous_button, self.this_button, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.week_label)
        bar.addStretch(1)
        bar.addWidget(self.schedule_button)
        self.layout_.addLayout(bar)

        self.slots_heading = _heading()
        self.slot_table = QTableWidget(0, 4)
        self.slot_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.slot_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.slot_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.slot_table.verticalHeader().hide()
        self.slot_table.setWordWrap(False)
        self.slot_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.slot_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.slots_empty = QLabel()
        self.slots_empty.setWordWrap(True)
        self.slots_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.slots_stack = QStackedWidget()
        self.slots_stack.addWidget(self.slot_table)
        self.slots_stack.addWidget(self.slots_empty)
        self.held_button = QPushButton(qta.icon("mdi6.check"), "")
        self.not_held_button = QPushButton(qta.icon("mdi6.close"), "")
        marks = QHBoxLayout()
        marks.addWidget(self.held_button)
        marks.addWidget(self.not_held_button)
        marks.addStretch(1)

        self.visits_heading = _heading()
        self.visit_model = VisitTableModel(self)
        self.visit_table = list_view()
        self.visit_table.setModel(self.visit_model)
        _fit_columns(self.visit_table, VisitTableModel.COL_TOPIC, {VisitTableModel.COL_VISITOR: 170})
        self.visits_empty = QLabel()
        self.visits_empty.setWordWrap(True)
        self.visits_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.visits_stack = QStackedWidget()
        self.visits_stack.addWidget(self.visit_table)
        self.visits_stack.addWidget(self.visits_empty)
        self.visit_button = QPushButton(qta.icon("mdi6.account-plus", color="white"), "")
        self.visit_button.setStyleSheet(PRIMARY_STYLE)
        visit_bar = QHBoxLayout()
        visit_bar.addStretch(1)
        visit_bar.addWidget(self.visit_button)

        self.follow_ups_heading = _heading()
        self.follow_up_model = FollowUpTableModel(self)
        self.follow_up_table = list_view()
        self.follow_up_table.setModel(self.follow_up_model)
        _fit_columns(self.follow_up_table, FollowUpTableModel.COL_TOPIC, {FollowUpTableModel.COL_VISITOR: 240})
        self.follow_ups_empty = QLabel()
        self.follow_ups_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.follow_ups_stack = QStackedWidget()
        self.follow_ups_stack.addWidget(self.follow_up_table)
        self.follow_ups_stack.addWidget(self.follow_ups_empty)

        grid = QGridLayout()
        grid.addWidget(self.slots_heading, 0, 0)
        grid.addWidget(self.slots_stack, 1, 0)
        grid.addLayout(marks, 2, 0)
        grid.addWidget(self.visits_heading, 0, 1)
        grid.addWidget(self.visits_stack, 1, 1)
        grid.addLayout(visit_bar, 2, 1)
        grid.addWidget(self.follow_ups_heading, 3, 0, 1, 2)
        grid.addWidget(self.follow_ups_stack, 4, 0, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(4, 2)
        self.layout_.addLayout(grid, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.hide()
        self.layout_.addWidget(self.message)

        self.previous_button.clicked.connect(lambda: self._step(-7))
        self.next_button.clicked.connect(lambda: self._step(7))
        self.this_button.clicked.connect(lambda: self.show_week(None))
        self.schedule_button.clicked.connect(self.open_schedule_form)
        self.slot_table.itemSelectionChanged.connect(self._slot_selected)
        self.held_button.clicked.connect(lambda: self.mark(held=True))
        self.not_held_button.clicked.connect(lambda: self.mark(held=False))
        self.visit_button.clicked.connect(lambda: self.open_visit_form())
        self.add_shortcuts(new=self.open_visit_form)
        self.visit_table.doubleClicked.connect(lambda index: self._edit_visit(self.visit_model, index))
        self.follow_up_table.doubleClicked.connect(lambda index: self._edit_visit(self.follow_up_model, index))

    def title(self) -> str:
        return _("Reception")

    def retranslate(self) -> None:
        super().retranslate()
        self.previous_button.setText(_("Previous week"))
        self.this_button.setText(_("This week"))
        self.next_button.setText(_("Next week"))
        self.schedule_button.setText(_("Add reception slot"))
        self.schedule_button.setToolTip(_("Add a weekly reception hour: place, weekday and time"))
        self.slots_heading.setText(_("Reception hours this week"))
        self.slot_table.setHorizontalHeaderLabels([_("Day"), _("Hours"), _("Place"), _("Held")])
        self.held_button.setText(_("Mark held"))
        self.not_held_button.setText(_("Mark not held"))
        self.visits_heading.setText(_("Visitors at the selected reception"))
        self.visit_button.setText(_("Add visit"))
        self.visit_button.setToolTip(_("Record a visitor: who came, about what, and what was done"))
        self.visit_table.setToolTip(_("Double-click a visit to correct it or mark it resolved."))
        self.follow_ups_heading.setText(_("Open follow-ups"))
        self.follow_up_table.setToolTip(_("Double-click a visit to correct it or mark it resolved."))
        self.follow_ups_empty.setText(_("No follow-up is due. Well done."))
        for model in (self.visit_model, self.follow_up_model):
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        if self.data is not None:
            self._show(self.data)

    def reload(self) -> None:
        week_start = self.week_start
        self.context.read(lambda session, actor: load_week(session, actor, week_start), self._show, self._failed)

    def show_week(self, day: date | None) -> None:
        """Show the week holding `day` (None: the current week)."""
        self.week_start = day - timedelta(days=day.weekday()) if day else None
        self.reload()

    def _step(self, days: int) -> None:
        monday = self.week_start or (self.data.monday if self.data else date.today())
        self.show_week(monday + timedelta(days=days))

    def _failed(self, error: Exception) -> None:
        self.message.setText(describe_error(error))
        self.message.show()

    # -- showing ------------------------------------------------------------------------------------------

    def _show(self, data: ReceptionWeek) -> None:
        if self.week_start is not None and data.monday != self.week_start:
            return  # an older answer arrived after the officer moved to another week
        self.data = data
        locale = babel_locale()
        self.week_label.setText(format_interval(data.monday, data.monday + timedelta(days=6), "yMMMd", locale=locale))
        self.this_button.setEnabled(data.monday != data.today - timedelta(days=data.today.weekday()))
        self.slot_table.blockSignals(True)
        self.slot_table.setRowCount(len(data.slots))
        selected_row = -1
        for row, slot in enumerate(data.slots):
            status, tooltip = self._status(slot, data.today)
            texts = (format_skeleton("MMMEd", slot.day, locale=locale), hours_text(slot.starts, slot.ends), slot.place)
            for column, text in enumerate((*texts, status)):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip if column == 3 else text)
                self.slot_table.setItem(row, column, item)
            if slot.key == self.selected_key:
                selected_row = row
        if selected_row < 0 and data.slots:
            # Start on the reception of today or the last one before it: that is the one being written up.
            past = [row for row, slot in enumerate(data.slots) if slot.day <= data.today]
            selected_row = past[-1] if past else 0
        self.slot_table.blockSignals(False)
        self.slot_table.clearSelection()
        if selected_row >= 0:
            self.slot_table.selectRow(selected_row)
        self.slots_empty.setText(
            _("No reception hours are scheduled this week. Add a weekly slot with “Add reception slot”.")
            if self.context.actor.is_commander
            else _("No reception hours are scheduled this week. The station commander can add them.")
        )
        self.slots_stack.setCurrentWidget(self.slot_table if data.slots else self.slots_empty)
        self.follow_up_model.today = data.today
        self.follow_up_model.set_rows(data.follow_ups)
        self.follow_ups_heading.setText(_("Open follow-ups ({count})").format(count=len(data.follow_ups)))
        self.follow_ups_stack.setCurrentWidget(self.follow_up_table if data.follow_ups else self.follow_ups_empty)
        self._slot_selected()

    @staticmethod
    def _status(slot: SlotRow, today: date) -> tuple[str, str]:
        if slot.held is True:
            return _("Held"), ""
        if slot.held is False:
            return _("Not held"), slot.note or ""
        if slot.day > today:
            return _("Upcoming"), ""
        return _("Not marked yet"), _("Mark whether this reception took place.")

    def selected_slot(self) -> SlotRow | None:
        rows = self.slot_table.selectionModel().selectedRows()
        if self.data is None or not rows or self.slots_stack.currentWidget() is not self.slot_table:
            return None
        return self.data.slots[rows[0].row()]

    def _slot_selected(self) -> None:
        slot = self.selected_slot()
        today = self.data.today if self.data else date.today()
        if slot is not None:
            self.selected_key = slot.key
        self.held_button.setEnabled(slot is not None and slot.held is not True and slot.day <= today)
        self.held_button.setToolTip(
            _("A reception cannot be marked held before its day.") if slot and slot.day > today else ""
        )
        self.not_held_button.setEnabled(slot is not None and slot.held is not False)
        visits = self.data.visits.get(slot.session_id or "", []) if slot and self.data else []
        self.visit_model.set_rows(visits)
        self.visit_button.setEnabled(slot is not None and slot.held is not False and slot.day <= today)
        if slot is None:
            empty = _("Select a reception on the left to see its visitors.")
        elif slot.held is False:
            empty = _("This reception was marked as not held.")
        elif slot.day > today:
            empty = _("This reception has not taken place yet.")
        else:
            empty = _("No visitors recorded. Press “Add visit” for each person who came.")
        self.visits_empty.setText(empty)
        self.visits_stack.setCurrentWidget(self.visit_table if visits else self.visits_empty)

    # -- actions ------------------------------------------------------------------------------------------

    def mark(self, *, held: bool, then: Callable[[str], None] | None = None) -> None:
        """Mark the selected reception held or not held (one session per slot and day)."""
        slot = self.selected_slot()
        if slot is None:
            return
        self.message.hide()

        def change(session: Session, actor: Actor) -> str:
            return mark_session(
                session=session, actor=actor, day=slot.day, held=held, schedule_id=slot.schedule_id, place=slot.place
            ).id

        self.context.write(change, then, self._failed, changed="receptionsession")

    def open_visit_form(self, visit: VisitRow | None = None) -> VisitFormDialog | None:
        """The quick visit form for the selected reception; an unmarked past reception is marked held first."""
        slot = self.selected_slot()
        if visit is not None:
            self._open_visit_form(visit.session_id, visit.day, visit)
        elif slot is None or slot.held is False:
            return None
        elif slot.session_id is None:
            day = slot.day
            self.mark(held=True, then=lambda session_id: self._open_visit_form(session_id, day, None))
            return None
        else:
            self._open_visit_form(slot.session_id, slot.day, None)
        return self.visit_form

    def _open_visit_form(self, session_id: str, day: date, visit: VisitRow | None) -> None:
        self.visit_form = VisitFormDialog(self.context, session_id=session_id, day=day, visit=visit, parent=self)
        self.visit_form.open()

    def _edit_visit(self, model: VisitTableModel | FollowUpTableModel, index: QModelIndex) -> None:
        if index.isValid():
            self.open_visit_form(model.row_at(index.row()))

    def open_schedule_form(self) -> ScheduleFormDialog:
        self.schedule_form = ScheduleFormDialog(
            self.context, current=self.data.schedule if self.data else [], parent=self
        )
        self.schedule_form.open()
        return self.schedule_form
