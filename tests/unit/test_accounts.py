"""Accounts: each officer opens the database with their own password; commanders manage the others."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from station_desk import db
from station_desk.config import Paths
from station_desk.errors import AccountDisabled, PermissionDenied, ValidationFailed, WrongPassword
from station_desk.models import AuditEntry, User
from station_desk.models.enums import AuditAction
from station_desk.services import accounts
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from tests.conftest import COMMANDER_PASSWORD, OFFICER_PASSWORD, TEST_KDF


def test_officer_logs_in_with_own_password_and_login_is_audited(station: StationHandle, officer: Actor) -> None:
    handle = accounts.open_station(paths=station.paths, username="petro", password=OFFICER_PASSWORD)
    try:
        assert handle.actor.role.value == "officer" and handle.actor.full_name == "Петро Шевченко"
        with Session(handle.engine) as session:
            last = session.exec(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()  # type: ignore[union-attr]
            assert last is not None and last.action == AuditAction.login and last.user_id == officer.user_id
    finally:
        handle.close()


def test_password_change_rewraps_only_that_slot(station: StationHandle, officer: Actor) -> None:
    commander_slot = dict(station.key_file.slots["olena"])
    officer_handle = accounts.open_station(paths=station.paths, username="petro", password=OFFICER_PASSWORD)
    with db.write_session(officer_handle.engine) as session:
        with pytest.raises(WrongPassword):
            accounts.set_password(
                session=session,
                handle=officer_handle,
                username="petro",
                new_password="brand-new-pass",
                old_password="not-the-old-one",
            )
        accounts.set_password(
            session=session,
            handle=officer_handle,
            username="petro",
            new_password="brand-new-pass",
            old_password=OFFICER_PASSWORD,
        )
    officer_handle.close()
    with pytest.raises(WrongPassword):
        accounts.open_station(paths=station.paths, username="petro", password=OFFICER_PASSWORD)
    accounts.open_station(paths=station.paths, username="petro", password="brand-new-pass").close()
    from station_desk.keys import KeyFile

    assert KeyFile.load(station.paths.key_file).slots["olena"] == commander_slot


def test_officer_cannot_reset_someone_elses_password(station: StationHandle, officer: Actor) -> None:
    officer_handle = accounts.open_station(paths=station.paths, username="petro", password=OFFICER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied), db.write_session(officer_handle.engine) as session:
            accounts.set_password(session=session, handle=officer_handle, username="olena", new_password="taken-over-1")
    finally:
        officer_handle.close()
    accounts.open_station(paths=station.paths, username="olena", password=COMMANDER_PASSWORD).close()


def test_disabled_user_cannot_log_in_but_their_records_stay(station: StationHandle, officer: Actor) -> None:
    with db.write_session(station.engine) as session:
        accounts.disable_user(session=session, handle=station, username="petro")
    with pytest.raises((WrongPassword, AccountDisabled)):
        accounts.open_station(paths=station.paths, username="petro", password=OFFICER_PASSWORD)
    with Session(station.engine) as session:
        petro = session.exec(select(User).where(User.username == "petro")).one()
        assert petro.disabled and petro.full_name == "Петро Шевченко"


def test_password_policy_and_duplicate_names(station: StationHandle) -> None:
    with db.write_session(station.engine) as session, pytest.raises(ValidationFailed) as failure:
        accounts.add_user(
            session=session, handle=station, username="olena", full_name="Друга Олена", role="officer", password="short"
        )
    assert set(failure.value.errors) == {"username", "password"}
    with db.write_session(station.engine) as session, pytest.raises(ValidationFailed) as failure:
        accounts.add_user(
            session=session, handle=station, username="ivan", full_name="Іван", role="officer", password="ivan"
        )
    assert "password" in failure.value.errors


def test_recovery_code_resets_a_commanders_password(paths: Paths) -> None:
    handle, code = accounts.init_station(
        paths=paths,
        station_name="S",
        timezone="Europe/Belgrade",
        language="sq",
        username="arben",
        full_name="Arben Krasniqi",
        password="forgotten-pass",
        kdf=TEST_KDF,
    )
    handle.close()
    with pytest.raises(WrongPassword):
        accounts.reset_password_with_recovery(
            paths=paths, recovery_code="WRONG-CODE", username="arben", new_password="new-password-1"
        )
    accounts.reset_password_with_recovery(
        paths=paths, recovery_code=code, username="arben", new_password="new-password-1"
    )
    reopened = accounts.open_station(paths=paths, username="arben", password="new-password-1")
    assert reopened.actor.is_commander
    reopened.close()
