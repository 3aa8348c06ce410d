"""The Reports page: a month's report built in the background, previewed, saved with its CSV and printed; audited."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from sqlmodel import col, select

from station_desk.models import AuditEntry
from station_desk.models.enums import AuditAction
from station_desk.ui.context import AppContext
from station_desk.ui.pages.reports import ReportsPage
from tests.ui.conftest import direct_session, shown


def _report_entries(context: AppContext) -> list[AuditEntry]:
    with direct_session(context) as session:
        return list(
            session.exec(select(AuditEntry).where(AuditEntry.record_type == "report").order_by(col(AuditEntry.id)))
        )


def _built(context: AppContext, qtbot: QtBot) -> ReportsPage:
    page = shown(ReportsPage(context), qtbot)
    page.purpose_edit.setText("Monthly review")
    page.build_button.click()
    qtbot.waitUntil(lambda: bool(page.page_images), timeout=60_000)
    return page


def test_a_report_needs_a_purpose_before_it_is_built(context: AppContext, qtbot: QtBot) -> None:
    page = shown(ReportsPage(context), qtbot)
    page.build_button.click()
    assert not page.purpose_field.message.isHidden()
    assert page.report is None and not page.save_button.isEnabled()


def test_built_report_is_previewed_saved_with_its_csv_and_printed_each_audited(
    context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    page = _built(context, qtbot)
    assert page.report is not None and page.report.pdf.startswith(b"%PDF")
    assert page.pages_layout.count() == len(page.page_images) >= 1
    assert page.page_images[0].width() > 500  # a readable A4 page, not a thumbnail
    assert "ready" in page.status.text()
    assert page.save_button.isEnabled() and page.print_button.isEnabled()

    page.save_to(tmp_path / "march.pdf")
    qtbot.waitUntil(lambda: page.saved_folder == tmp_path)
    assert (tmp_path / "march.pdf").read_bytes() == page.report.pdf
    assert (tmp_path / "march.csv").read_text(encoding="utf-8-sig").strip()

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    page.print_to(printer)
    qtbot.waitUntil(lambda: page.status.text() == "Sent to the printer.")
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")

    actions = [entry.action for entry in _report_entries(context)]
    assert AuditAction.export in actions and AuditAction.print in actions
    saved = next(entry for entry in _report_entries(context) if entry.action == AuditAction.export)
    assert saved.reason == "Monthly review" and saved.details["target"] == str(tmp_path / "march.pdf")


def test_cancel_drops_the_report_that_arrives_later(context: AppContext, qtbot: QtBot) -> None:
    page = shown(ReportsPage(context), qtbot)
    page.purpose_edit.setText("Monthly review")
    page.build_button.click()
    page.cancel_button.click()
    assert page.build_button.isEnabled() and page.status.text().startswith("Cancelled")
    context.workers.wait_idle(60_000)
    assert page.report is None and page.page_images == []


def test_the_month_that_just_ended_is_offered_first_and_kept_across_a_language_switch(
    context: AppContext, qtbot: QtBot
) -> None:
    page = shown(ReportsPage(context), qtbot)
    today = date.today()
    last_month = date(today.year, today.month, 1) - timedelta(days=1)
    assert page.month_box.currentData() == f"{last_month:%Y-%m}"
    page.month_box.setCurrentIndex(5)
    chosen = page.month_box.currentData()
    page.retranslate()
    assert page.month_box.currentData() == chosen
