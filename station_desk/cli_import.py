"""The `import` and `imports` commands: bring a register file in (or only preview it), list imports, undo one."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from station_desk.i18n import _, format_datetime
from station_desk.services.accounts import StationHandle

Login = Callable[[argparse.Namespace], StationHandle]
# A long list of rejected rows helps nobody in a terminal; the first ones show what to fix.
SHOWN_REJECTIONS = 50


def describe_preview(preview: Any) -> list[str]:
    """The preview as lines of text in the user's language: the app shows the same figures."""
    from station_desk.importing.columns import COLUMNS_BY_KIND, KIND_LABELS
    from station_desk.importing.preview import summary_lines

    plan, table = preview.plan, preview.table
    lines = [_("File: {file}").format(file=plan.file_name)]
    if table is not None:
        if table.encoding:
            lines.append(
                _("Read as {format}, encoding {encoding}, columns separated by “{delimiter}”.").format(
                    format=table.file_format.upper(),
                    encoding=table.encoding,
                    delimiter="TAB" if table.delimiter == "\t" else table.delimiter,
                )
            )
        labels = {column.name: _(column.label) for column in COLUMNS_BY_KIND[plan.kind]}
        lines.append(_("What is imported: {kind}").format(kind=_(KIND_LABELS[plan.kind])))
        for header in table.headers:
            field = plan.mapping.fields.get(header) if plan.mapping else None
            target = labels[field] if field else _("(not imported)")
            lines.append(f"  “{header}” → {target}")
    lines.extend(summary_lines(preview))
    for rejection in plan.rejections[:SHOWN_REJECTIONS]:
        lines.append("  " + _("line {line}: {reason}").format(line=rejection.line, reason=rejection.reason))
    if len(plan.rejections) > SHOWN_REJECTIONS:
        more = len(plan.rejections) - SHOWN_REJECTIONS
        lines.append("  " + _("… and {count} more.").format(count=more))
    return lines


def cmd_import(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk import db
    from station_desk.importing.mapping import load_mapping, save_mapping
    from station_desk.importing.preview import preview_import
    from station_desk.importing.readers import ImportFileError
    from station_desk.importing.writer import run_import

    mapping = load_mapping(Path(args.mapping)) if args.mapping else None
    handle = login(args)
    try:
        with db.write_session(handle.engine) as session:
            preview = preview_import(
                session=session, actor=handle.actor, path=Path(args.file), kind=args.kind, mapping=mapping
            )
            for line in describe_preview(preview):
                print(line)
            if preview.problem:
                raise ImportFileError(preview.problem)
            if args.save_mapping and preview.plan.mapping is not None:
                save_mapping(Path(args.save_mapping), preview.plan.mapping)
                print(_("The column mapping was saved to {file}.").format(file=args.save_mapping))
            if args.dry_run:
                print(_("Dry run: nothing was written."))
                return 0
            if not (preview.plan.rows or preview.plan.records):
                print(_("Nothing to import."))
                return 0
            run = run_import(session=session, actor=handle.actor, plan=preview.plan)
    finally:
        handle.close()
    print(
        _("Imported {count} records (import {id}). A commander can undo it: station-desk imports undo {id}").format(
            count=run.records_created, id=run.id
        )
    )
    return 0


def cmd_imports(args: argparse.Namespace, *, login: Login) -> int:
    from station_desk import db
    from station_desk.importing.writer import list_imports, undo_import

    handle = login(args)
    try:
        with db.write_session(handle.engine) as session:
            if args.imports_command == "undo":
                deleted = undo_import(session=session, actor=handle.actor, import_id=args.id, reason=args.reason)
                print(_("The import was undone: {count} records deleted.").format(count=deleted))
                return 0
            for run in list_imports(session=session, actor=handle.actor):
                state = _("undone {when}").format(when=format_datetime(run.undone_at)) if run.undone_at else _("active")
                print(
                    _("{id}  {when}  {file}: {count} records, {state}").format(
                        id=run.id,
                        when=format_datetime(run.created_at),
                        file=run.file_name,
                        count=run.records_created,
                        state=state,
                    )
                )
    finally:
        handle.close()
    return 0


def add_import_commands(commands: Any, common: argparse.ArgumentParser, login: Login) -> None:
    """`import FILE` and `imports list|undo` on the main parser's sub-commands."""
    from station_desk.importing.columns import KINDS

    importing = commands.add_parser("import", parents=[common], help=_("import a register: CSV, XLSX or JSON lines"))
    importing.add_argument("file", help=_("the file, or a folder written by export --format json"))
    importing.add_argument("--kind", choices=KINDS, default=None, help=_("what the rows are (guessed if not given)"))
    importing.add_argument("--mapping", default=None, help=_("a saved column mapping to use"))
    importing.add_argument("--save-mapping", default=None, help=_("save the column mapping to this file"))
    importing.add_argument("--dry-run", action="store_true", help=_("show what would be imported; write nothing"))
    importing.set_defaults(handler=partial(cmd_import, login=login))

    imports = commands.add_parser("imports", parents=[common], help=_("list imports or undo one"))
    imports_commands = imports.add_subparsers(dest="imports_command", required=True)
    imports_commands.add_parser("list", parents=[common])
    undo = imports_commands.add_parser("undo", parents=[common])
    undo.add_argument("id", help=_("the import's id, as the list shows it"))
    undo.add_argument("--reason", default=None, help=_("why it is undone (audited)"))
    imports.set_defaults(handler=partial(cmd_imports, login=login))
