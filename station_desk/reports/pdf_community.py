"""The public report for the community: aggregates only, small counts shown as "<3", contacts and hours."""

from __future__ import annotations

from datetime import time

from babel.dates import format_time, get_day_names
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from station_desk.i18n import _, babel_locale
from station_desk.reports.charts import bar_chart
from station_desk.reports.labels import THREAT_STATUS_LABELS, VISIT_OUTCOME_LABELS, iccs_section_name, label
from station_desk.reports.pdf_common import RenderContext, compared_table, heading, trend_drawing, trend_labels
from station_desk.reports.typesetting import (
    FRAME_WIDTH,
    SMALL_COUNT,
    capitalized,
    decimal,
    key_values,
    month_title,
    para,
    percent,
    period_text,
    public_count,
    table,
)


def community_story(context: RenderContext) -> list[Flowable]:
    story = _title(context)
    story += _situation(context)
    story += _trend(context)
    story += _police_work(context)
    story += _raised_and_done(context)
    story += _requests_and_contacts(context)
    return story


def _title(c: RenderContext) -> list[Flowable]:
    p = c.figures.period
    return [
        para(_("Report to the community"), "title"),
        para(f"{p.station_name} · {month_title(p.year, p.month, c.language)}", "subtitle"),
        para(_("Period: {period}").format(period=period_text(p.first_day, p.last_day, c.language))),
        para(
            _(
                "This report holds totals only. It names no one and tells no one's story; a count of one or two "
                "people or events in a village is shown as “{small}”."
            ).format(small=f"<{SMALL_COUNT}"),
            "small",
        ),
    ]


def _situation(c: RenderContext) -> list[Flowable]:
    i, lang = c.figures.incidents, c.language

    def count(value: int) -> str:
        return public_count(value, lang)

    story = heading(_("The overall situation"))
    story += compared_table(_("Incidents"), [(_("All incidents"), i.this_month, i.last_month, i.same_month_last_year)],
                            count)  # fmt: skip
    story.append(para(_("Share of this month's incidents already closed: {share}.").format(
        share=percent(i.closed_share, lang))))  # fmt: skip
    sections = [(iccs_section_name(s.section, lang), s.this_month, s.last_month, s.same_month_last_year)
                for s in i.by_section]  # fmt: skip
    story += [para(_("Incidents by kind"), "h2"), *compared_table(_("Kind"), sections, count, first_width=0.55)]
    villages = [(v.name or _("No village recorded"), v.this_month, v.last_month, v.same_month_last_year)
                for v in i.by_village]  # fmt: skip
    # A bar would give a small count away by its length: those bars are left empty and labelled "<3".
    shown = [row[1] if row[1] >= SMALL_COUNT else 0 for row in villages]
    chart = bar_chart(
        [row[0] for row in villages],
        [shown],
        width=FRAME_WIDTH,
        bar_texts=[[count(row[1]) if row[1] else "" for row in villages]],
        value_text=lambda value: c.n(int(value)),
    )
    story.append(KeepTogether([para(_("Incidents by village"), "h2"), chart]))
    story += compared_table(_("Village"), villages, count)
    return story


def _trend(c: RenderContext) -> list[Flowable]:
    lang = c.language
    months = [label_text.replace("\n", " ") for label_text in trend_labels(c.figures, lang)]
    data = [[_("Month"), _("Incidents"), _("Domestic violence")]]
    data += [[capitalized(name), public_count(m.incidents, lang), public_count(m.domestic_violence, lang)]
             for name, m in zip(months, c.figures.trend, strict=True)]  # fmt: skip
    d = c.figures.domestic_violence
    return [
        *heading(_("Twelve months")),
        KeepTogether([trend_drawing(c, with_domestic_violence=False)]),
        para(_("Domestic violence: numbers only"), "h2"),
        *compared_table(
            _("Domestic violence"),
            [(_("Calls"), d.calls, d.calls_last_month, d.calls_same_month_last_year)],
            lambda value: public_count(value, lang),
        ),
        para(
            _("Protective orders issued this month: {count}.").format(count=public_count(d.orders_issued_count, lang))
        ),  # fmt: skip
        Spacer(1, 2 * mm),
        *table(data, [FRAME_WIDTH * w for w in (0.4, 0.3, 0.3)]),
    ]


