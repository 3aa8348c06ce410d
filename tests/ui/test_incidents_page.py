"""The Incidents page on the demo station: paging on scroll, search, filters, and the model's contract."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlmodel import Session, col, select

from station_desk.models import Incident
from station_desk.services.incident_list import PAGE_SIZE, IncidentFilter, count_incidents
from station_desk.ui.context import AppContext
from station_desk.ui.pages.incidents import IncidentsPage
from station_desk.ui.table_models.incidents import IncidentTableModel

SEARCH_WORD = "сокирою"  # "with an axe": in three demo narratives (seed 1)


def _count(context: AppContext, filters: IncidentFilter | None = None) -> int:
    with Session(context.handle.engine) as session:
        return count_incidents(session=session, actor=context.actor, filters=filters)


def open_page(context: AppContext, qtbot: QtBot) -> IncidentsPage:
    page = IncidentsPage(context)
    qtbot.addWidget(page)
    page.resize(1100, 680)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.model.is_fetching)
    qtbot.waitUntil(lambda: page.total is not None)
    return page


def test_list_pages_in_more_rows_on_scroll_until_every_incident_is_shown(context: AppContext, qtbot: QtBot) -> None:
    page = open_page(context, qtbot)
    total = _count(context)
    assert total > PAGE_SIZE
    assert page.model.rowCount() == PAGE_SIZE
    assert page.count_label.text() == f"{total} incidents"
    page.view.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == total)
    assert not page.model.canFetchMore()
    reported = [row.reported_at for row in page.model.rows]
    assert reported == sorted(reported, reverse=True)
    # Dates are shown in the station's time zone (Kyiv: UTC+2 in November).
    first = page.model.rows[0]
    shown = page.model.index(0, IncidentTableModel.COL_REPORTED).data()
    assert f"{(first.reported_at.hour + 2) % 24:02d}:{first.reported_at.minute:02d}" in shown


def test_model_passes_the_qt_model_tester(context: AppContext, qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    page = open_page(context, qtbot)
    qtmodeltester.check(page.model)
    page.model.fetchMore()
    qtbot.waitUntil(lambda: page.model.rowCount() > PAGE_SIZE)
    qtmodeltester.check(page.model)
    assert page.model.headerData(IncidentTableModel.COL_NUMBER, Qt.Orientation.Horizontal) == "Number"


def test_search_word_from_a_narrative_filters_the_list(context: AppContext, qtbot: QtBot) -> None:
    page = open_page(context, qtbot)
    expected = _count(context, IncidentFilter(text=SEARCH_WORD))
    assert 0 < expected < 10
    # QTest cannot type Cyrillic keys, so the letters go in one at a time as the keyboard would put them.
    for letter in SEARCH_WORD:
        page.search_edit.insert(letter)
    assert page.search_timer.isActive() and page.model.filters.text == ""  # waits for a pause in typing
    qtbot.waitUntil(lambda: page.model.rowCount() == expected and not page.model.is_fetching, timeout=3000)
    qtbot.waitUntil(lambda: page.count_label.text() == f"{expected} incidents")
    with Session(context.handle.engine) as session:
        narratives = session.exec(
            select(Incident.narrative).where(col(Incident.id).in_([row.id for row in page.model.rows]))
        ).all()
    assert all(SEARCH_WORD in narrative for narrative in narratives)

    page.search_edit.setText("жодногоакогословатакого")
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.empty_label, timeout=3000)
    assert "Clear filters" in page.empty_label.text()
    page.clear_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == PAGE_SIZE)
    assert page.stack.currentWidget() is page.view


def test_domestic_violence_only_shows_only_dv_rows_marked_with_a_shield(context: AppContext, qtbot: QtBot) -> None:
    page = open_page(context, qtbot)
    expected = _count(context, IncidentFilter(domestic_violence_only=True))
    assert expected > 0
    page.dv_box.setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == expected and not page.model.is_fetching)
    assert all(row.domestic_violence for row in page.model.rows)
    decoration = page.model.index(0, IncidentTableModel.COL_NUMBER).data(Qt.ItemDataRole.DecorationRole)
    assert decoration is not None and not decoration.isNull()
    qtbot.waitUntil(lambda: page.count_label.text() == f"{expected} incidents")


def test_category_and_status_filters_narrow_the_list(context: AppContext, qtbot: QtBot) -> None:
    page = open_page(context, qtbot)
    page.category_box.setCurrentIndex(page.category_box.findData("theft"))
    expected = _count(context, IncidentFilter(categories=["theft"]))
    qtbot.waitUntil(lambda: page.model.rowCount() == expected and not page.model.is_fetching)
    assert {row.category_code for row in page.model.rows} == {"theft"}
    assert page.model.index(0, IncidentTableModel.COL_CATEGORY).data() == "Theft"


def test_enter_on_a_row_opens_its_incident(context: AppContext, qtbot: QtBot) -> None:
    page = open_page(context, qtbot)
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(2, 0))
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    form = page.form
    assert form is not None
    asked = lambda: form.prompt is not None and form.prompt.isVisible()  # noqa: E731
    qtbot.waitUntil(lambda: form.is_loaded or asked())
    if form.prompt is not None and asked():  # a domestic-violence or a child's record opens only with a reason
        form.prompt.setTextValue("test")
        form.prompt.accept()
    qtbot.waitUntil(lambda: form.is_loaded)
    assert form.title.text() == f"Incident {page.model.rows[2].number}"


def test_clicking_a_header_sorts_the_whole_list_in_the_database(context: AppContext, qtbot: QtBot) -> None:
    page = open_page(context, qtbot)
    header = page.view.horizontalHeader()
    page.view.sortByColumn(IncidentTableModel.COL_NUMBER, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.model.is_fetching)
    with Session(context.handle.engine) as session:
        numbers = sorted(session.exec(select(Incident.number).where(col(Incident.deleted_at).is_(None))).all())
    assert page.model.index(0, IncidentTableModel.COL_NUMBER).data() == numbers[0]
    page.view.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == len(numbers))
    assert [row.number for row in page.model.rows] == numbers

    # The summary column cannot be sorted: the indicator stays on the number and the rows keep their order.
    page.view.sortByColumn(IncidentTableModel.COL_SUMMARY, Qt.SortOrder.DescendingOrder)
    assert header.sortIndicatorSection() == IncidentTableModel.COL_NUMBER
    assert [row.number for row in page.model.rows] == numbers
