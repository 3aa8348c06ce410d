"""The Notes and History tabs of the incident form: notes, supplements and status changes; the audit trail."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.i18n import _
from station_desk.models.enums import IncidentStatus, NoteKind
from station_desk.services import incidents
from station_desk.services.context import Actor
from station_desk.services.incidents import status_label
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.incident_common import AUDIT_LABELS, Allowed, IncidentBundle, label_of
from station_desk.ui.dialogs.incident_people import ChildSection
from station_desk.ui.widgets.forms import Field


def _status(value: str | None) -> str:
    if value in set(IncidentStatus):
        return status_label(IncidentStatus(value))
    return value or ""


class TimelineSection(ChildSection):
    """Everything said about the incident in order; the box below adds a note, or a supplement once approved."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.empty = QLabel()
        self.text_edit = QPlainTextEdit()
        self.text_edit.setMaximumHeight(90)
        self.text_edit.setTabChangesFocus(True)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self._supplement = False
        self.add_area = QWidget()
        add_layout = QHBoxLayout(self.add_area)
        add_layout.setContentsMargins(0, 0, 0, 0)
        add_layout.addWidget(self.fields.add("text", Field("", self.text_edit, required=True)), 1)
        add_layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.add_area)
        self.retranslate()

    def retranslate(self) -> None:
        self.fields.fields["text"].set_label(_("Add a supplement") if self._supplement else _("Add a note"))
        self.add_button.setText(_("Add supplement") if self._supplement else _("Add note"))

    def show_bundle(self, bundle: IncidentBundle, allowed: Allowed) -> None:
        self.incident_id = bundle.incident.id if bundle.incident else None
        users, lookups = bundle.lookups.users, bundle.lookups
        self.list.clear()
        for note in bundle.notes:
            who = users.get(note.created_by, "")
            if note.kind == NoteKind.status_change:
                what = _("Status: {old} → {new}").format(old=_status(note.status_from), new=_status(note.status_to))
            elif note.kind == NoteKind.supplement:
                what = _("Supplement")
            else:
                what = _("Note")
            head = " · ".join(part for part in (lookups.when(note.created_at), who, what) if part)
            item = QListWidgetItem(f"{head}\n{note.text}" if note.text else head)
            self.list.addItem(item)
        if not bundle.notes:
            self.list.addItem(QListWidgetItem(_("No notes yet.")))
        self.list.scrollToBottom()
        self._supplement = allowed.supplement
        self.add_area.setVisible(allowed.note or allowed.supplement)
        self.retranslate()

    def add(self) -> None:
        if not self.incident_id:
            return
        incident_id, text, supplement = self.incident_id, self.text_edit.toPlainText(), self._supplement

        def change(session: Session, actor: Actor) -> object:
            if supplement:
                return incidents.add_supplement(session=session, actor=actor, incident_id=incident_id, text=text)
            return incidents.add_note(session=session, actor=actor, incident_id=incident_id, text=text)

        self._write(change, "incidentnote", self.text_edit.clear)


class HistorySection(QWidget):
    """The audit entries of this incident: who did what and when (read only)."""

    def __init__(self, field_labels: Mapping[str, str]) -> None:
        super().__init__()
        self.field_labels = field_labels
        self.table = QTableWidget(0, 4)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_("When"), _("Who"), _("What"), _("Details")])

    def show_bundle(self, bundle: IncidentBundle) -> None:
        users, lookups = bundle.lookups.users, bundle.lookups
        self.table.setRowCount(len(bundle.history))
        for row, entry in enumerate(reversed(bundle.history)):
            changes = entry.details.get("changes", {}) if isinstance(entry.details, dict) else {}
            fields = ", ".join(_(self.field_labels[name]) if name in self.field_labels else name for name in changes)
            if "status" in changes:
                old, new = changes["status"]
                fields = _("Status: {old} → {new}").format(old=_status(old), new=_status(new))
            details = " · ".join(part for part in (fields, entry.reason or "") if part)
            cells = (
                lookups.when(entry.at),
                users.get(entry.user_id or "", ""),
                label_of(AUDIT_LABELS, entry.action),
                details,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
