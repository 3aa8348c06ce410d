"""Resolving one sync conflict: this laptop's and the server's values side by side, a choice per field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station_desk.i18n import N_, _, format_date, format_datetime
from station_desk.services.record_types import record_type_name
from station_desk.sync.conflicts import Choice, ConflictView, resolve_conflict
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.incident_details import LABELS as INCIDENT_LABELS
from station_desk.ui.widgets.forms import ERROR_STYLE

# Field names as the records name them -> the label the forms show; other fields show their own name.
FIELD_LABELS: dict[str, str] = {
    **INCIDENT_LABELS,
    "last_name": N_("Last name"),
    "first_name": N_("First name"),
    "patronymic": N_("Patronymic"),
    "birth_date": N_("Date of birth"),
    "approximate_age": N_("Approximate age"),
    "sex": N_("Sex"),
    "phone": N_("Phone"),
    "id_document": N_("ID document"),
    "notes": N_("Notes"),
    "status": N_("Status"),
    "text": N_("Text"),
    "deleted_at": N_("Deleted"),
}
KIND_TEXTS = {
    "edit": N_("This laptop and another one changed the same fields of this record. Choose which value to keep."),
    "delete_vs_edit": N_(
        "This laptop deleted the record, but another laptop changed it meanwhile. "
        "Keep mine deletes it; keep theirs keeps it with their changes."
    ),
    "edit_vs_delete": N_(
        "This laptop changed the record, but another laptop deleted it meanwhile. "
        "Keep mine brings it back with your changes; keep theirs leaves it deleted."
    ),
}
VALUE_CHARACTERS = 400  # a narrative is shown in full up to this; the rest is elided


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return _(label) if label else name.replace("_", " ").capitalize()


def show_value(value: Any, timezone: str | None = None) -> str:
    """A stored value as an officer reads it: dates in the local form, times in the station's zone."""
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return format_date(date.fromisoformat(value))
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None and timezone:
                moment = moment.astimezone(ZoneInfo(timezone))
            return format_datetime(moment)
        except ValueError:
            pass
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= VALUE_CHARACTERS else text[: VALUE_CHARACTERS - 1] + "…"


class ConflictDialog(QDialog):
    """Keep mine, keep theirs, or merge field by field; the choice is written on the writer thread."""

    def __init__(
        self,
        context: AppContext,
        conflict: ConflictView,
        *,
        timezone: str | None = None,
        title: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.conflict = conflict
        self.resolved: str | None = None
        self.setWindowTitle(_("Resolve a sync conflict"))
        self.resize(820, 480)
        layout = QVBoxLayout(self)

        heading = QLabel(
            _("{record_type}: {record}").format(
                record_type=record_type_name(conflict.record_type),
                record=title or _("record {id}").format(id=conflict.record_id[:8]),
            )
        )
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        kind_text = KIND_TEXTS.get(conflict.kind, KIND_TEXTS["edit"])
        explanation = QLabel(_(kind_text))
        explanation.setWordWrap(True)
        layout.addWidget(explanation)

        self.choices: dict[str, QButtonGroup] = {}
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        mine_header = _("Mine (this laptop)") if conflict.from_this_laptop else _("Mine (the laptop that sent it)")
        for column, text in enumerate((_("Field"), mine_header, _("Theirs (the server)"))):
            header = QLabel(f"<b>{text}</b>")
            grid.addWidget(header, 0, column)
        for row, (name, (mine, theirs)) in enumerate(conflict.fields.items(), start=1):
            grid.addWidget(QLabel(field_label(name)), row, 0, Qt.AlignmentFlag.AlignTop)
            group = QButtonGroup(self)
            for column, (choice, value) in enumerate((("mine", mine), ("theirs", theirs)), start=1):
                button = QRadioButton()
                button.setProperty("choice", choice)
                button.setAccessibleName(f"{field_label(name)}: {show_value(value, timezone)}")
                value_label = QLabel(show_value(value, timezone))
                value_label.setWordWrap(True)
                value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value_label.setBuddy(button)
                cell = QWidget()
                cell_layout = QGridLayout(cell)
                cell_layout.setContentsMargins(0, 0, 0, 0)
                cell_layout.addWidget(button, 0, 0, Qt.AlignmentFlag.AlignTop)
                cell_layout.addWidget(value_label, 0, 1)
                cell_layout.setColumnStretch(1, 1)
                group.addButton(button)
                if choice == "mine":
                    button.setChecked(True)
                grid.addWidget(cell, row, column)
            self.choices[name] = group
        grid.setRowStretch(len(conflict.fields) + 1, 1)
        scroll = QScrollArea()
        scroll.setWidget(grid_widget)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, 1)

        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

        self.buttons = QDialogButtonBox()
        self.keep_mine_button = QPushButton(_("Keep mine"))
        self.keep_theirs_button = QPushButton(_("Keep theirs"))
        self.merge_button = QPushButton(_("Merge"))
        self.merge_button.setToolTip(_("Keep the value chosen in each row."))
        self.merge_button.setEnabled(conflict.kind == "edit" and len(conflict.fields) > 1)
        for action in (self.keep_mine_button, self.keep_theirs_button, self.merge_button):
            self.buttons.addButton(action, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.keep_mine_button.clicked.connect(lambda: self.resolve("mine"))
        self.keep_theirs_button.clicked.connect(lambda: self.resolve("theirs"))
        self.merge_button.clicked.connect(lambda: self.resolve("merged"))
        layout.addWidget(self.buttons)

    def chosen_values(self) -> dict[str, Any]:
        """The merged record: per field the value whose button is checked."""
        merged: dict[str, Any] = {}
        for name, group in self.choices.items():
            checked = group.checkedButton()
            mine, theirs = self.conflict.fields[name]
            merged[name] = theirs if checked is not None and checked.property("choice") == "theirs" else mine
        return merged

    def resolve(self, choice: Choice) -> None:
        merged = self.chosen_values() if choice == "merged" else None
        conflict_id = self.conflict.id
        for action in (self.keep_mine_button, self.keep_theirs_button, self.merge_button):
            action.setEnabled(False)
        self.context.write(
            lambda session, actor: resolve_conflict(session, actor, conflict_id, choice, merged),
            lambda _result: self._resolved(choice),
            self._failed,
            changed=self.conflict.record_type,
        )

    def _resolved(self, choice: str) -> None:
        self.resolved = choice
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.message.setText(describe_error(error))
        self.message.show()
        self.keep_mine_button.setEnabled(True)
        self.keep_theirs_button.setEnabled(True)
        self.merge_button.setEnabled(self.conflict.kind == "edit" and len(self.conflict.fields) > 1)
