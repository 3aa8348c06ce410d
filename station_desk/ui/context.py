"""What every page shares: the unlocked station, the background queues, and the app-wide signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal
from sqlmodel import Session

from station_desk import db
from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.ui.workers import Workers

if TYPE_CHECKING:
    from station_desk.ui.sync_runner import SyncRunner

T = TypeVar("T")


def describe_error(error: Exception) -> str:
    """The message to show an officer: ours are already translated; anything else is a bug, said plainly."""
    if isinstance(error, StationDeskError):
        return error.message
    return _("Something went wrong and nothing was saved: {reason}").format(reason=error)


class AppContext(QObject):
    """Pages talk to the database only through here, so queries never run on the UI thread."""

    # A record type ("incident", "patrol", ...) changed; pages showing it reload.
    data_changed = Signal(str)
    sync_state_changed = Signal()
    locked = Signal()
    language_changed = Signal(str)

    def __init__(self, handle: StationHandle, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.handle = handle
        self.workers = Workers(self)
        self.sync_runner: SyncRunner | None = None  # made by the main window (or the Sync page, shown alone)

    @property
    def actor(self) -> Actor:
        return self.handle.actor

    def read(
        self,
        query: Callable[[Session, Actor], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run a query in the background; `on_done` gets its plain result on the UI thread."""
        engine, actor = self.handle.engine, self.handle.actor

        def work() -> T:
            with db.read_session(engine) as session:
                return query(session, actor)

        self.workers.read(work, on_done, on_error)

    def write(
        self,
        change: Callable[[Session, Actor], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        *,
        changed: str | None = None,
    ) -> None:
        """One user action in one transaction on the writer thread; `changed` names what to refresh."""
        engine, actor = self.handle.engine, self.handle.actor

        def work() -> T:
            with db.write_session(engine) as session:
                return change(session, actor)

        def done(result: Any) -> None:
            if changed:
                self.data_changed.emit(changed)
            if on_done is not None:
                on_done(result)

        self.workers.write(work, done, on_error)
