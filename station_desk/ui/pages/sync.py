"""The Sync page: enrolment with the regional server, "Sync now" with progress, what waits, history, conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from station_desk import db
from station_desk.i18n import N_, _, format_datetime, format_number, ngettext
from station_desk.models import RECORD_TYPES, OutboxEntry, Station, User
from station_desk.models.enums import Role
from station_desk.services.context import Actor
from station_desk.services.record_types import record_type_name
from station_desk.sync import client, conflicts, overview
from station_desk.sync.protocol import CLOCK_WARNING_SECONDS
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.conflict import ConflictDialog, field_label
from station_desk.ui.pages.base import Page
from station_desk.ui.sync_runner import EnrolmentProblem, SyncOutcome, SyncRunner, runner_for
from station_desk.ui.widgets.forms import ERROR_STYLE, Field

# What the client reports as its step -> what the officer reads beside the progress bar.
STEP_TEXTS = {
    "push": N_("Sending this station's changes…"),
    "pull": N_("Fetching changes from the server…"),
    "snapshot": N_("Comparing with the server's copy…"),
    "checksum": N_("Checking that both copies match…"),
}


@dataclass
class SyncPageData:
    """Everything the page shows, read in one go in the background."""

    status: overview.SyncStatus
    timezone: str
    waiting: list[tuple[str, int]] = field(default_factory=list)
    history: list[overview.SyncRunRow] = field(default_factory=list)
    conflicts: list[conflicts.ConflictView] = field(default_factory=list)
    commanders: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # conflict id -> what the record is called


def record_title(session: Session, record_type: str, record_id: str) -> str:
    """How an officer knows the record of a conflict: an incident's number, a person's name, a place's name."""
    model = RECORD_TYPES.get(record_type)
    record = session.get(model, record_id) if model is not None else None
    if record is not None:
        for attributes in (("number",), ("last_name", "first_name"), ("full_name",), ("name",), ("visitor_name",)):
            values = [getattr(record, name, None) for name in attributes]
            if all(isinstance(value, str) and value for value in values):
                return " ".join(str(value) for value in values)
    return _("record {id}").format(id=record_id[:8])


def load_sync_page(engine: Engine, actor: Actor) -> SyncPageData:
    status = overview.sync_status(engine)
    history = overview.sync_history(engine, limit=20)
    with db.read_session(engine) as session:
        rows = session.exec(
            select(OutboxEntry.record_type, func.count())
            .group_by(col(OutboxEntry.record_type))
            .order_by(func.count().desc())
        ).all()
        station = session.get(Station, actor.station_id)
        open_ones = conflicts.open_conflicts(session)
        titles = {item.id: record_title(session, item.record_type, item.record_id) for item in open_ones}
        commanders = session.exec(
            select(User.full_name)
            .where(User.role == Role.commander, col(User.disabled).is_(False), col(User.deleted_at).is_(None))
            .order_by(col(User.full_name))
        ).all()
    return SyncPageData(
        status=status,
        timezone=station.timezone if station else "UTC",
        waiting=[(record_type, int(count)) for record_type, count in rows],
        history=list(history),
        conflicts=list(open_ones),
        commanders=list(commanders),
        titles=titles,
    )


def describe_result(result: client.SyncResult) -> str:
    """ "12 sent, 30 received, 1 conflict": what one sync did, in a line."""
    parts = [
        ngettext("{count} sent", "{count} sent", result.sent).format(count=format_number(result.sent)),
        ngettext("{count} received", "{count} received", result.received).format(count=format_number(result.received)),
    ]
    if result.merged:
        parts.append(
            ngettext(
                "{count} merged with another laptop's", "{count} merged with other laptops'", result.merged
            ).format(count=format_number(result.merged))
        )
    if result.conflicts:
        parts.append(
            ngettext("{count} conflict", "{count} conflicts", result.conflicts).format(
                count=format_number(result.conflicts)
            )
        )
    if result.rejected:
        parts.append(
            ngettext("{count} refused by the server", "{count} refused by the server", result.rejected).format(
                count=format_number(result.rejected)
            )
        )
    return _("Synced: {summary}.").format(summary=", ".join(parts))


def local_time(moment: datetime | None, timezone: str) -> str:
    if moment is None:
        return ""
    return format_datetime(moment.astimezone(ZoneInfo(timezone)))


