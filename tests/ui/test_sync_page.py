"""The Sync page, the conflict dialog, automatic sync and the status bar, against a real regional server."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from pytestqt.qtbot import QtBot
from sqlmodel import Session, col, select

from station_desk import db
from station_desk.models import AuditEntry, OutboxEntry, Person, Station, SyncConflict, SyncRun
from station_desk.models.enums import AuditAction
from station_desk.services.records import update_record
from station_desk.sync import client, overview, state
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.conflict import ConflictDialog
from station_desk.ui.main_window import MainWindow
from station_desk.ui.pages.sync import SyncPage
from station_desk.ui.sync_runner import SyncOutcome, SyncRunner
from tests.live_server import LiveServer, enrolment_code, free_port
from tests.server_fixtures import sqlite_server_url
from tests.ui.conftest import direct_session, shown

__all__ = ["sqlite_server_url"]
SYNC_TIMEOUT_MS = 30_000


class HalfwayRandom(random.Random):
    """Full-jitter delays without the jitter: each wait is half the cap, so the growth is visible."""

    def random(self) -> float:
        return 0.5


@pytest.fixture
def window(context: AppContext, qtbot: QtBot) -> Iterator[MainWindow]:
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.sync_runner.shutdown()
    context.workers.wait_idle()


def sync_page(window: MainWindow, qtbot: QtBot) -> SyncPage:
    page = window.show_page(SyncPage)
    assert isinstance(page, SyncPage)
    qtbot.waitUntil(lambda: page.data is not None)
    return page


@contextmanager
def write_directly(context: AppContext) -> Iterator[Session]:
    """A committed change beside the app's, once its background reads are done (see `direct_session`)."""
    context.workers.wait_idle()
    with db.write_session(context.handle.engine) as session:
        yield session


def station_name(context: AppContext) -> str:
    with direct_session(context) as session:
        return session.get_one(Station, context.actor.station_id).name


def waiting(context: AppContext) -> int:
    context.workers.wait_idle()
    return overview.sync_status(context.handle.engine).waiting


def waiting_records(context: AppContext) -> int:
    """Records with changes waiting: a sync sends each once, however many changes it had."""
    with direct_session(context) as session:
        return len(set(session.exec(select(OutboxEntry.record_type, OutboxEntry.record_id)).all()))


def enrol_through_the_form(page: SyncPage, qtbot: QtBot, url: str, code: str) -> None:
    page.server_edit.setText(url)
    page.code_edit.setText(code)
    page.enrol_button.click()
    qtbot.waitUntil(lambda: not page.enrolling, timeout=SYNC_TIMEOUT_MS)


def test_a_laptop_not_enrolled_says_so_and_offers_the_form_to_a_commander_only(
    window: MainWindow, context: AppContext, qtbot: QtBot, officer_context: AppContext
) -> None:
    page = sync_page(window, qtbot)
    assert "not enrolled" in page.state_label.text()
    assert page.enrol_box.isVisible() and page.server_field.isVisible() and page.enrol_button.isVisible()
    assert not page.sync_button.isEnabled()
    assert page.table.rowCount() > 0  # the demo's records wait, by record type
    qtbot.waitUntil(lambda: "Never synced" in window.sync_label.text())

    officer_page = shown(SyncPage(officer_context), qtbot)
    qtbot.waitUntil(lambda: officer_page.data is not None)
    assert officer_page.enrol_box.isVisible() and not officer_page.server_field.isVisible()
    assert "Only a commander" in officer_page.ask_label.text()
    assert officer_page.data is not None and officer_page.data.commanders
    assert officer_page.data.commanders[0] in officer_page.ask_label.text()
    officer_page.runner.shutdown()


def test_enrolment_with_a_wrong_code_or_a_closed_port_says_why_under_the_field_and_changes_nothing(
    window: MainWindow, context: AppContext, qtbot: QtBot, sqlite_server_url: str
) -> None:
    page = sync_page(window, qtbot)
    page.enrol_button.click()  # nothing typed
    assert page.server_field.message.text().startswith("Type the server address")

    enrol_through_the_form(page, qtbot, f"http://127.0.0.1:{free_port()}", "ABCDE-FGHJK")
    assert "No regional server answers" in page.server_field.message.text()
    assert page.code_field.message.isHidden()

    with LiveServer(sqlite_server_url) as server:
        enrolment_code(sqlite_server_url, station_name(context))  # the station exists; this code is not it
        enrol_through_the_form(page, qtbot, server.url, "WRONG-CODE1")
    assert page.server_field.message.isHidden()
    assert "refused the enrolment" in page.code_field.message.text()
    context.workers.wait_idle()
    status = overview.sync_status(context.handle.engine)
    assert not status.enrolled and status.server_url is None
    with direct_session(context) as session:
        assert not session.exec(select(AuditEntry).where(AuditEntry.action == AuditAction.enrol)).all()
    assert page.enrol_box.isVisible() and not page.sync_button.isEnabled()


