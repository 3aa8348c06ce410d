"""A record form as a dialog: fields with labels above, Save (Ctrl+S) on the writer thread, inline messages."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.errors import ValidationFailed
from station_desk.i18n import _
from station_desk.services.context import Actor
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.unsaved import GuardedDialog
from station_desk.ui.widgets.forms import ERROR_STYLE, EnterMovesOn, Field, FieldSet

E = TypeVar("E", bound=Enum)
Change = Callable[[Session, Actor], Any]


def enum_combo(labels: dict[E, str], selected: E | None = None) -> QComboBox:
    """A choice of enum values shown by their translated names; the item data is the stored value."""
    combo = QComboBox()
    for value, label in labels.items():
        combo.addItem(label, value.value)
    if selected is not None:
        combo.setCurrentIndex(max(0, combo.findData(selected.value)))
    return combo


def village_combo(villages: list[tuple[str, str]], selected: str | None = None) -> QComboBox:
    """The station's villages, and a first entry for "none" (an event outside any village, or unknown)."""
    combo = QComboBox()
    combo.addItem(_("(none)"), None)
    for village_id, name in villages:
        combo.addItem(name, village_id)
    if selected:
        combo.setCurrentIndex(max(0, combo.findData(selected)))
    return combo


def count_edit(value: int = 0) -> QSpinBox:
    """A whole number typed in; negative numbers are let through so the service can say what is wrong."""
    editor = QSpinBox()
    editor.setRange(-99_999, 999_999)
    editor.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
    editor.setValue(value)
    return editor


def form_footer(dialog: QDialog, save: Callable[[], None]) -> tuple[QLabel, QDialogButtonBox, QPushButton]:
    """What every record form ends with: the inline message (hidden until there is one), Save and Cancel, Ctrl+S."""
    message = QLabel()
    message.setStyleSheet(ERROR_STYLE)
    message.setWordWrap(True)
    message.hide()
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
    save_button.setText(_("Save"))
    save_button.setToolTip(_("Save (Ctrl+S)"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    QShortcut(QKeySequence.StandardKey.Save, dialog, save)
    return message, buttons, save_button


class FormDialog(GuardedDialog):
    """Subclasses add fields and implement `change()`; a ValidationFailed lands under the fields it names."""

    changed_type: str = ""

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.fieldset = FieldSet()
        self.saved_record: Any = None
        self.saving = False
        self._enter_moves_on = EnterMovesOn(self)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)

        self.fields_layout = QVBoxLayout()
        self.fields_layout.setSpacing(6)
        self.message, self.buttons, self.save_button = form_footer(self, self.save)

        layout = QVBoxLayout(self)
        layout.addLayout(self.fields_layout)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def add_field(
        self, name: str, label: str, editor: QWidget, *, required: bool = False, row: QHBoxLayout | None = None
    ) -> Field:
        """Add a field under the previous one, or beside others when `row` is given."""
        field = self.fieldset.add(name, Field(label, editor, required=required))
        editor.installEventFilter(self._enter_moves_on)
        line_edit = editor.lineEdit() if isinstance(editor, QComboBox) else None
        if line_edit is not None:
            line_edit.installEventFilter(self._enter_moves_on)
        if row is not None:
            row.addWidget(field, 1, Qt.AlignmentFlag.AlignTop)
        else:
            self.fields_layout.addWidget(field)
        return field

    def add_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.fields_layout.addLayout(row)
        return row

    def change(self) -> Change:
        """Read the fields (on the UI thread) and return the write to run in the background."""
        raise NotImplementedError

    def save(self) -> None:
        if self.saving:
            return  # a second Ctrl+S while the first save is still on its way
        self.fieldset.clear()
        self.message.hide()
        work = self.change()
        self.saving = True
        self.save_button.setEnabled(False)
        self.context.write(work, self._saved, self._failed, changed=self.changed_type or None)

    def _saved(self, record: Any) -> None:
        self.saving = False
        self.saved_record = record
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            unplaced = self.fieldset.show_errors(error.errors)
            text = " ".join(unplaced) if unplaced else _("Please correct the marked fields. Nothing was saved yet.")
        else:
            text = describe_error(error)
        self.message.setText(text)
        self.message.show()
