"""The Today page on the demo station: the month's incidents by category, open items, expiring orders."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from station_desk.i18n import format_number
from station_desk.services.accounts import StationHandle
from station_desk.ui.context import AppContext
from station_desk.ui.pages.today import TodayPage
from tests.ui.conftest import DEMO_NOW, shown

# Local midnights of 1 November and 1 December 2026 in Kyiv (UTC+2), as the database stores UTC.
MONTH_START, NEXT_MONTH = "2026-10-31 22:00:00", "2026-11-30 22:00:00"


def _sql(handle: StationHandle, sql: str, **params: object) -> list[Any]:
    with handle.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params).all()]


def _open_page(context: AppContext, qtbot: QtBot) -> TodayPage:
    page = TodayPage(context)
    page.clock = lambda: DEMO_NOW
    page.resize(1090, 690)
    shown(page, qtbot)
    qtbot.waitUntil(lambda: page.figures is not None)
    return page


def test_shows_the_months_incidents_by_category(context: AppContext, qtbot: QtBot) -> None:
    page = _open_page(context, qtbot)
    counts = dict(
        _sql(
            context.handle,
            """SELECT c.name_en, count(*) FROM incident i JOIN category c ON c.code = i.category_code
               WHERE i.deleted_at IS NULL AND i.status != 'voided'
               AND i.reported_at >= :since AND i.reported_at < :until
               GROUP BY c.name_en""",
            since=MONTH_START,
            until=NEXT_MONTH,
        )
    )
    total = sum(int(count) for count in counts.values())
    assert total > 0
    assert page.incident_totals.text().startswith(f"{format_number(total)} so far this month")
    chart_labels = page.chart.labels
    top = sorted(counts.items(), key=lambda item: -int(item[1]))[0]
    assert top[0] in chart_labels  # category names in the UI language (English here)
    this_month = page.chart.series[0].values
    assert sum(this_month) == total  # the "other categories" row keeps the sum whole
    assert page.chart.isVisible() and not page.chart_empty.isVisible()


def test_an_expiring_order_and_the_open_items_appear(context: AppContext, qtbot: QtBot) -> None:
    page = _open_page(context, qtbot)
    expiring = _sql(
        context.handle,
        """SELECT i.number FROM protectivemeasure m JOIN incident i ON i.id = m.incident_id
           WHERE m.deleted_at IS NULL AND i.status != 'voided' AND m.expires_at > :now AND m.expires_at <= :until""",
        now="2026-11-20 12:00:00",
        until="2026-11-23 12:00:00",
    )
    assert expiring, "the demo station should have an order running out within three days"
    for (number,) in expiring:
        assert str(number) in page.expiring_list.text()
    (open_count,) = _sql(
        context.handle,
        "SELECT count(*) FROM incident WHERE deleted_at IS NULL AND status IN "
        "('draft', 'submitted', 'returned', 'approved')",
    )[0]
    assert page.open_count.text() == f"{format_number(int(open_count))} open"
    assert "overdue" in page.overdue_count.text()
    assert page.reception_rows.count() > 0
    assert "%" in page.beat_bar.format()


def test_reloads_when_anything_changes(context: AppContext, qtbot: QtBot) -> None:
    page = _open_page(context, qtbot)
    page.figures = None
    context.data_changed.emit("patrol")
    qtbot.waitUntil(lambda: page.figures is not None)
