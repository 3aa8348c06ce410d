"""The Reports page: build a month's report in the background, preview its pages, save, print, open the folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import qtawesome as qta
from babel.dates import format_date as babel_format_date
from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.i18n import LANGUAGE_NAMES, LANGUAGES, _, babel_locale, current_language
from station_desk.reports.outputs import record_report_output
from station_desk.services.context import Actor
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.pages.base import Page
from station_desk.ui.widgets.forms import Field

if TYPE_CHECKING:
    from station_desk.reports.preview import PagePixels

MONTHS_OFFERED = 24


@dataclass(frozen=True)
class BuiltReport:
    """What one press of "Build" produced, kept for saving and printing."""

    month: date
    audience: str
    language: str
    purpose: str
    pdf: bytes
    csv_text: str
    figures_hash: str

    @property
    def file_stem(self) -> str:
        return f"report-{self.month:%Y-%m}-{self.audience}-{self.language}"


def months_before(today: date, count: int) -> list[date]:
    """The first day of this month and of the `count - 1` months before it, newest first."""
    months, year, month = [], today.year, today.month
    for _index in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def build_report(month: date, audience: str, language: str, purpose: str) -> Callable[[Session, Actor], BuiltReport]:
    """The change the writer thread runs: figures, PDF, CSV and the audit entry, in one transaction."""
    from station_desk.reports.service import make_report  # imported on first use: reportlab is slow to import

    def change(session: Session, actor: Actor) -> BuiltReport:
        result = make_report(
            session=session,
            actor=actor,
            year=month.year,
            month=month.month,
            audience=audience,
            language=language,
            purpose=purpose,
        )
        return BuiltReport(month, audience, language, purpose, result.pdf, result.csv_text, result.figures_hash)

    return change


class ReportsPage(Page):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.report: BuiltReport | None = None
        self.page_images: list[QImage] = []
        self.saved_folder: Path | None = None
        self._generation = 0  # bumped by Cancel: a report that lands afterwards is dropped

        self.month_box = QComboBox()
        self.audience_box = QComboBox()
        self.language_box = QComboBox()
        for code in LANGUAGES:
            self.language_box.addItem(LANGUAGE_NAMES[code], code)
        self.purpose_edit = QLineEdit()
        self.month_field = Field("", self.month_box)
        self.audience_field = Field("", self.audience_box)
        self.language_field = Field("", self.language_box)
        self.purpose_field = Field("", self.purpose_edit, required=True)
        form = QGridLayout()
        form.addWidget(self.month_field, 0, 0)
        form.addWidget(self.audience_field, 0, 1)
        form.addWidget(self.language_field, 0, 2)
        form.addWidget(self.purpose_field, 1, 0, 1, 3)
        self.layout_.addLayout(form)

        self.build_button = QPushButton(qta.icon("mdi6.file-chart-outline"), "")
        self.build_button.clicked.connect(self.build)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # reportlab cannot say how far it is: a busy bar
        self.progress.hide()
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.save_button = QPushButton(qta.icon("mdi6.content-save-outline"), "")
        self.save_button.clicked.connect(self.choose_file_and_save)
        self.print_button = QPushButton(qta.icon("mdi6.printer-outline"), "")
        self.print_button.clicked.connect(self.print_report)
        self.folder_button = QPushButton(qta.icon("mdi6.folder-open-outline"), "")
        self.folder_button.clicked.connect(self.open_folder)
        actions = QHBoxLayout()
        for widget in (self.build_button, self.progress, self.cancel_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        for widget in (self.save_button, self.print_button, self.folder_button):
            actions.addWidget(widget)
        self.layout_.addLayout(actions)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.layout_.addWidget(self.status)
        self.pages_widget = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.preview = QScrollArea()
        self.preview.setWidget(self.pages_widget)
        self.preview.setWidgetResizable(True)
        self.layout_.addWidget(self.preview, 1)
        self._fill_months()
        self._update_buttons()

    def title(self) -> str:
        return _("Reports")

    def retranslate(self) -> None:
        super().retranslate()
        self.month_field.set_label(_("Month"))
        self.audience_field.set_label(_("For whom"))
        self.language_field.set_label(_("Language of the report"))
        self.purpose_field.set_label(_("Purpose (printed on every page)"))
        self.purpose_edit.setPlaceholderText(_("e.g. monthly review with the commander"))
        audience = self.audience_box.currentData()
        self.audience_box.clear()
        self.audience_box.addItem(_("The commander (internal, with names)"), "commander")
        self.audience_box.addItem(_("The community (public, figures only)"), "community")
        self.audience_box.setCurrentIndex(max(0, self.audience_box.findData(audience)))
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(current_language())))
        self.build_button.setText(_("Build report"))
        self.cancel_button.setText(_("Cancel"))
        self.save_button.setText(_("Save PDF and CSV…"))
        self.print_button.setText(_("Print…"))
        self.folder_button.setText(_("Open folder"))
        self._fill_months()

    def _fill_months(self) -> None:
        chosen = self.month_box.currentData()
        self.month_box.clear()
        locale = babel_locale()
        for first in months_before(date.today(), MONTHS_OFFERED):
            # "LLLL y": the standalone month name, as in a title ("березень 2026", not "березня").
            # The item data is "YYYY-MM": a Python date does not compare equal through Qt's variants.
            self.month_box.addItem(babel_format_date(first, "LLLL y", locale=locale), f"{first:%Y-%m}")
        # Reports are usually made for the month that just ended.
        self.month_box.setCurrentIndex(max(0, self.month_box.findData(chosen)) if chosen else 1)

    def _update_buttons(self) -> None:
        building = self.progress.isVisible()
        ready = self.report is not None and not building
        self.build_button.setEnabled(not building)
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)
        self.folder_button.setEnabled(self.saved_folder is not None)

    # -- building ------------------------------------------------------------------------------------------

    def build(self) -> None:
        purpose = self.purpose_edit.text().strip()
        if not purpose:
            self.purpose_field.show_message(_("Say why the report is made: it is printed on every page."))
            self.purpose_edit.setFocus()
            return
        self.purpose_field.show_message(None)
        self._generation += 1
        generation = self._generation
        self.progress.show()
        self.cancel_button.show()
        self.status.setText(_("Building the report…"))
        self._update_buttons()
        year, month = (int(part) for part in self.month_box.currentData().split("-"))
        change = build_report(
            date(year, month, 1), self.audience_box.currentData(), self.language_box.currentData(), purpose
        )
        self.context.write(
            change,
            lambda report: self._built(generation, report),
            lambda error: self._failed(generation, error),
        )

    def cancel(self) -> None:
        """Stop waiting: the PDF being typeset is thrown away when it arrives."""
        self._generation += 1
        self._finish(_("Cancelled. Nothing was saved or printed."))

    def _finish(self, message: str) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.status.setText(message)
        self._update_buttons()

    def _built(self, generation: int, report: BuiltReport) -> None:
        if generation != self._generation:
            return
        self.report = report
        from station_desk.reports.preview import render_pages  # pdfium loads on first use, not at start-up

        self.context.workers.read(lambda: render_pages(report.pdf), lambda pages: self._show_pages(generation, pages))

    def _show_pages(self, generation: int, pages: list[PagePixels]) -> None:
        if generation != self._generation:
            return
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            old_page = item.widget() if item is not None else None
            if old_page is not None:
                old_page.deleteLater()
        self.page_images = [
            QImage(page.data, page.width, page.height, page.stride, QImage.Format.Format_BGR888).copy()
            for page in pages
        ]
        for image in self.page_images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("border: 1px solid palette(mid); background: white;")
            self.pages_layout.addWidget(label)
        self._finish(_("The report is ready: {count} pages. Save or print it.").format(count=len(pages)))

    def _failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self._finish(describe_error(error))

    # -- saving, printing ------------------------------------------------------------------------------------

    def choose_file_and_save(self) -> None:
        if self.report is None:
            return
        folder = self.saved_folder or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        )
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the report"), str(folder / f"{self.report.file_stem}.pdf"), _("PDF files (*.pdf)")
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, pdf_path: Path) -> None:
        """Write the PDF and the CSV beside it on the writer thread, with an audit entry in the same step."""
        report = self.report
        if report is None:
            return
        pdf_path = pdf_path.with_suffix(".pdf")
        csv_path = pdf_path.with_suffix(".csv")

        def change(session: Session, actor: Actor) -> Path:
            pdf_path.write_bytes(report.pdf)
            csv_path.write_text(report.csv_text, encoding="utf-8-sig")  # Excel reads UTF-8 only with the mark
            self._record(session, actor, report, printed=False, target=str(pdf_path))
            return pdf_path

        self.context.write(change, self._saved, lambda error: self.status.setText(describe_error(error)))

    def _saved(self, path: Path) -> None:
        self.saved_folder = path.parent
        self.status.setText(_("Saved {pdf} and the figures as CSV beside it.").format(pdf=path.name))
        self._update_buttons()

    def print_report(self) -> None:
        if self.report is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Paint each previewed page to fill the printer's page, then note the print in the audit log."""
        report = self.report
        if report is None or not self.page_images:
            return
        painter = QPainter(printer)
        try:
            for index, image in enumerate(self.page_images):
                if index:
                    printer.newPage()
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(target.x(), target.y(), scaled.width(), scaled.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
        finally:
            painter.end()
        self.context.write(
            lambda session, actor: self._record(session, actor, report, printed=True, target=printer.printerName()),
            lambda _result: self.status.setText(_("Sent to the printer.")),
            lambda error: self.status.setText(describe_error(error)),
        )

    @staticmethod
    def _record(session: Session, actor: Actor, report: BuiltReport, *, printed: bool, target: str) -> None:
        record_report_output(
            session=session,
            actor=actor,
            printed=printed,
            month=f"{report.month:%Y-%m}",
            audience=report.audience,
            language=report.language,
            purpose=report.purpose,
            target=target,
            figures_hash=report.figures_hash,
        )

    def open_folder(self) -> None:
        if self.saved_folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_folder)))
