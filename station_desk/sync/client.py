"""The network sync client: enrolment, tokens, push, pull, checksum and snapshot, and the sync status."""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from station_desk import __version__, db
from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.models import Station, SyncRun, utcnow
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.journal import audit
from station_desk.sync import apply, outbox, state
from station_desk.sync.protocol import (
    API_PREFIX,
    CLOCK_WARNING_SECONDS,
    EMPTY_CHECKSUM,
    ENROL_PATH,
    PULL_PATH,
    PUSH_PATH,
    SNAPSHOT_PATH,
    TOKEN_PATH,
    EnrolAnswer,
    EnrolRequest,
    ErrorAnswer,
    Message,
    PullAnswer,
    PushAnswer,
    ResendFrom,
    SnapshotAnswer,
    TokenAnswer,
    TokenRequest,
    encode_body,
)

log = logging.getLogger(__name__)
HEALTH_PATH = f"{API_PREFIX}/health"
Progress = Callable[[str, int, int], None]
M = TypeVar("M", bound=BaseModel)
_TOKEN_MARGIN = timedelta(seconds=30)
_MAX_RESENDS = 5
_MAX_SNAPSHOTS = 2
_HELD_RETRIES = 3
_HELD_PAUSE_SECONDS = 0.1
RETRY_BASE_SECONDS = 5.0
RETRY_CAP_SECONDS = 15 * 60.0


class SyncError(StationDeskError):
    """A sync that could not be done; the message tells the officer why, in their language."""


@dataclass(frozen=True)
class EnrolmentInfo:
    server_url: str
    device_id: str
    station_id: str
    station_name: str
    server_time: datetime


@dataclass(frozen=True)
class SyncResult:
    """What one sync did. `clock_offset_seconds` is the server's time minus this laptop's."""

    sent: int = 0
    received: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    snapshot: bool = False
    checksum_ok: bool | None = None
    clock_offset_seconds: float | None = None
    cancelled: bool = False
    rejections: tuple[str, ...] = ()

    @property
    def clock_warning(self) -> bool:
        """True when the laptop's clock is more than CLOCK_WARNING_SECONDS off (a warning, never a block)."""
        return self.clock_offset_seconds is not None and abs(self.clock_offset_seconds) > CLOCK_WARNING_SECONDS


# ---------------------------------------------------------------- helpers


def retry_delay(failures: int, rng: random.Random | None = None) -> float:
    """Seconds to wait before the next automatic try: growing with failures, spread at random (full jitter)."""
    cap: float = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * float(2 ** max(0, min(failures, 20))))
    fraction = rng.random() if rng is not None else random.random()
    return max(1.0, cap * fraction)


def _timeout(seconds: float) -> httpx.Timeout:
    # A timeout on stalls (no byte for `seconds`), not on the whole sync: a slow link still finishes.
    return httpx.Timeout(connect=min(seconds, 15.0), read=seconds, write=seconds, pool=seconds)


def _client(server_url: str, transport: httpx.BaseTransport | None, timeout: float) -> httpx.Client:
    return httpx.Client(
        base_url=server_url,
        transport=transport,
        timeout=_timeout(timeout),
        headers={"Accept-Encoding": "zstd, gzip", "User-Agent": f"station-desk/{__version__}"},
        follow_redirects=False,
    )


def normalise_url(server_url: str) -> str:
    url = server_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SyncError(_("The server address must start with https:// (or http:// on a test network)."))
    return url


def server_reachable(server_url: str, *, transport: httpx.BaseTransport | None = None, timeout: float = 3.0) -> bool:
    """Whether the regional server answers its health check now (for automatic sync)."""
    try:
        with _client(normalise_url(server_url), transport, timeout) as client:
            return client.get(HEALTH_PATH).status_code == 200
    except (httpx.HTTPError, SyncError):
        return False


def _error_answer(response: httpx.Response) -> ErrorAnswer | None:
    try:
        data = json.loads(response.content)
        return ErrorAnswer.model_validate(data)
    except (ValueError, ValidationError):
        return None


def _no_connection(server_url: str) -> SyncError:
    return SyncError(
        _("No connection to the regional server at {url}. Your changes are kept and will be sent next time.").format(
            url=server_url
        )
    )


def _revoked() -> SyncError:
    return SyncError(
        _(
            "This laptop was disconnected from the region: the regional administrator revoked its enrolment. "
            "Your records are kept here. Ask for a new enrolment code."
        )
    )


