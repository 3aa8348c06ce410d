"""The Today page: this month at a glance for the station, built from services.today in the background."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from html import escape
from zoneinfo import ZoneInfo

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.i18n import N_, _, format_date, format_datetime, format_number
from station_desk.models.enums import IncidentStatus, MeasureKind
from station_desk.services.context import Actor
from station_desk.services.today import BEAT_GOAL, WORKING_DAY_HOURS, SlotState, TodayFigures, today_figures
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.pages.base import Page
from station_desk.ui.widgets.charts import HorizontalBarChart, Series

CHART_ROWS = 9  # more categories than this are summed into one "other" row so the labels stay readable
MEASURE_NAMES = {
    MeasureKind.urgent_restraining_order: N_("Urgent restraining order"),
    MeasureKind.restrictive_order: N_("Restrictive order"),
    MeasureKind.temporary_emergency_protection_order: N_("Temporary emergency protection order"),
    MeasureKind.protection_order: N_("Protection order"),
    MeasureKind.blue_card: N_("Blue Card"),
    MeasureKind.eviction_order: N_("Eviction order"),
}
SLOT_STATES = {
    SlotState.held: (N_("held"), "mdi6.check-circle-outline", "#2e7d32"),
    SlotState.not_held: (N_("not held"), "mdi6.close-circle-outline", "#b3261e"),
    SlotState.upcoming: (N_("upcoming"), "mdi6.clock-outline", None),
    SlotState.not_marked: (N_("not marked yet"), "mdi6.help-circle-outline", "#a15c00"),
}
OVERDUE_STYLE = "color: #b3261e; font-weight: bold;"


def _section(layout: QVBoxLayout) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox()
    inner = QVBoxLayout(box)
    inner.setSpacing(6)
    layout.addWidget(box)
    return box, inner


def _big(label: QLabel) -> QLabel:
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


def _clear(layout: QGridLayout | QVBoxLayout) -> None:
    while layout.count():
        child = layout.takeAt(0)
        widget = child.widget() if child is not None else None
        if widget is not None:
            widget.deleteLater()


class TodayPage(Page):
    """Read-only; reloads whenever anything changes, since every record type feeds one of its figures."""

    watches = ("*",)

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.figures: TodayFigures | None = None
        # The page's "now"; a test or a training session on a demo station sets another clock.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(OVERDUE_STYLE)
        self.error.hide()
        self.layout_.addWidget(self.subtitle)
        self.layout_.addWidget(self.error)

        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.layout_.addWidget(scroll, 1)

        left = QVBoxLayout()
        right = QVBoxLayout()
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)

        self.incidents_box, inner = _section(left)
        self.incident_totals = _big(QLabel())
        self.chart = HorizontalBarChart()
        self.chart_empty = QLabel()
        self.chart_empty.setWordWrap(True)
        inner.addWidget(self.incident_totals)
        inner.addWidget(self.chart, 1)
        inner.addWidget(self.chart_empty)

        self.open_box, inner = _section(right)
        counts = QHBoxLayout()
        self.open_count = _big(QLabel())
        self.overdue_count = _big(QLabel())
        counts.addWidget(self.open_count)
        counts.addSpacing(18)
        counts.addWidget(self.overdue_count)
        counts.addStretch(1)
        self.open_detail = QLabel()
        self.open_detail.setWordWrap(True)
        self.overdue_list = QLabel()
        self.overdue_list.setWordWrap(True)
        self.overdue_list.setTextFormat(Qt.TextFormat.RichText)
        inner.addLayout(counts)
        inner.addWidget(self.open_detail)
        inner.addWidget(self.overdue_list)

        self.expiring_box, inner = _section(right)
        self.expiring_list = QLabel()
        self.expiring_list.setWordWrap(True)
        self.expiring_list.setTextFormat(Qt.TextFormat.RichText)
        inner.addWidget(self.expiring_list)

        self.reception_box, inner = _section(right)
        self.reception_rows = QGridLayout()
        self.reception_rows.setColumnStretch(1, 1)
        self.reception_rows.setHorizontalSpacing(8)
        inner.addLayout(self.reception_rows)

        self.beat_box, inner = _section(right)
        self.beat_bar = QProgressBar()
        self.beat_bar.setRange(0, 100)
        self.beat_bar.setTextVisible(True)
        self.beat_text = QLabel()
        self.beat_text.setWordWrap(True)
        inner.addWidget(self.beat_bar)
        inner.addWidget(self.beat_text)

        right.addStretch(1)

    def title(self) -> str:
        return _("Today")

    def retranslate(self) -> None:
        super().retranslate()
        self.incidents_box.setTitle(_("Incidents this month by category"))
        self.beat_box.setTitle(_("Time on the beat this month"))
        self.open_box.setTitle(_("Open and overdue"))
        self.expiring_box.setTitle(_("Protective orders expiring in the next three days"))
        self.reception_box.setTitle(_("Reception this week"))
        self.chart_empty.setText(_("No incidents this month or last month yet."))
        if self.figures is None:
            self.subtitle.setText(_("Loading…"))
        else:
            # Category names come from the database in the current language, so fetch again.
            self.reload()

    def reload(self) -> None:
        now = self.clock()

        def query(session: Session, actor: Actor) -> TodayFigures:
            return today_figures(session=session, actor=actor, now=now)

        self.context.read(query, self.show_figures, self._failed)

    def _failed(self, error: Exception) -> None:
        self.error.setText(describe_error(error))
        self.error.show()

    def show_figures(self, figures: TodayFigures) -> None:
        self.figures = figures
        self.error.hide()
        self.subtitle.setText(
            _("{station} · {day}").format(station=figures.station_name, day=format_date(figures.today, length="long"))
        )
        self._show_incidents(figures)
        self._show_beat(figures)
        self._show_open(figures)
        self._show_expiring(figures)
        self._show_reception(figures)

    def _show_incidents(self, figures: TodayFigures) -> None:
        self.incident_totals.setText(
            _("{this_month} so far this month · {last_month} last month").format(
                this_month=format_number(figures.incidents_this_month),
                last_month=format_number(figures.incidents_last_month),
            )
        )
        rows = figures.categories[:CHART_ROWS]
        rest = figures.categories[CHART_ROWS:]
        labels = [c.name for c in rows]
        this_month = [c.this_month for c in rows]
        last_month = [c.last_month for c in rows]
        if rest:
            labels.append(_("Other categories ({count})").format(count=len(rest)))
            this_month.append(sum(c.this_month for c in rest))
            last_month.append(sum(c.last_month for c in rest))
        palette = self.palette()
        self.chart.set_data(
            labels,
            [
                Series(_("This month"), this_month, palette.color(QPalette.ColorRole.Highlight)),
                Series(_("Last month"), last_month, QColor("#9e9e9e")),
            ],
        )
        self.chart.setVisible(bool(labels))
        self.chart_empty.setVisible(not labels)

    def _show_beat(self, figures: TodayFigures) -> None:
        share = round(figures.beat_share * 100)
        self.beat_bar.setValue(min(share, 100))
        self.beat_bar.setFormat(f"{format_number(share)} %")
        self.beat_text.setText(
            _(
                "{hours} h on patrol out of {available} working hours ({days} working days × {per_day} h). "
                "Goal: {goal} % on the beat."
            ).format(
                hours=format_number(round(figures.patrol_hours, 1)),
                available=format_number(figures.working_days * WORKING_DAY_HOURS),
                days=format_number(figures.working_days),
                per_day=WORKING_DAY_HOURS,
                goal=round(BEAT_GOAL * 100),
            )
        )

    def _show_open(self, figures: TodayFigures) -> None:
        self.open_count.setText(_("{count} open").format(count=format_number(figures.open_count)))
        self.overdue_count.setText(_("{count} overdue").format(count=format_number(figures.overdue_count)))
        self.overdue_count.setStyleSheet(OVERDUE_STYLE if figures.overdue_count else "")
        order = (IncidentStatus.draft, IncidentStatus.returned, IncidentStatus.submitted, IncidentStatus.approved)
        self.open_detail.setText(
            " · ".join(
                f"{_(status.value)}: {format_number(figures.open_by_status.get(status, 0))}"
                for status in order
                if figures.open_by_status.get(status)
            )
        )
        if not figures.overdue:
            self.overdue_list.setText(_("Nothing is overdue."))
            return
        zone = ZoneInfo(figures.timezone)
        lines = [
            _("{number} · {category} · due {day}").format(
                number=f"<b>{escape(item.number)}</b>",
                category=escape(item.category_name),
                day=format_date(item.due_on.astimezone(zone).date()),
            )
            for item in figures.overdue
        ]
        more = figures.overdue_count - len(figures.overdue)
        if more > 0:
            lines.append(_("and {count} more in the incident list").format(count=format_number(more)))
        self.overdue_list.setText(_("Longest overdue:") + "<br>" + "<br>".join(lines))

    def _show_expiring(self, figures: TodayFigures) -> None:
        if not figures.expiring:
            self.expiring_list.setText(_("None in the next three days."))
            return
        zone = ZoneInfo(figures.timezone)
        self.expiring_list.setText(
            "<br>".join(
                _("{number}: {kind}, expires {when}").format(
                    number=f"<b>{escape(order.incident_number)}</b>",
                    kind=escape(_(MEASURE_NAMES[order.kind])),
                    when=f"<b>{escape(format_datetime(order.expires_at.astimezone(zone)))}</b>",
                )
                for order in figures.expiring
            )
        )

    def _show_reception(self, figures: TodayFigures) -> None:
        _clear(self.reception_rows)
        if not figures.reception:
            self.reception_rows.addWidget(QLabel(_("No reception hours this week.")), 0, 0, 1, 2)
            return
        for row, slot in enumerate(figures.reception):
            name, icon_name, color = SLOT_STATES[slot.state]
            icon = QLabel()
            icon.setPixmap(qta.icon(icon_name, color=color or self.palette().color(QPalette.ColorRole.Text)).pixmap(20))
            icon.setToolTip(_(name))
            hours = (
                f"{_format_time(slot.starts)}–{_format_time(slot.ends)}" if slot.starts and slot.ends else _("no hours")
            )
            text = QLabel(
                _("{day} {hours}, {place}: {state}").format(
                    day=format_date(slot.day, length="medium"), hours=hours, place=slot.place, state=_(name)
                )
            )
            text.setWordWrap(True)
            self.reception_rows.addWidget(icon, row, 0, Qt.AlignmentFlag.AlignTop)
            self.reception_rows.addWidget(text, row, 1)


def _format_time(value: time) -> str:
    return value.strftime("%H:%M")  # every served country writes hours on a 24-hour clock
