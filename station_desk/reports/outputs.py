"""The audit trail of what happened to a built report: saved to a file or printed, by whom and why."""

from __future__ import annotations

from sqlmodel import Session

from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.journal import audit


def record_report_output(
    *,
    session: Session,
    actor: Actor,
    printed: bool,
    month: str,
    audience: str,
    language: str,
    purpose: str,
    target: str,
    figures_hash: str,
) -> None:
    """One audit entry per save or print, so a commander can later see every copy that left the laptop."""
    audit(
        session,
        actor,
        AuditAction.print if printed else AuditAction.export,
        record_type="report",
        reason=purpose,
        details={
            "month": month,
            "audience": audience,
            "language": language,
            "target": target,
            "figures_hash": figures_hash,
        },
    )
