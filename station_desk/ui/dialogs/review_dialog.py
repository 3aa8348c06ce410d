"""The commander's review list: records due for review or past their retention period, and their anonymisation."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.i18n import _, format_date
from station_desk.services.anonymisation import anonymise
from station_desk.services.context import Actor
from station_desk.services.record_types import record_type_name
from station_desk.services.retention import ReviewItem, due_for_review, station_today
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.widgets.forms import ERROR_STYLE


class ReviewDialog(QDialog):
    """Each row is a record the law asks the commander to look at again; past retention rows are anonymised here."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.items: list[ReviewItem] = []
        self.reason_prompt: QInputDialog | None = None
        self.setWindowTitle(_("Records due for review"))
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        self.summary = QLabel(_("Loading…"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        headers = [_("Record"), _("Kind"), _("Recorded"), _("Review from"), _("Erase after")]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.anonymise_button = QPushButton(_("Anonymise the selected records…"))
        self.anonymise_button.setEnabled(False)
        self.anonymise_button.clicked.connect(self.ask_reason)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons.addWidget(self.anonymise_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.load()

    def load(self) -> None:
        self.context.read(
            lambda session, actor: due_for_review(session, actor, station_today(session, actor)),
            self._show,
            self._failed,
        )

    def _show(self, items: list[ReviewItem]) -> None:
        self.items = items
        past = sum(item.past_retention for item in items)
        self.summary.setText(
            _("Due for review: {count}").format(count=len(items))
            + (" · " + _("past retention") + f": {past}" if past else "")
            if items
            else _("Nothing is due for review.")
        )
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = (
                item.title,
                record_type_name(item.record_type),
                format_date(item.recorded_on),
                format_date(item.review_on),
                format_date(item.erase_after) + (" ⚠" if item.past_retention else ""),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self._selection_changed()

    def selected(self) -> list[ReviewItem]:
        model = self.table.selectionModel()
        rows = sorted({index.row() for index in model.selectedRows()}) if model else []
        return [self.items[row] for row in rows if row < len(self.items)]

    def _selection_changed(self) -> None:
        self.anonymise_button.setEnabled(bool(self.selected()))

    def ask_reason(self) -> None:
        prompt = QInputDialog(self)
        prompt.setWindowTitle(_("Anonymise the selected records…"))
        prompt.setLabelText(_("why the records are anonymised (audited)"))
        prompt.setOkButtonText(_("OK"))
        prompt.setCancelButtonText(_("Cancel"))
        prompt.textValueSelected.connect(self.anonymise_selected)
        prompt.finished.connect(prompt.deleteLater)
        self.reason_prompt = prompt
        prompt.open()

    def anonymise_selected(self, reason: str) -> None:
        chosen = self.selected()
        by_type: dict[str, list[str]] = {}
        for item in chosen:
            by_type.setdefault(item.record_type, []).append(item.record_id)
        self.anonymise_button.setEnabled(False)

        def work(session: Session, actor: Actor) -> int:
            # Incidents first: a person can be anonymised only once none of their kept incidents names them.
            order = sorted(by_type, key=lambda record_type: record_type != "incident")
            return sum(anonymise(session, actor, kind, by_type[kind], reason) for kind in order)

        self.context.write(work, lambda _count: self.load(), self._failed, changed="incident")

    def _failed(self, error: Exception) -> None:
        self.message.setText(describe_error(error))
        self.message.show()
        self._selection_changed()
