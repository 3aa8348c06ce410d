"""The People page: find a person by name (Latin or Cyrillic), see every incident they appear in, add or edit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any
from zoneinfo import ZoneInfo

import qtawesome as qta
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session, col, select

from station_desk.i18n import _, current_language, format_date, ngettext
from station_desk.models import Category, Incident, Involvement, Person
from station_desk.models.enums import InvolvementRole
from station_desk.services import people, privacy
from station_desk.services.context import Actor
from station_desk.services.incidents import status_label
from station_desk.services.today import category_name
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.person_form import PersonDialog, role_labels
from station_desk.ui.pages.base import Page
from station_desk.ui.pages.community_tabs import fit_columns_once, make_table, station_basics
from station_desk.ui.table_models.rows import RowsModel

SEARCH_DELAY_MS = 300
SEARCH_LIMIT = 50
HEADING_STYLE = "font-weight: bold;"
PersonIncident = tuple[Incident, Involvement]


def full_name(person: Person) -> str:
    return " ".join(part for part in (person.last_name, person.first_name, person.patronymic) if part)


@dataclass
class Found:
    persons: list[Person]
    timezone: str
    villages: list[tuple[str, str]]


@dataclass
class History:
    rows: list[PersonIncident]
    categories: dict[str, str] = field(default_factory=dict)


class PersonsModel(RowsModel[Person]):
    COL_NAME, COL_BORN, COL_VILLAGE, COL_MINOR = range(4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = date.today()

    def headers(self) -> list[str]:
        return [_("Name"), _("Date of birth or age"), _("Village"), _("Minor")]

    def display(self, record: Person, column: int) -> str:
        if column == self.COL_NAME:
            return full_name(record)
        if column == self.COL_BORN:
            if record.birth_date:
                return format_date(record.birth_date)
            age = record.age_on(self.today)
            return _("about {age} years").format(age=age) if age is not None else ""
        if column == self.COL_VILLAGE:
            return self.village(record.village_id)
        return _("minor") if record.is_minor_on(self.today) else ""

    def sort_key(self, record: Person, column: int) -> Any:
        if column == self.COL_BORN:
            return -1 if (age := record.age_on(self.today)) is None else age
        return super().sort_key(record, column)


class PersonIncidentsModel(RowsModel[PersonIncident]):
    COL_NUMBER, COL_REPORTED, COL_CATEGORY, COL_ROLE, COL_STATUS = range(5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories: dict[str, str] = {}

    def headers(self) -> list[str]:
        return [_("Number"), _("Reported on"), _("Category"), _("Role"), _("Status")]

    def display(self, record: PersonIncident, column: int) -> str:
        incident, involvement = record
        if column == self.COL_NUMBER:
            return incident.number
        if column == self.COL_REPORTED:
            return format_date(incident.reported_at.astimezone(ZoneInfo(self.timezone)).date())
        if column == self.COL_CATEGORY:
            return self.categories.get(incident.category_code, incident.category_code)
        if column == self.COL_ROLE:
            role = role_labels()[involvement.role]
            return _("{role} (a minor then)").format(role=role) if involvement.minor_at_time else role
        return status_label(incident.status)

    def sort_key(self, record: PersonIncident, column: int) -> Any:
        if column == self.COL_REPORTED:
            return record[0].reported_at.astimezone(UTC).isoformat()
        return super().sort_key(record, column)


class PeoplePage(Page):
    """A person's data is sensitive: nothing is listed until a name is typed."""

    watches = ("person", "involvement", "incident")

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.villages: list[tuple[str, str]] = []
        self.dialog: QDialog | None = None
        self._query = ""
        self._search_generation = 0
        self._history_generation = 0
        self._select_after_search: str | None = None

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)  # wait for a pause in typing, not a query per key
        self._timer.timeout.connect(self.search_now)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.addAction(qta.icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.search_now)
        self.new_button = QPushButton(qta.icon("mdi6.account-plus-outline"), "")
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.new_person)
        self.add_shortcuts(new=self.new_person, find=self.search)
        self.edit_button = QPushButton(qta.icon("mdi6.pencil-outline"), "")
        self.edit_button.setEnabled(False)
        self.edit_button.clicked.connect(self.edit_person)
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.search, 1)
        toolbar.addWidget(self.new_button)
        toolbar.addWidget(self.edit_button)

        self.model = PersonsModel()
        self.table, self.proxy = make_table(
            self.model, "people/persons/header", PersonsModel.COL_NAME, Qt.SortOrder.AscendingOrder
        )
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._person_selected())
        self.table.doubleClicked.connect(lambda _index: self.edit_person())
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.results = QStackedWidget()
        self.results.addWidget(self.empty)
        self.results.addWidget(self.table)

        self.person_heading = QLabel()
        self.person_heading.setStyleSheet(HEADING_STYLE)
        self.person_details = QLabel()
        self.person_details.setWordWrap(True)
        self.person_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.incidents_model = PersonIncidentsModel()
        self.incidents_table, self.incidents_proxy = make_table(
            self.incidents_model, "people/incidents/header", PersonIncidentsModel.COL_REPORTED
        )
        self.no_incidents = QLabel()
        self.no_incidents.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_incidents.setWordWrap(True)
        self.history_stack = QStackedWidget()
        self.history_stack.addWidget(self.no_incidents)
        self.history_stack.addWidget(self.incidents_table)
        self.history = QWidget()
        history_layout = QVBoxLayout(self.history)
        history_layout.setContentsMargins(0, 6, 0, 0)
        history_layout.addWidget(self.person_heading)
        history_layout.addWidget(self.person_details)
        history_layout.addWidget(self.summary)
        history_layout.addWidget(self.history_stack, 1)
        self.history.hide()

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.results)
        splitter.addWidget(self.history)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([300, 300])
        self.layout_.addLayout(toolbar)
        self.layout_.addWidget(splitter, 1)

    def title(self) -> str:
        return _("People")

    def retranslate(self) -> None:
        super().retranslate()
        self.search.setPlaceholderText(_("Type a name: last name first, in Latin or Cyrillic letters"))
        self.new_button.setText(_("New person"))
        self.edit_button.setText(_("Edit person"))
        self.model.retranslate()
        self.incidents_model.retranslate()
        self._show_empty_text()
        self._person_selected()

    # -- search -------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Search again with what is typed (after a change anywhere), or just fetch the villages."""
        self.search_now()

    def search_now(self) -> None:
        self._timer.stop()
        self._search_generation += 1
        generation = self._search_generation
        query = self.search.text().strip()

        def work(session: Session, actor: Actor) -> Found:
            basics = station_basics(session, actor)
            if not query:
                return Found([], basics.timezone, basics.villages)
            persons = people.find_persons(session=session, actor=actor, query=query, limit=SEARCH_LIMIT)
            return Found(persons, basics.timezone, basics.villages)

        self.context.read(work, lambda found: self._show_found(generation, query, found), self._show_error)

    def _show_error(self, error: Exception) -> None:
        self.empty.setText(describe_error(error))
        self.results.setCurrentWidget(self.empty)

    def _show_found(self, generation: int, query: str, found: Found) -> None:
        if generation != self._search_generation:
            return  # the officer typed on; a newer search is on its way
        selected = self.selected()
        keep = self._select_after_search or (selected.id if selected else None)
        self._select_after_search = None
        self._query = query
        self.villages = found.villages
        self.model.today = date.today()
        self.model.set_rows(found.persons, timezone=found.timezone, villages=dict(found.villages))
        self.incidents_model.timezone = found.timezone
        self._show_empty_text()
        self.results.setCurrentWidget(self.table if found.persons else self.empty)
        fit_columns_once(self.table, widest=360)
        if keep and not self.select_id(keep) and len(found.persons) == 1:
            self.table.selectRow(0)
        elif not keep and len(found.persons) == 1:
            self.table.selectRow(0)  # one match: show their incidents straight away
        self._person_selected()

    def _show_empty_text(self) -> None:
        if not self._query:
            self.empty.setText(_("Type a name to find a person. Latin letters find Cyrillic names too."))
        else:
            self.empty.setText(
                _("No one found for “{query}”. Check the spelling, or press “New person” to record them.").format(
                    query=self._query
                )
            )

    def select_id(self, person_id: str) -> bool:
        for row, person in enumerate(self.model.rows):
            if person.id == person_id:
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
                return True
        return False

    def select_row(self, row: int) -> None:
        """Select the person shown at a position in the (sorted) results."""
        self.table.selectRow(row)

    def selected(self) -> Person | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.model.rows:
            return None
        source = self.proxy.mapToSource(rows[0])
        return self.model.row_at(source.row()) if source.isValid() else None

    # -- the selected person's incidents ------------------------------------------------------------------

    def _person_selected(self, *_args: QModelIndex) -> None:
        person = self.selected()
        self.edit_button.setEnabled(person is not None)
        self.history.setVisible(person is not None)
        self._history_generation += 1
        if person is None:
            return
        generation = self._history_generation
        self.person_heading.setText(_("Incidents of {name}").format(name=full_name(person)))
        self.person_details.setText(self._details(person))
        self.summary.setText(_("Loading…"))
        self._load_history(generation, person)

    def _load_history(self, generation: int, person: Person, reason: str | None = None) -> None:
        """Opening a person's incidents is a consultation the law has logged: a write, with a reason if needed."""
        person_id, language = person.id, current_language()

        def work(session: Session, actor: Actor) -> History:
            privacy.open_person(session, actor, person_id, reason)
            rows = people.incidents_of_person(session=session, actor=actor, person_id=person_id)
            codes = {incident.category_code for incident, _involvement in rows}
            categories = session.exec(select(Category).where(col(Category.code).in_(codes))).all() if codes else []
            return History(rows, {category.code: category_name(category, language) for category in categories})

        self.context.write(
            work,
            lambda history: self._show_history(generation, person, history),
            lambda error: self._history_refused(error, generation, person),
        )

    def _history_refused(self, error: Exception, generation: int, person: Person) -> None:
        if generation != self._history_generation:
            return
        if not isinstance(error, privacy.ReasonRequired):
            self._show_error(error)
            return
        self.summary.setText(_("A reason is needed to open this record."))
        prompt = QInputDialog(self)
        prompt.setWindowTitle(_("Why do you open this record?"))
        prompt.setLabelText(error.message)
        prompt.setOkButtonText(_("OK"))
        prompt.setCancelButtonText(_("Cancel"))
        prompt.textValueSelected.connect(
            lambda reason: self._load_history(generation, person, reason) if reason.strip() else None
        )
        prompt.finished.connect(prompt.deleteLater)
        self.reason_prompt = prompt
        prompt.open()

    def _details(self, person: Person) -> str:
        parts = [
            self.model.display(person, PersonsModel.COL_BORN),
            self.model.village(person.village_id),
            person.address or "",
            person.phone or "",
        ]
        return " · ".join(part for part in parts if part)

    def _show_history(self, generation: int, person: Person, history: History) -> None:
        if generation != self._history_generation:
            return
        self.incidents_model.categories = history.categories
        self.incidents_model.set_rows(history.rows)
        self.history_stack.setCurrentWidget(self.incidents_table if history.rows else self.no_incidents)
        self.no_incidents.setText(_("{name} appears in no incident.").format(name=full_name(person)))
        fit_columns_once(self.incidents_table)
        self.summary.setText(self._summary(history.rows))

    @staticmethod
    def _summary(rows: list[PersonIncident]) -> str:
        """How often this person was a victim or an offender: the repeat cases an officer must notice."""
        if not rows:
            return ""
        total = ngettext("Appears in {count} incident", "Appears in {count} incidents", len(rows)).format(
            count=len(rows)
        )
        roles = Counter(involvement.role for _incident, involvement in rows)
        labels = role_labels()
        by_role = [
            _("{role}: {count}").format(role=labels[role], count=count)
            for role in InvolvementRole
            if (count := roles.get(role))
        ]
        return f"{total} — {', '.join(by_role)}" if by_role else total

    # -- new and edit -------------------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> QDialog:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.open()
        return dialog

    def new_person(self) -> QDialog:
        return self._open(PersonDialog(self.context, self.villages, None, self))

    def edit_person(self) -> QDialog | None:
        person = self.selected()
        return self._open(PersonDialog(self.context, self.villages, person, self)) if person else None

    def _saved(self, dialog: QDialog) -> None:
        person = getattr(dialog, "saved_record", None)
        if not isinstance(person, Person):
            return
        # Show the person just saved: search for their name, then select them in the results.
        self._select_after_search = person.id
        name = f"{person.last_name} {person.first_name}"
        if self.search.text() != name:
            self.search.setText(name)
        self.search_now()
