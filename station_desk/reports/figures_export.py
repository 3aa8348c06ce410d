"""The figures as (section, label, value) rows and a CSV for the regional analyst, and their SHA-256 hash."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

from station_desk.i18n import _
from station_desk.reports.figures import KeyCount, MonthFigures
from station_desk.reports.labels import (
    BLUE_CARD_LABELS,
    MEASURE_LABELS,
    OUTCOME_LABELS,
    RISK_LABELS,
    THREAT_STATUS_LABELS,
    VISIT_OUTCOME_LABELS,
    iccs_section_name,
    incident_status_label,
    label,
)
from station_desk.services.serialize import plain

Row = tuple[str, str, str]


def _number(value: float, places: int = 2) -> str:
    """Plain machine figures (a dot for decimals) so a spreadsheet in any locale can read them."""
    return f"{value:.{places}f}"


def _percent(share: float) -> str:
    return _number(share * 100, 1)


def _compared(section: str, name: str, counts: tuple[int, int, int]) -> list[Row]:
    this_month, last_month, year_ago = counts
    return [
        (section, _("{name}: this month").format(name=name), str(this_month)),
        (section, _("{name}: last month").format(name=name), str(last_month)),
        (section, _("{name}: same month last year").format(name=name), str(year_ago)),
    ]


def _keyed(section: str, template: str, items: Iterable[KeyCount], name: Callable[[str], str]) -> list[Row]:
    return [(section, template.format(name=name(item.key)), str(item.count)) for item in items]


def figures_as_rows(figures: MonthFigures) -> list[Row]:
    """Every figure as (section, label, value) in the current language; the commander's lists are left out."""
    p, b, i, o = figures.period, figures.beat, figures.incidents, figures.open_items
    dv, r, c, t = figures.domestic_violence, figures.reception, figures.community, figures.traffic
    rows: list[Row] = []
    s = _("Report")
    rows += [
        (s, _("Station"), p.station_name),
        (s, _("Time zone"), p.timezone),
        (s, _("Year"), str(p.year)),
        (s, _("Month"), str(p.month)),
        (s, _("First day"), p.first_day.isoformat()),
        (s, _("Last day"), p.last_day.isoformat()),
        (s, _("Figures as of (UTC)"), p.as_of.isoformat(timespec="minutes")),
    ]
    s = _("Time on the beat")
    rows += [
        (s, _("Patrols"), str(b.patrols)),
        (s, _("Hours on patrol"), _number(b.patrol_hours)),
        (s, _("Working days"), str(b.working_days)),
        (s, _("Working hours"), _number(b.working_hours)),
        (s, _("Hours at the desk"), _number(b.desk_hours)),
        (s, _("Share of working time on the beat, %"), _percent(b.beat_share)),
        (s, _("Kilometres"), _number(b.km, 1)),
        (s, _("Villages covered"), str(b.villages_count)),
        (s, _("Villages covered, names"), "; ".join(b.villages_covered)),
    ]
    s = _("Incidents")
    rows += _compared(s, _("Incidents"), (i.this_month, i.last_month, i.same_month_last_year))
    rows += [(s, _("Closed"), str(i.closed)), (s, _("Share closed, %"), _percent(i.closed_share))]
    rows += _keyed(s, _("Outcome: {name}"), i.by_outcome, lambda key: label(OUTCOME_LABELS, key))
    s = _("Incidents by category")
    for category in i.by_category:
        name = f"{category.name} ({category.iccs_code or category.code})"
        rows += _compared(s, name, (category.this_month, category.last_month, category.same_month_last_year))
    s = _("Incidents by ICCS section")
    for section in i.by_section:
        name = f"{section.section} {iccs_section_name(section.section)}" if section.section else iccs_section_name(None)
        rows += _compared(s, name, (section.this_month, section.last_month, section.same_month_last_year))
    s = _("Incidents by village")
    for village in i.by_village:
        name = village.name or _("No village recorded")
        rows += _compared(s, name, (village.this_month, village.last_month, village.same_month_last_year))
    s = _("Open and overdue")
    rows += _keyed(s, _("Open: {name}"), o.by_status, incident_status_label)
    rows += [(s, _("Open, in all"), str(o.open_count)), (s, _("Overdue"), str(o.overdue_count))]
    s = _("Domestic violence")
    rows += _compared(s, _("Calls"), (dv.calls, dv.calls_last_month, dv.calls_same_month_last_year))
    rows += _keyed(s, _("Risk level: {name}"), dv.risk_levels, lambda key: label(RISK_LABELS, key))
    rows += _keyed(s, _("Orders issued: {name}"), dv.orders_issued, lambda key: label(MEASURE_LABELS, key))
    rows += [
        (s, _("Orders issued, in all"), str(dv.orders_issued_count)),
        (s, _("Orders expiring"), str(dv.orders_expiring)),
        (s, _("Breaches of orders"), str(dv.breaches)),
        (s, _("Orders breached"), str(dv.orders_breached)),
        (s, _("Offenders under monitoring"), str(dv.offenders_monitored)),
        (s, _("Monitoring started"), str(dv.monitoring_started)),
    ]
    rows += _keyed(s, "{name}", dv.blue_cards, lambda key: label(BLUE_CARD_LABELS, key))
    rows += [(s, _("Referrals"), str(dv.referrals))]
    s = _("Citizen reception")
    rows += [
        (s, _("Sessions scheduled"), str(r.sessions_scheduled)),
        (s, _("Sessions held"), str(r.sessions_held)),
        (s, _("Sessions not held"), str(r.sessions_not_held)),
        (s, _("Sessions held without a schedule"), str(r.sessions_unscheduled)),
        (s, _("Visitors"), str(r.visitors)),
        (s, _("Resolved"), str(r.resolved)),
    ]
    rows += _keyed(s, _("Outcome: {name}"), r.outcomes, lambda key: label(VISIT_OUTCOME_LABELS, key))
    rows += _keyed(s, _("Topic: {name}"), r.topics, str)
    s = _("Community work")
    rows += [
        (s, _("Meetings"), str(c.meetings)),
        (s, _("Attendance at meetings"), str(c.meeting_attendance)),
        (s, _("Prevention events"), str(c.prevention_events)),
        (s, _("Audience of prevention events"), str(c.prevention_audience)),
        (s, _("Threats flagged by residents"), str(c.threats)),
    ]
    rows += _keyed(s, _("Threats: {name}"), c.threats_by_status, lambda key: label(THREAT_STATUS_LABELS, key))
    s = _("Priority plan")
    rows += [
        (s, _("Actions"), str(c.actions_total)),
        (s, _("Actions done"), str(c.actions_done)),
        (s, _("Actions overdue"), str(c.actions_overdue)),
    ]
    for plan in c.plans:
        rows += [
            (s, _("“{problem}”: actions").format(problem=plan.problem), str(plan.actions_total)),
            (s, _("“{problem}”: actions done").format(problem=plan.problem), str(plan.actions_done)),
            (s, _("“{problem}”: actions overdue").format(problem=plan.problem), str(plan.actions_overdue)),
        ]
    s = _("Traffic and custody")
    rows += [
        (s, _("Days with statistics"), str(t.days_reported)),
        (s, _("Fatal accidents"), str(t.fatal_accidents)),
        (s, _("Accidents with injuries"), str(t.injury_accidents)),
        (s, _("Accidents without injuries"), str(t.damage_only_accidents)),
        (s, _("Traffic tickets"), str(t.traffic_tickets)),
        (s, _("Arrests"), str(t.arrests)),
        (s, _("People held"), str(t.people_held)),
    ]
    s = _("Twelve months")
    for month in figures.trend:
        name = f"{month.year:04d}-{month.month:02d}"
        rows += [
            (s, _("{month}: incidents").format(month=name), str(month.incidents)),
            (s, _("{month}: domestic violence").format(month=name), str(month.domestic_violence)),
        ]
    return rows


def write_csv(figures: MonthFigures, path: Path) -> None:
    """The rows with a header, UTF-8 with a byte-order mark so spreadsheets read Cyrillic and ł ë ć right."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow((_("Section"), _("Indicator"), _("Figure")))
        writer.writerows(figures_as_rows(figures))


def canonical_json(figures: MonthFigures) -> str:
    """Sorted keys, no spaces, times as ISO text: the same figures always give the same text."""
    return json.dumps(plain(asdict(figures)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def figures_hash(figures: MonthFigures) -> str:
    """SHA-256 of the canonical JSON, printed on the report's cover."""
    return hashlib.sha256(canonical_json(figures).encode("utf-8")).hexdigest()
