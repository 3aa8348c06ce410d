"""The key file: the random database key wrapped once per user (argon2id + AES-GCM) and once for recovery."""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from station_desk.errors import KeyFileProblem, TooManyAttempts, WrongPassword
from station_desk.i18n import _

KEY_FILE_FORMAT = 1
DATABASE_KEY_BYTES = 32
RECOVERY_SLOT = "recovery"
# About 0.2-0.4 s on an old laptop: slow for guessing, bearable at login. Stored per slot so it can grow.
DEFAULT_KDF = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 2}
# For stations made to be thrown away (tests, screenshots, --self-test): unlocking them in a millisecond is the point.
THROWAWAY_KDF = {"time_cost": 1, "memory_cost": 8 * 1024, "parallelism": 1}
# Free tries before the delay starts; then 2, 4, 8 ... seconds, at most five minutes.
FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(secret: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(
        secret.encode("utf-8"),
        salt,
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_cost"],
        parallelism=kdf["parallelism"],
        hash_len=32,
        type=Type.ID,
    )


def _wrap(database_key: bytes, secret: str, slot_name: str, kdf: dict[str, int]) -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    # The slot name is authenticated data, so a slot copied under another name does not open.
    wrapped = AESGCM(_derive(secret, salt, kdf)).encrypt(nonce, database_key, slot_name.encode("utf-8"))
    return {"salt": _b64(salt), "nonce": _b64(nonce), "kdf": dict(kdf), "wrapped": _b64(wrapped)}


def _unwrap(slot: dict[str, Any], secret: str, slot_name: str) -> bytes | None:
    key = _derive(secret, _unb64(slot["salt"]), slot["kdf"])
    try:
        return AESGCM(key).decrypt(_unb64(slot["nonce"]), _unb64(slot["wrapped"]), slot_name.encode("utf-8"))
    except InvalidTag:
        return None


def new_recovery_code() -> str:
    """Twenty-four letters and digits in groups of four, easy to print and to type back."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    raw = "".join(secrets.choice(alphabet) for _ in range(24))
    return "-".join(raw[i : i + 4] for i in range(0, 24, 4))


def _normalise_recovery_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


@dataclass
class KeyFile:
    """The parsed key file. Slots are keyed by user name; the recovery slot by RECOVERY_SLOT."""

    path: Path
    station_id: str
    slots: dict[str, dict[str, Any]]
    kdf: dict[str, int]

    @classmethod
    def create(cls, path: Path, station_id: str, kdf: dict[str, int] | None = None) -> tuple[KeyFile, bytes]:
        """A new key file with no slots yet, and the fresh random database key it will guard."""
        if path.exists():
            raise KeyFileProblem(_("A key file already exists at {path}.").format(path=path))
        return cls(path=path, station_id=station_id, slots={}, kdf=dict(kdf or DEFAULT_KDF)), secrets.token_bytes(
            DATABASE_KEY_BYTES
        )

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise KeyFileProblem(
                _(
                    "The key file {path} is missing. Restore it from a backup; without it the database cannot be "
                    "opened."
                ).format(path=path)
            ) from None
        except OSError as error:
            raise KeyFileProblem(
                _("The key file {path} cannot be read: {reason}").format(path=path, reason=error.strerror)
            ) from None
        try:
            data = json.loads(raw.decode("utf-8"))
            if data.get("format") != KEY_FILE_FORMAT:
                raise ValueError("format")
            slots = {name: dict(slot) for name, slot in data["slots"].items()}
            for slot in slots.values():
                _unb64(slot["salt"]), _unb64(slot["nonce"]), _unb64(slot["wrapped"])
            return cls(path=path, station_id=str(data["station_id"]), slots=slots, kdf=dict(data["kdf"]))
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            raise KeyFileProblem(
                _("The key file {path} is damaged. Restore it from a backup.").format(path=path)
            ) from None

    def save(self) -> None:
        """Atomic replace with fsync: a power cut leaves the old key file or the new one."""
        data = {"format": KEY_FILE_FORMAT, "station_id": self.station_id, "kdf": self.kdf, "slots": self.slots}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)

    # -- slots ------------------------------------------------------------------------------------------
    def set_user_password(self, username: str, password: str, database_key: bytes) -> None:
        self.slots[username] = _wrap(database_key, password, username, self.kdf)

    def has_user(self, username: str) -> bool:
        return username in self.slots and username != RECOVERY_SLOT

    def remove_user(self, username: str) -> None:
        self.slots.pop(username, None)

    def set_recovery_code(self, database_key: bytes) -> str:
        code = new_recovery_code()
        self.slots[RECOVERY_SLOT] = _wrap(database_key, code, RECOVERY_SLOT, self.kdf)
        return code

    def unlock(self, username: str, password: str, *, throttle: LoginThrottle | None = None) -> bytes:
        """The database key, or WrongPassword; with a throttle, repeated failures make the next try wait."""
        gate = throttle or LoginThrottle(self.path.with_name("login-throttle.json"))
        gate.check(username)
        slot = self.slots.get(username) if username != RECOVERY_SLOT else None
        key = _unwrap(slot, password, username) if slot else None
        if key is None:
            # Spend the same effort on an unknown name, so timing does not reveal which names exist.
            if slot is None:
                _derive(password, b"\0" * 16, self.kdf)
            gate.failed(username)
            raise WrongPassword()
        gate.succeeded(username)
        return key

    def unlock_with_recovery_code(self, code: str) -> bytes:
        gate = LoginThrottle(self.path.with_name("login-throttle.json"))
        gate.check(RECOVERY_SLOT)
        slot = self.slots.get(RECOVERY_SLOT)
        key = _unwrap(slot, _normalise_recovery_code(code), RECOVERY_SLOT) if slot else None
        if key is None:
            gate.failed(RECOVERY_SLOT)
            raise WrongPassword()
        gate.succeeded(RECOVERY_SLOT)
        return key


class LoginThrottle:
    """Counts wrong passwords per user name in a small file, so a restart does not reset the delay."""

    def __init__(self, path: Path, clock: Any = time.time) -> None:
        self.path = path
        self.clock = clock

    def _read(self) -> dict[str, dict[str, float]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _write(self, data: dict[str, dict[str, float]]) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, self.path)

    def wait_seconds(self, username: str) -> int:
        entry = self._read().get(username)
        if not entry or entry["count"] < FREE_ATTEMPTS:
            return 0
        delay = min(2 ** (entry["count"] - FREE_ATTEMPTS + 1), MAX_DELAY_SECONDS)
        remaining = entry["last"] + delay - self.clock()
        return max(0, int(remaining + 0.999))

    def check(self, username: str) -> None:
        wait = self.wait_seconds(username)
        if wait > 0:
            raise TooManyAttempts(wait)

    def failed(self, username: str) -> None:
        data = self._read()
        entry = data.get(username, {"count": 0, "last": 0.0})
        data[username] = {"count": entry["count"] + 1, "last": self.clock()}
        self._write(data)

    def succeeded(self, username: str) -> None:
        data = self._read()
        if data.pop(username, None) is not None:
            self._write(data)
