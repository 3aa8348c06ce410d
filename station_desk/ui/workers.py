"""Background work for the UI: one thread for every database write, a small pool for reads and slow work.

A job is a plain function that takes no Qt objects. Background threads make no Qt call and never drop the last
reference to anything from the UI: the job and its callbacks stay registered on the UI thread, the worker only
gets a job number, and results come back through a queue that a UI-thread timer drains while work is in flight.
Python's cyclic garbage collector is likewise run only on the UI thread (as Anki does), so a Qt wrapper caught in a
cycle is never freed on a worker thread. (The crashes once blamed on threads were PySide6 6.12.0 losing references
to None; pyproject.toml keeps that release out.)
"""

from __future__ import annotations

import gc
import itertools
import logging
import queue
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

log = logging.getLogger(__name__)
Callback = Callable[[Any], None]
GC_INTERVAL_MS = 5000


def collect_garbage_on_the_ui_thread() -> None:
    """Stop automatic collection (it runs in whichever thread allocates) and collect on a UI-thread timer."""
    app = QCoreApplication.instance()
    if app is None or app.property("station_desk_gc") is True:
        return
    gc.disable()
    timer = QTimer(app)
    timer.setInterval(GC_INTERVAL_MS)
    timer.timeout.connect(gc.collect)
    timer.start()
    app.setProperty("station_desk_gc", True)


def deliver(callback: Callback, value: Any) -> None:
    """Hand a result to the UI; a window closed while its work ran has nothing left to update.

    The work itself is done (a write is committed); only the closed form's widgets are gone, and PySide6 says so
    with a RuntimeError naming the deleted C++ object.
    """
    try:
        callback(value)
    except RuntimeError as error:
        if "already deleted" not in str(error):
            raise
        log.debug("result for a closed window dropped: %s", error)


class Workers(QObject):
    """The app's queues; `write` jobs run one at a time, in the order they were asked for."""

    POLL_MS = 5  # the longest a result waits before the UI sees it; the timer only runs while jobs are in flight

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        collect_garbage_on_the_ui_thread()
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="station-desk-writer")
        self.readers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="station-desk-reader")
        self._jobs: dict[int, tuple[Callable[[], Any], Callback | None, Callable[[Exception], None] | None]] = {}
        self._numbers = itertools.count()
        self._results: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._deliver)

    def _run(self, number: int) -> None:
        """On a worker thread: run job `number`, then queue its outcome; holds no reference once done."""
        work = self._jobs[number][0]
        try:
            outcome: tuple[int, bool, Any] = (number, True, work())
        except Exception as error:  # every failure goes back to the UI, which shows it to the officer
            log.debug("background job failed:\n%s", traceback.format_exc())
            outcome = (number, False, error)
        del work
        self._results.put(outcome)

    def _start(
        self,
        pool: ThreadPoolExecutor,
        work: Callable[[], Any],
        on_done: Callback | None,
        on_error: Callable[[Exception], None] | None,
    ) -> None:
        number = next(self._numbers)
        self._jobs[number] = (work, on_done, on_error)
        if not self._timer.isActive():
            self._timer.start()
        pool.submit(self._run, number)

    @Slot()
    def _deliver(self) -> None:
        while True:
            try:
                number, succeeded, value = self._results.get_nowait()
            except queue.Empty:
                if not self._jobs:
                    self._timer.stop()
                return
            _work, on_done, on_error = self._jobs.pop(number)
            callback = on_done if succeeded else on_error
            if callback is not None:
                deliver(callback, value)

    def read(
        self,
        work: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self._start(self.readers, work, on_done, on_error)

    def write(
        self,
        work: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self._start(self.writer, work, on_done, on_error)

    @property
    def busy(self) -> bool:
        """Work queued, running, or finished but not yet delivered to the UI."""
        return bool(self._jobs)

    def wait_idle(self, milliseconds: int = 30000) -> bool:
        """Run until every job has finished and its result was delivered (used at close and in tests)."""
        deadline = time.monotonic() + milliseconds / 1000
        while self._jobs and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            self._deliver()
            time.sleep(0.002)
        return not self._jobs

    def shutdown(self) -> None:
        """Finish queued work and stop the threads (at the app's close)."""
        self.wait_idle()
        self.writer.shutdown(wait=True)
        self.readers.shutdown(wait=True)
