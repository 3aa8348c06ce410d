"""The server's settings: database URL from the environment, token, code and tombstone lifetimes."""

from __future__ import annotations

import os
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
