"""The Settings page: language switch for every page, the commander's user accounts, auto-lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from station_desk import i18n
from station_desk.app import apply_language
from station_desk.config import load_settings
from station_desk.i18n import LANGUAGES
from station_desk.services import accounts
from station_desk.services.backup import verify_backup
from station_desk.ui.context import AppContext
from station_desk.ui.idle_lock import IdleLock
from station_desk.ui.main_window import MainWindow
from station_desk.ui.pages.settings import SettingsPage
from station_desk.ui.pages.today import TodayPage
from tests.ui.conftest import shown


@pytest.fixture
def back_to_english() -> Iterator[None]:
    yield
    apply_language("en")  # Qt's translator too, not only gettext


def _settings_page(context: AppContext, qtbot: QtBot) -> SettingsPage:
    page = shown(SettingsPage(context), qtbot)
    qtbot.waitUntil(lambda: page.users_table.rowCount() > 0)
    return page


def test_switching_to_ukrainian_retitles_every_page_and_is_saved(
    context: AppContext, qtbot: QtBot, back_to_english: None
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    settings = window.show_page(SettingsPage)
    assert isinstance(settings, SettingsPage)
    assert window.sidebar.item(0).text() == "Today"
    with qtbot.waitSignal(context.language_changed):
        settings.language_combo.setCurrentIndex(LANGUAGES.index("uk"))
    assert i18n.current_language() == "uk"
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles[0] == "Сьогодні" and titles[-1] == "Налаштування"
    assert titles == [page.title() for page in window.pages]
    today = window.pages[0]
    assert isinstance(today, TodayPage) and today.title_label.text() == "Сьогодні"
    assert settings.users_box.title() == "Користувачі"
    assert load_settings(context.handle.paths)["language"] == "uk"


def test_an_officer_cannot_manage_users_or_the_time_zone(officer_context: AppContext, qtbot: QtBot) -> None:
    page = _settings_page(officer_context, qtbot)
    assert not page.users_box.isEnabled()
    assert not page.add_button.isEnabled()
    assert not page.station_box.isEnabled()
    assert page.language_box.isEnabled() and page.lock_box.isEnabled()


def test_the_commander_adds_a_user_who_can_then_log_in(context: AppContext, qtbot: QtBot) -> None:
    page = _settings_page(context, qtbot)
    before = page.users_table.rowCount()
    qtbot.keyClicks(page.username_edit, "ivan.k")
    page.full_name_edit.setText("Іван Коваленко")  # keyClicks takes ASCII only
    qtbot.keyClicks(page.new_password_edit, "field-pass-7")
    qtbot.keyClicks(page.repeat_edit, "field-pass-7")
    page.add_button.click()
    qtbot.waitUntil(lambda: "ivan.k" in page.users_message.text())
    qtbot.waitUntil(lambda: page.users_table.rowCount() == before + 1)
    assert page.username_edit.text() == ""
    handle = accounts.open_station(paths=context.handle.paths, username="ivan.k", password="field-pass-7")
    try:
        assert handle.actor.full_name == "Іван Коваленко" and not handle.actor.is_commander
    finally:
        handle.close()


def test_a_short_or_mistyped_password_is_refused_under_the_field(context: AppContext, qtbot: QtBot) -> None:
    page = _settings_page(context, qtbot)
    qtbot.keyClicks(page.username_edit, "short")
    qtbot.keyClicks(page.full_name_edit, "Short Password")
    qtbot.keyClicks(page.new_password_edit, "abc")
    qtbot.keyClicks(page.repeat_edit, "abc")
    page.add_button.click()
    message = page.user_fields.fields["password"].message
    assert message.isVisibleTo(page) and "8" in message.text()
    page.new_password_edit.setText("long-enough-1")
    page.repeat_edit.setText("long-enough-2")
    page.add_button.click()
    assert page.user_fields.fields["repeat"].message.text() == "The two passwords differ. Nothing was changed."
    context.workers.wait_idle()
    with context.handle.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM user WHERE username = 'short'")).scalar() == 0


def test_the_commander_changes_the_time_zone(context: AppContext, qtbot: QtBot) -> None:
    page = _settings_page(context, qtbot)
    page.timezone_combo.setCurrentText("Mars/Olympus")
    page.timezone_save.click()
    assert "Mars/Olympus" in page.timezone_field.message.text()
    page.timezone_combo.setCurrentText("Europe/Warsaw")
    with qtbot.waitSignal(context.data_changed):
        page.timezone_save.click()
    with context.handle.engine.connect() as connection:
        assert connection.execute(text("SELECT timezone FROM station")).scalar() == "Europe/Warsaw"


def test_auto_lock_minutes_are_saved_and_idle_time_locks(context: AppContext, qtbot: QtBot) -> None:
    page = _settings_page(context, qtbot)
    page.lock_minutes.setValue(3)
    assert load_settings(context.handle.paths)["auto_lock_minutes"] == 3
    assert page.idle_lock.timer.interval() == 3 * 60_000
    idle = IdleLock(context, 1, may_lock=lambda: True, parent=page)
    idle.timer.start(30)  # a minute is too long to wait for in a test
    with qtbot.waitSignal(context.locked, timeout=2000):
        pass
    idle.set_minutes(0)
    assert not idle.timer.isActive()


def test_the_app_locks_after_the_laptop_slept(context: AppContext, qtbot: QtBot) -> None:
    page = _settings_page(context, qtbot)
    idle = IdleLock(context, 0, may_lock=lambda: True, parent=page)  # even with the idle lock off
    locks: list[bool] = []
    context.locked.connect(lambda: locks.append(True))
    assert not idle.check_sleep(idle.last_tick + 15)  # a tick on time: awake
    assert locks == []
    assert idle.check_sleep(idle.last_tick + 15 * 60)  # the next tick came a quarter of an hour late
    assert locks == [True]


def test_the_commander_backs_up_to_a_usb_stick(context: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    page = _settings_page(context, qtbot)
    box = page.backup_box
    assert "every day and whenever the app closes" in box.label.text()
    out = tmp_path / "usb" / "station.sdbak"
    out.parent.mkdir()
    box.back_up_to(out)
    qtbot.waitUntil(lambda: "Backup written" in box.result.text(), timeout=60000)
    assert not box.progress.isVisible() and box.button.isEnabled()
    info = verify_backup(out, key=context.handle.database_key, work_dir=tmp_path / "work")
    assert info.database_checked and info.station_id == context.actor.station_id
