"""Charts for the pages, drawn by pyqtgraph in the system palette so dark mode stays readable."""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from station_desk.i18n import format_number

LABEL_MAX_WIDTH = 280  # longer category names are cut with "…" and shown whole in the tooltip
ROW_PIXELS = 34  # two bars and the gap between rows, tall enough for a 10 pt label


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]
    color: QColor


class HorizontalBarChart(QWidget):
    """Rows of grouped horizontal bars, first row at the top, the value written at the end of each bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.legend = QHBoxLayout()
        self.legend.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget()
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        item = self.plot.getPlotItem()
        # A chart to read, not to explore: no panning, zooming, context menu or auto-range button.
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.hideAxis("bottom")
        self.plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.legend)
        layout.addWidget(self.plot, 1)
        self.labels: list[str] = []
        self.series: list[Series] = []
        self._apply_palette()

    def _apply_palette(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        self.plot.setBackground(palette.color(QPalette.ColorRole.Base))
        axis = self.plot.getPlotItem().getAxis("left")
        axis.setPen(pg.mkPen(palette.color(QPalette.ColorRole.Mid)))
        axis.setTextPen(pg.mkPen(text))
        axis.setStyle(tickFont=self.font(), tickLength=0, autoExpandTextSpace=False)

    def set_data(self, labels: list[str], series: list[Series]) -> None:
        """One row per label; each series gives one value per label."""
        self.labels, self.series = labels, series
        item = self.plot.getPlotItem()
        item.clear()
        self._set_legend(series)
        rows = len(labels)
        if not rows or not series:
            item.getAxis("left").setTicks([[]])
            return
        metrics = QFontMetrics(self.font())
        shown = [metrics.elidedText(label, Qt.TextElideMode.ElideRight, LABEL_MAX_WIDTH) for label in labels]
        # Row 0 at the top: pyqtgraph's y grows upwards, so rows count down from rows - 1.
        centres = [rows - 1 - index for index in range(rows)]
        thickness = 0.8 / len(series)
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        largest = max((max(s.values, default=0) for s in series), default=0)
        for number, one in enumerate(series):
            offsets = [c + 0.4 - thickness * (number + 0.5) for c in centres]
            bars = pg.BarGraphItem(
                x0=[0] * rows, y=offsets, height=thickness * 0.9, width=one.values, brush=one.color, pen=pg.mkPen(None)
            )
            item.addItem(bars)
            for y, value in zip(offsets, one.values, strict=True):
                text = pg.TextItem(format_number(value), color=text_color, anchor=(0, 0.5))
                text.setFont(self.font())
                text.setPos(value, y)
                item.addItem(text)
        axis = item.getAxis("left")
        axis.setTicks([[(c, label) for c, label in zip(centres, shown, strict=True)]])
        axis.setWidth(max(metrics.horizontalAdvance(label) for label in shown) + 12)
        # Room on the right for the number after the longest bar.
        item.setXRange(0, max(largest, 1) * 1.15 + 0.5, padding=0)
        item.setYRange(-0.6, rows - 0.4, padding=0)
        self.plot.setMinimumHeight(rows * ROW_PIXELS // 2 + 20)
        self.plot.setToolTip("\n".join(labels) if shown != labels else "")

    def _set_legend(self, series: list[Series]) -> None:
        while self.legend.count():
            child = self.legend.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        for one in series:
            swatch = QLabel()
            swatch.setFixedSize(14, 14)
            swatch.setStyleSheet(f"background: {one.color.name()}; border-radius: 2px;")
            self.legend.addWidget(swatch)
            self.legend.addWidget(QLabel(one.name))
            self.legend.addSpacing(16)
        self.legend.addStretch(1)
