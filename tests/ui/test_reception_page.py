"""The Reception page on the demo station: the week's slots, marking them, visits, follow-ups, the schedule."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QTime
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select

from station_desk.models import ReceptionSchedule, ReceptionSession, ReceptionVisit
from station_desk.services.reception import open_follow_ups, sessions_for_week
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.visit_form import VisitFormDialog
from station_desk.ui.pages.reception import ReceptionPage
from station_desk.ui.table_models.reception import FollowUpTableModel, VisitTableModel
from tests.ui.conftest import shown

STATUS = 3  # the slot table's "Held" column


def _page(context: AppContext, qtbot: QtBot) -> ReceptionPage:
    page = shown(ReceptionPage(context), qtbot)
    qtbot.waitUntil(lambda: page.data is not None)
    return page


def _select_day(page: ReceptionPage, day: date) -> int:
    assert page.data is not None
    row = next(row for row, slot in enumerate(page.data.slots) if slot.day == day)
    page.slot_table.selectRow(row)
    return row


def _cell(page: ReceptionPage, row: int, column: int) -> str:
    item = page.slot_table.item(row, column)
    return item.text() if item is not None else ""


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def test_the_week_shows_this_weeks_slots_from_the_schedule(context: AppContext, qtbot: QtBot) -> None:
    page = _page(context, qtbot)
    assert page.data is not None
    monday = page.data.monday
    assert monday == page.data.today - timedelta(days=page.data.today.weekday())
    with Session(context.handle.engine) as session:
        expected = sessions_for_week(session=session, actor=context.actor, week_start=monday)
    # The demo schedule: Monday morning at one place, Thursday afternoon at another.
    assert [slot.day.weekday() for slot in expected] == [0, 3]
    assert page.slot_table.rowCount() == len(expected)
    for row, slot in enumerate(expected):
        assert _cell(page, row, 2) == slot.place
        assert _cell(page, row, 0).startswith(("Mon", "Thu"))
    assert _cell(page, 1, 1) == "14:00–16:00"
    assert not page.this_button.isEnabled()

    page.previous_button.click()
    qtbot.waitUntil(lambda: page.data is not None and page.data.monday == monday - timedelta(days=7))
    page.this_button.click()
    qtbot.waitUntil(lambda: page.data is not None and page.data.monday == monday)


def test_mark_held_and_add_a_visit_with_a_follow_up(
    context: AppContext, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    page = _page(context, qtbot)
    assert page.data is not None
    monday, today = page.data.monday, page.data.today
    row = _select_day(page, monday)  # Monday's reception is never in the future within its own week
    assert page.held_button.isEnabled()
    page.held_button.click()
    qtbot.waitUntil(lambda: _cell(page, row, STATUS) == "Held")
    with Session(context.handle.engine) as session:
        stored = session.exec(select(ReceptionSession).where(ReceptionSession.day == monday)).one()
    assert stored.held is True
    assert page.visits_stack.currentWidget() is page.visits_empty
    assert "Add visit" in page.visits_empty.text()

    form = page.open_visit_form()
    assert isinstance(form, VisitFormDialog)
    qtbot.waitUntil(form.isVisible)
    form.visitor_edit.setText("Ганна Бондар")
    form.topic_edit.setText("Сусід випасає корів на її городі")
    form.outcome_box.setCurrentIndex(form.outcome_box.findText("Referred elsewhere"))
    form.follow_up_check.setChecked(True)
    form.follow_up_edit.setDate(_qdate(today))
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())

    with Session(context.handle.engine) as session:
        visit = session.exec(select(ReceptionVisit).where(ReceptionVisit.visitor_name == "Ганна Бондар")).one()
        due = open_follow_ups(session=session, actor=context.actor, today=today)
    assert visit.session_id == stored.id and visit.follow_up_on == today and not visit.resolved

    qtbot.waitUntil(lambda: page.visit_model.rowCount() == 1)
    assert page.visits_stack.currentWidget() is page.visit_table
    assert page.visit_model.index(0, VisitTableModel.COL_VISITOR).data() == "Ганна Бондар"
    assert page.visit_model.index(0, VisitTableModel.COL_OUTCOME).data() == "Referred elsewhere"
    # A follow-up due today is open work: it shows in the follow-ups list with the service's others.
    qtbot.waitUntil(lambda: any(r.id == visit.id for r in page.follow_up_model.rows))
    assert [r.id for r in page.follow_up_model.rows] == [v.id for v in due]
    assert f"({len(due)})" in page.follow_ups_heading.text()
    qtmodeltester.check(page.visit_model)  # type: ignore[no-untyped-call]
    qtmodeltester.check(page.follow_up_model)  # type: ignore[no-untyped-call]


def test_resolving_a_follow_up_takes_it_off_the_list(context: AppContext, qtbot: QtBot) -> None:
    page = _page(context, qtbot)
    qtbot.waitUntil(lambda: page.follow_up_model.rowCount() > 0)
    first = page.follow_up_model.rows[0]
    page.follow_up_table.doubleClicked.emit(page.follow_up_model.index(0, FollowUpTableModel.COL_VISITOR))
    form = page.visit_form
    assert form is not None and form.visit is not None and form.visit.id == first.id
    qtbot.waitUntil(form.isVisible)
    assert form.visitor_edit.text() == first.visitor_name
    form.resolved_check.setChecked(True)
    form.save_button.click()
    qtbot.waitUntil(lambda: all(r.id != first.id for r in page.follow_up_model.rows))
    with Session(context.handle.engine) as session:
        assert session.get_one(ReceptionVisit, first.id).resolved is True


def test_a_visit_without_a_name_shows_the_message_and_saves_nothing(context: AppContext, qtbot: QtBot) -> None:
    page = _page(context, qtbot)
    assert page.data is not None
    _select_day(page, page.data.monday)
    page.held_button.click()
    qtbot.waitUntil(lambda: page.selected_slot() is not None and page.selected_slot().held is True)  # type: ignore[union-attr]
    form = page.open_visit_form()
    assert form is not None
    form.topic_edit.setText("Тестова тема без відвідувача")
    form.save_button.click()
    message = form.fields.fields["visitor_name"].message
    qtbot.waitUntil(lambda: not message.isHidden())
    assert message.text() == "This field is required."
    context.workers.wait_idle()
    with Session(context.handle.engine) as session:
        assert (
            session.exec(select(ReceptionVisit).where(ReceptionVisit.topic == "Тестова тема без відвідувача")).first()
            is None
        )


def test_a_future_reception_cannot_be_marked_held(context: AppContext, qtbot: QtBot) -> None:
    page = _page(context, qtbot)
    page.next_button.click()
    qtbot.waitUntil(lambda: page.data is not None and page.data.monday > page.data.today)
    page.slot_table.selectRow(0)
    assert not page.held_button.isEnabled()
    assert not page.visit_button.isEnabled()
    assert page.not_held_button.isEnabled()


def test_the_commander_adds_a_weekly_slot(context: AppContext, qtbot: QtBot) -> None:
    page = _page(context, qtbot)
    assert page.schedule_button.isVisibleTo(page)
    assert page.data is not None
    monday = page.data.monday
    form = page.open_schedule_form()
    qtbot.waitUntil(form.isVisible)
    form.place_edit.setText("Школа, с. Липівка")
    form.weekday_box.setCurrentIndex(2)  # Wednesday
    form.starts_edit.setTime(QTime(9, 0))
    form.ends_edit.setTime(QTime(11, 0))
    form.valid_from_edit.setDate(_qdate(monday))
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())
    with Session(context.handle.engine) as session:
        stored = session.exec(select(ReceptionSchedule).where(ReceptionSchedule.place == "Школа, с. Липівка")).one()
    assert stored.weekday == 2 and stored.valid_from == monday
    qtbot.waitUntil(lambda: page.slot_table.rowCount() == 3)
    assert _cell(page, 1, 2) == "Школа, с. Липівка"
    assert _cell(page, 1, 1) == "09:00–11:00"


def test_an_officer_has_no_schedule_editor(officer_context: AppContext, qtbot: QtBot) -> None:
    page = _page(officer_context, qtbot)
    assert not page.schedule_button.isVisibleTo(page)
