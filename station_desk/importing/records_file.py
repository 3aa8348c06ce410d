"""Imports what `station-desk export --format json` wrote: records keep their ids, so a second import adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pydantic
from sqlmodel import Session, SQLModel

from station_desk.i18n import _
from station_desk.importing.plan import ImportPlan, Rejection, file_digest
from station_desk.importing.readers import ImportFileError, read_table
from station_desk.models import (
    RECORD_TYPES,
    CommunityMeeting,
    Incident,
    Patrol,
    Person,
    PreventionEvent,
    PriorityPlan,
    ReceptionVisit,
    RecordBase,
    ResidentThreat,
    utcnow,
)
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.incidents import reindex_incident
from station_desk.services.journal import audit, queue_change
from station_desk.services.search import set_index
from station_desk.services.serialize import record_dict

# The station itself, its accounts and its sync conflicts belong to the station that exported them.
NOT_IMPORTED = {"station", "user", "syncconflict"}
# Parents before children, so every foreign key points at a record that is already there.
IMPORT_ORDER = [
    table.name
    for table in SQLModel.metadata.sorted_tables
    if table.name in RECORD_TYPES and table.name not in NOT_IMPORTED
]
RECORDS_KIND = "records"
# What the services index for each searchable record (search type, fields); incidents are indexed with their
# people's names once everyone is in.
SEARCHED: dict[type[RecordBase], tuple[str, tuple[str, ...]]] = {
    Person: ("person", ("last_name", "first_name", "patronymic")),
    Patrol: ("patrol", ("purpose", "observations")),
    ReceptionVisit: ("reception_visit", ("visitor_name", "topic")),
    CommunityMeeting: ("community_meeting", ("place", "issues_raised", "commitments")),
    PreventionEvent: ("prevention_event", ("place", "topic")),
    ResidentThreat: ("resident_threat", ("place", "description", "action_taken")),
    PriorityPlan: ("priority_plan", ("problem", "goal", "evaluation")),
}


def is_records_source(path: Path) -> bool:
    """An export folder, its manifest, or one of its .jsonl files named after a table."""
    if path.is_dir() or path.name == "manifest.json":
        return True
    return path.suffix.lower() == ".jsonl" and path.stem in RECORD_TYPES


def _files(path: Path) -> list[Path]:
    folder = path if path.is_dir() else path.parent
    if path.is_dir() or path.name == "manifest.json":
        # A table the station never used is exported as an empty file: nothing to import there.
        candidates = [folder / f"{name}.jsonl" for name in IMPORT_ORDER]
        found = [file for file in candidates if file.is_file() and file.stat().st_size > 0]
        if not found:
            raise ImportFileError(_("The folder {folder} holds no exported records.").format(folder=folder))
        return found
    if path.stem in NOT_IMPORTED:
        raise ImportFileError(_("Records of type “{name}” cannot be imported.").format(name=path.stem))
    return [path]


def plan_records(*, session: Session, actor: Actor, path: Path) -> ImportPlan:
    """Read and check every exported record; ids already in the station are duplicates, not new records."""
    actor.require_commander()
    files = _files(path)
    plan = ImportPlan(RECORDS_KIND, path.name, file_digest(files[0]) if len(files) == 1 else "", 0)
    seen: set[str] = set()
    for file in files:
        model = RECORD_TYPES[file.stem]
        table = read_table(file)
        plan.rows_read += len(table.rows)
        for row in table.rows:
            where = f"{file.name}, {row.line}"
            if row.problem:
                plan.rejections.append(Rejection(row.line, f"{where}: {row.problem}"))
                continue
            data = {header: value for header, value in zip(table.headers, row.cells, strict=False)}
            try:
                record = model.model_validate(data)
            except pydantic.ValidationError as error:
                names = ", ".join(sorted({str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}))
                message = _("Wrong or missing values in: {fields}.").format(fields=names)
                plan.rejections.append(Rejection(row.line, f"{where}: {message}"))
                continue
            if record.id in seen or session.get(model, record.id) is not None:
                plan.duplicates.append(row.line)
                continue
            seen.add(record.id)
            plan.records.append((file.stem, record))
    return plan


def write_records(
    session: Session,
    actor: Actor,
    records: list[tuple[str, RecordBase]],
    import_id: str,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Insert as exported, keeping ids, authors and creation times; the station and the version are this one's."""
    for done, (record_type, record) in enumerate(records, start=1):
        record.station_id = actor.station_id
        record.version = 0
        record.updated_at = utcnow()
        session.add(record)
        session.flush()
        audit(
            session,
            actor,
            AuditAction.create,
            record_type=record_type,
            record_id=record.id,
            details={"import": import_id},
        )
        queue_change(
            session,
            record_type=record_type,
            record_id=record.id,
            operation="insert",
            changed=record_dict(record),
            base_version=0,
        )
        searched = SEARCHED.get(type(record))
        if searched is not None:
            set_index(session, searched[0], record.id, *(getattr(record, name) for name in searched[1]))
        if progress and done % 200 == 0:
            progress(done, len(records))
    # Incidents are indexed with the names of their people, who are all in by now.
    for record_type, record in records:
        if isinstance(record, Incident) and record_type == "incident":
            reindex_incident(session, record)
