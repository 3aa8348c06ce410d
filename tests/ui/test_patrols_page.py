"""The Patrols page on the demo station: the month's list, the summary, and the patrol form."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import QDateTimeEdit, QListWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlmodel import Session, col, func, select

from station_desk.models import Patrol, PatrolVillage, Station
from station_desk.services.patrols import list_patrols
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.patrol_form import PatrolFormDialog
from station_desk.ui.pages.patrols import PatrolsPage, month_bounds
from station_desk.ui.table_models.patrols import PatrolTableModel

NOVEMBER = date(2026, 11, 1)  # the demo station's last month (tests/ui/conftest.DEMO_NOW)


def _page(context: AppContext, qtbot: QtBot, month: date = NOVEMBER) -> PatrolsPage:
    page = PatrolsPage(context)
    qtbot.addWidget(page)
    page.retranslate()
    page.show()
    page.show_month(month)
    qtbot.waitUntil(lambda: page.data is not None and page.data.month == month)
    return page


def _timezone(context: AppContext) -> str:
    with Session(context.handle.engine) as session:
        return session.get_one(Station, context.actor.station_id).timezone


def _set(editor: QDateTimeEdit, timezone: str, day: date, hour: int, minute: int = 0) -> None:
    editor.setDateTime(
        QDateTime(QDate(day.year, day.month, day.day), QTime(hour, minute), QTimeZone(timezone.encode()))
    )


def _check(widget: QListWidget, names: list[str]) -> None:
    for row in range(widget.count()):
        item = widget.item(row)
        if item.text() in names:
            item.setCheckState(Qt.CheckState.Checked)


def _patrol_count(context: AppContext) -> int:
    with Session(context.handle.engine) as session:
        return int(session.exec(select(func.count()).select_from(Patrol)).one())


def _open_new_form(page: PatrolsPage, qtbot: QtBot) -> PatrolFormDialog:
    page.new_button.click()
    form = page.form
    assert form is not None
    qtbot.waitUntil(form.isVisible)
    return form


def test_list_shows_the_months_patrols_newest_first(
    context: AppContext, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    page = _page(context, qtbot)
    timezone = _timezone(context)
    since, until = month_bounds(NOVEMBER, timezone)
    with Session(context.handle.engine) as session:
        expected = list_patrols(session=session, actor=context.actor, since=since, until=until)
    assert expected, "the demo station has patrols in November"
    assert page.proxy.rowCount() == page.model.rowCount() == len(expected)
    assert page.stack.currentWidget() is page.table
    first_start = page.proxy.index(0, PatrolTableModel.COL_START).data()
    assert first_start.startswith(expected[0].started_at.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y"))
    assert page.proxy.index(0, PatrolTableModel.COL_MODE).data() in ("On foot", "By car", "By bicycle")
    summary = page.summary_label.text()
    assert f"{len(expected)} patrols" in summary and "goal 80%" in summary
    assert "working days" in page.summary_label.toolTip()
    assert page.month_label.text() == "November 2026"
    qtmodeltester.check(page.model)  # type: ignore[no-untyped-call]


def test_filter_and_empty_state_tell_what_to_do(context: AppContext, qtbot: QtBot) -> None:
    page = _page(context, qtbot)
    page.filter_edit.setText("no such village anywhere")
    assert page.proxy.rowCount() == 0
    assert page.stack.currentWidget() is page.empty_label
    assert "Clear the filter" in page.empty_label.text()
    page.filter_edit.clear()
    assert page.proxy.rowCount() == page.model.rowCount() > 0

    page.show_month(date(2020, 1, 1))
    qtbot.waitUntil(lambda: page.data is not None and page.data.month == date(2020, 1, 1))
    assert page.stack.currentWidget() is page.empty_label
    assert "New patrol" in page.empty_label.text()


def test_new_patrol_through_the_form_is_stored_and_listed(context: AppContext, qtbot: QtBot) -> None:
    page = _page(context, qtbot)
    timezone = _timezone(context)
    form = _open_new_form(page, qtbot)
    day = date(2026, 11, 21)
    _set(form.start_edit, timezone, day, 14, 0)
    _set(form.end_edit, timezone, day, 16, 30)
    form.mode_box.setCurrentIndex(form.mode_box.findText("By car"))
    form.vehicle_edit.setText("АА 1234 ВВ")
    form.km_edit.setValue(42.5)
    villages = [form.village_list.item(0).text(), form.village_list.item(1).text()]
    _check(form.village_list, villages)
    form.purpose_edit.setPlainText("Night check of the farms")
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())

    with Session(context.handle.engine) as session:
        stored = session.exec(select(Patrol).where(Patrol.vehicle == "АА 1234 ВВ")).one()
        links = session.exec(
            select(PatrolVillage).where(PatrolVillage.patrol_id == stored.id, col(PatrolVillage.deleted_at).is_(None))
        ).all()
    assert stored.km == 42.5 and stored.purpose == "Night check of the farms"
    assert stored.officer_ids == [context.actor.user_id]
    local_start = stored.started_at.astimezone(ZoneInfo(timezone))
    assert (local_start.date(), local_start.hour, local_start.minute) == (day, 14, 0)
    assert len(links) == 2

    def listed() -> bool:
        return any(row.id == stored.id for row in page.model.rows)

    qtbot.waitUntil(listed)
    row = next(row for row in page.model.rows if row.id == stored.id)
    assert row.village_names == villages
    assert page.model.index(page.model.rows.index(row), PatrolTableModel.COL_DURATION).data() == "2 h 30 min"


def test_end_before_start_shows_the_message_under_the_end_and_saves_nothing(context: AppContext, qtbot: QtBot) -> None:
    page = _page(context, qtbot)
    before = _patrol_count(context)
    form = _open_new_form(page, qtbot)
    timezone = _timezone(context)
    _set(form.start_edit, timezone, date(2026, 11, 21), 14, 0)
    _set(form.end_edit, timezone, date(2026, 11, 21), 13, 0)
    form.save_button.click()
    end_message = form.fields.fields["ended_at"].message
    qtbot.waitUntil(lambda: not end_message.isHidden())
    assert end_message.text() == "The end is before the start."
    assert form.fields.fields["started_at"].message.isHidden()
    assert form.isVisible()
    context.workers.wait_idle()
    assert _patrol_count(context) == before


def test_double_click_opens_the_patrol_for_correction(context: AppContext, qtbot: QtBot) -> None:
    page = _page(context, qtbot)
    index = page.proxy.index(0, PatrolTableModel.COL_KM)
    page.table.doubleClicked.emit(index)
    form = page.form
    assert form is not None and form.patrol is not None
    qtbot.waitUntil(form.isVisible)
    assert form.windowTitle() == "Edit patrol"
    patrol_id = form.patrol.id
    assert form.km_edit.value() == form.patrol.km
    form.km_edit.setValue(12.3)
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())
    with Session(context.handle.engine) as session:
        assert session.get_one(Patrol, patrol_id).km == 12.3
    qtbot.waitUntil(lambda: page.proxy.index(0, PatrolTableModel.COL_KM).data() == "12.3")


def test_an_officer_records_their_own_patrol(officer_context: AppContext, qtbot: QtBot) -> None:
    page = _page(officer_context, qtbot)
    form = _open_new_form(page, qtbot)
    checked = [
        form.officer_list.item(row).text()
        for row in range(form.officer_list.count())
        if form.officer_list.item(row).checkState() == Qt.CheckState.Checked
    ]
    assert checked == [officer_context.actor.full_name]
    assert not form.vehicle_edit.isEnabled(), "on foot by default: no vehicle to type"
