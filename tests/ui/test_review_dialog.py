"""The commander's review list: records past their retention period are listed and anonymised from the app."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlmodel import select

from station_desk import db
from station_desk.models import Incident
from station_desk.services.retention import set_retention_rule
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.review_dialog import ReviewDialog
from station_desk.ui.pages.settings import SettingsPage
from tests.ui.conftest import direct_session, shown


def test_the_commander_anonymises_a_record_past_retention(context: AppContext, qtbot: QtBot) -> None:
    with db.write_session(context.handle.engine) as s:
        # A station rule that makes last month's incidents due at once.
        set_retention_rule(s, context.actor, "incident", 1, 1)
    dialog = ReviewDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=20000)
    first = next(item for item in dialog.items if item.record_type == "incident" and item.past_retention)
    before = len(dialog.items)
    assert "Due for review" in dialog.summary.text()
    dialog.table.selectRow(dialog.items.index(first))
    assert dialog.anonymise_button.isEnabled()
    dialog.anonymise_selected("Строк зберігання минув")
    qtbot.waitUntil(lambda: len(dialog.items) == before - 1, timeout=20000)
    assert all(item.record_id != first.record_id for item in dialog.items)
    with direct_session(context) as s:
        incident = s.exec(select(Incident).where(Incident.id == first.record_id)).one()
        assert incident.narrative == "" and incident.address is None
        assert incident.category_code  # the statistics keep it


def test_an_officer_cannot_open_the_review(officer_context: AppContext, qtbot: QtBot) -> None:
    page = shown(SettingsPage(officer_context), qtbot)
    assert not page.review_button.isEnabled()
