"""Pieces both reports share: what a render knows, comparison tables and the trend chart's month labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from station_desk.i18n import _
from station_desk.reports.charts import trend_chart
from station_desk.reports.details import StationDetails
from station_desk.reports.figures import MonthFigures
from station_desk.reports.typesetting import FRAME_WIDTH, month_short, number, para, table


@dataclass(frozen=True)
class RenderContext:
    figures: MonthFigures
    language: str
    details: StationDetails
    figures_hash: str
    printed_by: str
    printed_at: str  # already in the station's time zone and the language's format
    purpose: str

    def n(self, value: float) -> str:
        return number(value, self.language)


def heading(text: str) -> list[Flowable]:
    """A section heading that moves to the next page rather than stand alone at the foot of one."""
    return [CondPageBreak(40 * mm), para(text, "h1")]


def compared_header(first: str) -> list[str]:
    return [first, _("This month"), _("Last month"), _("Same month last year")]


def compared_table(
    first: str,
    rows: Sequence[tuple[str, int, int, int]],
    count: Callable[[int], str],
    *,
    first_width: float = 0.52,
) -> list[Flowable]:
    """Name, this month, last month and the same month last year; `count` prints each number."""
    rest = (1 - first_width) / 3
    data: list[list[str]] = [compared_header(first)]
    data += [[name, count(a), count(b), count(c)] for name, a, b, c in rows]
    return table(data, [FRAME_WIDTH * first_width] + [FRAME_WIDTH * rest] * 3)


def trend_labels(figures: MonthFigures, language: str) -> list[str]:
    """Short month names; the year under the first month and under every January."""
    labels = []
    for index, month in enumerate(figures.trend):
        name = month_short(month.month, language)
        labels.append(f"{name}\n{month.year}" if index == 0 or month.month == 1 else name)
    return labels


def trend_drawing(context: RenderContext, *, with_domestic_violence: bool) -> Flowable:
    trend = context.figures.trend
    series = [[month.incidents for month in trend]]
    names = [_("Incidents")]
    if with_domestic_violence:
        series.append([month.domestic_violence for month in trend])
        names.append(_("Domestic violence"))
    return trend_chart(
        trend_labels(context.figures, context.language),
        series,
        width=FRAME_WIDTH,
        series_names=names,
        value_text=lambda value: context.n(int(value)),
    )
