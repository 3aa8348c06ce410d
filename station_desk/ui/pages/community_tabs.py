"""The Community page's list tabs: meetings, prevention events and resident-flagged threats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any, Generic, TypeVar

import qtawesome as qta
from PySide6.QtCore import QItemSelection, QModelIndex, QSettings, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session, col, select

from station_desk.i18n import _
from station_desk.models import CommunityMeeting, PreventionEvent, ResidentThreat, Station, Village
from station_desk.models.enums import ThreatStatus
from station_desk.services import community
from station_desk.services.context import Actor
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.community_forms import (
    MeetingDialog,
    PreventionDialog,
    StationBasics,
    ThreatDialog,
    ThreatStatusDialog,
)
from station_desk.ui.table_models.community import (
    MeetingsModel,
    PreventionModel,
    ThreatsModel,
    meeting_kind_labels,
    prevention_kind_labels,
    threat_category_labels,
    threat_status_labels,
)
from station_desk.ui.table_models.rows import SORT_ROLE, RowsModel
from station_desk.ui.table_models.views import list_view, remember_header

R = TypeVar("R", CommunityMeeting, PreventionEvent, ResidentThreat)
# (days back, or None for everything); the labels are made when shown, so they follow the language.
PERIOD_DAYS: tuple[int | None, ...] = (92, 183, 366, None)
DEFAULT_PERIOD = 2
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def period_labels() -> list[str]:
    return [_("Last 3 months"), _("Last 6 months"), _("Last 12 months"), _("Everything")]


def period_bounds(days: int | None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """[since, until) for a period ending now; until is a little ahead so a record saved just now is in."""
    now = now or datetime.now(UTC)
    return (EARLIEST if days is None else now - timedelta(days=days)), now + timedelta(days=1)


def station_basics(session: Session, actor: Actor) -> StationBasics:
    station = session.get(Station, actor.station_id)
    villages = session.exec(
        select(Village)
        .where(Village.station_id == actor.station_id, col(Village.deleted_at).is_(None))
        .order_by(col(Village.name))
    ).all()
    return StationBasics(
        timezone=station.timezone if station else "UTC", villages=[(village.id, village.name) for village in villages]
    )


def make_table(
    model: RowsModel[Any],
    settings_key: str,
    sort_column: int = 0,
    order: Qt.SortOrder = Qt.SortOrder.DescendingOrder,
) -> tuple[QTableView, QSortFilterProxyModel]:
    """A sortable, read-only table whose column widths and sort order are remembered between sessions."""
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    table = list_view(proxy)
    table.setSortingEnabled(True)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    restored = remember_header(table, settings_key)
    table.setProperty("fitted", restored)
    if not restored:
        table.sortByColumn(sort_column, order)
    header.sortIndicatorChanged.connect(lambda *_args: QSettings().setValue(settings_key, header.saveState()))
    return table, proxy


def fit_columns_once(table: QTableView, widest: int = 320) -> None:
    """Size the columns to what they hold the first time there is something to show, unless the user sized them."""
    if table.property("fitted") or table.model().rowCount() == 0:
        return
    table.setProperty("fitted", True)
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for section in range(header.count()):
        header.resizeSection(section, min(header.sectionSize(section) + 12, widest))


class ListTab(QWidget, Generic[R]):
    """A toolbar (new, edit, filters), a table or an empty state that says what to do, and the selected details."""

    settings_key = ""

    def __init__(self, context: AppContext, model: RowsModel[R], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model: RowsModel[R] = model
        self.basics = StationBasics()
        self.dialog: QDialog | None = None
        self._generation = 0
        self._select_after_reload: str | None = None
        self.loaded = False

        self.new_button = QPushButton(qta.icon("mdi6.plus"), "")
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.new_record)
        self.edit_button = QPushButton(qta.icon("mdi6.pencil-outline"), "")
        self.edit_button.setEnabled(False)
        self.edit_button.clicked.connect(self.edit_selected)
        self.period_label = QLabel()
        self.period = QComboBox()
        self.period.addItems(period_labels())
        self.period.setCurrentIndex(DEFAULT_PERIOD)
        self.period.currentIndexChanged.connect(lambda _index: self.reload())
        self.period_label.setBuddy(self.period)
        self.toolbar = QHBoxLayout()
        self.toolbar.addWidget(self.new_button)
        self.toolbar.addWidget(self.edit_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.period_label)
        self.toolbar.addWidget(self.period)

        self.table, self.proxy = make_table(model, self.settings_key)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setMinimumHeight(60)

        layout = QVBoxLayout(self)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.details)

    # -- what each tab says and does ----------------------------------------------------------------------

    def query(self, since: datetime, until: datetime) -> Callable[[Session, Actor], list[R]]:
        """The background read of the list, with every filter already read from the widgets."""
        raise NotImplementedError

    def make_dialog(self, record: R | None) -> QDialog:
        raise NotImplementedError

    def empty_text(self) -> str:
        raise NotImplementedError

    def describe(self, record: R) -> str:
        """The long texts of the selected record, which do not fit in a table cell."""
        raise NotImplementedError

    def retranslate(self) -> None:
        index = self.period.currentIndex()
        self.period.blockSignals(True)
        self.period.clear()
        self.period.addItems(period_labels())
        self.period.setCurrentIndex(index)
        self.period.blockSignals(False)
        self.period_label.setText(_("Period:"))
        self.edit_button.setText(_("Edit"))
        self.empty.setText(self.empty_text())
        self.model.retranslate()
        self._selection_changed()

    # -- loading ------------------------------------------------------------------------------------------

    def bounds(self) -> tuple[datetime, datetime]:
        return period_bounds(PERIOD_DAYS[self.period.currentIndex()])

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        query = self.query(*self.bounds())

        def work(session: Session, actor: Actor) -> tuple[StationBasics, list[R]]:
            return station_basics(session, actor), query(session, actor)

        self.context.read(work, lambda result: self._show(generation, result), self._show_error)

    def _show(self, generation: int, result: tuple[StationBasics, list[R]]) -> None:
        if generation != self._generation:
            return  # an older query finished after a newer one was asked for
        selected = self.selected()
        selected_id = self._select_after_reload or (selected.id if selected is not None else None)
        self._select_after_reload = None
        self.basics, rows = result
        self.model.set_rows(rows, timezone=self.basics.timezone, villages=self.basics.village_names)
        self.empty.setText(self.empty_text())
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        fit_columns_once(self.table)
        self.loaded = True
        if selected_id is not None:
            self.select_id(selected_id)
        self._selection_changed()

    def _show_error(self, error: Exception) -> None:
        self.empty.setText(describe_error(error))
        self.stack.setCurrentWidget(self.empty)

    # -- selection and actions ----------------------------------------------------------------------------

    def selected(self) -> R | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        source = self.proxy.mapToSource(rows[0])
        return self.model.row_at(source.row()) if source.isValid() else None

    def select_id(self, record_id: str) -> bool:
        for row, record in enumerate(self.model.rows):
            if record.id == record_id:
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
                return True
        return False

    def select_row(self, row: int) -> None:
        """Select the row shown at a position in the (sorted) table."""
        self.table.selectRow(row)

    def _selection_changed(self, *_args: QItemSelection | QModelIndex) -> None:
        record = self.selected()
        self.edit_button.setEnabled(record is not None)
        self.details.setText(self.describe(record) if record is not None else "")
        self.selection_changed(record)

    def selection_changed(self, record: R | None) -> None:
        """Subclasses enable their own actions here."""

    def new_record(self) -> QDialog:
        return self._open(self.make_dialog(None))

    def edit_selected(self) -> QDialog | None:
        record = self.selected()
        return self._open(self.make_dialog(record)) if record is not None else None

    def _open(self, dialog: QDialog) -> QDialog:
        """Window-modal, not exec(): the event loop keeps running, so the background save can call back."""
        if self.dialog is not None:
            self.dialog.deleteLater()  # the previous form is closed by now; it was kept only until this one
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._remember_saved(dialog))
        dialog.open()
        return dialog

    def _remember_saved(self, dialog: QDialog) -> None:
        record = getattr(dialog, "saved_record", None)
        # Select what was just saved once the list has reloaded, so the officer sees it landed.
        self._select_after_reload = getattr(record, "id", None)


def _section(title: str, text: str) -> str:
    body = escape(text).replace("\n", "<br>") if text else "<i>" + escape(_("not recorded")) + "</i>"
    return f"<b>{escape(title)}</b><br>{body}"


class MeetingsTab(ListTab[CommunityMeeting]):
    settings_key = "community/meetings/header"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, MeetingsModel(), parent)

    def query(self, since: datetime, until: datetime) -> Callable[[Session, Actor], list[CommunityMeeting]]:
        return lambda session, actor: community.list_meetings(session=session, actor=actor, since=since, until=until)

    def make_dialog(self, record: CommunityMeeting | None) -> QDialog:
        return MeetingDialog(self.context, self.basics, record, self)

    def retranslate(self) -> None:
        self.new_button.setText(_("New meeting"))
        super().retranslate()

    def empty_text(self) -> str:
        return _("No meetings with residents in this period. Press “New meeting” to record one.")

    def describe(self, record: CommunityMeeting) -> str:
        kind = meeting_kind_labels()[record.kind]
        return "<br>".join(
            [
                f"<b>{escape(kind)}</b> — {escape(record.place)}",
                _section(_("Issues raised by residents"), record.issues_raised),
                _section(_("Commitments made"), record.commitments),
            ]
        )


class PreventionTab(ListTab[PreventionEvent]):
    settings_key = "community/prevention/header"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, PreventionModel(), parent)

    def query(self, since: datetime, until: datetime) -> Callable[[Session, Actor], list[PreventionEvent]]:
        return lambda session, actor: community.list_prevention_events(
            session=session, actor=actor, since=since, until=until
        )

    def make_dialog(self, record: PreventionEvent | None) -> QDialog:
        return PreventionDialog(self.context, self.basics, record, self)

    def retranslate(self) -> None:
        self.new_button.setText(_("New prevention event"))
        super().retranslate()

    def empty_text(self) -> str:
        return _("No prevention events in this period. Press “New prevention event” to record a school talk or action.")

    def describe(self, record: PreventionEvent) -> str:
        kind = prevention_kind_labels()[record.kind]
        return "<br>".join([f"<b>{escape(kind)}</b> — {escape(record.place)}", _section(_("Topic"), record.topic)])


class ThreatsTab(ListTab[ResidentThreat]):
    settings_key = "community/threats/header"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, ThreatsModel(), parent)
        self.status_button = QPushButton(qta.icon("mdi6.list-status"), "")
        self.status_button.setEnabled(False)
        self.status_button.clicked.connect(self.change_status)
        self.status_label = QLabel()
        self.status_filter = QComboBox()
        self._fill_status_filter()
        self.status_filter.currentIndexChanged.connect(lambda _index: self.reload())
        self.status_label.setBuddy(self.status_filter)
        self.toolbar.insertWidget(2, self.status_button)
        self.toolbar.insertWidget(4, self.status_label)
        self.toolbar.insertWidget(5, self.status_filter)

    def _fill_status_filter(self) -> None:
        current = self.status_filter.currentData()
        self.status_filter.blockSignals(True)
        self.status_filter.clear()
        self.status_filter.addItem(_("All statuses"), None)
        for status, label in threat_status_labels().items():
            self.status_filter.addItem(label, status.value)
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(current)))
        self.status_filter.blockSignals(False)

    def status(self) -> ThreatStatus | None:
        value = self.status_filter.currentData()
        return ThreatStatus(value) if value else None

    def query(self, since: datetime, until: datetime) -> Callable[[Session, Actor], list[ResidentThreat]]:
        status = self.status()  # read here, on the UI thread: a worker must not touch the combo box
        return lambda session, actor: community.list_threats(
            session=session, actor=actor, since=since, until=until, status=status
        )

    def make_dialog(self, record: ResidentThreat | None) -> QDialog:
        return ThreatDialog(self.context, self.basics, record, self)

    def change_status(self) -> QDialog | None:
        record = self.selected()
        return self._open(ThreatStatusDialog(self.context, record, self)) if record is not None else None

    def retranslate(self) -> None:
        self.new_button.setText(_("New threat"))
        self.status_button.setText(_("Change status"))
        self.status_label.setText(_("Status:"))
        self._fill_status_filter()
        super().retranslate()

    def selection_changed(self, record: ResidentThreat | None) -> None:
        self.status_button.setEnabled(record is not None)

    def empty_text(self) -> str:
        if self.status() is not None:
            return _("No threats with this status in this period. Choose “All statuses” to see the others.")
        return _("No threats flagged by residents in this period. Press “New threat” when residents report one.")

    def describe(self, record: ResidentThreat) -> str:
        category = threat_category_labels()[record.category]
        status = threat_status_labels()[record.status]
        return "<br>".join(
            [
                f"<b>{escape(category)}</b> — {escape(record.place)} ({escape(status)})",
                _section(_("What residents reported"), record.description),
                _section(_("Action taken"), record.action_taken),
            ]
        )