def _police_work(c: RenderContext) -> list[Flowable]:
    b, r, m, lang = c.figures.beat, c.figures.reception, c.figures.community, c.language
    rows = [
        (_("Patrols"), c.n(b.patrols)),
        (_("Hours on patrol"), decimal(b.patrol_hours, lang)),
        (_("Kilometres"), decimal(b.km, lang)),
        (_("Villages visited on patrol"), c.n(b.villages_count)),
        (_("Share of working time on the beat"), percent(b.beat_share, lang)),
        (_("Reception sessions held"), c.n(r.sessions_held)),
        (_("Visitors at reception"), c.n(r.visitors)),
        (_("Meetings with residents"), c.n(m.meetings)),
        (_("Attendance at meetings"), c.n(m.meeting_attendance)),
        (_("Prevention events (schools, road safety, seniors)"), c.n(m.prevention_events)),
        (_("Audience of prevention events"), c.n(m.prevention_audience)),
    ]
    return [*heading(_("The police in the community")), *key_values(rows)]


def _raised_and_done(c: RenderContext) -> list[Flowable]:
    r, m, lang = c.figures.reception, c.figures.community, c.language

    def count(value: int) -> str:
        return public_count(value, lang)

    story = heading(_("What residents raised and what was done"))
    rows = [(_("Threats flagged by residents"), count(m.threats))]
    rows += [(label(THREAT_STATUS_LABELS, s.key), count(s.count)) for s in m.threats_by_status if s.count]
    story += [para(_("Threats flagged by residents, by what became of them"), "h2"), *key_values(rows)]
    # Only topics many people raised: a topic typed for one visitor may tell that visitor's story.
    common = [topic for topic in r.topics if topic.count >= SMALL_COUNT]
    if common:
        story += [para(_("Topics raised at reception"), "h2")]
        story += key_values([(topic.key, c.n(topic.count)) for topic in common])
    rows = [(_("Visitors at reception"), count(r.visitors)), (_("Matters resolved"), count(r.resolved))]
    rows += [(label(VISIT_OUTCOME_LABELS, o.key), count(o.count)) for o in r.outcomes if o.count]
    story += [para(_("Reception: what was done"), "h2"), *key_values(rows)]
    if m.plans:
        data = [[_("Priority plan"), _("Actions"), _("Actions done"), _("Actions overdue")]]
        data += [[plan.problem, c.n(plan.actions_total), c.n(plan.actions_done), c.n(plan.actions_overdue)]
                 for plan in m.plans]  # fmt: skip
        story += [
            para(_("Priority plan: progress"), "h2"),
            *table(data),
        ]
    return story


def _requests_and_contacts(c: RenderContext) -> list[Flowable]:
    p, details, locale = c.figures.period, c.details, babel_locale(c.language)
    requests = [
        _("Call the police at once when you see a crime or someone in danger."),
        _("Lock barns, sheds and farm machinery at night and mark tools and livestock."),
        _("Warn older neighbours about telephone scams: the police never ask for money by phone."),
        _("Come to the reception hours or to a meeting with any concern about safety in your village."),
    ]
    story = heading(_("Requests to the community"))
    story += [para(f"• {text}") for text in requests]
    contacts = [(_("Station"), p.station_name)]
    if details.address:
        contacts.append((_("Address"), details.address))
    if details.phone:
        contacts.append((_("Telephone"), details.phone))
    story += [*heading(_("Contacts and reception hours")), *key_values(contacts, label_width=0.25, numbers=False)]
    if details.reception:
        days = get_day_names("wide", context="stand-alone", locale=locale)
        data = [[_("Day"), _("Hours"), _("Place")]]
        data += [
            [capitalized(str(days[slot.weekday])), f"{_hour(slot.starts, c)}–{_hour(slot.ends, c)}", slot.place]
            for slot in details.reception
        ]
        story += [
            para(_("Reception hours"), "h2"),
            *table(data, numeric_from=3),
        ]
    return story


def _hour(moment: time, context: RenderContext) -> str:
    return str(format_time(moment, "short", locale=babel_locale(context.language)))
