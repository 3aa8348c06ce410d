"""The person form (name, date of birth or approximate age, sex, village, contacts), and the names of roles."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from station_desk.i18n import _
from station_desk.models import Person
from station_desk.models.enums import InvolvementRole, Sex
from station_desk.services import people
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.form_dialog import Change, FormDialog, enum_combo, village_combo
from station_desk.ui.widgets.forms import date_edit, date_from_edit

NO_AGE = -1  # the spin box's "unknown" value, shown as its special text


def sex_labels() -> dict[Sex, str]:
    return {Sex.female: _("Female"), Sex.male: _("Male"), Sex.unknown: _("Not known")}


def role_labels() -> dict[InvolvementRole, str]:
    return {
        InvolvementRole.victim: _("Victim"),
        InvolvementRole.alleged_offender: _("Alleged offender"),
        InvolvementRole.complainant: _("Complainant"),
        InvolvementRole.witness: _("Witness"),
        InvolvementRole.child_witness: _("Child witness"),
        InvolvementRole.guardian: _("Guardian or legal representative"),
        InvolvementRole.interpreter: _("Interpreter"),
        InvolvementRole.other: _("Other"),
    }


class PersonDialog(FormDialog):
    """New or existing person; the date of birth is optional, and an approximate age stands in when unknown."""

    changed_type = "person"

    def __init__(
        self,
        context: AppContext,
        villages: list[tuple[str, str]],
        person: Person | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, _("Edit person") if person else _("New person"), parent)
        self.person = person
        self.setMinimumWidth(560)
        self.last_name = QLineEdit(person.last_name if person else "")
        self.first_name = QLineEdit(person.first_name if person else "")
        self.patronymic = QLineEdit((person.patronymic or "") if person else "")

        self.birth_known = QCheckBox(_("Known"))
        self.birth_date = date_edit()
        self.birth_date.setMinimumDate(QDate(1900, 1, 1))
        birth = QWidget()
        birth_layout = QHBoxLayout(birth)
        birth_layout.setContentsMargins(0, 0, 0, 0)
        birth_layout.addWidget(self.birth_known)
        birth_layout.addWidget(self.birth_date, 1)
        if person and person.birth_date:
            self.birth_known.setChecked(True)
            self.birth_date.setDate(QDate(person.birth_date.year, person.birth_date.month, person.birth_date.day))
        self.birth_date.setEnabled(self.birth_known.isChecked())
        self.birth_known.toggled.connect(self._birth_known_toggled)

        self.age = QSpinBox()
        self.age.setRange(NO_AGE, 999)  # above 120 is let through so the service can say what is wrong
        self.age.setSpecialValueText(_("not known"))
        self.age.setValue(person.approximate_age if person and person.approximate_age is not None else NO_AGE)
        self.age.setEnabled(not self.birth_known.isChecked())
        self.sex = enum_combo(sex_labels(), person.sex if person else Sex.unknown)
        self.village = village_combo(villages, person.village_id if person else None)
        self.address = QLineEdit((person.address or "") if person else "")
        self.phone = QLineEdit((person.phone or "") if person else "")
        self.id_document = QLineEdit((person.id_document or "") if person else "")
        self.id_document.setPlaceholderText(_("e.g. passport or ID card number"))
        self.notes = QPlainTextEdit((person.notes or "") if person else "")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(60)

        row = self.add_row()
        self.add_field("last_name", _("Last name"), self.last_name, required=True, row=row)
        self.add_field("first_name", _("First name"), self.first_name, required=True, row=row)
        self.add_field("patronymic", _("Patronymic"), self.patronymic, row=row)
        row = self.add_row()
        self.add_field("birth_date", _("Date of birth"), birth, row=row)
        self.add_field("approximate_age", _("Or approximate age"), self.age, row=row)
        self.add_field("sex", _("Sex"), self.sex, row=row)
        row = self.add_row()
        self.add_field("village_id", _("Village"), self.village, row=row)
        self.add_field("address", _("Address"), self.address, row=row)
        row = self.add_row()
        self.add_field("phone", _("Phone"), self.phone, row=row)
        self.add_field("id_document", _("ID document"), self.id_document, row=row)
        self.add_field("notes", _("Notes"), self.notes)
        for editor in (self.birth_known, self.birth_date):
            editor.installEventFilter(self._enter_moves_on)
        self.last_name.setFocus()

    def _birth_known_toggled(self, known: bool) -> None:
        # A date of birth makes the approximate age redundant; keep one source of the age.
        self.birth_date.setEnabled(known)
        self.age.setEnabled(not known)

    def change(self) -> Change:
        birth_date: date | None = date_from_edit(self.birth_date) if self.birth_known.isChecked() else None
        age = self.age.value()
        data = people.PersonInput(
            last_name=self.last_name.text(),
            first_name=self.first_name.text(),
            patronymic=self.patronymic.text(),
            birth_date=birth_date,
            approximate_age=None if birth_date is not None or age == NO_AGE else age,
            sex=self.sex.currentData(),
            village_id=self.village.currentData(),
            address=self.address.text(),
            phone=self.phone.text(),
            id_document=self.id_document.text(),
            notes=self.notes.toPlainText(),
        )
        person_id = self.person.id if self.person else None
        if person_id is None:
            return lambda session, actor: people.create_person(session=session, actor=actor, data=data)
        return lambda session, actor: people.update_person(session=session, actor=actor, person_id=person_id, data=data)
