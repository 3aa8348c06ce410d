"""Form building blocks: label above the field, required mark, and an inline message under it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime, QTimeZone
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDateEdit,
    QDateTimeEdit,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from station_desk.i18n import _

ERROR_STYLE = "color: #b3261e;"


class Field(QWidget):
    """One field of a form: its label above, the editor, and a message line that appears on a problem."""

    def __init__(self, label: str, editor: QWidget, *, required: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.required = required
        self.label = QLabel()
        self.label.setBuddy(editor)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(editor)
        layout.addWidget(self.message)
        self.set_label(label)

    def set_label(self, text: str) -> None:
        self.label.setText(f"{text} *" if self.required else text)
        self.label.setToolTip(_("Required") if self.required else "")
        # Screen readers announce the field by its label; the message under it becomes its description.
        self.editor.setAccessibleName(text)

    def show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))
        self.editor.setAccessibleDescription(text or "")


class FieldSet:
    """The fields of one form by the service's field names, so ValidationFailed lands under the right one."""

    def __init__(self) -> None:
        self.fields: dict[str, Field] = {}

    def add(self, name: str, field: Field) -> Field:
        self.fields[name] = field
        return field

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """Show each message under its field; returns the messages that belong to no field on this form."""
        for name, field in self.fields.items():
            field.show_message(errors.get(name))
        unplaced = [text for name, text in errors.items() if name not in self.fields]
        for name in errors:
            if name in self.fields:
                self.fields[name].editor.setFocus()
                break
        return unplaced

    def clear(self) -> None:
        for field in self.fields.values():
            field.show_message(None)


class EnterMovesOn(QObject):
    """Enter in a one-line field moves to the next field, as officers expect from paper-like forms."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not isinstance(watched, QPlainTextEdit)
            and isinstance(watched, QWidget)
        ):
            watched.focusNextChild()
            return True
        return False


def date_time_edit(timezone: str) -> QDateTimeEdit:
    """A date-time field in the station's time zone, with a calendar pop-up and the locale's format."""
    editor = QDateTimeEdit()
    editor.setCalendarPopup(True)
    editor.setTimeZone(QTimeZone(timezone.encode()))
    editor.setDisplayFormat(_short_format(date_only=False))
    editor.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
    editor.setDateTime(QDateTime.currentDateTime())
    return editor


def date_edit() -> QDateEdit:
    editor = QDateEdit()
    editor.setCalendarPopup(True)
    editor.setDisplayFormat(_short_format(date_only=True))
    editor.setDate(QDate.currentDate())
    return editor


def _short_format(*, date_only: bool) -> str:
    from PySide6.QtCore import QLocale

    locale = QLocale()
    date_format = locale.dateFormat(QLocale.FormatType.ShortFormat)
    # Two-digit years are ambiguous when typing a date of birth; always show four.
    if "yyyy" not in date_format:
        date_format = date_format.replace("yy", "yyyy")
    return date_format if date_only else f"{date_format} HH:mm"


def aware_from_edit(editor: QDateTimeEdit, timezone: str) -> datetime:
    """The edited moment as a UTC-aware datetime (the edit shows the station's time zone)."""
    local = editor.dateTime().toPython()
    assert isinstance(local, datetime)
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC) if local.tzinfo is None else local.astimezone(UTC)


def set_edit_from_aware(editor: QDateTimeEdit, moment: datetime, timezone: str) -> None:
    local = moment.astimezone(ZoneInfo(timezone))
    editor.setDateTime(
        QDateTime(
            QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), QTimeZone(timezone.encode())
        )
    )


def date_from_edit(editor: QDateEdit) -> date:
    value = editor.date().toPython()
    assert isinstance(value, date)
    return value