def test_a_commander_enrols_and_sync_now_sends_every_waiting_change(
    window: MainWindow, context: AppContext, qtbot: QtBot, sqlite_server_url: str
) -> None:
    page = sync_page(window, qtbot)
    assert waiting(context) > 100
    before = waiting_records(context)
    with LiveServer(sqlite_server_url) as server:
        code = enrolment_code(sqlite_server_url, station_name(context))
        enrol_through_the_form(page, qtbot, server.url, code)
        qtbot.waitUntil(lambda: page.data is not None and page.data.status.enrolled)
        assert server.url in page.state_label.text() and not page.enrol_box.isVisible()
        assert page.sync_button.isEnabled()

        # Cancel stops the sync at its next step; what the server answered stays, the rest waits.
        with qtbot.waitSignal(window.sync_runner.finished, timeout=SYNC_TIMEOUT_MS) as cancelled:
            page.sync_button.click()
            page.cancel_button.click()
        first = cancelled.args[0]
        assert isinstance(first, SyncOutcome) and first.cancelled and first.result is not None
        assert page.message.text().startswith("Sync cancelled")
        assert first.result.sent < before

        with qtbot.waitSignal(window.sync_runner.finished, timeout=SYNC_TIMEOUT_MS) as finished:
            page.sync_button.click()
            assert page.progress.isVisible() and page.cancel_button.isVisible()
            assert not page.sync_button.isEnabled()
            assert "Syncing" in window.sync_label.text()  # the status bar shows the sync while it runs
        outcome = finished.args[0]
        assert isinstance(outcome, SyncOutcome) and outcome.succeeded, outcome.error
        assert outcome.result is not None and first.result.sent + outcome.result.sent == before
        sent = outcome.result.sent

    assert page.message.text().startswith(f"Synced: {sent:,} sent")
    qtbot.waitUntil(lambda: page.table.rowCount() == 0 and page.history.rowCount() == 2)
    assert page.history.item(0, 1).text() == f"{sent:,}" and page.history.item(0, 4).text() == "OK"
    qtbot.waitUntil(lambda: "0 changes waiting" in window.sync_label.text())
    assert "Last sync:" in window.sync_label.text()
    assert waiting(context) == 0
    with direct_session(context) as session:
        runs = session.exec(select(SyncRun).order_by(col(SyncRun.id))).all()
        assert [run.sent for run in runs] == [first.result.sent, sent] and runs[-1].error is None


def test_an_unreachable_server_shows_the_error_and_retries_later_each_time_later(
    window: MainWindow, context: AppContext, qtbot: QtBot
) -> None:
    runner = window.sync_runner
    runner.rng = HalfwayRandom()
    with write_directly(context) as session:
        state.store_credentials(
            session,
            state.Credentials(
                server_url=f"http://127.0.0.1:{free_port()}",
                device_id="device-a",
                device_secret="secret",
                station_id=context.actor.station_id,
            ),
        )
    runner.refresh()
    page = sync_page(window, qtbot)
    qtbot.waitUntil(lambda: runner.enrolled and page.sync_button.isEnabled())

    delays = []
    for _attempt in range(2):
        with qtbot.waitSignal(runner.finished, timeout=SYNC_TIMEOUT_MS) as finished:
            assert runner.sync_now()
            assert not runner.sync_now()  # never two at once
        assert not finished.args[0].succeeded
        assert runner.retry_timer.isActive() and runner.poll_timer.isActive()
        delays.append(runner.retry_seconds)
    assert runner.failures == 2
    assert delays == [client.retry_delay(1, HalfwayRandom()), client.retry_delay(2, HalfwayRandom())]
    assert delays[1] > delays[0]
    assert page.message.text().startswith("Sync failed: No connection to the regional server")
    assert "Trying again by itself" in page.message.text()
    qtbot.waitUntil(lambda: page.history.rowCount() == 2)
    assert page.history.item(0, 4).text().startswith("Failed: No connection")

    # Locking stops the automatic tries.
    context.locked.emit()
    assert not runner.retry_timer.isActive() and not runner.poll_timer.isActive()
    assert not runner.sync_now()


