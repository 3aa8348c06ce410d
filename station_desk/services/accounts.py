"""Setting a station up, logging in (the database opens with the user's own password), and managing accounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from station_desk import db
from station_desk.config import Paths
from station_desk.errors import AccountDisabled, KeyFileProblem, NotFound, StationDeskError, WrongPassword
from station_desk.i18n import LANGUAGES, _
from station_desk.keys import RECOVERY_SLOT, KeyFile
from station_desk.models import Station, User, new_id
from station_desk.models.enums import AuditAction, Country, Role
from station_desk.services.context import Actor
from station_desk.services.journal import audit
from station_desk.services.records import insert_record, update_record
from station_desk.services.validation import Problems

MIN_PASSWORD_LENGTH = 8
USERNAME_PATTERN = re.compile(r"^[\w.\-]{2,64}$", re.UNICODE)
COUNTRY_OF_LANGUAGE = {"uk": Country.UA, "pl": Country.PL, "sq": Country.XK, "sr": Country.XK, "sr_Latn": Country.XK}


@dataclass
class StationHandle:
    """An unlocked station: the engine, who is logged in, and the key file for account changes."""

    paths: Paths
    engine: Engine
    actor: Actor
    key_file: KeyFile
    database_key: bytes

    def close(self) -> None:
        self.engine.dispose()


def check_password(problems: Problems, password: str, username: str, field: str = "password") -> None:
    """At least eight characters and not the user name: long enough to matter, short enough to type tired."""
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.add(field, _("The password needs at least {count} characters.").format(count=MIN_PASSWORD_LENGTH))
    elif password.strip().lower() == username.lower():
        problems.add(field, _("The password must not be the user name."))


def _check_username(problems: Problems, username: str) -> None:
    if not USERNAME_PATTERN.match(username or ""):
        problems.add("username", _("Use 2 to 64 letters, digits, dots or dashes, without spaces."))
    elif username == RECOVERY_SLOT:
        problems.add("username", _("This user name is reserved."))


def init_station(
    *,
    paths: Paths,
    station_name: str,
    timezone: str,
    language: str,
    username: str,
    full_name: str,
    password: str,
    country: str | None = None,
    kdf: dict[str, int] | None = None,
) -> tuple[StationHandle, str]:
    """Create the key file, the encrypted database, the station and its first commander.

    Returns the open station and the recovery code to print; the code is shown only this once.
    """
    problems = Problems()
    name = problems.required_text("station", station_name, 200)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.add("timezone", _("Unknown time zone “{value}”, e.g. Europe/Kyiv.").format(value=timezone))
    if language not in LANGUAGES:
        problems.add("locale", _("Choose one of: {choices}.").format(choices=", ".join(LANGUAGES)))
    chosen_country = problems.choice("country", country or COUNTRY_OF_LANGUAGE.get(language, Country.UA).value, Country)
    _check_username(problems, username)
    check_password(problems, password, username)
    problems.required_text("full_name", full_name, 200)
    problems.raise_if_any()
    assert chosen_country is not None
    paths.ensure()
    if paths.database.exists() or paths.key_file.exists():
        raise StationDeskError(
            _("A station already exists in {folder}. Choose another folder.").format(folder=paths.data_dir)
        )

    station_id, user_id = new_id(), new_id()
    key_file, database_key = KeyFile.create(paths.key_file, station_id, kdf)
    key_file.set_user_password(username, password, database_key)
    recovery_code = key_file.set_recovery_code(database_key)
    engine = db.open_database(paths.database, database_key, create=True)
    actor = Actor(
        user_id=user_id, username=username, full_name=full_name.strip(), role=Role.commander, station_id=station_id
    )
    try:
        with db.write_session(engine) as session:
            station = Station(id=station_id, name=name, country=chosen_country, timezone=timezone, locale=language)
            insert_record(session, actor, station)
            insert_record(
                session, actor, User(id=user_id, username=username, full_name=actor.full_name, role=Role.commander)
            )
        key_file.save()
    except BaseException:
        engine.dispose()
        for leftover in (
            paths.database,
            paths.database.with_name(paths.database.name + "-wal"),
            paths.database.with_name(paths.database.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        raise
    return StationHandle(paths, engine, actor, key_file, database_key), recovery_code


def open_station(*, paths: Paths, username: str, password: str) -> StationHandle:
    """Log in: unwrap the database key with the user's password, open the database, and check the account."""
    if not paths.key_file.exists() and not paths.database.exists():
        raise KeyFileProblem(
            _("There is no station in {folder}. Run “station-desk init” first.").format(folder=paths.data_dir)
        )
    key_file = KeyFile.load(paths.key_file)
    database_key = key_file.unlock(username, password)
    engine = db.open_database(paths.database, database_key)
    try:
        with db.write_session(engine) as session:
            user = session.exec(select(User).where(User.username == username)).first()
            if user is None:
                raise WrongPassword()
            if user.disabled:
                raise AccountDisabled()
            actor = _actor_of(user)
            audit(session, actor, AuditAction.login, record_type="user", record_id=user.id)
    except BaseException:
        engine.dispose()
        raise
    return StationHandle(paths, engine, actor, key_file, database_key)


