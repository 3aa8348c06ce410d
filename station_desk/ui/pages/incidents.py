"""The Incidents page: search, filters and the paged list of the station's incidents; opens the incident form."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import qtawesome as qta
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.i18n import _, ngettext
from station_desk.models.enums import IncidentStatus
from station_desk.services.context import Actor
from station_desk.services.incident_list import IncidentFilter, count_incidents
from station_desk.services.incidents import status_label
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.incident_common import Lookups, MomentEdit, load_lookups, plain_categories
from station_desk.ui.dialogs.incident_form import IncidentForm
from station_desk.ui.pages.base import Page
from station_desk.ui.table_models.incidents import IncidentTableModel
from station_desk.ui.table_models.views import list_view, remember_header

SEARCH_DELAY_MS = 300  # wait for a pause in typing before asking the database
HEADER_KEY = "incidents/header"


def _labelled(text_holder: list[QLabel], editor: QWidget) -> QWidget:
    """A filter with its small label above it; the label's text is set in retranslate."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    label = QLabel()
    label.setBuddy(editor)
    text_holder.append(label)
    layout.addWidget(label)
    layout.addWidget(editor)
    return box


class IncidentsPage(Page):
    watches = ("incident", "involvement", "person", "incidentnote")

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.lookups: Lookups | None = None
        self.form: IncidentForm | None = None
        self._count_generation = 0
        self.total: int | None = None  # the count of incidents matching the filters, once known

        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(qta.icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.new_button = QPushButton(qta.icon("mdi6.plus", color="white"), "")
        self.new_button.setDefault(True)
        # The one primary action of the page stands out in the palette's highlight colour.
        self.new_button.setStyleSheet(
            "QPushButton { background: palette(highlight); color: palette(highlighted-text);"
            " padding: 6px 14px; border-radius: 4px; font-weight: bold; }"
        )
        self.new_button.clicked.connect(lambda: self.open_incident(None))
        self.add_shortcuts(new=lambda: self.open_incident(None), find=self.search_edit)

        self._filter_labels: list[QLabel] = []
        self.category_box = QComboBox()
        self.category_box.setMinimumContentsLength(18)
        self.category_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_box = QComboBox()
        self.village_box = QComboBox()
        self.village_box.setMinimumContentsLength(12)
        self.since_edit = MomentEdit(optional=True, date_only=True)
        self.until_edit = MomentEdit(optional=True, date_only=True)
        for moment in (self.since_edit, self.until_edit):
            moment.setMinimumWidth(140)
        self.dv_box = QCheckBox()
        self.clear_button = QPushButton(qta.icon("mdi6.filter-remove-outline"), "")
        self.clear_button.clicked.connect(self.clear_filters)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        filters = QHBoxLayout()
        for editor in (self.category_box, self.status_box, self.village_box, self.since_edit, self.until_edit):
            filters.addWidget(_labelled(self._filter_labels, editor))
        filters.addWidget(self.dv_box, 0, Qt.AlignmentFlag.AlignBottom)
        filters.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignBottom)
        filters.addStretch(1)

        self.model = IncidentTableModel(context, self)
        self.view = list_view(self.model)
        for column, width in ((0, 110), (1, 150), (2, 220), (3, 130), (4, 100)):
            self.view.setColumnWidth(column, width)
        header = self.view.horizontalHeader()
        remember_header(self.view, HEADER_KEY)
        # Column widths are remembered, the order is not: the list always opens newest first.
        header.setSortIndicator(IncidentTableModel.COL_REPORTED, Qt.SortOrder.DescendingOrder)
        # Clicking a header sorts in the database (model.sort); the summary column keeps the current order.
        header.sortIndicatorChanged.connect(self._keep_sortable_indicator)
        self.view.setSortingEnabled(True)
        self.view.activated.connect(self._open_index)

        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); font-size: 12pt; padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)
        self.count_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.layout_.addLayout(top)
        self.layout_.addLayout(filters)
        self.layout_.addWidget(self.count_label)
        self.layout_.addWidget(self.error_label)
        self.layout_.addWidget(self.stack, 1)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filters)
        self.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        for box in (self.category_box, self.status_box, self.village_box):
            box.currentIndexChanged.connect(lambda _index: self.apply_filters())
        for moment in (self.since_edit, self.until_edit):
            moment.known.toggled.connect(lambda _on: self.apply_filters())
            moment.edit.dateChanged.connect(lambda _day: self.apply_filters())
        self.dv_box.toggled.connect(lambda _on: self.apply_filters())
        self.model.fetched.connect(self._show_state)
        self.model.failed.connect(self._show_error)
        self._filling = False

    def title(self) -> str:
        return _("Incidents")

    def retranslate(self) -> None:
        super().retranslate()
        self.search_edit.setPlaceholderText(_("Search by number, name, address or what happened"))
        self.new_button.setText(_("New incident"))
        self.new_button.setToolTip(_("Record a new incident (Ctrl+N)"))
        texts = (_("Category"), _("Status"), _("Village"), _("Reported from"), _("Reported until"))
        for label, text in zip(self._filter_labels, texts, strict=True):
            label.setText(text)
        self.dv_box.setText(_("Domestic violence only"))
        self.clear_button.setText(_("Clear filters"))
        self._fill_filters()
        self.model.retranslate()
        self._show_state()

    # -- loading ---------------------------------------------------------------------------------------------

    def reload(self) -> None:
        if self.lookups is None:
            self.context.read(load_lookups, self._lookups_loaded)
            return
        self.model.reload()
        self._count()

    def _lookups_loaded(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.model.set_lookups(lookups)
        self._fill_filters()
        for moment in (self.since_edit, self.until_edit):
            moment.set_timezone(lookups.timezone)
        self.apply_filters()

    def _fill_filters(self) -> None:
        """Fill the combos in the current language, keeping what was chosen."""
        self._filling = True
        try:
            all_text = _("All")
            chosen = self.category_box.currentData()
            self.category_box.clear()
            self.category_box.addItem(all_text, None)
            for code, name in plain_categories(self.lookups or Lookups()):
                self.category_box.addItem(name, code)
            self.category_box.setCurrentIndex(max(self.category_box.findData(chosen), 0))
            chosen = self.status_box.currentData()
            self.status_box.clear()
            self.status_box.addItem(all_text, None)
            for status in IncidentStatus:
                self.status_box.addItem(status_label(status), status.value)
            self.status_box.setCurrentIndex(max(self.status_box.findData(chosen), 0))
            chosen = self.village_box.currentData()
            self.village_box.clear()
            self.village_box.addItem(all_text, None)
            for village_id, name in (self.lookups or Lookups()).villages:
                self.village_box.addItem(name, village_id)
            self.village_box.setCurrentIndex(max(self.village_box.findData(chosen), 0))
        finally:
            self._filling = False

    def current_filter(self) -> IncidentFilter:
        zone = ZoneInfo(self.lookups.timezone if self.lookups else "UTC")
        since_day, until_day = self.since_edit.day_value(), self.until_edit.day_value()
        category, status = self.category_box.currentData(), self.status_box.currentData()
        return IncidentFilter(
            categories=[category] if category else [],
            statuses=[IncidentStatus(status)] if status else [],
            village_id=self.village_box.currentData() or None,
            # Days are the station's days; the list compares UTC moments, the end exclusive.
            since=datetime.combine(since_day, time(), zone).astimezone(UTC) if since_day else None,
            until=(
                datetime.combine(until_day + timedelta(days=1), time(), zone).astimezone(UTC) if until_day else None
            ),
            domestic_violence_only=self.dv_box.isChecked(),
            text=self.search_edit.text().strip(),
        )

    def is_filtered(self) -> bool:
        return self.current_filter() != IncidentFilter()

    def apply_filters(self) -> None:
        if self._filling or self.lookups is None:
            return
        self.search_timer.stop()
        self.error_label.hide()
        self.model.set_filter(self.current_filter())
        self._count()

    def clear_filters(self) -> None:
        self._filling = True
        try:
            self.search_edit.clear()
            for box in (self.category_box, self.status_box, self.village_box):
                box.setCurrentIndex(0)
            self.since_edit.known.setChecked(False)
            self.until_edit.known.setChecked(False)
            self.dv_box.setChecked(False)
        finally:
            self._filling = False
        self.apply_filters()

    def _count(self) -> None:
        self._count_generation += 1
        generation, filters = self._count_generation, self.model.filters

        def query(session: Session, actor: Actor) -> int:
            return count_incidents(session=session, actor=actor, filters=filters)

        self.context.read(query, lambda count: self._show_count(generation, count))

    def _show_count(self, generation: int, count: int) -> None:
        if generation != self._count_generation:
            return
        self.total = count
        self.count_label.setText(ngettext("{count} incident", "{count} incidents", count).format(count=count))

    def _show_state(self) -> None:
        empty = not self.model.rows and not self.model.is_fetching and self.lookups is not None
        if empty and self.is_filtered():
            self.empty_label.setText(
                _("No incident matches this search. Check the spelling, or press “Clear filters” to see all.")
            )
        elif empty:
            self.empty_label.setText(_("No incidents yet. Press “New incident” (Ctrl+N) to record the first one."))
        self.stack.setCurrentWidget(self.empty_label if empty else self.view)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    # -- the form --------------------------------------------------------------------------------------------

    def _keep_sortable_indicator(self, section: int, *_order: object) -> None:
        if section not in IncidentTableModel.SORT_KEYS:
            header = self.view.horizontalHeader()
            descending = self.model.order.descending
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(self.model.sort_column(), order)

    def _open_index(self, index: QModelIndex) -> None:
        incident_id = self.model.incident_id(index)
        if incident_id:
            self.open_incident(incident_id)

    def open_incident(self, incident_id: str | None) -> IncidentForm:
        """Open the form on one incident, or on a new one when `incident_id` is None."""
        form = IncidentForm(self.context, incident_id, parent=self)
        form.finished.connect(form.deleteLater)
        self.form = form
        form.open()
        return form