def test_a_local_change_syncs_by_itself_after_a_pause_and_the_server_coming_back_is_noticed(
    context: AppContext, qtbot: QtBot, sqlite_server_url: str
) -> None:
    runner = SyncRunner(context, debounce_seconds=0.2, poll_seconds=0.2)
    context.sync_runner = runner
    port = free_port()
    with LiveServer(sqlite_server_url, port) as server:
        code = enrolment_code(sqlite_server_url, station_name(context))
        runner.enrol(server.url, code, lambda _info: None, lambda error: pytest.fail(str(error)))
        qtbot.waitUntil(lambda: runner.enrolled, timeout=SYNC_TIMEOUT_MS)
        # Enrolment is followed by a first automatic sync, after the pause.
        with qtbot.waitSignal(runner.finished, timeout=SYNC_TIMEOUT_MS) as finished:
            pass
        assert finished.args[0].automatic and finished.args[0].succeeded
        server.kill()

        with write_directly(context) as session:
            person = session.exec(select(Person).order_by(col(Person.id))).first()
            assert person is not None
            update_record(session, context.actor, person, {"phone": "+380 44 000 00 01"})
        with qtbot.waitSignal(runner.finished, timeout=SYNC_TIMEOUT_MS) as finished:
            context.data_changed.emit("person")
        assert not finished.args[0].succeeded and runner.failures == 1

        server.start()  # on the same port: the next reachability poll finds it and syncs at once
        with qtbot.waitSignal(runner.finished, timeout=SYNC_TIMEOUT_MS) as finished:
            pass
        assert finished.args[0].succeeded and finished.args[0].result.sent == 1
        assert runner.failures == 0 and not runner.poll_timer.isActive()
    runner.shutdown()


def test_an_open_conflict_is_listed_and_resolved_with_keep_mine(
    window: MainWindow, context: AppContext, qtbot: QtBot
) -> None:
    with write_directly(context) as session:
        person = session.exec(select(Person).order_by(col(Person.id))).first()
        assert person is not None
        person_id = person.id
        conflict = SyncConflict(
            station_id=context.actor.station_id,
            record_type="person",
            record_id=person_id,
            values={
                "phone": {"mine": "+380 50 111 11 11", "theirs": "+380 67 222 22 22"},
                "address": {"mine": "вул. Садова, 4", "theirs": "вул. Шевченка, 12"},
            },
        )
        session.add(conflict)
        conflict_id = conflict.id
    context.data_changed.emit("syncconflict")
    page = sync_page(window, qtbot)
    qtbot.waitUntil(lambda: page.data is not None and len(page.data.conflicts) == 1)
    assert "People" in page.conflict_list.item(0).text()
    qtbot.waitUntil(lambda: window.conflicts_button.isVisible())
    assert window.conflicts_button.text() == "1 conflict to resolve"

    page.conflict_list.setCurrentRow(0)
    dialog = page.resolve_selected()
    assert isinstance(dialog, ConflictDialog)
    assert set(dialog.choices) == {"phone", "address"} and dialog.merge_button.isEnabled()
    texts = [label.text() for label in dialog.findChildren(type(page.message))]
    assert "Phone" in texts and "+380 50 111 11 11" in texts and "+380 67 222 22 22" in texts
    dialog.keep_mine_button.click()
    qtbot.waitUntil(lambda: dialog.resolved == "mine")

    qtbot.waitUntil(lambda: page.data is not None and not page.data.conflicts)
    assert "No conflicts" in page.conflict_list.item(0).text()
    qtbot.waitUntil(lambda: not window.conflicts_button.isVisible())
    with direct_session(context) as session:
        assert session.get_one(Person, person_id).phone == "+380 50 111 11 11"
        resolved = session.get_one(SyncConflict, conflict_id)
        assert resolved.resolution == "mine" and resolved.resolved_by == context.actor.user_id


def test_merge_keeps_the_value_chosen_in_each_row(window: MainWindow, context: AppContext, qtbot: QtBot) -> None:
    with write_directly(context) as session:
        person = session.exec(select(Person).where(Person.last_name != "").order_by(col(Person.id))).first()
        assert person is not None
        person_id = person.id
        conflict = SyncConflict(
            station_id=context.actor.station_id,
            record_type="person",
            record_id=person_id,
            values={"phone": {"mine": "111", "theirs": "222"}, "notes": {"mine": "mine", "theirs": "theirs"}},
        )
        session.add(conflict)
    page = sync_page(window, qtbot)
    qtbot.waitUntil(lambda: page.data is not None and len(page.data.conflicts) == 1)
    page.conflict_list.setCurrentRow(0)
    dialog = page.resolve_selected()
    assert dialog is not None
    theirs = next(b for b in dialog.choices["notes"].buttons() if b.property("choice") == "theirs")
    theirs.setChecked(True)
    assert dialog.chosen_values() == {"phone": "111", "notes": "theirs"}
    dialog.merge_button.click()
    qtbot.waitUntil(lambda: dialog.resolved == "merged")
    with direct_session(context) as session:
        stored = session.get_one(Person, person_id)
        assert (stored.phone, stored.notes) == ("111", "theirs")
