"""The People and Property tabs of the incident form: who was involved and in what role, and what was taken or found."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.errors import ValidationFailed
from station_desk.i18n import _, format_date, format_number
from station_desk.models import Person
from station_desk.services import people
from station_desk.services.context import Actor
from station_desk.services.people import PersonInput
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.incident_common import (
    PROPERTY_KIND_LABELS,
    PROPERTY_ROLE_LABELS,
    ROLE_LABELS,
    SEX_LABELS,
    Allowed,
    IncidentBundle,
    MomentEdit,
    fill_combo,
    label_of,
)
from station_desk.ui.widgets.forms import ERROR_STYLE, EnterMovesOn, Field, FieldSet

FIND_DELAY_MS = 250


def person_line(person: Person) -> str:
    """ "Surname First Patronymic · 12.03.1980" — enough to tell two people of the same name apart."""
    name = " ".join(part for part in (person.last_name, person.first_name, person.patronymic) if part)
    age = person.age_on(date.today())
    if person.birth_date:
        name += " · " + _("born {date}").format(date=format_date(person.birth_date))
    elif age is not None:
        name += " · " + _("about {age} years old").format(age=age)
    if person.is_minor_on(date.today()):
        name += " · " + _("minor")
    return name


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ChildSection(QWidget):
    """A tab that writes child rows of the incident and asks the form to read it again afterwards."""

    changed = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.incident_id: str | None = None
        self.fields = FieldSet()
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self._enter = EnterMovesOn(self)

    def _write(
        self, change: Callable[[Session, Actor], object], changed: str, on_done: Callable[[], object] | None = None
    ) -> None:
        self.fields.clear()
        self.message.hide()

        def done(_result: object) -> None:
            if on_done is not None:
                on_done()
            self.changed.emit()

        self.context.write(change, done, self._failed, changed=changed)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            unplaced = self.fields.show_errors(error.errors)
            text = " ".join(unplaced)
        else:
            text = describe_error(error)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _field(self, name: str, editor: QWidget, *, required: bool = False) -> Field:
        editor.installEventFilter(self._enter)
        return self.fields.add(name, Field("", editor, required=required))


class PeopleSection(ChildSection):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.table = _table(4)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_selected)

        self.role_box = QComboBox()
        self.find_edit = QLineEdit()
        self.find_edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMaximumHeight(130)
        self.results.itemActivated.connect(lambda _item: self.add_found())
        self.add_found_button = QPushButton()
        self.add_found_button.clicked.connect(self.add_found)
        self.find_timer = QTimer(self)
        self.find_timer.setSingleShot(True)
        self.find_timer.setInterval(FIND_DELAY_MS)
        self.find_timer.timeout.connect(self.search_people)
        self.find_edit.textChanged.connect(lambda _text: self.find_timer.start())
        self._find_generation = 0

        self.last_name_edit = QLineEdit()
        self.first_name_edit = QLineEdit()
        self.patronymic_edit = QLineEdit()
        self.birth_edit = MomentEdit(optional=True, date_only=True)
        self.age_spin = QSpinBox()
        self.age_spin.setRange(-1, people.MAX_AGE)
        self.age_spin.setValue(-1)
        self.age_spin.setSpecialValueText("—")  # shown at -1: the age is not known
        self.sex_box = QComboBox()
        self.create_button = QPushButton()
        self.create_button.clicked.connect(self.create_and_add)

        role_field = self._field("role", self.role_box, required=True)
        find_box = QGroupBox()
        find_layout = QVBoxLayout(find_box)
        find_layout.addWidget(self.find_edit)
        find_layout.addWidget(self.results)
        find_layout.addWidget(self.add_found_button, 0, Qt.AlignmentFlag.AlignRight)
        new_box = QGroupBox()
        grid = QGridLayout(new_box)
        grid.addWidget(self._field("last_name", self.last_name_edit, required=True), 0, 0)
        grid.addWidget(self._field("first_name", self.first_name_edit, required=True), 0, 1)
        grid.addWidget(self._field("patronymic", self.patronymic_edit), 0, 2)
        grid.addWidget(self._field("birth_date", self.birth_edit), 1, 0)
        grid.addWidget(self._field("approximate_age", self.age_spin), 1, 1)
        grid.addWidget(self._field("sex", self.sex_box), 1, 2)
        grid.addWidget(self.create_button, 2, 0, 1, 3, Qt.AlignmentFlag.AlignRight)
        self.find_box, self.new_box = find_box, new_box

        self.add_area = QWidget()
        add_layout = QVBoxLayout(self.add_area)
        add_layout.setContentsMargins(0, 0, 0, 0)
        add_layout.addWidget(role_field)
        boxes = QHBoxLayout()
        boxes.addWidget(find_box, 2)
        boxes.addWidget(new_box, 3)
        add_layout.addLayout(boxes)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.message)
        layout.addWidget(self.add_area)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_("Name"), _("Role"), _("Date of birth or age"), ""])
        self.remove_button.setText(_("Remove from this incident"))
        self.find_box.setTitle(_("Someone already recorded"))
        self.find_edit.setPlaceholderText(_("Type a surname, in Cyrillic or Latin letters"))
        self.add_found_button.setText(_("Add the chosen person"))
        self.new_box.setTitle(_("Or record a new person"))
        self.create_button.setText(_("Record and add"))
        names = {
            "role": _("Role in this incident"), "last_name": _("Last name"), "first_name": _("First name"),
            "patronymic": _("Patronymic"), "birth_date": _("Date of birth"),
            "approximate_age": _("Approximate age"), "sex": _("Sex"),
        }  # fmt: skip
        for name, text in names.items():
            self.fields.fields[name].set_label(text)
        fill_combo(self.role_box, ROLE_LABELS)
        fill_combo(self.sex_box, SEX_LABELS)

    def show_bundle(self, bundle: IncidentBundle, allowed: Allowed) -> None:
        self.incident_id = bundle.incident.id if bundle.incident else None
        self.table.setRowCount(len(bundle.people))
        for row, (involvement, person) in enumerate(bundle.people):
            name = QTableWidgetItem(" ".join(p for p in (person.last_name, person.first_name, person.patronymic) if p))
            name.setData(Qt.ItemDataRole.UserRole, involvement.id)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(label_of(ROLE_LABELS, involvement.role)))
            age = person.age_on(date.today())
            born = format_date(person.birth_date) if person.birth_date else ("~" + str(age) if age is not None else "")
            self.table.setItem(row, 2, QTableWidgetItem(born))
            # Minors are flagged from the day of the incident, and never appear in public output.
            minor = QTableWidgetItem(_("minor") if involvement.minor_at_time else "")
            minor.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, 3, minor)
        self.add_area.setVisible(allowed.people)
        self.remove_button.setVisible(allowed.people and bool(bundle.people))

    def search_people(self) -> None:
        self._find_generation += 1
        generation, query = self._find_generation, self.find_edit.text().strip()
        if len(query) < 2:
            self.results.clear()
            return

        def search(session: Session, actor: Actor) -> list[tuple[str, str]]:
            found = people.find_persons(session=session, actor=actor, query=query)
            return [(person.id, person_line(person)) for person in found]

        self.context.read(search, lambda found: self._show_found(generation, found), self._failed)

    def _show_found(self, generation: int, found: list[tuple[str, str]]) -> None:
        if generation != self._find_generation:
            return  # the officer kept typing; an older answer would replace a newer one
        self.results.clear()
        for person_id, line in found:
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, person_id)
            self.results.addItem(item)
        if not found:
            empty = QListWidgetItem(_("Nobody found. Record a new person on the right."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(empty)
        else:
            self.results.setCurrentRow(0)

    def add_found(self) -> None:
        item = self.results.currentItem()
        person_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not person_id or not self.incident_id:
            self.message.setText(_("Choose a person from the list first."))
            self.message.show()
            return
        incident_id, role = self.incident_id, self.role_box.currentData()

        def change(session: Session, actor: Actor) -> object:
            return people.involve_person(
                session=session, actor=actor, incident_id=incident_id, person_id=person_id, role=role
            )

        self._write(change, "involvement", self._clear_find)

    def _clear_find(self) -> None:
        self.find_edit.clear()
        self.results.clear()

    def person_input(self) -> PersonInput:
        age = self.age_spin.value()
        return PersonInput(
            last_name=self.last_name_edit.text(),
            first_name=self.first_name_edit.text(),
            patronymic=self.patronymic_edit.text(),
            birth_date=self.birth_edit.day_value(),
            approximate_age=None if age < 0 else age,
            sex=self.sex_box.currentData(),
        )

    def create_and_add(self) -> None:
        if not self.incident_id:
            return
        incident_id, role, data = self.incident_id, self.role_box.currentData(), self.person_input()

        def change(session: Session, actor: Actor) -> object:
            # One action, one transaction: a person is never left recorded but unlinked.
            person = people.create_person(session=session, actor=actor, data=data)
            return people.involve_person(
                session=session, actor=actor, incident_id=incident_id, person_id=person.id, role=role
            )

        self._write(change, "involvement", self._person_recorded)

    def _person_recorded(self) -> None:
        self.context.data_changed.emit("person")
        for edit in (self.last_name_edit, self.first_name_edit, self.patronymic_edit):
            edit.clear()
        self.birth_edit.known.setChecked(False)
        self.age_spin.setValue(-1)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None:
            self.message.setText(_("Choose a person in the list first."))
            self.message.show()
            return
        involvement_id = item.data(Qt.ItemDataRole.UserRole)
        self._write(
            lambda s, a: people.remove_involvement(session=s, actor=a, involvement_id=involvement_id), "involvement"
        )


class PropertySection(ChildSection):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.table = _table(6)
        self.role_box = QComboBox()
        self.kind_box = QComboBox()
        self.description_edit = QLineEdit()
        self.quantity_edit = QLineEdit()
        self.value_edit = QLineEdit()
        self.identifier_edit = QLineEdit()
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self.add_area = QGroupBox()
        grid = QGridLayout(self.add_area)
        grid.addWidget(self._field("role", self.role_box, required=True), 0, 0)
        grid.addWidget(self._field("kind", self.kind_box), 0, 1)
        grid.addWidget(self._field("description", self.description_edit, required=True), 0, 2, 1, 2)
        grid.addWidget(self._field("quantity", self.quantity_edit), 1, 0)
        grid.addWidget(self._field("value", self.value_edit), 1, 1)
        grid.addWidget(self._field("identifier", self.identifier_edit), 1, 2)
        grid.addWidget(self.add_button, 1, 3, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.add_area)
        self.retranslate()

    def retranslate(self) -> None:
        headers = [_("Role"), _("Kind"), _("Description"), _("Quantity"), _("Value"), _("Serial number, tag or plate")]
        self.table.setHorizontalHeaderLabels(headers)
        self.add_area.setTitle(_("Add property"))
        self.add_button.setText(_("Add"))
        names = {
            "role": _("Role"), "kind": _("Kind"), "description": _("Description"), "quantity": _("Quantity"),
            "value": _("Value"), "identifier": _("Serial number, tag or plate"),
        }  # fmt: skip
        for name, text in names.items():
            self.fields.fields[name].set_label(text)
        fill_combo(self.role_box, PROPERTY_ROLE_LABELS)
        fill_combo(self.kind_box, PROPERTY_KIND_LABELS)

    def show_bundle(self, bundle: IncidentBundle, allowed: Allowed) -> None:
        self.incident_id = bundle.incident.id if bundle.incident else None
        self.table.setRowCount(len(bundle.property))
        for row, item in enumerate(bundle.property):
            cells = (
                label_of(PROPERTY_ROLE_LABELS, item.role),
                label_of(PROPERTY_KIND_LABELS, item.kind),
                item.description,
                "" if item.quantity is None else format_number(item.quantity),
                "" if item.value is None else format_number(item.value),
                item.identifier or "",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.add_area.setVisible(allowed.people)

    def _number(self, name: str, edit: QLineEdit, problems: dict[str, str]) -> float | None:
        text = edit.text().strip().replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            problems[name] = _("Enter a number, for example 2 or 1500.")
            return None

    def add(self) -> None:
        if not self.incident_id:
            return
        problems: dict[str, str] = {}
        quantity = self._number("quantity", self.quantity_edit, problems)
        value = self._number("value", self.value_edit, problems)
        if problems:
            self.fields.show_errors(problems)
            return
        incident_id = self.incident_id
        role, kind = self.role_box.currentData(), self.kind_box.currentData()
        description, identifier = self.description_edit.text(), self.identifier_edit.text()

        def change(session: Session, actor: Actor) -> object:
            return people.add_property(
                session=session, actor=actor, incident_id=incident_id, role=role, description=description,
                kind=kind, quantity=quantity, value=value, identifier=identifier,
            )  # fmt: skip

        self._write(change, "propertyitem", self._clear)

    def _clear(self) -> None:
        for edit in (self.description_edit, self.quantity_edit, self.value_edit, self.identifier_edit):
            edit.clear()
