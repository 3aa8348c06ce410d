"""Typed access to the sync client's key-value facts in the `syncstate` table (credentials, cursors, batches)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session

from station_desk.models import SyncState

SERVER_URL = "server_url"
DEVICE_ID = "device_id"
DEVICE_SECRET = "device_secret"
STATION_ID = "station_id"  # the station the server bound this laptop to
ACCESS_TOKEN = "access_token"
TOKEN_EXPIRES_AT = "token_expires_at"
PULL_CURSOR = "pull_cursor"
APPLIED_THROUGH = "applied_through"
PENDING_BATCHES = "pending_batches"
LAST_SYNC_AT = "last_sync_at"
LAST_ERROR = "last_error"
FAILURES = "consecutive_failures"
# XOR of local and server checksum that a snapshot could not settle (tombstones the server purged).
KNOWN_DIFFERENCE = "checksum_known_difference"


@dataclass(frozen=True)
class PendingBatch:
    """A push range recorded before it was sent, so a retry sends the identical batch again."""

    batch_id: str
    from_seq: int
    to_seq: int


def get(session: Session, key: str) -> str | None:
    row = session.get(SyncState, key)
    return None if row is None else row.value


def put(session: Session, key: str, value: str | None) -> None:
    """Store a value; None removes the key."""
    row = session.get(SyncState, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value
        session.add(row)
    session.flush()


def get_int(session: Session, key: str, default: int = 0) -> int:
    value = get(session, key)
    return default if value is None else int(value)


def put_int(session: Session, key: str, value: int) -> None:
    put(session, key, str(int(value)))


def get_time(session: Session, key: str) -> datetime | None:
    value = get(session, key)
    return None if value is None else datetime.fromisoformat(value)


def put_time(session: Session, key: str, value: datetime | None) -> None:
    put(session, key, None if value is None else value.isoformat())


@dataclass(frozen=True)
class Credentials:
    server_url: str
    device_id: str
    device_secret: str
    station_id: str


def credentials(session: Session) -> Credentials | None:
    """The enrolment, or None when this laptop is not enrolled."""
    values = [get(session, key) for key in (SERVER_URL, DEVICE_ID, DEVICE_SECRET, STATION_ID)]
    if any(value is None for value in values):
        return None
    server_url, device_id, device_secret, station_id = (str(value) for value in values)
    return Credentials(server_url, device_id, device_secret, station_id)


def store_credentials(session: Session, creds: Credentials) -> None:
    """A new enrolment starts over: new device, nothing applied, nothing pulled, no token."""
    put(session, SERVER_URL, creds.server_url)
    put(session, DEVICE_ID, creds.device_id)
    put(session, DEVICE_SECRET, creds.device_secret)
    put(session, STATION_ID, creds.station_id)
    for key in (ACCESS_TOKEN, TOKEN_EXPIRES_AT, PENDING_BATCHES, LAST_ERROR, KNOWN_DIFFERENCE):
        put(session, key, None)
    put_int(session, PULL_CURSOR, 0)
    put_int(session, APPLIED_THROUGH, 0)
    put_int(session, FAILURES, 0)


def token(session: Session, now: datetime) -> str | None:
    """The cached access token while it is still valid at `now`."""
    value = get(session, ACCESS_TOKEN)
    expires = get_time(session, TOKEN_EXPIRES_AT)
    if value is None or expires is None or expires <= now:
        return None
    return value


def store_token(session: Session, value: str | None, expires_at: datetime | None) -> None:
    put(session, ACCESS_TOKEN, value)
    put_time(session, TOKEN_EXPIRES_AT, expires_at)


def pull_cursor(session: Session) -> int:
    return get_int(session, PULL_CURSOR)


def set_pull_cursor(session: Session, cursor: int) -> None:
    put_int(session, PULL_CURSOR, cursor)


def applied_through(session: Session) -> int:
    return get_int(session, APPLIED_THROUGH)


def set_applied_through(session: Session, seq: int) -> None:
    put_int(session, APPLIED_THROUGH, seq)


def pending_batches(session: Session) -> list[PendingBatch]:
    """Batches recorded but not yet answered, in order (the network sends the first; a file carries all)."""
    value = get(session, PENDING_BATCHES)
    if not value:
        return []
    return [PendingBatch(**item) for item in json.loads(value)]


def pending_batch(session: Session) -> PendingBatch | None:
    batches = pending_batches(session)
    return batches[0] if batches else None


def set_pending_batches(session: Session, batches: list[PendingBatch]) -> None:
    put(session, PENDING_BATCHES, json.dumps([asdict(batch) for batch in batches]) if batches else None)


def add_pending_batch(session: Session, batch: PendingBatch) -> None:
    set_pending_batches(session, [*pending_batches(session), batch])


def remove_pending_batch(session: Session, batch_id: str) -> None:
    set_pending_batches(session, [batch for batch in pending_batches(session) if batch.batch_id != batch_id])


def record_success(session: Session, at: datetime) -> None:
    put_time(session, LAST_SYNC_AT, at)
    put(session, LAST_ERROR, None)
    put_int(session, FAILURES, 0)


def record_failure(session: Session, message: str) -> int:
    """Remember the error; returns the number of failures in a row."""
    failures = get_int(session, FAILURES) + 1
    put(session, LAST_ERROR, message)
    put_int(session, FAILURES, failures)
    return failures
