"""The `enroll` and `sync` commands: enrol this laptop with the regional server, and sync by network or file."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from typing import Any

from station_desk.i18n import _
from station_desk.services.accounts import StationHandle

Login = Callable[[argparse.Namespace], StationHandle]


def cmd_enroll(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk.sync.client import enrol

    handle = login(args)
    try:
        info = enrol(handle.engine, handle.actor, args.server, args.code, device_name=args.device_name)
    finally:
        handle.close()
    print(
        _("This laptop is enrolled with {server} for station “{station}” (device {device}).").format(
            server=info.server_url, station=info.station_name, device=info.device_id
        )
    )
    return 0


def _print_result(result: Any) -> None:
    print(_("Sent {sent} changes, received {received} records.").format(sent=result.sent, received=result.received))
    if result.merged:
        print(_("{count} changes were merged with changes from other laptops.").format(count=result.merged))
    if result.conflicts:
        print(_("{count} conflicts need a decision: open the Sync page in the app.").format(count=result.conflicts))
    if result.rejected:
        print(_("The server refused {count} changes; they stay on this laptop.").format(count=result.rejected))
        for line in result.rejections:
            print(f"  {line}")
    if result.snapshot:
        print(_("This laptop compared all its records with the server's."))
    if result.checksum_ok is False:
        print(_("The records on this laptop still differ from the server's; sync again later."))
    if result.clock_warning:
        print(
            _("This laptop's clock is {minutes} minutes off the server's. Please set the right time.").format(
                minutes=round(abs(result.clock_offset_seconds) / 60)
            )
        )


def cmd_sync(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk.sync.client import sync_once
    from station_desk.sync.file import export_sync_file, import_answer_file

    handle = login(args)
    try:
        if args.export_file:
            count = export_sync_file(handle.engine, args.export_file)
            print(
                _("Wrote {count} changes to {path}. Take it to the regional office.").format(
                    count=count, path=args.export_file
                )
            )
            return 0
        if args.import_file:
            result = import_answer_file(handle.engine, args.import_file)
        else:
            result = sync_once(handle.engine, actor=handle.actor)
    finally:
        handle.close()
    _print_result(result)
    return 0


def add_sync_commands(commands: Any, common: argparse.ArgumentParser, login: Login) -> None:
    """`enroll` and `sync` on the main parser's sub-commands; `login` opens the station as the CLI does."""
    enroll = commands.add_parser("enroll", parents=[common], help=_("enrol this laptop with the regional server"))
    enroll.add_argument("--server", required=True, help=_("the regional server's address, e.g. https://region.example"))
    enroll.add_argument("--code", required=True, help=_("the one-time code from the regional administrator"))
    enroll.add_argument("--device-name", default=None, help=_("how the server names this laptop"))
    enroll.set_defaults(handler=partial(cmd_enroll, login=login))

    sync = commands.add_parser("sync", parents=[common], help=_("sync with the regional server"))
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--export", dest="export_file", help=_("write the changes to a sync file instead"))
    where.add_argument("--import", dest="import_file", help=_("apply an answer file from the regional office"))
    sync.set_defaults(handler=partial(cmd_sync, login=login))
