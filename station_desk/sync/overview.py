"""What the laptop shows of its syncs: the status bar's figures and the Sync page's history of runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from station_desk import db
from station_desk.models import SyncConflict, SyncRun
from station_desk.sync import outbox, state


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    device_id: str | None
    waiting: int
    last_sync_at: datetime | None
    last_error: str | None
    open_conflicts: int


@dataclass(frozen=True)
class SyncRunRow:
    id: int
    started_at: datetime
    finished_at: datetime | None
    via: str
    sent: int
    received: int
    merged: int
    conflicts: int
    rejected: int
    error: str | None


def sync_status(engine: Engine) -> SyncStatus:
    with db.read_session(engine) as session:
        creds = state.credentials(session)
        open_count = session.exec(
            select(func.count())
            .select_from(SyncConflict)
            .where(col(SyncConflict.resolution).is_(None), col(SyncConflict.deleted_at).is_(None))
        ).one()
        return SyncStatus(
            enrolled=creds is not None,
            server_url=creds.server_url if creds else state.get(session, state.SERVER_URL),
            device_id=creds.device_id if creds else None,
            waiting=outbox.waiting_count(session),
            last_sync_at=state.get_time(session, state.LAST_SYNC_AT),
            last_error=state.get(session, state.LAST_ERROR),
            open_conflicts=int(open_count),
        )


def sync_history(engine: Engine, limit: int = 20) -> list[SyncRunRow]:
    with db.read_session(engine) as session:
        runs = session.exec(select(SyncRun).order_by(col(SyncRun.id).desc()).limit(limit)).all()
        return [
            SyncRunRow(
                id=int(run.id or 0),
                started_at=run.started_at,
                finished_at=run.finished_at,
                via=run.via,
                sent=run.sent,
                received=run.received,
                merged=run.merged,
                conflicts=run.conflicts,
                rejected=run.rejected,
                error=run.error,
            )
            for run in runs
        ]


def consecutive_failures(engine: Engine) -> int:
    """How many syncs failed in a row (for retry_delay)."""
    with db.read_session(engine) as session:
        return state.get_int(session, state.FAILURES)
