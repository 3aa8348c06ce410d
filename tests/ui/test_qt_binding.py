"""The installed Qt binding keeps Python's reference counts: a broken one aborts the app after hours of use."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_calls_that_return_nothing_leave_none_alive(qtbot: QtBot) -> None:
    # PySide6 6.12.0 lost one reference to None per call like these; on Python 3.11 (where None is not immortal)
    # the count reached zero after a day of clicks and the app died with "Fatal Python error: none_dealloc".
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("a")
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) - before > -100
