"""The key file: each user's password unwraps the same database key; wrong passwords change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from station_desk.errors import KeyFileProblem, TooManyAttempts, WrongPassword
from station_desk.keys import FREE_ATTEMPTS, KeyFile, LoginThrottle
from tests.conftest import TEST_KDF


def _key_file(tmp_path: Path) -> tuple[KeyFile, bytes]:
    key_file, key = KeyFile.create(tmp_path / "station.keys", "station-1", TEST_KDF)
    key_file.set_user_password("olena", "first-password", key)
    key_file.set_user_password("petro", "second-password", key)
    key_file.save()
    return key_file, key


def test_every_user_unwraps_the_same_key(tmp_path: Path) -> None:
    _, key = _key_file(tmp_path)
    loaded = KeyFile.load(tmp_path / "station.keys")
    assert loaded.unlock("olena", "first-password") == key
    assert loaded.unlock("petro", "second-password") == key
    assert key.hex() not in (tmp_path / "station.keys").read_text()


def test_wrong_password_and_unknown_user_are_refused_and_file_unchanged(tmp_path: Path) -> None:
    _key_file(tmp_path)
    before = (tmp_path / "station.keys").read_bytes()
    loaded = KeyFile.load(tmp_path / "station.keys")
    with pytest.raises(WrongPassword, match="Wrong user name or password"):
        loaded.unlock("olena", "second-password")
    with pytest.raises(WrongPassword):
        loaded.unlock("nobody", "first-password")
    assert (tmp_path / "station.keys").read_bytes() == before


def test_a_slot_copied_under_another_name_does_not_open(tmp_path: Path) -> None:
    key_file, _ = _key_file(tmp_path)
    key_file.slots["petro"] = dict(key_file.slots["olena"])
    with pytest.raises(WrongPassword):
        key_file.unlock("petro", "first-password")


def test_recovery_code_unlocks_whatever_its_spacing(tmp_path: Path) -> None:
    key_file, key = _key_file(tmp_path)
    code = key_file.set_recovery_code(key)
    assert key_file.unlock_with_recovery_code(code.lower().replace("-", " ")) == key
    with pytest.raises(WrongPassword):
        key_file.unlock_with_recovery_code("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")


def test_repeated_failures_make_the_next_try_wait(tmp_path: Path) -> None:
    now = [1000.0]
    throttle = LoginThrottle(tmp_path / "throttle.json", clock=lambda: now[0])
    key_file, key = _key_file(tmp_path)
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(WrongPassword):
            key_file.unlock("olena", "guess", throttle=throttle)
    with pytest.raises(TooManyAttempts) as waited:
        key_file.unlock("olena", "first-password", throttle=throttle)
    assert waited.value.wait_seconds > 0
    now[0] += waited.value.wait_seconds
    assert key_file.unlock("olena", "first-password", throttle=throttle) == key
    assert throttle.wait_seconds("olena") == 0


def test_missing_and_damaged_key_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(KeyFileProblem, match="missing"):
        KeyFile.load(tmp_path / "absent.keys")
    damaged = tmp_path / "damaged.keys"
    damaged.write_bytes(b"\x00\xffnot json")
    with pytest.raises(KeyFileProblem, match="damaged"):
        KeyFile.load(damaged)
    _key_file(tmp_path)
    data = json.loads((tmp_path / "station.keys").read_text())
    data["slots"]["olena"]["salt"] = "***"
    damaged.write_text(json.dumps(data))
    with pytest.raises(KeyFileProblem, match="damaged"):
        KeyFile.load(damaged)


def test_unreadable_key_file_says_so(tmp_path: Path) -> None:
    folder_in_its_place = tmp_path / "station.keys"
    folder_in_its_place.mkdir()
    with pytest.raises(KeyFileProblem, match="cannot be read"):
        KeyFile.load(folder_in_its_place)
