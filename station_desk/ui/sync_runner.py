"""When sync runs by itself: after local changes, when the server is back, with growing delays after failures.

The network has its own thread, apart from the database writer (DESIGN.md, Threads): a sync that waits on a slow
link must not hold up an officer's save. One thread also means two syncs, or a sync and an enrolment, never run at
once. As in `workers.py`, the background thread makes no Qt call: jobs and callbacks stay on the UI thread, and
results and progress come back through queues that a UI-thread timer drains while work is in flight.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.sync import client, overview
from station_desk.ui.context import describe_error
from station_desk.ui.workers import Workers, deliver

if TYPE_CHECKING:
    from station_desk.ui.context import AppContext

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 20.0  # after the last local change: a burst of edits goes up in one sync
POLL_SECONDS = 60.0  # how often to ask whether the server is back, after a failed sync


@dataclass(frozen=True)
class SyncOutcome:
    """How one sync ended: `result` when the client returned (`cancelled` if stopped early), else `error`."""

    result: client.SyncResult | None
    error: str | None = None
    cancelled: bool = False
    automatic: bool = False

    @property
    def succeeded(self) -> bool:
        return self.result is not None and not self.cancelled


class EnrolmentProblem(StationDeskError):
    """A refused enrolment, with the form field it is about ("server" or "code")."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class NetworkLane(Workers):
    """One background thread for network work, with the job queue and delivery of `Workers`, plus progress."""

    POLL_MS = 20

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.network = ThreadPoolExecutor(max_workers=1, thread_name_prefix="station-desk-network")
        self.progress: queue.SimpleQueue[tuple[str, int, int]] = queue.SimpleQueue()
        self.on_progress: Callable[[str, int, int], None] | None = None

    def submit(
        self, work: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[Exception], None]
    ) -> None:
        self._start(self.network, work, on_done, on_error)

    def _deliver(self) -> None:
        latest: tuple[str, int, int] | None = None
        while True:  # only the newest progress matters: the bar jumps to where the work is now
            try:
                latest = self.progress.get_nowait()
            except queue.Empty:
                break
        callback = self.on_progress
        if latest is not None and callback is not None:
            deliver(lambda step: callback(*step), latest)
        super()._deliver()

    def wait_idle(self, milliseconds: int = 60000) -> bool:
        return super().wait_idle(milliseconds)

    def shutdown(self) -> None:
        super().shutdown()
        self.network.shutdown(wait=True)


