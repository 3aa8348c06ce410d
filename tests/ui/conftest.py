"""UI fixtures and helpers: a small demo station opened in a real AppContext, with real Qt widgets (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from pytestqt.qtbot import QtBot
from sqlmodel import Session

from station_desk.config import resolve_paths
from station_desk.services import accounts, demo
from station_desk.ui.context import AppContext
from station_desk.ui.pages.base import Page
from tests.conftest import TEST_KDF

# A fixed "now" keeps the demo station the same in every run.
DEMO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

P = TypeVar("P", bound=Page)


def shown(page: P, qtbot: QtBot) -> P:
    """The page as the main window shows it: texts set, visible, its first load started (the caller waits)."""
    qtbot.addWidget(page)
    page.retranslate()
    page.show()
    page.reload()
    return page


@contextmanager
def direct_session(context: AppContext) -> Iterator[Session]:
    """A fresh session beside the app's; the app's background reads finish first, so the two never overlap
    (SQLCipher connections used from the test thread while a worker reads have crashed the process)."""
    context.workers.wait_idle()
    with Session(context.handle.engine) as session:
        yield session


@pytest.fixture(autouse=True)
def _own_window_settings(tmp_path: Path) -> Iterator[None]:
    """Column widths and window geometry go to a folder of this test, never to the user's real settings."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qt-settings"))
    yield
    QSettings().sync()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-month Ukrainian demo station, built once per test run and copied for each test."""
    folder = tmp_path_factory.mktemp("demo-template") / "station"
    demo.build_demo_station(paths=resolve_paths(folder), language="uk", months=2, seed=1, kdf=TEST_KDF, now=DEMO_NOW)
    return folder


@pytest.fixture
def demo_paths(demo_template: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "station"
    shutil.copytree(demo_template, target)
    return target


@contextmanager
def logged_in(demo_paths: Path, username: str, password: str) -> Iterator[AppContext]:
    handle = accounts.open_station(paths=resolve_paths(demo_paths), username=username, password=password)
    app_context = AppContext(handle)
    yield app_context
    app_context.workers.wait_idle()
    handle.close()


@pytest.fixture
def context(demo_paths: Path, qtbot: QtBot) -> Iterator[AppContext]:
    """The demo commander logged in; the officer's login is demo.DEMO_OFFICER."""
    with logged_in(demo_paths, demo.DEMO_COMMANDER, demo.DEMO_COMMANDER_PASSWORD) as app_context:
        yield app_context


@pytest.fixture
def officer_context(demo_paths: Path, qtbot: QtBot) -> Iterator[AppContext]:
    with logged_in(demo_paths, demo.DEMO_OFFICER, demo.DEMO_OFFICER_PASSWORD) as app_context:
        yield app_context
