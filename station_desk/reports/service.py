"""The monthly report built in one call: figures, PDF and CSV, audited in the caller's transaction."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from station_desk import i18n
from station_desk.i18n import _
from station_desk.models import utcnow
from station_desk.models.enums import AuditAction
from station_desk.reports.details import station_details
from station_desk.reports.figures import MonthFigures, month_figures
from station_desk.reports.figures_export import figures_as_rows, figures_hash
from station_desk.reports.outputs import record_report_output
from station_desk.reports.pdf import AUDIENCES, Audience, render_report
from station_desk.reports.typesetting import SMALL_COUNT
from station_desk.services.context import Actor
from station_desk.services.journal import audit
from station_desk.services.serialize import plain
from station_desk.services.validation import Problems

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class ReportResult:
    pdf: bytes
    csv_text: str  # UTF-8 text; write it with a byte-order mark (utf-8-sig) for spreadsheets
    figures_hash: str


def parse_month(text: str) -> tuple[int, int]:
    """ "2026-03" as (2026, 3); anything else is a translated ValidationFailed (exit code 2 in the CLI)."""
    found = MONTH_PATTERN.match((text or "").strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2100:
        problems = Problems()
        problems.add("month", _("Give the month as YYYY-MM, e.g. 2026-03; “{value}” is not one.").format(value=text))
        problems.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover - raise_if_any raised
    return int(found.group(1)), int(found.group(2))


def _check(problems: Problems, year: int, month: int, language: str) -> None:
    if not 1 <= month <= 12:
        problems.add("month", _("Give the month as YYYY-MM, e.g. 2026-03; “{value}” is not one.").format(
            value=f"{year}-{month:02d}"))  # fmt: skip
    if language not in i18n.LANGUAGES:
        problems.add("language", _("Choose one of: {choices}.").format(choices=", ".join(i18n.LANGUAGES)))


def make_report(
    *,
    session: Session,
    actor: Actor,
    year: int,
    month: int,
    audience: str,
    language: str,
    purpose: str,
    now: datetime | None = None,
    target: str | None = None,
) -> ReportResult:
    """Build the figures, typeset the PDF and the CSV in `language`, and audit it with its purpose.

    With `target` (the file it goes to) the entry is an export, as when it is saved; without, a view (preview).
    """
    problems = Problems()
    _check(problems, year, month, language)
    if audience not in AUDIENCES:
        problems.add("audience", _("Choose one of: {choices}.").format(choices=", ".join(AUDIENCES)))
    cleaned_purpose = problems.required_text("purpose", purpose, 500)
    problems.raise_if_any()
    chosen: Audience = "commander" if audience == "commander" else "community"
    moment = now or utcnow()
    figures = month_figures(session=session, actor=actor, year=year, month=month, language=language, now=moment)
    details = station_details(
        session=session, actor=actor, first_day=figures.period.first_day, last_day=figures.period.last_day
    )
    pdf = render_report(
        figures, audience=chosen, language=language, printed_by=actor.full_name, purpose=cleaned_purpose,
        printed_at=moment, details=details,
    )  # fmt: skip
    digest = figures_hash(figures)
    csv_text = figures_csv(figures, language=language, public=audience == "community")
    month_text = f"{year:04d}-{month:02d}"
    if target:
        record_report_output(
            session=session, actor=actor, printed=False, month=month_text, audience=audience, language=language,
            purpose=cleaned_purpose, target=target, figures_hash=digest,
        )  # fmt: skip
    else:
        entry = {"month": month_text, "audience": audience, "language": language, "figures_hash": digest}
        audit(session, actor, AuditAction.view, record_type="report", reason=cleaned_purpose, details=entry)
    return ReportResult(pdf=pdf, csv_text=csv_text, figures_hash=digest)


def figures_csv(figures: MonthFigures, *, language: str, public: bool = False) -> str:
    """The figures' rows as CSV text in a language; `public` shows small counts as "<3" and drops rare topics."""
    with i18n.language_on_this_thread(language):
        rows = figures_as_rows(figures)
        header = (_("Section"), _("Figure"), _("Value"))
        if public:
            rows = _public_rows(figures, rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _public_rows(figures: MonthFigures, rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The community's copy: counts about incidents and people below 3 become "<3"; rare topics are left out."""
    counted = {_("Incidents"), _("Incidents by category"), _("Incidents by ICCS section"), _("Incidents by village"),
               _("Open and overdue"), _("Domestic violence"), _("Citizen reception"), _("Twelve months")}  # fmt: skip
    rare = {_("Topic: {name}").format(name=t.key) for t in figures.reception.topics if t.count < SMALL_COUNT}
    public = []
    for section, name, value in rows:
        if section == _("Citizen reception") and name in rare:
            continue
        if section in counted and value.isdigit() and 0 < int(value) < SMALL_COUNT:
            value = f"<{SMALL_COUNT}"
        public.append((section, name, value))
    return public


def read_month(
    *, session: Session, actor: Actor, year: int, month: int, purpose: str = "statistics", now: datetime | None = None
) -> MonthFigures:
    """The month's figures in the current language, audited as an export of statistics with its purpose."""
    problems = Problems()
    _check(problems, year, month, i18n.current_language())
    cleaned_purpose = problems.required_text("purpose", purpose, 500)
    problems.raise_if_any()
    figures = month_figures(session=session, actor=actor, year=year, month=month, now=now or utcnow())
    details = {"month": f"{year:04d}-{month:02d}", "format": "stats", "figures_hash": figures_hash(figures)}
    audit(session, actor, AuditAction.export, record_type="report", reason=cleaned_purpose, details=details)
    return figures


def figures_dict(figures: MonthFigures) -> dict[str, Any]:
    """The figures as JSON-able data: every field, the totals the report prints, and the hash on its cover."""
    data: dict[str, Any] = plain(asdict(figures))
    beat, incidents, dv, community = figures.beat, figures.incidents, figures.domestic_violence, figures.community
    data["beat"].update(beat_share=beat.beat_share, villages_count=beat.villages_count)
    data["incidents"]["closed_share"] = incidents.closed_share
    data["open_items"]["open_count"] = figures.open_items.open_count
    data["domestic_violence"].update(orders_issued_count=dv.orders_issued_count, blue_cards_count=dv.blue_cards_count)
    data["community"].update(
        threats=community.threats, actions_total=community.actions_total, actions_done=community.actions_done,
        actions_overdue=community.actions_overdue,
    )  # fmt: skip
    period = figures.period
    return {"month": f"{period.year:04d}-{period.month:02d}", "figures_hash": figures_hash(figures), **data}


def month_stats(
    *, session: Session, actor: Actor, year: int, month: int, purpose: str = "statistics", now: datetime | None = None
) -> dict[str, Any]:
    """What `station-desk stats --json` prints: the report's figures as a dict, audited."""
    return figures_dict(read_month(session=session, actor=actor, year=year, month=month, purpose=purpose, now=now))
