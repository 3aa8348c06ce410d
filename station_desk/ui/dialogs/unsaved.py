"""Asking before a form with unsaved edits is closed, so a stray Escape never throws away what was typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from station_desk.i18n import _


def form_values(form: QWidget) -> list[object]:
    """What the officer can change in a form, in widget order: enough to tell whether anything was edited."""
    values: list[object] = []
    for widget in form.findChildren(QWidget):
        if isinstance(widget, QLineEdit | QAbstractSpinBox):
            values.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            values.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            values.append(widget.currentIndex())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            values.append(widget.isChecked())
    return values


def ask_to_discard(parent: QWidget, on_discard: Callable[[], None]) -> QMessageBox:
    """A non-blocking question; `on_discard` runs only if the officer chooses to close without saving."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("Unsaved changes"),
        _("Close without saving your changes?"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.button(QMessageBox.StandardButton.Discard).setText(_("Close without saving"))
    box.button(QMessageBox.StandardButton.Cancel).setText(_("Keep editing"))
    box.finished.connect(lambda result: on_discard() if result == QMessageBox.StandardButton.Discard else None)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class GuardedDialog(QDialog):
    """A form dialog that remembers its values when first shown and asks before Cancel or Escape loses edits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clean_values: list[object] | None = None
        self.discard_question: QMessageBox | None = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        if self._clean_values is None:
            self._clean_values = form_values(self)
        super().showEvent(event)

    def has_unsaved_edits(self) -> bool:
        return self._clean_values is not None and form_values(self) != self._clean_values

    def reject(self) -> None:
        if not self.has_unsaved_edits():
            super().reject()
            return
        self.discard_question = ask_to_discard(self, lambda: QDialog.reject(self))
