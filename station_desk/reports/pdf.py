"""The monthly report as PDF bytes, for the commander or for the community, in any of the five languages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from station_desk import i18n
from station_desk.i18n import _
from station_desk.reports.details import StationDetails
from station_desk.reports.figures import MonthFigures
from station_desk.reports.figures_export import figures_hash
from station_desk.reports.pdf_commander import commander_story
from station_desk.reports.pdf_common import RenderContext
from station_desk.reports.pdf_community import community_story
from station_desk.reports.typesetting import build_pdf, local_time, month_title, page_marks

Audience = Literal["commander", "community"]
AUDIENCES: tuple[Audience, ...] = ("commander", "community")
NO_DETAILS = StationDetails(address="", phone="", officers=(), reception=())


def render_report(
    figures: MonthFigures,
    *,
    audience: Audience,
    language: str,
    printed_by: str,
    purpose: str,
    printed_at: datetime,
    details: StationDetails | None = None,
) -> bytes:
    """Typeset one report; every page says who printed it, when (station time) and why.

    The figures' category names are in the language they were built in: build them in `language` too.
    `details` adds contacts, officers and reception hours (services.make_report looks them up).
    """
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
    with i18n.language_on_this_thread(language):
        return _render(figures, audience, language, printed_by, purpose, printed_at, details or NO_DETAILS)


def _render(
    figures: MonthFigures,
    audience: Audience,
    language: str,
    printed_by: str,
    purpose: str,
    printed_at: datetime,
    details: StationDetails,
) -> bytes:
    period = figures.period
    when = local_time(printed_at, period.timezone, language)
    context = RenderContext(
        figures=figures,
        language=language,
        details=details,
        figures_hash=figures_hash(figures),
        printed_by=printed_by,
        printed_at=when,
        purpose=purpose,
    )
    title = month_title(period.year, period.month, language)
    if audience == "commander":
        story, kind = commander_story(context), _("Monthly report for the commander")
        notice = _("Internal: contains personal data. Do not pass on.")
    else:
        story, kind, notice = community_story(context), _("Report to the community"), ""
    marks = page_marks(
        header_left=period.station_name,
        header_right=f"{kind} · {title}",
        printed_by=printed_by,
        printed_at=when,
        purpose=purpose,
        notice=notice,
    )
    return build_pdf(story, marks, title=f"{kind} · {title}", author=printed_by, subject=purpose)