class SyncRunner(QObject):
    """Runs `client.sync_once` on the network thread, by hand ("Sync now") or by itself; never two at once.

    By itself: `debounce_seconds` after the last local change, after a failure once `client.retry_delay` has
    passed (a longer wait after each failure in a row), and as soon as a `server_reachable` poll, every
    `poll_seconds` while the last try failed, finds the server again. Nothing runs while the app is locked.
    """

    started = Signal(bool)  # automatic?
    progress = Signal(str, int, int)  # step, done, total (total 0: not known)
    finished = Signal(object)  # SyncOutcome
    state_changed = Signal()  # enrolment, running, or the next retry changed

    def __init__(
        self,
        context: AppContext,
        parent: QObject | None = None,
        *,
        debounce_seconds: float = DEBOUNCE_SECONDS,
        poll_seconds: float = POLL_SECONDS,
        transport: Any = None,
        timeout: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.transport = transport
        self.timeout = timeout
        self.rng = rng
        self.lane = NetworkLane(self)
        self.lane.on_progress = self.progress.emit
        self.enrolled = False
        self.server_url: str | None = None
        self.status: overview.SyncStatus | None = None
        self.running = False
        self.active = True
        self.failures = 0
        self.retry_seconds: float | None = None  # the wait before the retry now scheduled
        self.retry_due: float | None = None  # time.monotonic() of that retry
        self.last_outcome: SyncOutcome | None = None
        self._cancel = threading.Event()
        self._changed_while_running = False
        self._checking = False

        self.debounce_timer = QTimer(self)
        self.debounce_timer.setSingleShot(True)
        self.debounce_timer.setInterval(int(debounce_seconds * 1000))
        self.debounce_timer.timeout.connect(lambda: self.sync_now(automatic=True))
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(lambda: self.sync_now(automatic=True))
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(int(poll_seconds * 1000))
        self.poll_timer.timeout.connect(self.check_server)

        context.data_changed.connect(self._local_change)
        context.locked.connect(self.stop)
        self._first_status = True
        self.refresh()

    # -- state -------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the enrolment and counts again (in the background); `state_changed` follows."""
        engine = self.context.handle.engine
        self.context.workers.read(lambda: overview.sync_status(engine), self._got_status, lambda _error: None)

    def _got_status(self, status: overview.SyncStatus) -> None:
        self.status = status
        self.enrolled = bool(status.enrolled)
        self.server_url = status.server_url
        if self._first_status and self.enrolled and self.active:
            # At start-up: send what waited while the app was closed, and fetch the other laptops' work.
            self.debounce_timer.start()
        self._first_status = False
        self.state_changed.emit()

    # -- triggers ----------------------------------------------------------------------------------------

    def _local_change(self, _record_type: str) -> None:
        if not (self.active and self.enrolled):
            return
        if self.running:
            self._changed_while_running = True
        else:
            self.debounce_timer.start()  # restarts: the sync goes 20 s after the last change of a burst

    def sync_now(self, *, automatic: bool = False) -> bool:
        """Start a sync unless one is running or the app is locked; True when it started."""
        if self.running or not self.active:
            return False
        self.debounce_timer.stop()
        self.retry_timer.stop()
        self.retry_due = None
        self.running = True
        self._changed_while_running = False
        self._cancel = threading.Event()
        cancel, lane = self._cancel, self.lane
        engine, actor = self.context.handle.engine, self.context.actor
        transport, timeout = self.transport, self.timeout

        def report(step: str, done: int, total: int) -> None:
            lane.progress.put((step, done, total))  # on the network thread: no Qt call, just a queue

        def work() -> client.SyncResult:
            return client.sync_once(
                engine, actor=actor, progress=report, cancel=cancel, transport=transport, timeout=timeout
            )

        self.lane.submit(
            work,
            lambda result: self._finished(SyncOutcome(result, cancelled=result.cancelled, automatic=automatic)),
            lambda error: self._failed(error, automatic, cancel),
        )
        self.started.emit(automatic)
        self.state_changed.emit()
        return True

    def cancel(self) -> None:
        """Ask the running sync to stop at its next step; what the server already answered stays applied."""
        self._cancel.set()

    def _failed(self, error: Exception, automatic: bool, cancel: threading.Event) -> None:
        cancelled = cancel.is_set()
        self._finished(SyncOutcome(None, describe_error(error), cancelled=cancelled, automatic=automatic))

    def _finished(self, outcome: SyncOutcome) -> None:
        self.running = False
        self.last_outcome = outcome
        if outcome.succeeded:
            self.failures = 0
            self.retry_timer.stop()
            self.poll_timer.stop()
            self.retry_seconds = self.retry_due = None
        elif not outcome.cancelled and self.active and self.enrolled:
            self.schedule_retry()
        if self._changed_while_running and self.active:
            self.debounce_timer.start()
        self.finished.emit(outcome)
        self.state_changed.emit()
        self.refresh()

    def schedule_retry(self) -> None:
        """One more failure in a row: try again after a longer random wait, and watch for the server meanwhile."""
        self.failures += 1
        delay = client.retry_delay(self.failures, self.rng)
        self.retry_seconds = delay
        self.retry_due = time.monotonic() + delay
        self.retry_timer.start(max(0, int(delay * 1000)))
        if not self.poll_timer.isActive():
            self.poll_timer.start()

    def check_server(self) -> None:
        """Ask in the background whether the server answers; if it does, sync at once."""
        url = self.server_url
        if self.running or self._checking or not (self.active and self.enrolled and url):
            return
        self._checking = True
        transport = self.transport

        def reachable(answer: bool) -> None:
            self._checking = False
            if answer and self.active and not self.running:
                self.sync_now(automatic=True)

        def failed(_error: Exception) -> None:
            self._checking = False

        self.lane.submit(lambda: client.server_reachable(url, transport=transport), reachable, failed)

    # -- enrolment ---------------------------------------------------------------------------------------

    def enrol(
        self,
        server_url: str,
        code: str,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        *,
        device_name: str | None = None,
    ) -> None:
        """Enrol on the network thread (so never during a sync), then read the new state."""
        engine, actor, transport = self.context.handle.engine, self.context.actor, self.transport

        def work() -> client.EnrolmentInfo:
            # Asked in two steps so the form can say which field is wrong: the address, or the code.
            try:
                url = client.normalise_url(server_url)
            except client.SyncError as error:
                raise EnrolmentProblem(error.message, "server") from None
            if not client.server_reachable(url, transport=transport):
                raise EnrolmentProblem(
                    _("No regional server answers at {url}. Check the address and this laptop's connection.").format(
                        url=url
                    ),
                    "server",
                )
            try:
                return client.enrol(engine, actor, url, code, device_name=device_name, transport=transport)
            except client.SyncError as error:
                raise EnrolmentProblem(error.message, "code") from None

        def done(info: Any) -> None:
            self._first_status = True  # the first sync follows shortly, as at start-up
            self.refresh()
            on_done(info)

        self.lane.submit(work, done, on_error)

    # -- lock and close ----------------------------------------------------------------------------------

    def stop(self) -> None:
        """At a lock or close: no more automatic syncs, and a running one is asked to stop."""
        self.active = False
        for timer in (self.debounce_timer, self.retry_timer, self.poll_timer):
            timer.stop()
        self.retry_due = None
        self._cancel.set()
        self.state_changed.emit()

    def resume(self) -> None:
        """After the next login: automatic sync again, starting with a sync soon."""
        if self.active:
            return
        self.active = True
        self._first_status = True
        self.refresh()

    def wait_idle(self, milliseconds: int = 60000) -> bool:
        return self.lane.wait_idle(milliseconds)

    def shutdown(self) -> None:
        self.stop()
        self.lane.shutdown()

    def seconds_to_retry(self) -> float | None:
        if self.retry_due is None:
            return None
        return max(0.0, self.retry_due - time.monotonic())


def runner_for(context: AppContext, parent: QObject | None = None) -> SyncRunner:
    """The context's one runner; made here when a page is shown without the main window (tests, previews)."""
    if context.sync_runner is None:
        context.sync_runner = SyncRunner(context, parent or context)
    return context.sync_runner