def _refused(response: httpx.Response) -> SyncError:
    if response.status_code >= 500:
        return SyncError(
            _("The regional server has a problem (error {status}). Try again later.").format(
                status=response.status_code
            )
        )
    error = _error_answer(response)
    reason = f"{error.code}: {error.detail}" if error else f"HTTP {response.status_code}"
    return SyncError(_("The regional server refused the sync: {reason}").format(reason=reason))


def _parse(model: type[M], response: httpx.Response) -> M:
    try:
        return model.model_validate_json(response.content)
    except ValidationError:
        raise SyncError(_("The regional server sent an answer that could not be read.")) from None


def _body(message: Message) -> tuple[bytes, dict[str, str]]:
    raw = message.model_dump_json().encode("utf-8")
    return encode_body(raw, "zstd"), {"Content-Type": "application/json", "Content-Encoding": "zstd"}


# ---------------------------------------------------------------- enrolment


def enrol(
    engine: Engine,
    actor: Actor,
    server_url: str,
    code: str,
    *,
    device_name: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> EnrolmentInfo:
    """Enrol this laptop with the regional server using the administrator's one-time code (commanders only)."""
    actor.require_commander()
    url = normalise_url(server_url)
    with db.read_session(engine) as session:
        station = session.get(Station, actor.station_id)
        if station is None:
            raise SyncError(_("This database holds no station to enrol."))
        station_name = station.name
    request = EnrolRequest(
        code=code.strip(),
        station_id=actor.station_id,
        station_name=station_name,
        device_name=(device_name or socket.gethostname() or "laptop")[:200],
    )
    content, headers = _body(request)
    try:
        with _client(url, transport, 30.0) as client:
            response = client.post(ENROL_PATH, content=content, headers=headers)
    except httpx.HTTPError:
        raise _no_connection(url) from None
    if response.status_code != 200:
        if response.status_code >= 500:
            raise _refused(response)
        error = _error_answer(response)
        reason = error.detail if error else f"HTTP {response.status_code}"
        raise SyncError(_("The regional server refused the enrolment: {reason}").format(reason=reason))
    answer = _parse(EnrolAnswer, response)
    if answer.station_id != actor.station_id:
        raise SyncError(_("The regional server bound this code to another station. Nothing was changed."))
    with db.write_session(engine) as session:
        state.store_credentials(
            session,
            state.Credentials(
                server_url=url,
                device_id=answer.device_id,
                device_secret=answer.device_secret,
                station_id=answer.station_id,
            ),
        )
        audit(
            session,
            actor,
            AuditAction.enrol,
            record_type="station",
            record_id=actor.station_id,
            details={"server_url": url, "device_id": answer.device_id, "device_name": request.device_name},
        )
    return EnrolmentInfo(
        server_url=url,
        device_id=answer.device_id,
        station_id=answer.station_id,
        station_name=answer.station_name,
        server_time=answer.server_time,
    )


# ---------------------------------------------------------------- one sync


class _Cancelled(Exception):
    pass


@dataclass
class Tally:
    """SyncResult's figures, counted up while a sync runs."""

    sent: int = 0
    received: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    snapshot: bool = False
    checksum_ok: bool | None = None
    clock_offset_seconds: float | None = None
    rejections: list[str] = field(default_factory=list)

    def result(self, *, cancelled: bool = False) -> SyncResult:
        counted = {item.name: getattr(self, item.name) for item in fields(self)}
        return SyncResult(**(counted | {"rejections": tuple(self.rejections), "cancelled": cancelled}))


class _Session:
    """One sync's conversation with the server: tokens, requests, and the checks between them."""

    def __init__(
        self,
        engine: Engine,
        client: httpx.Client,
        creds: state.Credentials,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> None:
        self.engine = engine
        self.client = client
        self.creds = creds
        self.progress = progress
        self.cancel = cancel
        self.tally = Tally()

    # -- plumbing

    @contextmanager
    def write(self) -> Iterator[Session]:
        with db.write_session(self.engine) as session:
            yield session

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise _Cancelled()

    def pause(self, seconds: float) -> None:
        """Wait a moment; a cancel ends the wait at once."""
        if self.cancel is not None:
            self.cancel.wait(seconds)
        else:
            time.sleep(seconds)
        self.check_cancel()

    def note_time(self, server_time: datetime) -> None:
        if self.tally.clock_offset_seconds is None:
            self.tally.clock_offset_seconds = (server_time - utcnow()).total_seconds()

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            log.info("sync: %s %s failed: %s", method, path, error)
            raise _no_connection(self.creds.server_url) from None

    def fetch_token(self) -> str:
        self.check_cancel()
        content, headers = _body(TokenRequest(device_id=self.creds.device_id, device_secret=self.creds.device_secret))
        response = self.send("POST", TOKEN_PATH, content=content, headers=headers)
        if response.status_code in (401, 403):
            raise _revoked()
        if response.status_code != 200:
            raise _refused(response)
        answer = _parse(TokenAnswer, response)
        expires = utcnow() + timedelta(seconds=answer.expires_in) - _TOKEN_MARGIN
        with self.write() as session:
            state.store_token(session, answer.access_token, expires)
        return answer.access_token

    def token(self) -> str:
        with db.read_session(self.engine) as session:
            cached = state.token(session, utcnow())
        return cached or self.fetch_token()

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """An authorised request; a stale token is renewed once, a revoked device stops the sync."""
        self.check_cancel()
        headers = dict(kwargs.pop("headers", {}))
        for attempt in range(2):
            headers["Authorization"] = f"Bearer {self.token()}"
            response = self.send(method, path, headers=headers, **kwargs)
            if response.status_code != 401:
                return response
            error = _error_answer(response)
            if error is not None and error.code == "device_revoked":
                with self.write() as session:
                    state.store_token(session, None, None)
                raise _revoked()
            with self.write() as session:
                state.store_token(session, None, None)
            if attempt == 1:
                raise _revoked()
        raise AssertionError("unreachable")

    # -- the steps

    def push(self) -> None:
        resends = 0
        with db.read_session(self.engine) as session:
            total = outbox.waiting_count(session)
        done = 0
        while True:
            self.check_cancel()
            with self.write() as session:
                request = outbox.next_batch(session, self.creds.device_id)
            if request is None:
                return
            self.report("push", done, total)
            content, headers = _body(request)
            response = self.call("POST", PUSH_PATH, content=content, headers=headers)
            if response.status_code == 409:
                resend = _parse(ResendFrom, response)
                resends += 1
                if resends > _MAX_RESENDS:
                    raise _refused(response)
                with self.write() as session:
                    outbox.restart_from(session, resend.resend_from)
                continue
            if response.status_code != 200:
                raise _refused(response)
            answer = _parse(PushAnswer, response)
            self.note_time(answer.server_time)
            batch = state.PendingBatch(request.batch_id, request.from_seq, request.to_seq)
            with self.write() as session:
                outcome = apply.apply_push_answer(session, batch, answer)
            done = min(total, done + len(request.ops))
            self.tally.sent += outcome.sent
            self.tally.merged += outcome.merged
            self.tally.conflicts += outcome.conflicts
            self.tally.rejected += outcome.rejected
            self.tally.rejections.extend(outcome.rejections)
            self.report("push", done, total)

    def pull(self) -> str | None:
        """Pull until the server has no more; returns the last page's checksum."""
        gones = 0
        pages = 0
        held_retries = 0
        while True:
            with db.read_session(self.engine) as session:
                cursor = state.pull_cursor(session)
            self.report("pull", pages, pages + 1)
            response = self.call("GET", PULL_PATH, params={"after": cursor})
            if response.status_code == 410:
                gones += 1
                if gones > _MAX_SNAPSHOTS:
                    raise _refused(response)
                self.snapshot()
                continue
            if response.status_code != 200:
                raise _refused(response)
            page = _parse(PullAnswer, response)
            self.note_time(page.server_time)
            with self.write() as session:
                self.tally.received += apply.apply_pull_page(session, page)
            pages += 1
            if not page.more and page.checksum is None and held_retries < _HELD_RETRIES:
                # The server held rows back (a transaction that may still commit a smaller seq is open);
                # they come on a later pull, usually a moment later.
                held_retries += 1
                self.pause(_HELD_PAUSE_SECONDS * 2**held_retries)
                continue
            if not page.more:
                self.report("pull", pages, pages)
                return page.checksum

    def snapshot(self) -> None:
        """Read the whole station page by page and reconcile; pulling resumes at the first page's cursor."""
        self.tally.snapshot = True
        seen: set[tuple[str, str]] = set()
        after_id: str | None = None
        first_cursor: int | None = None
        pages = 0
        while True:
            self.report("snapshot", pages, pages + 1)
            params = {"after_id": after_id} if after_id else {}
            response = self.call("GET", SNAPSHOT_PATH, params=params)
            if response.status_code != 200:
                raise _refused(response)
            page = _parse(SnapshotAnswer, response)
            self.note_time(page.server_time)
            if first_cursor is None:
                first_cursor = page.cursor
            with self.write() as session:
                self.tally.received += apply.apply_snapshot_page(session, page, seen)
            pages += 1
            if page.next_after_id is None or page.next_after_id == after_id:
                break
            after_id = page.next_after_id
        with self.write() as session:
            apply.finish_snapshot(session, seen, first_cursor or 0)
        self.report("snapshot", pages, pages)

    def difference(self, expected: str | None) -> str | None:
        """XOR of the server's and the local checksum: which records differ, folded (zeros: none)."""
        if expected is None:
            return None
        with db.read_session(self.engine) as session:
            local = apply.local_checksum(session)
        return f"{int(local, 16) ^ int(expected, 16):032x}"

    def run(self) -> None:
        self.push()
        checksum = self.pull()
        self.report("checksum", 0, 1)
        difference = self.difference(checksum)
        with db.read_session(self.engine) as session:
            known = state.get(session, state.KNOWN_DIFFERENCE)
        if difference not in (None, EMPTY_CHECKSUM, known) and not self.tally.snapshot:
            log.info("sync: checksum differs from the server's; reading the snapshot")
            self.snapshot()
            checksum = self.pull()
            difference = self.difference(checksum)
        if self.tally.snapshot and difference is not None:
            # What a snapshot cannot settle (tombstones the server purged, which this laptop keeps) stays the
            # same difference; remembering it keeps the next syncs from reading the whole station again.
            with self.write() as session:
                state.put(session, state.KNOWN_DIFFERENCE, None if difference == EMPTY_CHECKSUM else difference)
        self.tally.checksum_ok = None if difference is None else difference in (EMPTY_CHECKSUM, known)
        self.report("checksum", 1, 1)


def record_run(
    engine: Engine, started_at: datetime, via: str, tally: Tally | None, error: str | None, *, failed: bool
) -> None:
    finished = utcnow()
    with db.write_session(engine) as session:
        session.add(
            SyncRun(
                started_at=started_at,
                finished_at=finished,
                via=via,
                sent=tally.sent if tally else 0,
                received=tally.received if tally else 0,
                merged=tally.merged if tally else 0,
                conflicts=tally.conflicts if tally else 0,
                rejected=tally.rejected if tally else 0,
                error=error,
            )
        )
        if failed and error is not None:
            state.record_failure(session, error)
        elif error is None:
            state.record_success(session, finished)


def _credentials(engine: Engine) -> state.Credentials:
    with db.read_session(engine) as session:
        creds = state.credentials(session)
        station = session.exec(select(Station).where(col(Station.deleted_at).is_(None))).first()
    if creds is None:
        raise SyncError(_("This laptop is not enrolled with a regional server yet. A commander can enrol it."))
    if station is not None and station.id != creds.station_id:
        raise SyncError(_("This laptop was enrolled for another station. Ask the regional administrator."))
    return creds


def sync_once(
    engine: Engine,
    *,
    actor: Actor | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 30.0,
) -> SyncResult:
    """One whole sync: push every waiting change, pull everything new, compare checksums, record the run.

    Raises SyncError (with a message for the officer) when it cannot finish; what was done stays done, and a
    cancelled sync returns with `cancelled` set, leaving the database consistent.
    """
    del actor  # anyone logged in may sync; the runs are not per person
    creds = _credentials(engine)
    started = utcnow()
    with _client(creds.server_url, transport, timeout) as client:
        conversation = _Session(engine, client, creds, progress, cancel)
        try:
            conversation.run()
        except _Cancelled:
            record_run(engine, started, "network", conversation.tally, _("Cancelled."), failed=False)
            return conversation.tally.result(cancelled=True)
        except SyncError as error:
            record_run(engine, started, "network", conversation.tally, error.message, failed=True)
            raise
        except StationDeskError as error:
            record_run(engine, started, "network", conversation.tally, error.message, failed=True)
            raise SyncError(error.message) from error
    record_run(engine, started, "network", conversation.tally, None, failed=False)
    return conversation.tally.result()


# ---------------------------------------------------------------- status for the UI