def open_with_recovery_code(*, paths: Paths, recovery_code: str) -> tuple[Engine, bytes, KeyFile]:
    """The database opened by the printed recovery code, to reset a commander's password."""
    key_file = KeyFile.load(paths.key_file)
    database_key = key_file.unlock_with_recovery_code(recovery_code)
    return db.open_database(paths.database, database_key), database_key, key_file


def _actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id, username=user.username, full_name=user.full_name, role=user.role, station_id=user.station_id
    )


def add_user(
    *, session: Session, handle: StationHandle, username: str, full_name: str, role: str, password: str
) -> User:
    """A commander adds an officer or another commander, with their own slot in the key file."""
    actor = handle.actor
    actor.require_commander()
    problems = Problems()
    _check_username(problems, username)
    chosen_role = problems.choice("role", role, Role)
    cleaned_name = problems.required_text("full_name", full_name, 200)
    check_password(problems, password, username)
    if session.exec(select(User).where(User.username == username)).first() is not None:
        problems.add("username", _("This user name is taken."))
    problems.raise_if_any()
    assert chosen_role is not None
    user = insert_record(session, actor, User(username=username, full_name=cleaned_name, role=chosen_role))
    handle.key_file.set_user_password(username, password, handle.database_key)
    handle.key_file.save()
    return user


def set_password(
    *, session: Session, handle: StationHandle, username: str, new_password: str, old_password: str | None = None
) -> None:
    """Users change their own password (giving the old one); a commander may reset anyone's."""
    actor = handle.actor
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(_("No user named “{name}”.").format(name=username))
    if username == actor.username and not actor.is_commander:
        handle.key_file.unlock(username, old_password or "")
    elif username != actor.username:
        actor.require_commander()
    problems = Problems()
    check_password(problems, new_password, username, field="new_password")
    problems.raise_if_any()
    handle.key_file.set_user_password(username, new_password, handle.database_key)
    handle.key_file.save()
    audit(
        session, actor, AuditAction.user_change, record_type="user", record_id=user.id, details={"password": "changed"}
    )


def reset_password_with_recovery(*, paths: Paths, recovery_code: str, username: str, new_password: str) -> None:
    """The recovery code opens the database so a commander who forgot their password can set a new one."""
    engine, database_key, key_file = open_with_recovery_code(paths=paths, recovery_code=recovery_code)
    try:
        with db.write_session(engine) as session:
            user = session.exec(select(User).where(User.username == username)).first()
            if user is None or user.disabled or user.role != Role.commander:
                raise NotFound(_("No active commander named “{name}”.").format(name=username))
            problems = Problems()
            check_password(problems, new_password, username, field="new_password")
            problems.raise_if_any()
            key_file.set_user_password(username, new_password, database_key)
            key_file.save()
            audit(
                session,
                _actor_of(user),
                AuditAction.user_change,
                record_type="user",
                record_id=user.id,
                reason="recovery code",
                details={"password": "reset"},
            )
    finally:
        engine.dispose()


def disable_user(*, session: Session, handle: StationHandle, username: str) -> User:
    """The account can no longer log in (its key slot is removed); its records and signatures stay."""
    handle.actor.require_commander()
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(_("No user named “{name}”.").format(name=username))
    if user.id == handle.actor.user_id:
        problems = Problems()
        problems.add("username", _("You cannot disable your own account."))
        problems.raise_if_any()
    update_record(session, handle.actor, user, {"disabled": True}, action=AuditAction.user_change)
    handle.key_file.remove_user(username)
    handle.key_file.save()
    return user


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.username)))
