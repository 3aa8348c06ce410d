"""The one entry point for an import's preview: picks the reader, the kind and the mapping, then plans the rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from station_desk.i18n import _
from station_desk.importing.columns import KINDS
from station_desk.importing.mapping import ColumnMapping, guess_kind, guess_mapping
from station_desk.importing.plan import ImportPlan, plan_rows
from station_desk.importing.readers import ImportFileError, SourceTable, read_table
from station_desk.importing.records_file import is_records_source, plan_records
from station_desk.services.context import Actor


@dataclass
class Preview:
    """The plan and what it was made from, so the preview can show the file's columns and their fields."""

    plan: ImportPlan
    table: SourceTable | None  # None for an export folder of JSON lines
    problem: str | None = None  # why nothing can be imported yet, e.g. no column for a required field


def preview_import(
    *,
    session: Session,
    actor: Actor,
    path: Path,
    kind: str | None = None,
    mapping: ColumnMapping | None = None,
) -> Preview:
    """Read the file and check every row; nothing is written. Raises ImportFileError for a file-wide problem."""
    actor.require_commander()
    if kind is not None and kind not in KINDS:
        raise ImportFileError(_("Choose one of: {choices}.").format(choices=", ".join(KINDS)))
    if is_records_source(path) and mapping is None:
        return Preview(plan_records(session=session, actor=actor, path=path), None)
    table = read_table(path)
    if mapping is None:
        mapping = guess_mapping(kind or guess_kind(table.headers), table.headers)
    elif kind is not None and mapping.kind != kind:
        raise ImportFileError(
            _("The mapping is for {mapping_kind}, not {kind}.").format(mapping_kind=mapping.kind, kind=kind)
        )
    try:
        plan = plan_rows(session=session, actor=actor, table=table, mapping=mapping, path=path)
    except ImportFileError as error:
        # The mapping can still be corrected in the preview: show the file's columns with the message.
        return Preview(ImportPlan(mapping.kind, path.name, "", len(table.rows), mapping), table, error.message)
    return Preview(plan, table)


def summary_lines(preview: Preview) -> list[str]:
    """The figures of a preview as the officer reads them, in the app and in the terminal alike."""
    plan = preview.plan
    lines = [
        _("Rows read: {count}").format(count=plan.rows_read),
        _("New records: {count}").format(count=len(plan.rows) or len(plan.records)),
    ]
    if plan.kind == "incidents":
        lines.append(
            _("Persons named: {matched} found in the station, {new} new.").format(
                matched=plan.persons_matched, new=plan.persons_new
            )
        )
    lines.append(_("Already in the station, skipped: {count}").format(count=len(plan.duplicates)))
    lines.append(_("Rejected rows: {count}").format(count=len(plan.rejections)))
    return lines
