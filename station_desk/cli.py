"""The `station-desk` command: the app by default, and the headless sub-commands (init, users, demo, ...)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlmodel import func, select

from station_desk import __version__, db, i18n
from station_desk.cli_backup import add_backup_commands
from station_desk.cli_import import add_import_commands
from station_desk.cli_privacy import add_privacy_commands
from station_desk.cli_reports import add_report_commands
from station_desk.cli_sync import add_sync_commands
from station_desk.config import Paths, load_settings, resolve_paths, save_settings
from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.models import RECORD_TYPES, Station
from station_desk.services import accounts
from station_desk.services.export import export_station
from station_desk.services.journal import verify_chain

PASSWORD_ENV = "STATION_DESK_PASSWORD"
NEW_PASSWORD_ENV = "STATION_DESK_NEW_PASSWORD"
USER_ENV = "STATION_DESK_USER"


def _read_secret(file: str | None, env: str, prompt: str, *, confirm: bool = False) -> str:
    """A password from a file, then the environment, then a prompt; the file's trailing newline is dropped."""
    if file:
        try:
            return Path(file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise StationDeskError(
                _("Cannot read the password file {path}: {reason}").format(path=file, reason=error.strerror)
            ) from None
    if os.environ.get(env):
        return os.environ[env]
    if not sys.stdin.isatty():
        raise StationDeskError(_("No password given: use --password-file or {variable}.").format(variable=env))
    secret = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Repeat: ")) != secret:
        raise StationDeskError(_("The two passwords differ. Nothing was changed."))
    return secret


def _login(args: argparse.Namespace) -> accounts.StationHandle:
    username = args.user or os.environ.get(USER_ENV)
    if not username:
        raise StationDeskError(_("Say who you are with --user NAME (or {variable}).").format(variable=USER_ENV))
    password = _read_secret(args.password_file, PASSWORD_ENV, _("Password for {user}: ").format(user=username))
    return accounts.open_station(paths=args.paths, username=username, password=password)


# -- commands ---------------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    password = _read_secret(
        args.password_file, PASSWORD_ENV, _("New password for {user}: ").format(user=args.user), confirm=True
    )
    handle, recovery_code = accounts.init_station(
        paths=args.paths,
        station_name=args.station,
        timezone=args.timezone,
        language=args.locale,
        username=args.user,
        full_name=args.full_name or args.user,
        password=password,
        country=args.country,
    )
    handle.close()
    save_settings(args.paths, {**load_settings(args.paths), "language": args.locale})
    print(_("Station “{station}” is ready in {folder}.").format(station=args.station, folder=args.paths.data_dir))
    print(_("Recovery code (print it and keep it locked away; it is shown only once):"))
    print(f"    {recovery_code}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    handle = _login(args)
    try:
        with db.write_session(handle.engine) as session:
            if args.users_command == "list":
                for user in accounts.list_users(session=session):
                    state = _("disabled") if user.disabled else _("active")
                    print(f"{user.username:<20} {user.role.value:<10} {state:<10} {user.full_name}")
            elif args.users_command == "add":
                password = _read_secret(
                    args.new_password_file,
                    NEW_PASSWORD_ENV,
                    _("New password for {user}: ").format(user=args.name),
                    confirm=True,
                )
                accounts.add_user(
                    session=session,
                    handle=handle,
                    username=args.name,
                    full_name=args.full_name or args.name,
                    role=args.role,
                    password=password,
                )
                print(_("User {user} added.").format(user=args.name))
            elif args.users_command == "passwd":
                password = _read_secret(
                    args.new_password_file,
                    NEW_PASSWORD_ENV,
                    _("New password for {user}: ").format(user=args.name),
                    confirm=True,
                )
                old = _read_secret(args.password_file, PASSWORD_ENV, "") if args.name == handle.actor.username else None
                accounts.set_password(
                    session=session, handle=handle, username=args.name, new_password=password, old_password=old
                )
                print(_("Password of {user} changed.").format(user=args.name))
            elif args.users_command == "disable":
                accounts.disable_user(session=session, handle=handle, username=args.name)
                print(_("User {user} can no longer log in; their records stay.").format(user=args.name))
    finally:
        handle.close()
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    handle = _login(args)
    try:
        with db.read_session(handle.engine) as session:
            report = verify_chain(session)
    finally:
        handle.close()
    if report.whole:
        print(_("The audit chain is whole: {count} entries.").format(count=report.entries))
        return 0
    print(
        _("The audit chain is broken at entry {seq} (id {id}): it or the entry before it was changed.").format(
            seq=report.first_broken_seq, id=report.first_broken_id
        )
    )
    return 1


def cmd_export(args: argparse.Namespace) -> int:
    handle = _login(args)
    try:
        with db.write_session(handle.engine) as session:
            result = export_station(
                session=session,
                actor=handle.actor,
                folder=Path(args.out),
                file_format=args.format,
                purpose=args.purpose,
            )
    finally:
        handle.close()
    total = sum(result.rows_per_table.values())
    print(
        _("Exported {rows} rows of {tables} tables to {folder}.").format(
            rows=total, tables=len(result.rows_per_table), folder=result.folder
        )
    )
    return 0


def station_summary(handle: accounts.StationHandle) -> list[str]:
    """What a station holds, one line per record type, for the terminal."""
    lines = []
    with db.read_session(handle.engine) as session:
        station = session.get(Station, handle.actor.station_id)
        if station is not None:
            lines.append(f"{station.name} ({station.country.value}, {station.timezone})")
        for table, model in RECORD_TYPES.items():
            count = session.exec(select(func.count()).select_from(model)).one()
            if count:
                lines.append(f"  {table:<26} {count:>8}")
    return lines


def cmd_info(args: argparse.Namespace) -> int:
    handle = _login(args)
    try:
        print("\n".join(station_summary(handle)))
    finally:
        handle.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from station_desk.services.demo import build_demo_station

    summary = build_demo_station(
        paths=args.paths, language=args.locale, months=args.months, seed=args.seed, incidents=args.incidents
    )
    save_settings(args.paths, {**load_settings(args.paths), "language": args.locale})
    print(
        _("Demo station “{station}” built in {folder} in {seconds} s.").format(
            station=summary.station_name, folder=summary.data_dir, seconds=summary.seconds
        )
    )
    for table, count in sorted(summary.counts.items()):
        print(f"  {table:<26} {count:>8}")
    _print_demo_logins()
    return 0


def _print_demo_logins() -> None:
    from station_desk.services import demo

    print(
        _("Demo login (commander): {user} / {password}").format(
            user=demo.DEMO_COMMANDER, password=demo.DEMO_COMMANDER_PASSWORD
        )
    )
    print(
        _("Demo login (officer): {user} / {password}").format(
            user=demo.DEMO_OFFICER, password=demo.DEMO_OFFICER_PASSWORD
        )
    )


def demo_paths(args: argparse.Namespace) -> Paths:
    """The demo station lives in its own folder, never in the real station's."""
    if args.data_dir or os.environ.get("STATION_DESK_DATA_DIR"):
        chosen: Paths = args.paths
        return chosen
    base = resolve_paths()
    return resolve_paths(base.data_dir / "demo-station")


def cmd_default(args: argparse.Namespace) -> int:
    """No sub-command: open the app; with --demo, on the demo station (built first if absent)."""
    if args.self_test:
        from station_desk.self_test import run

        return run()
    from station_desk import app

    if not args.demo:
        return app.run(args.paths, language=args.lang)
    args.paths = demo_paths(args)
    from station_desk.services import demo

    if not args.paths.database.exists():
        print(_("Building the demo station in {folder} ...").format(folder=args.paths.data_dir))
        demo.build_demo_station(paths=args.paths, language=args.locale or "uk")
        save_settings(args.paths, {**load_settings(args.paths), "language": args.locale or "uk"})
    _print_demo_logins()
    demo_login = (demo.DEMO_COMMANDER, demo.DEMO_COMMANDER_PASSWORD)
    return app.run(args.paths, demo_login=demo_login, language=args.lang)


# -- parser -----------------------------------------------------------------------------------------------


def _common_options(default: object) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=default, help=_("the station's data folder (or STATION_DESK_DATA_DIR)"))
    common.add_argument("--lang", default=default, choices=i18n.LANGUAGES, help=_("language of messages"))
    common.add_argument("--user", default=default, help=_("who is acting (or set STATION_DESK_USER)"))
    common.add_argument(
        "--password-file", default=default, help=_("read the password from this file (or STATION_DESK_PASSWORD)")
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="station-desk", parents=[_common_options(None)], description=_("Station Desk")
    )
    # Sub-commands accept the same options after their name; SUPPRESS keeps them from erasing earlier ones.
    common = _common_options(argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--demo", action="store_true", help=_("open the demo station, building it first if absent"))
    parser.add_argument(
        "--self-test", action="store_true", help=_("check that this installation works, in a temporary folder")
    )
    parser.add_argument("--locale", choices=i18n.LANGUAGES, default=None, help=_("language of the demo station"))
    parser.set_defaults(handler=cmd_default)
    commands = parser.add_subparsers(dest="command")

    init = commands.add_parser("init", parents=[common], help=_("set up a new station"))
    init.add_argument("--station", required=True, help=_("station name"))
    init.add_argument("--timezone", required=True, help=_("e.g. Europe/Kyiv, Europe/Warsaw, Europe/Belgrade"))
    init.add_argument("--locale", required=True, choices=i18n.LANGUAGES)
    init.add_argument("--country", choices=["UA", "PL", "XK"])
    init.add_argument("--full-name", help=_("the first commander's full name"))
    init.set_defaults(handler=cmd_init)

    users = commands.add_parser("users", parents=[common], help=_("manage user accounts"))
    users_commands = users.add_subparsers(dest="users_command", required=True)
    users_commands.add_parser("list", parents=[common])
    for name in ("add", "passwd", "disable"):
        sub = users_commands.add_parser(name, parents=[common])
        sub.add_argument("name")
        if name != "disable":
            sub.add_argument("--new-password-file", help=_("read the new password from this file"))
        if name == "add":
            sub.add_argument("--role", choices=["officer", "commander"], default="officer")
            sub.add_argument("--full-name")
    users.set_defaults(handler=cmd_users)

    demo = commands.add_parser("demo", parents=[common], help=_("build a demo station"))
    demo.add_argument("--months", type=int, default=12)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--locale", choices=i18n.LANGUAGES, default="uk")
    demo.add_argument("--incidents", type=int, default=None, help=_("total incidents, e.g. 100000 for benchmarks"))
    demo.set_defaults(handler=cmd_demo)

    audit = commands.add_parser("audit", parents=[common], help=_("check the audit log"))
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_commands.add_parser("verify", parents=[common])
    audit.set_defaults(handler=cmd_audit)

    export = commands.add_parser("export", parents=[common], help=_("export every table"))
    export.add_argument("--format", choices=["csv", "json"], required=True)
    export.add_argument("--out", required=True, help=_("folder to write into"))
    export.add_argument("--purpose", default="export", help=_("why the data leaves the station (audited)"))
    export.set_defaults(handler=cmd_export)

    add_report_commands(commands, common, _login)
    add_sync_commands(commands, common, _login)
    add_privacy_commands(commands, common, _login)
    add_backup_commands(commands, common, _login, _read_secret)
    add_import_commands(commands, common, _login)

    info = commands.add_parser("info", parents=[common], help=_("show what the station holds"))
    info.set_defaults(handler=cmd_info)
    return parser


def _initial_language(argv: Sequence[str]) -> None:
    """Messages, including --help, come in the chosen language: --lang, then the station folder's setting."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", choices=i18n.LANGUAGES)
    early.add_argument("--data-dir")
    known, _rest = early.parse_known_args(argv)
    language = known.lang or load_settings(resolve_paths(known.data_dir)).get("language")
    if isinstance(language, str) and language in i18n.LANGUAGES:
        i18n.set_language(language)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    _initial_language(arguments)
    args = build_parser().parse_args(arguments)
    args.paths = resolve_paths(args.data_dir)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except StationDeskError as error:
        print(error.message, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(_("Interrupted. Nothing half-done was saved."), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
