"""The `report` and `stats` commands: the monthly report as PDF and CSV files, and its figures as JSON."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from station_desk import db, i18n
from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.services.accounts import StationHandle

Login = Callable[[argparse.Namespace], StationHandle]


def _replace_all(files: dict[Path, bytes]) -> None:
    """Write each file beside its target, then move them all in place: an error leaves no half of a pair."""
    temporary = {path: path.with_name(f".{path.name}.part") for path in files}
    try:
        for path, content in files.items():
            temporary[path].write_bytes(content)
        for path, part in temporary.items():
            os.replace(part, path)
    except OSError as error:
        raise StationDeskError(
            _("Cannot write {path}: {reason}").format(path=error.filename, reason=error.strerror)
        ) from None
    finally:
        for part in temporary.values():
            part.unlink(missing_ok=True)


def cmd_report(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk.reports.service import make_report, parse_month

    year, month = parse_month(args.month)  # before anything is opened or written
    out = Path(args.out)
    csv_path = out.with_suffix(".csv")
    if not out.parent.is_dir():
        raise StationDeskError(_("There is no folder {folder}. Nothing was written.").format(folder=out.parent))
    language = args.lang or i18n.current_language()
    handle = login(args)
    try:
        with db.write_session(handle.engine) as session:
            result = make_report(
                session=session,
                actor=handle.actor,
                year=year,
                month=month,
                audience=args.audience,
                language=language,
                purpose=args.purpose,
                target=str(out),
            )
            # Inside the transaction: if the files cannot be written, the audit entry is rolled back too.
            _replace_all({out: result.pdf, csv_path: result.csv_text.encode("utf-8-sig")})
    finally:
        handle.close()
    print(_("Report written to {pdf} and its figures to {csv}.").format(pdf=out, csv=csv_path))
    print(_("Figures hash: {hash}").format(hash=result.figures_hash))
    return 0


def cmd_stats(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk.reports.figures_export import figures_as_rows
    from station_desk.reports.service import figures_dict, parse_month, read_month

    year, month = parse_month(args.month)
    handle = login(args)
    try:
        with db.write_session(handle.engine) as session:
            figures = read_month(session=session, actor=handle.actor, year=year, month=month, purpose=args.purpose)
    finally:
        handle.close()
    if args.json:
        print(json.dumps(figures_dict(figures), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        for section, name, value in figures_as_rows(figures):
            print(f"{section} · {name}: {value}")
    return 0


def add_report_commands(commands: Any, common: argparse.ArgumentParser, login: Login) -> None:
    """`report` and `stats` on the main parser's sub-commands; `login` opens the station as the CLI does."""
    report = commands.add_parser("report", parents=[common], help=_("write the monthly report as PDF and CSV"))
    report.add_argument("--month", required=True, help=_("the month, e.g. 2026-03"))
    report.add_argument("--audience", choices=["commander", "community"], required=True)
    report.add_argument("--out", required=True, help=_("the PDF file to write; the CSV goes beside it"))
    report.add_argument("--purpose", default=_("monthly report"), help=_("why the report is printed (audited)"))
    report.set_defaults(handler=partial(cmd_report, login=login))

    stats = commands.add_parser("stats", parents=[common], help=_("print the monthly report's figures"))
    stats.add_argument("--month", required=True, help=_("the month, e.g. 2026-03"))
    stats.add_argument("--json", action="store_true", help=_("print JSON for other programs"))
    stats.add_argument("--purpose", default=_("statistics"), help=_("why the figures are read (audited)"))
    stats.set_defaults(handler=partial(cmd_stats, login=login))
