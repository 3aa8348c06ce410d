"""The Community page on the demo station: each tab lists its records, and forms store what the officer typed."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlmodel import select

from station_desk.models import CommunityMeeting, PlanAction, ResidentThreat
from station_desk.models.enums import ThreatStatus
from station_desk.services import community
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.community_forms import ActionDoneDialog, MeetingDialog, ThreatStatusDialog
from station_desk.ui.pages.community import CommunityPage
from tests.ui.conftest import direct_session, shown


@pytest.fixture
def page(context: AppContext, qtbot: QtBot) -> CommunityPage:
    page = shown(CommunityPage(context), qtbot)
    qtbot.waitUntil(
        lambda: page.meetings.loaded and page.prevention.loaded and page.threats.loaded and page.plan.loaded
    )
    qtbot.waitUntil(lambda: page.plan.model.rowCount() > 0)
    return page


def _accepted(dialog: QDialog) -> bool:
    return dialog.result() == QDialog.DialogCode.Accepted


def test_each_tab_lists_the_demo_records(page: CommunityPage, context: AppContext, qtmodeltester: object) -> None:
    actor = context.actor
    with direct_session(context) as session:
        since, until = page.meetings.bounds()
        meetings = community.list_meetings(session=session, actor=actor, since=since, until=until)
        events = community.list_prevention_events(session=session, actor=actor, since=since, until=until)
        threats = community.list_threats(session=session, actor=actor, since=since, until=until)
        plans = community.list_plans(session=session, actor=actor)
        current = page.plan.plan()
        assert current is not None
        actions = community.plan_actions(session=session, actor=actor, plan_id=current.id)
    assert meetings and events and threats and plans and actions
    assert page.meetings.model.rowCount() == len(meetings)
    assert page.prevention.model.rowCount() == len(events)
    assert page.threats.model.rowCount() == len(threats)
    assert page.plan.plan_combo.count() == len(plans)
    assert page.plan.model.rowCount() == len(actions)
    assert page.plan.problem_text.text() == current.problem
    for model in (page.meetings.model, page.prevention.model, page.threats.model, page.plan.model):
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    # The empty state stays hidden while there is something to show.
    assert page.meetings.stack.currentWidget() is page.meetings.table


def test_threat_status_filter_shows_only_that_status(page: CommunityPage, qtbot: QtBot) -> None:
    statuses = {threat.status for threat in page.threats.model.rows}
    status = next(iter(statuses))
    page.threats.status_filter.setCurrentIndex(page.threats.status_filter.findData(status.value))
    qtbot.waitUntil(lambda: {threat.status for threat in page.threats.model.rows} == {status})


def test_new_meeting_is_stored_and_listed(page: CommunityPage, context: AppContext, qtbot: QtBot) -> None:
    before = page.meetings.model.rowCount()
    dialog = page.meetings.new_record()
    assert isinstance(dialog, MeetingDialog)
    dialog.place.setText("Клуб, Лишня")
    dialog.attendance.setValue(23)
    dialog.issues.setPlainText("Освітлення біля школи")
    dialog.save()
    qtbot.waitUntil(lambda: _accepted(dialog))
    with direct_session(context) as session:
        stored = session.exec(select(CommunityMeeting).where(CommunityMeeting.place == "Клуб, Лишня")).one()
    assert stored.attendance == 23
    assert stored.issues_raised == "Освітлення біля школи"
    qtbot.waitUntil(lambda: page.meetings.model.rowCount() == before + 1)
    # What was just saved is selected, with its issues shown under the list.
    qtbot.waitUntil(lambda: "Освітлення біля школи" in page.meetings.details.text())


def test_negative_attendance_shows_the_message_and_saves_nothing(
    page: CommunityPage, context: AppContext, qtbot: QtBot
) -> None:
    with direct_session(context) as session:
        before = len(session.exec(select(CommunityMeeting)).all())
    dialog = page.meetings.new_record()
    assert isinstance(dialog, MeetingDialog)
    dialog.place.setText("Школа")
    dialog.attendance.setValue(-4)
    dialog.save()
    field = dialog.fieldset.fields["attendance"]
    qtbot.waitUntil(lambda: not field.message.isHidden())
    assert field.message.text() == "Must not be negative."
    assert dialog.isVisible() and not _accepted(dialog)
    assert dialog.save_button.isEnabled()  # the officer can correct and save again
    with direct_session(context) as session:
        assert len(session.exec(select(CommunityMeeting)).all()) == before


def test_changing_a_threat_status_is_stored(page: CommunityPage, context: AppContext, qtbot: QtBot) -> None:
    page.tabs.setCurrentWidget(page.threats)
    page.threats.select_row(0)
    threat = page.threats.selected()
    assert threat is not None
    dialog = page.threats.change_status()
    assert isinstance(dialog, ThreatStatusDialog)
    dialog.status.setCurrentIndex(dialog.status.findData(ThreatStatus.confirmed_eliminated.value))
    dialog.action_taken.setPlainText("Сміття вивезено, встановлено табличку")
    dialog.save()
    qtbot.waitUntil(lambda: _accepted(dialog))
    with direct_session(context) as session:
        stored = session.get(ResidentThreat, threat.id)
    assert stored is not None
    assert stored.status == ThreatStatus.confirmed_eliminated
    assert stored.action_taken == "Сміття вивезено, встановлено табличку"
    qtbot.waitUntil(lambda: "Сміття вивезено" in page.threats.details.text())


def test_marking_a_plan_action_done_is_stored(page: CommunityPage, context: AppContext, qtbot: QtBot) -> None:
    plan_tab = page.plan
    open_rows = [row for row, action in enumerate(plan_tab.model.rows) if action.done_on is None]
    assert open_rows, "the demo plan has an action still to do"
    action = plan_tab.model.rows[open_rows[0]]
    plan_tab.table.selectRow(plan_tab.proxy.mapFromSource(plan_tab.model.index(open_rows[0], 0)).row())
    assert plan_tab.done_button.isEnabled()
    dialog = plan_tab.mark_done()
    assert isinstance(dialog, ActionDoneDialog)
    dialog.save()
    qtbot.waitUntil(lambda: _accepted(dialog))
    with direct_session(context) as session:
        stored = session.get(PlanAction, action.id)
    assert stored is not None and stored.done_on == date.today()
    qtbot.waitUntil(lambda: any(row.id == action.id and row.done_on == date.today() for row in plan_tab.model.rows))
