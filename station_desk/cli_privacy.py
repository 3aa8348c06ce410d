"""The `privacy` command: retention rules, the review list, anonymisation, and restricting records to named users."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from typing import Any

from station_desk import db
from station_desk.i18n import _, format_date
from station_desk.services.accounts import StationHandle
from station_desk.services.record_types import record_type_name

Login = Callable[[argparse.Namespace], StationHandle]


def _whole(value: str) -> int | str:
    """A number of months as typed; anything else goes to the service, which says what is wrong in the user's words."""
    try:
        return int(value)
    except ValueError:
        return value


def cmd_rules(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk.services.retention import retention_rules, set_retention_rule

    handle = login(args)
    try:
        with db.write_session(handle.engine) as session:
            if args.set:
                record_type, review, keep = args.set
                set_retention_rule(session, handle.actor, record_type, _whole(review), _whole(keep))  # type: ignore[arg-type]
                print(_("The retention rule for {type} is saved.").format(type=record_type_name(record_type)))
            periods = retention_rules(session, handle.actor)
    finally:
        handle.close()
    for period in periods:
        line = _("review after {review} months, keep for {keep} months").format(
            review=period.review_after_months, keep=period.keep_for_months
        )
        default = "" if period.station_rule else " " + _("(default)")
        print(f"{period.record_type:<24} {line}{default}")
    return 0


def cmd_review(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk.services.retention import due_for_review, station_today

    handle = login(args)
    try:
        with db.read_session(handle.engine) as session:
            items = due_for_review(session, handle.actor, station_today(session, handle.actor))
    finally:
        handle.close()
    if not items:
        print(_("Nothing is due for review."))
        return 0
    print(_("Due for review: {count}").format(count=len(items)))
    for item in items:
        dates = _("review from {review}, erase after {erase}").format(
            review=format_date(item.review_on), erase=format_date(item.erase_after)
        )
        past = " · " + _("past retention") if item.past_retention else ""
        print(f"{item.record_type:<8} {item.record_id}  {item.title}")
        print(f"         {dates}{past}")
    return 0


def cmd_anonymise(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk.services.anonymisation import anonymise

    handle = login(args)
    try:
        with db.write_session(handle.engine) as session:
            count = anonymise(session, handle.actor, args.type, args.ids, args.reason)
    finally:
        handle.close()
    print(_("Records anonymised: {count}.").format(count=count))
    return 0


def cmd_restrict(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk.services.restriction import restrict_record, user_ids_for

    names = [name for name in args.users.split(",") if name.strip()]
    handle = login(args)
    try:
        with db.write_session(handle.engine) as session:
            user_ids = user_ids_for(session, handle.actor, names)
            named = restrict_record(session, handle.actor, args.type, args.id, user_ids)
    finally:
        handle.close()
    if named:
        print(
            _("Only the commander and these users may now open the record: {users}.").format(
                users=", ".join(name.strip() for name in names)
            )
        )
    else:
        print(_("The record is no longer restricted."))
    return 0


def add_privacy_commands(commands: Any, common: argparse.ArgumentParser, login: Login) -> None:
    """`privacy` and its sub-commands on the main parser; `login` opens the station as the CLI does."""
    privacy = commands.add_parser("privacy", parents=[common], help=_("retention, anonymisation and restriction"))
    sub = privacy.add_subparsers(dest="privacy_command", required=True)

    rules = sub.add_parser("rules", parents=[common], help=_("show or set the retention rules"))
    rules.add_argument(
        "--set", nargs=3, metavar=("TYPE", "REVIEW_MONTHS", "KEEP_MONTHS"), help=_("set the rule of one kind of record")
    )
    rules.set_defaults(handler=partial(cmd_rules, login=login))

    review = sub.add_parser("review", parents=[common], help=_("list the records due for review"))
    review.set_defaults(handler=partial(cmd_review, login=login))

    anonymise = sub.add_parser("anonymise", parents=[common], help=_("clear what identifies people in records"))
    anonymise.add_argument("--type", choices=["incident", "person"], required=True)
    anonymise.add_argument("--id", dest="ids", action="append", required=True, help=_("a record id; repeat for more"))
    anonymise.add_argument("--reason", required=True, help=_("why the records are anonymised (audited)"))
    anonymise.set_defaults(handler=partial(cmd_anonymise, login=login))

    restrict = sub.add_parser("restrict", parents=[common], help=_("restrict a record to named users"))
    restrict.add_argument("--type", choices=["incident", "person"], required=True)
    restrict.add_argument("--id", required=True, help=_("the record id"))
    restrict.add_argument("--users", required=True, help=_("user names separated by commas; empty to lift"))
    restrict.set_defaults(handler=partial(cmd_restrict, login=login))
