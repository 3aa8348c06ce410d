"""The server's settings from the environment: database URL, lifetimes, proxy trust and request limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import platformdirs

APP_NAME = "station-desk-server"
DATABASE_URL_ENV = "DATABASE_URL"
TOKEN_LIFETIME = timedelta(minutes=15)
ENROLMENT_CODE_LIFETIME = timedelta(hours=24)
TOMBSTONE_RETENTION = timedelta(days=180)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def default_database_url() -> str:
    """A SQLite file `server.db` in the user data folder of "station-desk-server"."""
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{folder / 'server.db'}"


def database_url() -> str:
    """`DATABASE_URL` from the environment, else the default SQLite file."""
    return os.environ.get(DATABASE_URL_ENV) or default_database_url()


# ---------------------------------------------------------------- the HTTP edge (hardening.py)

TRUSTED_PROXIES_ENV = "STATION_DESK_SERVER_TRUSTED_PROXIES"
DEVICE_RATE_ENV = "STATION_DESK_SERVER_DEVICE_REQUESTS_PER_MINUTE"
DEVICE_BURST_ENV = "STATION_DESK_SERVER_DEVICE_BURST"
AUTH_FAILURE_RATE_ENV = "STATION_DESK_SERVER_AUTH_FAILURES_PER_HOUR"
AUTH_FAILURE_BURST_ENV = "STATION_DESK_SERVER_AUTH_FAILURE_BURST"


@dataclass(frozen=True)
class EdgeSettings:
    """Whom to trust for X-Forwarded-*, and the request limits; a rate or burst of 0 turns that limit off.

    The defaults never bother a real station: a sync is a handful of requests, a first sync of a large station a
    few hundred (pull and snapshot pages), and a month offline about ten push batches. A device may send a burst
    of `device_burst` requests, then `device_per_minute` a minute. Only failed enrolment and token requests count
    against a client address (a wrong or used code, a wrong secret, a bad body), so a whole region enrolling or
    syncing from behind one address is never limited, while guessing codes stops after `auth_failure_burst`
    tries and goes on at `auth_failures_per_hour`.
    """

    trusted_proxies: tuple[str, ...] = ()
    device_per_minute: float = 600.0
    device_burst: int = 1000
    auth_failures_per_hour: float = 60.0
    auth_failure_burst: int = 30


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise ValueError(f"{name} must be a finite number of at least 0, not {raw!r}")
    return value


def edge_settings() -> EdgeSettings:
    """The edge settings from the environment (see EdgeSettings for the defaults and what they mean)."""
    defaults = EdgeSettings()
    proxies = tuple(part.strip() for part in os.environ.get(TRUSTED_PROXIES_ENV, "").split(",") if part.strip())
    return EdgeSettings(
        trusted_proxies=proxies,
        device_per_minute=_number(DEVICE_RATE_ENV, defaults.device_per_minute),
        device_burst=int(_number(DEVICE_BURST_ENV, defaults.device_burst)),
        auth_failures_per_hour=_number(AUTH_FAILURE_RATE_ENV, defaults.auth_failures_per_hour),
        auth_failure_burst=int(_number(AUTH_FAILURE_BURST_ENV, defaults.auth_failure_burst)),
    )
