"""Locks the app after idle minutes and after the laptop slept, so a laptop left at the desk does not stay open."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from station_desk.ui.context import AppContext

DEFAULT_MINUTES = 10
SLEEP_CHECK_MS = 15_000
SLEPT_AFTER_SECONDS = 60
# Only what a person does counts as activity; paint and timer events must not keep the app open.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


def main_window_shown() -> bool:
    """While the login dialog is up the main window is hidden; locking again then would stack dialogs."""
    return any(isinstance(widget, QMainWindow) and widget.isVisible() for widget in QApplication.topLevelWidgets())


class IdleLock(QObject):
    """An application-wide event filter: each input restarts the timer; its timeout emits `context.locked`."""

    def __init__(
        self,
        context: AppContext,
        minutes: int = DEFAULT_MINUTES,
        *,
        may_lock: Callable[[], bool] = main_window_shown,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.may_lock = may_lock
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._timed_out)
        self.set_minutes(minutes)
        # A timer cannot fire while the laptop sleeps: a tick that comes far too late means it slept. The wall
        # clock is the one that keeps running through a suspend (the monotonic clock stops on Linux).
        self.last_tick = time.time()
        self.sleep_check = QTimer(self)
        self.sleep_check.setInterval(SLEEP_CHECK_MS)
        self.sleep_check.timeout.connect(self.check_sleep)
        self.sleep_check.start()

    def set_minutes(self, minutes: int) -> None:
        """0 turns the auto-lock off."""
        self.minutes = max(minutes, 0)
        if self.minutes:
            self.timer.start(self.minutes * 60_000)
        else:
            self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self.minutes and event.type() in _ACTIVITY:
            self.timer.start()
        return False

    def check_sleep(self, now: float | None = None) -> bool:
        """Lock when the laptop was asleep (or its clock jumped ahead), whatever the idle setting says."""
        now = time.time() if now is None else now
        slept = now - self.last_tick > SLEEP_CHECK_MS / 1000 + SLEPT_AFTER_SECONDS
        self.last_tick = now
        if slept and self.may_lock():
            self.context.locked.emit()
        return slept

    def _timed_out(self) -> None:
        if self.may_lock():
            self.context.locked.emit()
        # Start counting again: after the next login the desk is left alone just as easily.
        if self.minutes:
            self.timer.start()
