"""The `station-desk-server` command: serve, migrate, enrol stations, manage devices, import sync files, purge."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from station_desk import __version__
from station_desk.server import settings


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from station_desk.server import db

    engine = db.make_engine(args.database_url)
    db.migrate(engine)
    return engine


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from station_desk.server import db

    engine = db.make_engine(args.database_url)
    db.migrate(engine)  # once, before the workers start
    engine.dispose()
    os.environ[settings.DATABASE_URL_ENV] = args.database_url
    if args.trusted_proxies is not None:
        os.environ[settings.TRUSTED_PROXIES_ENV] = args.trusted_proxies
    settings.edge_settings()  # a bad limit in the environment stops here, not in every worker
    uvicorn.run(
        "station_desk.server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        ssl_keyfile=args.ssl_keyfile,
        ssl_certfile=args.ssl_certfile,
        # The app itself reads X-Forwarded-* from the proxies it is told to trust (hardening.py); uvicorn's own
        # handling would trust any process on this machine by default.
        proxy_headers=False,
        server_header=False,  # no "Server: uvicorn": what runs here is nobody else's business
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    _engine(args).dispose()
    print("The server database is up to date.")
    return 0


def _enroll(args: argparse.Namespace) -> int:
    from station_desk.server.auth import create_enrolment_code

    engine = _engine(args)
    try:
        code, expires_at = create_enrolment_code(engine, args.station, valid_for=timedelta(hours=args.valid_hours))
    finally:
        engine.dispose()
    print(f"Enrolment code for station {args.station!r}: {code}")
    print(f"Valid once, until {expires_at.strftime('%Y-%m-%d %H:%M')} UTC.")
    return 0


def _devices_list(args: argparse.Namespace) -> int:
    from station_desk.server.auth import list_devices

    engine = _engine(args)
    try:
        rows = list_devices(engine)
    finally:
        engine.dispose()
    if not rows:
        print("No devices are enrolled yet.")
        return 0
    print(f"{'DEVICE ID':36}  {'STATION':24}  {'NAME':24}  {'LAST SEEN (UTC)':16}  REVOKED")
    for row in rows:
        seen = row.last_seen_at.strftime("%Y-%m-%d %H:%M") if row.last_seen_at else "never"
        revoked = row.revoked_at.strftime("%Y-%m-%d %H:%M") if row.revoked_at else "no"
        print(f"{row.id:36}  {row.station[:24]:24}  {row.name[:24]:24}  {seen:16}  {revoked}")
    return 0


def _devices_revoke(args: argparse.Namespace) -> int:
    from station_desk.server.auth import revoke_device

    engine = _engine(args)
    try:
        found = revoke_device(engine, args.device_id)
    finally:
        engine.dispose()
    if not found:
        print(f"No device with id {args.device_id}.", file=sys.stderr)
        return 1
    print(f"Device {args.device_id} is revoked; its tokens no longer work.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from station_desk.server.errors import ApiError
    from station_desk.server.files import import_sync_file

    engine = _engine(args)
    try:
        answer = import_sync_file(engine, Path(args.file).read_bytes())
    except ApiError as error:
        print(f"The sync file was refused: {error.detail}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"The sync file could not be read: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    Path(args.answer).write_bytes(answer.model_dump_json().encode("utf-8"))
    changes = sum(len(page.changes) for page in answer.pull)
    print(f"Applied {len(answer.answers)} batch(es); the answer carries {changes} change(s): {args.answer}")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from station_desk.server.feed import purge

    engine = _engine(args)
    try:
        removed = purge(engine, args.older_than)
    finally:
        engine.dispose()
    print(f"Removed {removed} tombstone(s) older than {args.older_than:g} day(s).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="station-desk-server", description="Station Desk regional sync server.")
    parser.add_argument("--version", action="version", version=__version__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=settings.database_url(),
        help="postgresql://user@host/db or sqlite:///path (default: $DATABASE_URL or a SQLite file)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", parents=[common], help="run the HTTP server")
    serve.add_argument("--host", default=settings.DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=settings.DEFAULT_PORT)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--ssl-keyfile", help="serve HTTPS with this private key (or use a reverse proxy)")
    serve.add_argument("--ssl-certfile", help="the certificate (chain) that goes with --ssl-keyfile")
    serve.add_argument(
        "--trusted-proxies",
        metavar="ADDRESSES",
        help="comma-separated addresses or networks of reverse proxies whose X-Forwarded-Proto/-For to believe, "
        f"e.g. 127.0.0.1 (default: ${settings.TRUSTED_PROXIES_ENV}, else none)",
    )
    serve.set_defaults(handler=_serve)

    commands.add_parser("migrate", parents=[common], help="create or upgrade the database").set_defaults(
        handler=_migrate
    )

    enroll = commands.add_parser("enroll", parents=[common], help="a one-time enrolment code for a station")
    enroll.add_argument("--station", required=True, help="the station's name (made if new)")
    enroll.add_argument("--valid-hours", type=float, default=settings.ENROLMENT_CODE_LIFETIME.total_seconds() / 3600)
    enroll.set_defaults(handler=_enroll)

    devices = commands.add_parser("devices", help="list or revoke enrolled laptops")
    device_commands = devices.add_subparsers(dest="devices_command", required=True)
    device_commands.add_parser("list", parents=[common], help="every device").set_defaults(handler=_devices_list)
    revoke = device_commands.add_parser("revoke", parents=[common], help="revoke a device at once")
    revoke.add_argument("device_id")
    revoke.set_defaults(handler=_devices_revoke)

    import_file = commands.add_parser("import", parents=[common], help="apply a sync file from a USB stick")
    import_file.add_argument("file")
    import_file.add_argument("--answer", required=True, help="where to write the signed answer file")
    import_file.set_defaults(handler=_import)

    purge = commands.add_parser("purge", parents=[common], help="remove old tombstones")
    purge.add_argument("--older-than", type=float, required=True, metavar="DAYS")
    purge.set_defaults(handler=_purge)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
