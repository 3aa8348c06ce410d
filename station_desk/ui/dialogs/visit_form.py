"""Reception forms: a visitor at a session (quick entry) and a new weekly reception slot (commander)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.errors import ValidationFailed
from station_desk.i18n import _, babel_locale, format_date
from station_desk.models.enums import VisitOutcome
from station_desk.services.context import Actor
from station_desk.services.reception import ScheduleInput, VisitInput, add_visit, create_schedule, update_visit
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.form_dialog import form_footer
from station_desk.ui.dialogs.unsaved import GuardedDialog
from station_desk.ui.table_models.reception import VisitRow, outcome_label
from station_desk.ui.widgets.forms import EnterMovesOn, Field, FieldSet, date_edit, date_from_edit


def weekday_names() -> list[str]:
    """Monday to Sunday in the current language (CLDR's standalone names, as in a timetable)."""
    days = babel_locale().days["stand-alone"]["wide"]
    return [str(days[index]) for index in range(7)]


class _FormDialog(GuardedDialog):
    """Save and Cancel, Ctrl+S, Enter moves on, and errors shown under their fields or at the bottom."""

    def __init__(self, context: AppContext, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.fields = FieldSet()
        self.form_layout = QVBoxLayout(self)
        self.message, self.buttons, self.save_button = form_footer(self, self.save)
        self.save_button.setAutoDefault(False)  # Enter moves to the next field instead of saving half a form
        self._enter = EnterMovesOn(self)

    def add_field(self, name: str, field: Field) -> Field:
        self.form_layout.addWidget(self.fields.add(name, field))
        if not isinstance(field.editor, QCheckBox):
            field.editor.installEventFilter(self._enter)
        return field

    def finish_layout(self) -> None:
        note = QLabel(_("Fields marked * are required."))
        note.setEnabled(False)
        self.form_layout.addStretch(1)
        self.form_layout.addWidget(self.message)
        self.form_layout.addWidget(note)
        self.form_layout.addWidget(self.buttons)

    def submit(self, change: Callable[[Session, Actor], Any], changed: str) -> None:
        if not self.save_button.isEnabled():
            return  # a save is already on its way; a second Ctrl+S must not store the record twice
        self.save_button.setEnabled(False)
        self.fields.clear()
        self.message.hide()
        self.context.write(change, self._saved, self._failed, changed=changed)

    def save(self) -> None:
        raise NotImplementedError

    def explain(self, errors: dict[str, str]) -> dict[str, str]:
        """Subclasses may reword or move a service message to the field the officer can act on."""
        return errors

    def _saved(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            text = "\n".join(self.fields.show_errors(self.explain(error.errors)))
        else:
            text = describe_error(error)
        self.message.setText(text)
        self.message.setVisible(bool(text))


class VisitFormDialog(_FormDialog):
    """A visitor at a held session; `visit` given: correct it (e.g. tick "resolved" after the follow-up)."""

    def __init__(
        self,
        context: AppContext,
        *,
        session_id: str,
        day: date,
        visit: VisitRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Visit at the reception of {day}").format(day=format_date(day))
        super().__init__(context, title, parent)
        self.session_id = session_id
        self.visit = visit
        self.visitor_edit = QLineEdit()
        self.visitor_edit.setMaxLength(200)
        self.topic_edit = QLineEdit()
        self.topic_edit.setMaxLength(300)
        self.outcome_box = QComboBox()
        for outcome in VisitOutcome:
            self.outcome_box.addItem(outcome_label(outcome), outcome.value)
        self.follow_up_check = QCheckBox(_("Follow up on"))
        self.follow_up_edit = date_edit()
        self.follow_up_edit.setDate(self.follow_up_edit.date().addDays(7))
        self.follow_up_check.toggled.connect(self.follow_up_edit.setEnabled)
        follow_up = QWidget()
        row = QHBoxLayout(follow_up)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.follow_up_check)
        row.addWidget(self.follow_up_edit, 1)
        self.resolved_check = QCheckBox(_("Resolved"))

        self.add_field("visitor_name", Field(_("Visitor"), self.visitor_edit, required=True))
        self.add_field("topic", Field(_("Topic"), self.topic_edit, required=True))
        self.add_field("outcome", Field(_("Outcome"), self.outcome_box, required=True))
        self.add_field("follow_up_on", Field(_("Follow-up"), follow_up))
        self.follow_up_edit.installEventFilter(self._enter)
        self.add_field("resolved", Field(_("Resolved"), self.resolved_check)).label.hide()  # the box says it
        self.finish_layout()
        if visit is not None:
            self.visitor_edit.setText(visit.visitor_name)
            self.topic_edit.setText(visit.topic)
            self.outcome_box.setCurrentIndex(self.outcome_box.findData(VisitOutcome(visit.outcome).value))
            if visit.follow_up_on:
                self.follow_up_edit.setDate(
                    QDate(visit.follow_up_on.year, visit.follow_up_on.month, visit.follow_up_on.day)
                )
            self.resolved_check.setChecked(visit.resolved)
        self.follow_up_check.setChecked(bool(visit and visit.follow_up_on))
        self.follow_up_edit.setEnabled(self.follow_up_check.isChecked())
        self.visitor_edit.setFocus()

    def data(self) -> VisitInput:
        return VisitInput(
            visitor_name=self.visitor_edit.text().strip(),
            topic=self.topic_edit.text().strip(),
            outcome=self.outcome_box.currentData(),
            follow_up_on=date_from_edit(self.follow_up_edit) if self.follow_up_check.isChecked() else None,
            resolved=self.resolved_check.isChecked(),
            # This quick form does not pick incidents or people; it keeps the links a visit already has.
            incident_id=self.visit.incident_id if self.visit else None,
            person_id=self.visit.person_id if self.visit else None,
        )

    def save(self) -> None:
        data, session_id, visit_id = self.data(), self.session_id, self.visit.id if self.visit else None

        def change(session: Session, actor: Actor) -> str:
            if visit_id is None:
                return add_visit(session=session, actor=actor, reception_session_id=session_id, data=data).id
            return update_visit(session=session, actor=actor, visit_id=visit_id, data=data).id

        self.submit(change, "receptionvisit")

    def explain(self, errors: dict[str, str]) -> dict[str, str]:
        errors = dict(errors)
        if "incident_id" in errors and "outcome" not in errors:
            # The incident is recorded on its own page, which links the visit; here only the outcome can change.
            errors.pop("incident_id")
            errors["outcome"] = _("Record the incident on the Incidents page; it links this visit from there.")
        return errors


class ScheduleFormDialog(_FormDialog):
    """A new weekly reception slot, e.g. Mondays 10:00-12:00 at the community office."""

    def __init__(self, context: AppContext, *, current: list[str], parent: QWidget | None = None) -> None:
        super().__init__(context, _("Add a reception slot"), parent)
        if current:
            heading = QLabel(_("Current weekly slots:") + "\n" + "\n".join(f"• {line}" for line in current))
            heading.setWordWrap(True)
            self.form_layout.addWidget(heading)
        self.place_edit = QLineEdit()
        self.place_edit.setMaxLength(200)
        self.place_edit.setPlaceholderText(_("e.g. the community office, room 2"))
        self.weekday_box = QComboBox()
        self.weekday_box.addItems(weekday_names())
        self.starts_edit = QTimeEdit(QTime(10, 0))
        self.ends_edit = QTimeEdit(QTime(12, 0))
        for editor in (self.starts_edit, self.ends_edit):
            editor.setDisplayFormat("HH:mm")
        self.valid_from_edit = date_edit()
        self.add_field("place", Field(_("Place"), self.place_edit, required=True))
        self.add_field("weekday", Field(_("Weekday"), self.weekday_box, required=True))
        self.add_field("starts", Field(_("From"), self.starts_edit, required=True))
        self.add_field("ends", Field(_("To"), self.ends_edit, required=True))
        self.add_field("valid_from", Field(_("First reception on or after"), self.valid_from_edit, required=True))
        self.finish_layout()
        self.place_edit.setFocus()

    def data(self) -> ScheduleInput:
        starts, ends = self.starts_edit.time(), self.ends_edit.time()
        return ScheduleInput(
            place=self.place_edit.text().strip(),
            weekday=self.weekday_box.currentIndex(),
            starts=time(starts.hour(), starts.minute()),
            ends=time(ends.hour(), ends.minute()),
            valid_from=date_from_edit(self.valid_from_edit),
        )

    def save(self) -> None:
        data = self.data()
        self.submit(
            lambda session, actor: create_schedule(session=session, actor=actor, data=data).id, "receptionschedule"
        )
