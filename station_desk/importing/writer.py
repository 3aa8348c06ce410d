"""Writes a previewed import as one action in the caller's transaction, lists past imports, and undoes one."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, insert, select, update

from station_desk.errors import NotFound, StationDeskError
from station_desk.i18n import _, format_datetime
from station_desk.importing.incident_rows import write_incident_rows
from station_desk.importing.kinds import RULES
from station_desk.importing.plan import ImportPlan
from station_desk.importing.records_file import write_records
from station_desk.models import RECORD_TYPES, Category, ImportedRecord, ImportRun, OutboxEntry, Village, utcnow
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.journal import audit
from station_desk.services.records import soft_delete

RECORD_TYPE_OF_KIND = {
    "incidents": "incident",
    "persons": "person",
    "patrols": "patrol",
    "reception-visits": "receptionvisit",
    "meetings": "communitymeeting",
}
Progress = Callable[[int, int], None]


def _last_outbox_seq(session: Session) -> int:
    return session.exec(select(func.max(OutboxEntry.client_seq))).one() or 0


def run_import(*, session: Session, actor: Actor, plan: ImportPlan, progress: Progress | None = None) -> ImportRun:
    """Create every planned record, audited and queued for sync; the caller's commit makes it all or nothing."""
    actor.require_commander()
    if plan.run is not None:
        raise StationDeskError(_("This import has already been written."))
    run = ImportRun(
        station_id=actor.station_id,
        kind=plan.kind,
        file_name=plan.file_name[:500],
        file_sha256=plan.file_sha256,
        created_by=actor.user_id,
        rows_read=plan.rows_read,
        duplicates=len(plan.duplicates),
        rejected=len(plan.rejections),
        persons_matched=plan.persons_matched,
        persons_created=plan.persons_new,
    )
    session.add(run)
    session.flush()  # takes the write lock: from here on, every new outbox row is this import's
    first_seq = _last_outbox_seq(session)
    # Held for the whole import so the services' session.get() of a category or village is answered from memory.
    reference_data = [*session.exec(select(Category)), *session.exec(select(Village))]
    total = len(plan.rows) + len(plan.records)
    try:
        if plan.records:
            write_records(session, actor, plan.records, run.id, progress)
            keyed: dict[str, str] = {}
        elif plan.kind == "incidents":
            keyed = write_incident_rows(session, actor, plan)
        else:
            keyed = _write_rows(session, actor, plan, progress, total)
        session.flush()
    except IntegrityError as error:
        # Something the plan relied on (a village, a person) went away since the preview; the caller rolls back.
        raise StationDeskError(
            _("The station's records changed since the preview, so nothing was imported. Preview the file again.")
        ) from error
    # Every record the import inserted, persons and links included, is in the outbox: undo deletes exactly those.
    inserted = session.exec(
        select(OutboxEntry.record_type, OutboxEntry.record_id)
        .where(col(OutboxEntry.client_seq) > first_seq, OutboxEntry.operation == "insert")
        .order_by(col(OutboxEntry.client_seq))
    ).all()
    made = [
        {"import_id": run.id, "record_type": record_type, "record_id": record_id, "row_key": keyed.get(record_id)}
        for record_type, record_id in inserted
    ]
    if made:
        session.execute(insert(ImportedRecord), made)
    run.records_created = len(inserted)
    session.add(run)
    audit(
        session,
        actor,
        AuditAction.imported,
        record_type="importrun",
        record_id=run.id,
        details={
            "file": plan.file_name,
            "sha256": plan.file_sha256,
            "kind": plan.kind,
            "records": run.records_created,
            "duplicates": run.duplicates,
            "rejected": run.rejected,
        },
    )
    session.flush()
    plan.run = run
    del reference_data
    return run


def _write_rows(
    session: Session, actor: Actor, plan: ImportPlan, progress: Progress | None, total: int
) -> dict[str, str]:
    """One row at a time through the kind's service, as its form would save it; returns record id -> row key."""
    write = RULES[plan.kind][1]
    keyed: dict[str, str] = {}
    for done, row in enumerate(plan.rows, start=1):
        keyed[write(session, actor, row.prepared)] = row.row_key
        if progress and done % 200 == 0:
            progress(done, total)
    return keyed


def list_imports(*, session: Session, actor: Actor) -> list[ImportRun]:
    """This station's imports, newest first, for the history list."""
    query = select(ImportRun).where(ImportRun.station_id == actor.station_id).order_by(col(ImportRun.created_at).desc())
    return list(session.exec(query))


def undo_import(*, session: Session, actor: Actor, import_id: str, reason: str | None = None) -> int:
    """Soft-delete every record the import made (audited, synced as deletes); returns how many were live."""
    actor.require_commander()
    run = session.get(ImportRun, import_id)
    if run is None or run.station_id != actor.station_id:
        raise NotFound(_("This import was not found."))
    if run.undone_at is not None:
        when = format_datetime(run.undone_at)
        raise StationDeskError(_("This import was already undone on {when}.").format(when=when))
    made = session.exec(
        select(ImportedRecord).where(ImportedRecord.import_id == run.id).order_by(col(ImportedRecord.id).desc())
    ).all()
    deleted = 0
    why = reason or _("Import of {file} undone").format(file=run.file_name)
    # Newest first: links and involvements go before the incidents and persons they point at.
    for made_record in made:
        record = session.get(RECORD_TYPES[made_record.record_type], made_record.record_id)
        if record is not None and record.deleted_at is None:
            soft_delete(session, actor, record, reason=why)
            deleted += 1
    # The rows may be imported again later: their keys no longer count as imported.
    session.exec(update(ImportedRecord).where(col(ImportedRecord.import_id) == run.id).values(row_key=None))
    run.undone_at, run.undone_by = utcnow(), actor.user_id
    session.add(run)
    audit(
        session,
        actor,
        AuditAction.import_undone,
        record_type="importrun",
        record_id=run.id,
        reason=why,
        details={"file": run.file_name, "deleted": deleted},
    )
    session.flush()
    return deleted
