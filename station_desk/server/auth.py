"""Enrolment codes, device credentials, access tokens and revocation."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from station_desk.server import db, settings
from station_desk.server.errors import ApiError
from station_desk.server.hardening import refuse_unstorable, unstorable
from station_desk.server.tables import access_token, device, enrolment_code, station
from station_desk.sync import protocol

# No 0/O, 1/I/L, U/V: easy to read aloud and type from a printed sheet.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
CODE_LENGTH = 10


@dataclass(frozen=True)
class DeviceInfo:
    """The authenticated device of a request and the station it belongs to."""

    id: str
    name: str
    station_key: str
    station_id: str
    station_name: str


@dataclass(frozen=True)
class DeviceRow:
    """A device as `devices list` shows it."""

    id: str
    station: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_code(code: str) -> str:
    """Upper case without spaces or dashes, so "abcde-fghjk" and "ABCDEFGHJK" are the same code."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return _sha256("enrolment:" + normalize_code(code))


def token_hash(token: str) -> str:
    return _sha256("token:" + token)


def new_code() -> str:
    """Ten random characters of CODE_ALPHABET in two groups of five, e.g. "K7QMX-3RWPA"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def ensure_station(engine: Engine, station_name: str) -> str:
    """The key of the station with this name, made if new."""
    name = station_name.strip()
    if not name:
        raise ValueError("a station needs a name")
    with db.write(engine) as conn:
        key = conn.execute(sa.select(station.c.key).where(station.c.name == name)).scalar_one_or_none()
        if key is None:
            key = str(uuid.uuid4())
            conn.execute(
                sa.insert(station).values(
                    key=key, name=name, station_id=None, checksum=protocol.EMPTY_CHECKSUM, purged_through=0,
                    created_at=utcnow(),
                )
            )  # fmt: skip
        return str(key)


def create_enrolment_code(
    engine: Engine, station_name: str, *, valid_for: timedelta = settings.ENROLMENT_CODE_LIFETIME
) -> tuple[str, datetime]:
    """A one-time enrolment code for the station (made if new) and its expiry; only its hash is stored."""
    key = ensure_station(engine, station_name)
    code = new_code()
    expires_at = utcnow() + valid_for
    with db.write(engine) as conn:
        conn.execute(
            sa.insert(enrolment_code).values(code_hash=code_hash(code), station_key=key, expires_at=expires_at)
        )
    return code, expires_at


def enrol(engine: Engine, request: protocol.EnrolRequest) -> protocol.EnrolAnswer:
    """Use an enrolment code: bind the station on its first enrolment, make the device and its secret."""
    refuse_unstorable("enrolment request", [request.station_id, request.device_name])
    now = utcnow()
    with db.write(engine) as conn:
        row = conn.execute(
            sa.select(enrolment_code, station.c.name, station.c.station_id)
            .join(station, station.c.key == enrolment_code.c.station_key)
            .where(enrolment_code.c.code_hash == code_hash(request.code))
            .with_for_update(of=enrolment_code)
        ).one_or_none()
        if row is None:
            raise ApiError(401, "invalid_code", "This enrolment code is not known.")
        if row.used_at is not None:
            raise ApiError(410, "code_used", "This enrolment code was already used.")
        if row.expires_at <= now:
            raise ApiError(410, "code_expired", "This enrolment code has expired.")
        if row.station_id is None:
            other = conn.execute(
                sa.select(station.c.name).where(station.c.station_id == request.station_id)
            ).scalar_one_or_none()
            if other is not None:
                raise ApiError(409, "station_mismatch", "This station database is already bound to another station.")
            conn.execute(
                sa.update(station).where(station.c.key == row.station_key).values(station_id=request.station_id)
            )
        elif row.station_id != request.station_id:
            raise ApiError(
                409, "station_mismatch", "The code is for a station whose database is not the one on this laptop."
            )
        conn.execute(sa.update(enrolment_code).where(enrolment_code.c.code_hash == row.code_hash).values(used_at=now))
        device_id = str(uuid.uuid4())
        secret = secrets.token_urlsafe(32)
        conn.execute(
            sa.insert(device).values(
                id=device_id, station_key=row.station_key, name=request.device_name[:200],
                secret_hash=protocol.secret_hash(secret), created_at=now, applied_through=0,
            )
        )  # fmt: skip
        return protocol.EnrolAnswer(
            device_id=device_id,
            device_secret=secret,
            station_id=request.station_id,
            station_name=str(row.name),
            server_time=now,
        )


def issue_token(engine: Engine, request: protocol.TokenRequest) -> protocol.TokenAnswer:
    """An access token for a device that proves its secret; valid TOKEN_LIFETIME."""
    now = utcnow()
    if unstorable(request.device_id):  # no such device can exist, and PostgreSQL would fail on the lookup
        raise ApiError(401, "invalid_credentials", "Unknown device or wrong secret.")
    with db.write(engine) as conn:
        row = conn.execute(
            sa.select(device.c.secret_hash, device.c.revoked_at).where(device.c.id == request.device_id)
        ).one_or_none()
        given = protocol.secret_hash(request.device_secret)
        if row is None or not hmac.compare_digest(given, str(row.secret_hash)):
            raise ApiError(401, "invalid_credentials", "Unknown device or wrong secret.")
        if row.revoked_at is not None:
            raise ApiError(401, "device_revoked", "This device was revoked by the regional administrator.")
        token = secrets.token_urlsafe(32)
        conn.execute(
            sa.delete(access_token).where(
                access_token.c.device_id == request.device_id, access_token.c.expires_at < now
            )
        )
        conn.execute(
            sa.insert(access_token).values(
                token_hash=token_hash(token), device_id=request.device_id, expires_at=now + settings.TOKEN_LIFETIME
            )
        )
        conn.execute(sa.update(device).where(device.c.id == request.device_id).values(last_seen_at=now))
    return protocol.TokenAnswer(access_token=token, expires_in=int(settings.TOKEN_LIFETIME.total_seconds()))


def authenticate(engine: Engine, token: str | None) -> DeviceInfo:
    """The device a bearer token belongs to; 401 unauthorized, token_expired or device_revoked otherwise."""
    if not token:
        raise ApiError(401, "unauthorized", "A bearer token is required.")
    wanted = token_hash(token)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(
                access_token.c.token_hash, access_token.c.expires_at, device.c.id, device.c.name,
                device.c.revoked_at, station.c.key, station.c.station_id, station.c.name.label("station_name"),
            )
            .join(device, device.c.id == access_token.c.device_id)
            .join(station, station.c.key == device.c.station_key)
            .where(access_token.c.token_hash == wanted)
        ).one_or_none()  # fmt: skip
    if row is None or not hmac.compare_digest(wanted, str(row.token_hash)):
        raise ApiError(401, "unauthorized", "The bearer token is not valid.")
    if row.revoked_at is not None:
        raise ApiError(401, "device_revoked", "This device was revoked by the regional administrator.")
    if row.expires_at <= utcnow():
        raise ApiError(401, "token_expired", "The bearer token has expired; ask for a new one.")
    return DeviceInfo(
        id=str(row.id), name=str(row.name), station_key=str(row.key), station_id=str(row.station_id or ""),
        station_name=str(row.station_name),
    )  # fmt: skip


def device_info(engine: Engine, device_id: str) -> tuple[DeviceInfo, str, bool] | None:
    """A device, its secret hash and whether it is revoked (for the sync file); None when unknown."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(
                device.c.id, device.c.name, device.c.secret_hash, device.c.revoked_at, station.c.key,
                station.c.station_id, station.c.name.label("station_name"),
            )
            .join(station, station.c.key == device.c.station_key)
            .where(device.c.id == device_id)
        ).one_or_none()  # fmt: skip
    if row is None:
        return None
    info = DeviceInfo(
        id=str(row.id), name=str(row.name), station_key=str(row.key), station_id=str(row.station_id or ""),
        station_name=str(row.station_name),
    )  # fmt: skip
    return info, str(row.secret_hash), row.revoked_at is not None


def revoke_device(engine: Engine, device_id: str) -> bool:
    """Revoke a device: its tokens stop working at once (they answer device_revoked); False when no such device."""
    with db.write(engine) as conn:
        found = conn.execute(
            sa.update(device).where(device.c.id == device_id, device.c.revoked_at.is_(None)).values(revoked_at=utcnow())
        ).rowcount
        if not found:
            return conn.execute(sa.select(device.c.id).where(device.c.id == device_id)).first() is not None
        return True


def list_devices(engine: Engine) -> list[DeviceRow]:
    """Every device, by station then name."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                device.c.id, station.c.name.label("station"), device.c.name, device.c.created_at,
                device.c.last_seen_at, device.c.revoked_at,
            )
            .join(station, station.c.key == device.c.station_key)
            .order_by(station.c.name, device.c.name, device.c.created_at)
        ).all()  # fmt: skip
    return [
        DeviceRow(
            id=str(r.id), station=str(r.station), name=str(r.name), created_at=r.created_at,
            last_seen_at=r.last_seen_at, revoked_at=r.revoked_at,
        )
        for r in rows
    ]  # fmt: skip
