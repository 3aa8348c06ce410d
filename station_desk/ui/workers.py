"""Background work for the UI: one thread for every database write, a pool for reads and slow work.

A job is a plain function that takes no Qt objects; its result or error comes back to the UI thread by
signal, so no background function ever touches a widget (the pattern of Anki's QueryOp).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _JobSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self.work = work
        self.signals = _JobSignals()
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # every failure goes back to the UI, which shows it to the officer
            log.debug("background job failed:\n%s", traceback.format_exc())
            self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)


class _Relay(QObject):
    """Lives on the UI thread, so the job's signals reach it queued and its callbacks run there."""

    def __init__(
        self,
        owner: Workers,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[Exception], None] | None,
    ) -> None:
        super().__init__(owner)
        self.on_done = on_done
        self.on_error = on_error

    @Slot(object)
    def succeeded(self, result: object) -> None:
        self.deleteLater()
        if self.on_done is not None:
            self.on_done(result)

    @Slot(object)
    def failed(self, error: object) -> None:
        self.deleteLater()
        if self.on_error is not None:
            self.on_error(error)  # type: ignore[arg-type]


class Workers(QObject):
    """The app's two queues; `write` jobs run one at a time, in the order they were asked for."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.writer = QThreadPool(self)
        self.writer.setMaxThreadCount(1)
        self.readers = QThreadPool(self)
        self.readers.setMaxThreadCount(2)

    def _start(
        self,
        pool: QThreadPool,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[Exception], None] | None,
    ) -> None:
        job = _Job(work)
        relay = _Relay(self, on_done, on_error)
        job.signals.succeeded.connect(relay.succeeded)
        job.signals.failed.connect(relay.failed)
        pool.start(job)

    def read(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self._start(self.readers, work, on_done, on_error)

    def write(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self._start(self.writer, work, on_done, on_error)

    def wait_idle(self, milliseconds: int = 30000) -> bool:
        """Block until queued work is done (used at close and in tests)."""
        return self.writer.waitForDone(milliseconds) and self.readers.waitForDone(milliseconds)