class SyncPage(Page):
    watches = ("*",)

    def __init__(self, context: AppContext, runner: SyncRunner | None = None) -> None:
        super().__init__(context)
        self.runner = runner or runner_for(context)
        self.data: SyncPageData | None = None
        self.enrolling = False

        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.state_label)

        # Enrolment: a commander types the server address and the one-time code from the regional administrator.
        self.enrol_box = QGroupBox()
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText("https://")
        self.code_edit = QLineEdit()
        self.server_field = Field("", self.server_edit, required=True)
        self.code_field = Field("", self.code_edit, required=True)
        self.enrol_button = QPushButton(qta.icon("mdi6.link-variant"), "")
        self.enrol_button.clicked.connect(self.enrol)
        self.server_edit.returnPressed.connect(self.code_edit.setFocus)
        self.code_edit.returnPressed.connect(self.enrol)
        self.enrol_message = QLabel()
        self.enrol_message.setWordWrap(True)
        self.ask_label = QLabel()
        self.ask_label.setWordWrap(True)
        enrol_layout = QGridLayout(self.enrol_box)
        enrol_layout.addWidget(self.server_field, 0, 0)
        enrol_layout.addWidget(self.code_field, 0, 1)
        enrol_layout.addWidget(self.enrol_button, 0, 2, Qt.AlignmentFlag.AlignTop)
        enrol_layout.addWidget(self.enrol_message, 1, 0, 1, 3)
        enrol_layout.addWidget(self.ask_label, 2, 0, 1, 3)
        enrol_layout.setColumnStretch(0, 3)
        enrol_layout.setColumnStretch(1, 1)
        self.enrol_box.hide()
        self.layout_.addWidget(self.enrol_box)

        # The primary action, its progress and Cancel.
        self.sync_button = QPushButton(qta.icon("mdi6.sync"), "")
        self.sync_button.setDefault(True)
        self.sync_button.setEnabled(False)
        self.sync_button.clicked.connect(self.sync_now)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(280)
        self.progress.hide()
        self.step_label = QLabel()
        self.step_label.hide()
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        actions = QHBoxLayout()
        for widget in (self.sync_button, self.progress, self.step_label, self.cancel_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        self.layout_.addLayout(actions)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.message)

        # What waits | the open conflicts, and the history below.
        self.waiting_label = QLabel()
        self.table = QTableWidget(0, 2)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts_label = QLabel()
        self.conflict_list = QListWidget()
        self.conflict_list.itemDoubleClicked.connect(lambda _item: self.resolve_selected())
        self.conflict_list.itemSelectionChanged.connect(self._update_buttons)
        self.resolve_button = QPushButton(qta.icon("mdi6.call-merge"), "")
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.history_label = QLabel()
        self.history = QTableWidget(0, 5)
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setWordWrap(False)

        lists = QGridLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.waiting_label)
        left.addWidget(self.table, 1)
        right.addWidget(self.conflicts_label)
        right.addWidget(self.conflict_list, 1)
        right.addWidget(self.resolve_button, 0, Qt.AlignmentFlag.AlignRight)
        lists.addLayout(left, 0, 0)
        lists.addLayout(right, 0, 1)
        lists.addWidget(self.history_label, 1, 0, 1, 2)
        lists.addWidget(self.history, 2, 0, 1, 2)
        lists.setRowStretch(0, 3)
        lists.setRowStretch(2, 2)
        lists.setColumnStretch(0, 1)
        lists.setColumnStretch(1, 1)
        self.layout_.addLayout(lists, 1)

        self.runner.started.connect(self._sync_started)
        self.runner.progress.connect(self._show_progress)
        self.runner.finished.connect(self._sync_finished)
        self.runner.state_changed.connect(self._update_buttons)
        if self.runner.running:
            self._sync_started(True)

    def title(self) -> str:
        return _("Sync")

    def retranslate(self) -> None:
        super().retranslate()
        self.enrol_box.setTitle(_("Enrol with the regional server"))
        self.server_field.set_label(_("Server address"))
        self.code_field.set_label(_("One-time code"))
        self.code_edit.setPlaceholderText(_("from the regional administrator"))
        self.enrol_button.setText(_("Enrol this laptop"))
        self.sync_button.setText(_("Sync now"))
        self.cancel_button.setText(_("Cancel"))
        self.resolve_button.setText(_("Resolve…"))
        # Not f-strings: the catalog extractor does not look inside them.
        self.waiting_label.setText("<b>{}</b>".format(_("Changes waiting to be sent")))
        self.conflicts_label.setText("<b>{}</b>".format(_("Conflicts to resolve")))
        self.history_label.setText("<b>{}</b>".format(_("Recent syncs")))
        self.table.setHorizontalHeaderLabels([_("Record type"), _("Changes waiting")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.history.setHorizontalHeaderLabels([_("Started"), _("Sent"), _("Received"), _("Conflicts"), _("Result")])
        self._show_data()

    def reload(self) -> None:
        engine, actor = self.context.handle.engine, self.context.actor
        self.context.workers.read(lambda: load_sync_page(engine, actor), self._loaded)

    def _loaded(self, data: SyncPageData) -> None:
        self.data = data
        self._show_data()

    # -- showing -----------------------------------------------------------------------------------------

    def _show_data(self) -> None:
        data = self.data
        if data is None:
            return
        self._show_state(data)
        self._show_waiting(data)
        self._show_conflicts(data)
        self._show_history(data)
        self._update_buttons()

    def _show_state(self, data: SyncPageData) -> None:
        status = data.status
        if status.enrolled:
            lines = [_("Regional server: {url}").format(url=status.server_url or "")]
            if status.device_id:
                lines.append(_("This laptop is enrolled as device {device}.").format(device=status.device_id))
            if status.last_sync_at:
                lines.append(_("Last sync: {when}").format(when=local_time(status.last_sync_at, data.timezone)))
            else:
                lines.append(_("Not synced yet."))
            if status.last_error and self.runner.last_outcome is None:
                lines.append(_("The last try failed: {reason}").format(reason=status.last_error))
            self.state_label.setText("\n".join(lines))
            self.enrol_box.hide()
            self.sync_button.setToolTip(_("Send this station's changes and fetch the region's (also automatic)."))
            return
        self.state_label.setText(
            _("This laptop is not enrolled with a regional server yet. Every change is kept here and waits.")
        )
        self.sync_button.setToolTip(_("Available once the laptop is enrolled."))
        self.enrol_box.show()
        commander = self.context.actor.is_commander
        for widget in (self.server_field, self.code_field, self.enrol_button):
            widget.setVisible(commander)
        if commander:
            self.ask_label.setText(
                _("Ask the regional administrator for the server address and a one-time code for this station.")
            )
        else:
            names = ", ".join(data.commanders) or _("the station commander")
            self.ask_label.setText(
                _("Only a commander of the station can enrol this laptop. Ask {names}.").format(names=names)
            )

    def _show_waiting(self, data: SyncPageData) -> None:
        self.table.setRowCount(len(data.waiting))
        for row, (record_type, count) in enumerate(data.waiting):
            self.table.setItem(row, 0, QTableWidgetItem(record_type_name(record_type)))
            number = QTableWidgetItem(format_number(count))
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, number)
        total = sum(count for _type, count in data.waiting)
        self.waiting_label.setText(
            "<b>{}</b> · ".format(_("Changes waiting to be sent"))
            + (
                _("nothing waits: everything is on the server.")
                if not total and data.status.enrolled
                else ngettext("{count} change", "{count} changes", total).format(count=format_number(total))
            )
        )

    def _show_conflicts(self, data: SyncPageData) -> None:
        self.conflict_list.clear()
        for index, conflict in enumerate(data.conflicts):
            names = (
                ", ".join(sorted(field_label(name) for name in conflict.fields))
                if conflict.fields
                else _("the whole record")
            )
            when = local_time(conflict.created_at, data.timezone) if conflict.created_at else ""
            text = _("{record_type}: {record} · {fields} · {when}").format(
                record_type=record_type_name(conflict.record_type),
                record=data.titles.get(conflict.id, ""),
                fields=names,
                when=when,
            )
            item = QListWidgetItem(qta.icon("mdi6.alert-outline"), text)
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.conflict_list.addItem(item)
        if not data.conflicts:
            empty = QListWidgetItem(_("No conflicts. When two laptops change the same field, it shows here."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.conflict_list.addItem(empty)
        elif self.conflict_list.currentRow() < 0:
            self.conflict_list.setCurrentRow(0)

    def _show_history(self, data: SyncPageData) -> None:
        self.history.setRowCount(len(data.history))
        for row, run in enumerate(data.history):
            via = _("by file") if run.via == "file" else ""
            started = local_time(run.started_at, data.timezone) + (f" ({via})" if via else "")
            if run.error:
                outcome = _("Failed: {reason}").format(reason=run.error)
            elif run.finished_at is None:
                outcome = _("Did not finish")
            else:
                outcome = _("OK")
            cells = [
                started,
                format_number(run.sent),
                format_number(run.received),
                format_number(run.conflicts),
                outcome,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 1 <= column <= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 4:
                    item.setToolTip(text)
                self.history.setItem(row, column, item)
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

    def _update_buttons(self) -> None:
        enrolled = self.data.status.enrolled if self.data else self.runner.enrolled
        self.sync_button.setEnabled(bool(enrolled) and not self.runner.running and not self.enrolling)
        self.enrol_button.setEnabled(not self.enrolling)
        self.resolve_button.setEnabled(self._selected_conflict() is not None)

    # -- sync --------------------------------------------------------------------------------------------

    def sync_now(self) -> None:
        if self.runner.sync_now():
            self.message.setText(_("Syncing…"))
            self.message.setStyleSheet("")

    def cancel(self) -> None:
        self.runner.cancel()
        self.cancel_button.setEnabled(False)
        self.step_label.setText(_("Stopping after the current step…"))

    def _sync_started(self, automatic: bool) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.step_label.setText(_("Connecting to the server…"))
        self.step_label.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        if automatic:
            self.message.setText(_("Syncing automatically…"))
            self.message.setStyleSheet("")
        self._update_buttons()

    def _show_progress(self, step: str, done: int, total: int) -> None:
        if not self.progress.isVisible():
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)
        text = STEP_TEXTS.get(step)
        label = _(text) if text else step
        if step == "push" and total > 0:  # pull pages are not known in advance: no count for them
            label = _("{step} {done} of {total}").format(
                step=label, done=format_number(done), total=format_number(total)
            )
        self.step_label.setText(label)

    def _sync_finished(self, outcome: SyncOutcome) -> None:
        self.progress.hide()
        self.step_label.hide()
        self.cancel_button.hide()
        self.message.setStyleSheet("" if outcome.result is not None else ERROR_STYLE)
        self.message.setText(self.describe_outcome(outcome))
        self._update_buttons()
        self.reload()

    def describe_outcome(self, outcome: SyncOutcome) -> str:
        if outcome.cancelled:
            return _("Sync cancelled. What the server had already answered stays saved; the rest waits.")
        result = outcome.result
        if result is None:
            text = _("Sync failed: {reason}").format(reason=outcome.error or "")
            wait = self.runner.retry_seconds
            if wait is not None and self.runner.active:
                if wait < 90:
                    again = _("Trying again by itself in {seconds} s.").format(seconds=format_number(round(wait)))
                else:
                    again = _("Trying again by itself in about {minutes} min.").format(
                        minutes=format_number(round(wait / 60))
                    )
                text += " " + again
            return text
        text = describe_result(result)
        offset = result.clock_offset_seconds
        if offset is not None and abs(offset) > CLOCK_WARNING_SECONDS:
            text += " " + _(
                "This laptop's clock is {minutes} minutes off the server's: ask IT to set it right."
            ).format(minutes=format_number(round(abs(offset) / 60)))
        if result.checksum_ok is False:
            text += " " + _("Some records differed from the server's copy and were fetched again.")
        return text

    # -- enrolment ---------------------------------------------------------------------------------------

    def enrol(self) -> None:
        if self.enrolling or not self.context.actor.is_commander:
            return
        server = self.server_edit.text().strip()
        code = self.code_edit.text().strip()
        self.server_field.show_message(None)
        self.code_field.show_message(None)
        self.enrol_message.setText("")
        if not server:
            self.server_field.show_message(_("Type the server address the regional administrator gave you."))
            self.server_edit.setFocus()
            return
        if not code:
            self.code_field.show_message(_("Type the one-time code the regional administrator gave you."))
            self.code_edit.setFocus()
            return
        self.enrolling = True
        self.enrol_message.setStyleSheet("")
        self.enrol_message.setText(_("Enrolling with {url}…").format(url=server))
        self._update_buttons()
        self.runner.enrol(server, code, self._enrolled, self._enrol_failed)

    def _enrolled(self, _info: object) -> None:
        self.enrolling = False
        self.code_edit.clear()
        self.enrol_message.setText("")
        self.message.setStyleSheet("")
        self.message.setText(_("This laptop is enrolled. Its changes go to the regional server from now on."))
        self._update_buttons()
        self.reload()
        self.context.sync_state_changed.emit()

    def _enrol_failed(self, error: Exception) -> None:
        self.enrolling = False
        self.enrol_message.setText("")
        text = describe_error(error)
        if isinstance(error, EnrolmentProblem) and error.field == "code":
            self.code_field.show_message(text)
            self.code_edit.setFocus()
            self.code_edit.selectAll()
        else:
            self.server_field.show_message(text)
            self.server_edit.setFocus()
        self._update_buttons()

    # -- conflicts ---------------------------------------------------------------------------------------

    def _selected_conflict(self) -> conflicts.ConflictView | None:
        item = self.conflict_list.currentItem()
        if self.data is None or item is None or not item.isSelected():
            return None
        index = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(index, int) or index >= len(self.data.conflicts):
            return None
        return self.data.conflicts[index]

    def resolve_selected(self) -> ConflictDialog | None:
        conflict = self._selected_conflict()
        if conflict is None or self.data is None:
            return None
        dialog = ConflictDialog(
            self.context,
            conflict,
            timezone=self.data.timezone,
            title=self.data.titles.get(conflict.id),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
