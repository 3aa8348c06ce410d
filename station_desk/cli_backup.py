"""The `backup` and `restore` commands: one encrypted backup file for a USB stick, and putting one back."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from station_desk.errors import StationDeskError
from station_desk.i18n import _, format_datetime, format_number
from station_desk.services.accounts import StationHandle

Login = Callable[[argparse.Namespace], StationHandle]
# cli.py's reader: a password from --password-file, then the environment, then a prompt.
ReadSecret = Callable[[str | None, str, str], str]


def _megabytes(size: int) -> str:
    return _("{size} MB").format(size=format_number(round(size / 1_000_000, 1)))


def cmd_backup(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk.services.backup import create_backup

    if args.list:
        return _list_automatic(args)
    handle = login(args)
    try:
        info = create_backup(handle, Path(args.out))
    finally:
        handle.close()
    print(
        _("Backup of “{station}” written to {path}: {size} in {seconds} s.").format(
            station=info.station_name,
            path=info.path.resolve(),
            size=_megabytes(info.file_size),
            seconds=format_number(round(info.seconds, 1)),
        )
    )
    print(_("The file is encrypted: without a station user's password or the recovery code it cannot be read."))
    return 0


def _list_automatic(args: argparse.Namespace) -> int:
    from station_desk.services.backup_auto import automatic_backups

    listed = automatic_backups(args.paths)
    if not listed:
        print(_("There are no automatic backups in {folder} yet.").format(folder=args.paths.backups / "auto"))
        return 0
    for path, when in listed:
        print(f"{format_datetime(when.astimezone())}  {_megabytes(path.stat().st_size):>10}  {path}")
    return 0


def cmd_restore(args: argparse.Namespace, *, read_secret: ReadSecret) -> int:
    from station_desk.cli import PASSWORD_ENV, USER_ENV
    from station_desk.services.backup_restore import restore_backup

    username = args.user or os.environ.get(USER_ENV)
    if not username:
        raise StationDeskError(_("Say who you are with --user NAME (or {variable}).").format(variable=USER_ENV))
    password = read_secret(args.password_file, PASSWORD_ENV, _("Password for {user}: ").format(user=username))
    result = restore_backup(
        args.paths,
        Path(args.file),
        username=username,
        password=password,
        allow_other_station=args.other_station,
    )
    backup = result.backup
    print(
        _("Restored the backup of “{station}” made {when} into {folder}.").format(
            station=backup.station_name,
            when=format_datetime(backup.created_at.astimezone()),
            folder=args.paths.data_dir,
        )
    )
    if result.replaced_folder is not None:
        print(_("The station it replaced is kept in {folder}.").format(folder=result.replaced_folder))
    if result.schema_revision != backup.schema_revision:
        print(_("The backup was made by an older version; its database was brought up to date."))
    return 0


def add_backup_commands(commands: Any, common: argparse.ArgumentParser, login: Login, read_secret: ReadSecret) -> None:
    """`backup` and `restore` on the main parser's sub-commands; `login` opens the station as the CLI does, and
    `read_secret` reads a password as the CLI does (restore cannot log in: there may be no station yet)."""
    backup = commands.add_parser("backup", parents=[common], help=_("write a backup file, e.g. onto a USB stick"))
    what = backup.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", help=_("the backup file to write, e.g. /media/usb/station.sdbak"))
    what.add_argument("--list", action="store_true", help=_("list the automatic backups"))
    backup.set_defaults(handler=partial(cmd_backup, login=login))

    restore = commands.add_parser(
        "restore", parents=[common], help=_("replace the station by a backup (the replaced files are kept)")
    )
    restore.add_argument("file", help=_("the backup file"))
    restore.add_argument(
        "--other-station",
        action="store_true",
        help=_("allow a backup of another station to replace this one"),
    )
    restore.set_defaults(handler=partial(cmd_restore, read_secret=read_secret))
