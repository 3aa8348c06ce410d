"""Report charts drawn with reportlab.graphics: bars by category or village, and the twelve-month trend."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil, log10

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from station_desk.reports.typesetting import FONT, FONT_BOLD, in_script, register_fonts, shorten

SERIES_COLOURS = (colors.HexColor("#1f4e79"), colors.HexColor("#9fb6cd"), colors.HexColor("#d9a441"))
LABEL_SIZE = 7.5
BAR_ROW = 15.0  # points of height per category
MAX_BARS = 15  # a longer list goes into the table beside the chart

Formatter = Callable[[float], str]


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose text starts in DejaVu: reportlab's default (Helvetica) would end up unembedded."""
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT
    drawing.initialFontSize = LABEL_SIZE
    return drawing


def nice_step(largest: float, ticks: int = 5) -> int:
    """A round step (1, 2, 5 × 10ⁿ) for an axis that must reach `largest` in about `ticks` steps."""
    if largest <= ticks:
        return 1
    raw = largest / ticks
    power = 10 ** int(log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)


def _axis_top(largest: float) -> tuple[int, int]:
    step = nice_step(largest)
    return step, max(step, ceil(max(largest, 1) / step) * step)


def _style_value_axis(
    chart: HorizontalBarChart | HorizontalLineChart, series: Sequence[Sequence[float]], value_text: Formatter
) -> None:
    """Bar and line charts share one value axis: from 0 to a round top, grey grid, our font."""
    step, top = _axis_top(max((max(values, default=0) for values in series), default=0))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labelTextFormat = value_text
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dde2e7")


def _legend(names: Sequence[str], x: float, y: float, columns: int) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = FONT, LABEL_SIZE
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = max(1, ceil(len(names) / columns))
    legend.dx = legend.dy = 7
    legend.deltax = 10
    legend.colorNamePairs = list(zip(SERIES_COLOURS, names, strict=False))
    return legend


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Sequence[float]],
    *,
    width: float,
    series_names: Sequence[str] = (),
    value_text: Formatter = lambda value: str(int(value)),
    bar_texts: Sequence[Sequence[str]] | None = None,
    title: str = "",
) -> Drawing:
    """Horizontal bars, one row per label: long names never collide, they are cut to the label column.

    `bar_texts` overrides the printed value of each bar (e.g. "<3" in public reports).
    """
    register_fonts()
    labels = [in_script(text) for text in labels][:MAX_BARS]
    series = [list(values)[:MAX_BARS] for values in series]
    label_width = min(width * 0.38, max((pdfmetrics.stringWidth(text, FONT, LABEL_SIZE) for text in labels), default=0))
    legend_height = 14 if len(series) > 1 else 0
    title_height = 14 if title else 0
    plot_height = max(len(labels), 1) * BAR_ROW * (1 + 0.35 * (len(series) - 1))
    height = plot_height + legend_height + title_height + 22
    drawing = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 6, 20 + legend_height
    chart.width, chart.height = width - chart.x - 28, plot_height
    # reportlab draws the first category, and in each the first series, at the bottom: both are reversed so the
    # chart reads top-down like the table beside it, this month above last month.
    chart.data = [list(reversed(values)) or [0] for values in reversed(series)]
    chart.categoryAxis.categoryNames = [shorten(text, label_width, size=LABEL_SIZE) for text in reversed(labels)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.strokeColor = colors.grey
    _style_value_axis(chart, series, value_text)
    chart.valueAxis.strokeColor = colors.grey
    chart.barSpacing = 1
    chart.groupSpacing = 4
    for index in range(len(series)):
        chart.bars[index].fillColor = SERIES_COLOURS[(len(series) - 1 - index) % len(SERIES_COLOURS)]
        chart.bars[index].strokeColor = None
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = LABEL_SIZE - 0.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    if bar_texts is not None:
        chart.barLabelArray = [list(reversed(list(texts)[:MAX_BARS])) for texts in reversed(bar_texts)]
        chart.barLabelFormat = "values"
    else:
        chart.barLabelFormat = lambda value: value_text(value) if value else ""
    drawing.add(chart)
    if len(series) > 1:
        drawing.add(_legend(series_names, chart.x, legend_height + 2, len(series)))
    if title:
        drawing.add(String(0, height - 10, title, fontName=FONT_BOLD, fontSize=8.5))
    return drawing


def trend_chart(
    months: Sequence[str],
    series: Sequence[Sequence[float]],
    *,
    width: float,
    height: float = 150,
    series_names: Sequence[str] = (),
    value_text: Formatter = lambda value: str(int(value)),
) -> Drawing:
    """Lines over twelve months; month labels turn 45° when they would not fit side by side."""
    register_fonts()
    slot = (width - 50) / max(len(months), 1)
    widest = max((pdfmetrics.stringWidth(line, FONT, LABEL_SIZE) for m in months for line in m.split("\n")), default=0)
    rotate = widest > slot - 4
    label_room = (widest * 0.72 + 8) if rotate else 10 + 9 * max(m.count("\n") for m in months or [""])
    legend_height = 14 if len(series) > 1 else 0
    drawing = _drawing(width, height + label_room + legend_height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 36, label_room + legend_height + 4
    chart.width, chart.height = width - chart.x - 10, height - 10
    chart.data = [list(values) for values in series]
    chart.categoryAxis.categoryNames = list(months)
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    if rotate:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.dx = 2
    else:
        chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -3
    _style_value_axis(chart, series, value_text)
    for index in range(len(series)):
        chart.lines[index].strokeColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        chart.lines[index].strokeWidth = 1.6
    chart.joinedLines = True
    drawing.add(chart)
    if len(series) > 1:
        drawing.add(_legend(series_names, chart.x, legend_height, len(series)))
    return drawing
