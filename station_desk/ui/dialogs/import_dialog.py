"""The import window: choose a register file, check the preview and the column mapping, import, or undo an import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.i18n import _, format_datetime
from station_desk.importing.columns import COLUMNS_BY_KIND, KIND_LABELS, KINDS
from station_desk.importing.mapping import ColumnMapping, save_mapping
from station_desk.importing.preview import Preview, preview_import, summary_lines
from station_desk.importing.writer import RECORD_TYPE_OF_KIND, list_imports, run_import, undo_import
from station_desk.models import ImportRun
from station_desk.services.context import Actor
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.widgets.forms import ERROR_STYLE

FILE_FILTER = "CSV, Excel, JSON lines (*.csv *.txt *.tsv *.xlsx *.xlsm *.jsonl *.ndjson *.json)"
# The preview table shows the first rejected rows; the figures above it count them all.
SHOWN_REJECTIONS = 500


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return table


class ImportDialog(QDialog):
    """Nothing is written until Import is pressed; then the whole file goes in as one undoable action."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.path: Path | None = None
        self.preview: Preview | None = None
        self.mapping: ColumnMapping | None = None
        self.runs: list[ImportRun] = []
        self.setWindowTitle(_("Import a register"))
        self.resize(900, 620)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_new(), _("New import"))
        self.tabs.addTab(self._build_history(), _("Past imports"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.load_history()

    # -- building ---------------------------------------------------------------------------------------

    def _build_new(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.file_label = QLabel(_("No file chosen. Station Desk reads CSV, Excel (.xlsx) and JSON lines."))
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton(_("Choose file…"))
        self.choose_button.clicked.connect(self.choose_file)
        row.addWidget(self.file_label, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel(_("What the rows are:")))
        self.kind_box = QComboBox()
        self.kind_box.addItem(_("Guess from the column names"), None)
        for kind in KINDS:
            self.kind_box.addItem(_(KIND_LABELS[kind]), kind)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        kind_row.addWidget(self.kind_box, 1)
        layout.addLayout(kind_row)
        self.mapping_table = _table([_("Column in the file"), _("Goes into")])
        layout.addWidget(self.mapping_table, 3)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.rejections = _table([_("Line"), _("Why it is not imported")])
        layout.addWidget(self.rejections, 2)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the work reports no steps; the bar shows it is going on
        self.progress.hide()
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.save_mapping_button = QPushButton(_("Save the column choice…"))
        self.save_mapping_button.clicked.connect(self.save_mapping)
        self.import_button = QPushButton(_("Import"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.confirm_import)
        buttons.addWidget(self.save_mapping_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        self._set_ready(False)
        return page

    def _build_history(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.history = _table([_("When"), _("File"), _("What"), _("Records"), _("State")])
        self.history.itemSelectionChanged.connect(self._history_selected)
        layout.addWidget(self.history, 1)
        self.undo_button = QPushButton(_("Undo this import…"))
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.confirm_undo)
        layout.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    # -- preview ------------------------------------------------------------------------------------------

    def choose_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, _("Choose the register to import"), "", FILE_FILTER)
        if chosen:
            self.open_file(Path(chosen))

    def open_file(self, path: Path) -> None:
        """Preview `path` with the columns guessed from its headers."""
        self.path = path
        self.mapping = None
        self.file_label.setText(str(path))
        self.run_preview()

    def _kind_changed(self) -> None:
        self.mapping = None
        if self.path is not None:
            self.run_preview()

    def run_preview(self) -> None:
        if self.path is None:
            return
        path, kind, mapping = self.path, self.kind_box.currentData(), self.mapping
        self._busy(True)
        self.context.read(
            lambda session, actor: preview_import(session=session, actor=actor, path=path, kind=kind, mapping=mapping),
            self._previewed,
            self._failed,
        )

    def _previewed(self, preview: Preview) -> None:
        self._busy(False)
        self.message.setText(preview.problem or "")
        self.message.setVisible(bool(preview.problem))
        self.preview = preview
        self.mapping = preview.plan.mapping
        self._show_mapping(preview)
        self.summary.setText("<br>".join(summary_lines(preview)))
        rejections = preview.plan.rejections[:SHOWN_REJECTIONS]
        self.rejections.setRowCount(len(rejections))
        for row, rejection in enumerate(rejections):
            self.rejections.setItem(row, 0, QTableWidgetItem(str(rejection.line)))
            self.rejections.setItem(row, 1, QTableWidgetItem(rejection.reason))
        self.rejections.resizeColumnToContents(0)
        self.mapping_table.resizeColumnToContents(0)
        self._set_ready(bool(preview.plan.rows or preview.plan.records))

    def _show_mapping(self, preview: Preview) -> None:
        table, mapping = preview.table, preview.plan.mapping
        headers = table.headers if table is not None else ()
        self.mapping_table.setRowCount(len(headers))
        if mapping is None:
            return
        columns = COLUMNS_BY_KIND[mapping.kind]
        for row, header in enumerate(headers):
            self.mapping_table.setItem(row, 0, QTableWidgetItem(header))
            box = QComboBox()
            box.addItem(_("(not imported)"), None)
            for column in columns:
                box.addItem(_(column.label) + (" *" if column.required else ""), column.name)
            box.setCurrentIndex(max(0, box.findData(mapping.fields.get(header))))
            box.currentIndexChanged.connect(lambda _index, h=header, b=box: self._mapping_changed(h, b))
            self.mapping_table.setCellWidget(row, 1, box)

    def _mapping_changed(self, header: str, box: QComboBox) -> None:
        if self.mapping is None:
            return
        fields = {key: value for key, value in self.mapping.fields.items() if key != header}
        chosen = box.currentData()
        if chosen:
            # A field has one column: choosing it here takes it from any other column.
            fields = {key: value for key, value in fields.items() if value != chosen} | {header: chosen}
        self.mapping = ColumnMapping(kind=self.mapping.kind, fields=fields)
        self.run_preview()

    def save_mapping(self) -> None:
        if self.mapping is None:
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the column choice"), "mapping.json", "JSON (*.json)"
        )
        if chosen:
            try:
                save_mapping(Path(chosen), self.mapping)
            except OSError as error:
                self._failed(error)

    # -- import and undo ----------------------------------------------------------------------------------

    def confirm_import(self) -> None:
        if self.preview is None or self.path is None:
            return
        new = len(self.preview.plan.rows) or len(self.preview.plan.records)
        answer = QMessageBox.question(
            self,
            _("Import"),
            _("Import {count} new records? A commander can undo the whole import later.").format(count=new),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.start_import()

    def start_import(self) -> None:
        """Preview again inside the write transaction, so what is written matches the database at that moment."""
        assert self.path is not None and self.preview is not None
        path, kind, mapping = self.path, self.preview.plan.kind, self.mapping
        records_kind = self.preview.table is None

        def work(session: Session, actor: Actor) -> ImportRun:
            fresh = preview_import(
                session=session, actor=actor, path=path, kind=None if records_kind else kind, mapping=mapping
            )
            return run_import(session=session, actor=actor, plan=fresh.plan)

        self._busy(True)
        self._set_ready(False)
        changed = RECORD_TYPE_OF_KIND.get(kind, "incident")
        self.context.write(work, self._imported, self._failed, changed=changed)

    def _imported(self, run: ImportRun) -> None:
        self._busy(False)
        self.summary.setText(
            _("Imported {count} records. You find this import under “Past imports”, where it can be undone.").format(
                count=run.records_created
            )
        )
        self.preview = None
        self.load_history()

    def load_history(self) -> None:
        self.context.read(lambda session, actor: list_imports(session=session, actor=actor), self._show_history)

    def _show_history(self, runs: list[ImportRun]) -> None:
        self.runs = runs
        self.history.setRowCount(len(runs))
        for row, run in enumerate(runs):
            state = _("undone {when}").format(when=format_datetime(run.undone_at)) if run.undone_at else _("active")
            label = KIND_LABELS.get(run.kind)
            cells = (format_datetime(run.created_at), run.file_name, _(label) if label else run.kind)
            for column, text in enumerate((*cells, str(run.records_created), state)):
                self.history.setItem(row, column, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()
        self._history_selected()

    def _selected_run(self) -> ImportRun | None:
        rows = self.history.selectionModel().selectedRows() if self.history.selectionModel() else []
        return self.runs[rows[0].row()] if rows and rows[0].row() < len(self.runs) else None

    def _history_selected(self) -> None:
        run = self._selected_run()
        commander = self.context.actor.is_commander
        self.undo_button.setEnabled(bool(commander and run is not None and run.undone_at is None))

    def confirm_undo(self) -> None:
        run = self._selected_run()
        if run is None:
            return
        question = _("Delete the {count} records that the import of {file} made? The deletions are synced.").format(
            count=run.records_created, file=run.file_name
        )
        if QMessageBox.question(self, _("Undo this import…"), question) == QMessageBox.StandardButton.Yes:
            self.undo(run.id)

    def undo(self, import_id: str) -> None:
        self.undo_button.setEnabled(False)
        self.context.write(
            lambda session, actor: undo_import(session=session, actor=actor, import_id=import_id),
            lambda _deleted: self.load_history(),
            self._failed,
            changed="incident",
        )

    # -- state ----------------------------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.choose_button.setEnabled(not busy)
        self.kind_box.setEnabled(not busy)

    def _set_ready(self, ready: bool) -> None:
        self.import_button.setEnabled(ready)
        self.save_mapping_button.setEnabled(ready and self.mapping is not None)

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        self.message.setText(describe_error(error))
        self.message.show()
        self._set_ready(self.preview is not None and bool(self.preview.plan.rows or self.preview.plan.records))
