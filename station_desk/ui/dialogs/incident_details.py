"""The Details tab of the incident form: every field of the incident itself, filled from and read into the service."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)

from station_desk.i18n import N_, _
from station_desk.models import Incident, utcnow
from station_desk.services.incidents import IncidentInput
from station_desk.ui.dialogs.incident_common import (
    CONFIDENTIALITY_LABELS,
    LEGAL_TYPE_LABELS,
    OUTCOME_LABELS,
    SOURCE_LABELS,
    Lookups,
    MomentEdit,
    empty_choice,
    fill_combo,
    plain_categories,
    set_combo_value,
)
from station_desk.ui.widgets.forms import EnterMovesOn, Field, FieldSet

# Field name (as the service names it) -> label; GRID places them three to a row.
LABELS = {
    "reported_at": N_("Reported at"),
    "occurred_from": N_("Happened from"),
    "occurred_to": N_("Happened until"),
    "category_code": N_("Category"),
    "legal_type": N_("Legal type"),
    "source": N_("How it came in"),
    "village_id": N_("Village"),
    "address": N_("Address"),
    "latitude": N_("Latitude (optional)"),
    "longitude": N_("Longitude (optional)"),
    "confidentiality": N_("Confidentiality"),
    "outcome": N_("Outcome"),
    "due_on": N_("Due by"),
    "domestic_violence": N_("Domestic violence"),
    "national_register_number": N_("National register number"),
    "blue_card_number": N_("Blue Card number"),
    "narrative": N_("What happened"),
}
REQUIRED = {"reported_at", "category_code", "source"}
GRID = (
    ("reported_at", "occurred_from", "occurred_to"),
    ("category_code", "legal_type", "source"),
    ("village_id", "address", "address"),
    ("latitude", "longitude", "confidentiality"),
    ("outcome", "due_on", "domestic_violence"),
    ("national_register_number", "blue_card_number", None),
)


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


class DetailsSection(QScrollArea):
    """The incident's own fields; `edited` tells the form something was typed since the last fill."""

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.reported_edit = MomentEdit()
        self.occurred_from_edit = MomentEdit(optional=True)
        self.occurred_to_edit = MomentEdit(optional=True)
        self.category_box = QComboBox()
        self.category_box.setMinimumContentsLength(20)
        self.legal_box = QComboBox()
        self.source_box = QComboBox()
        self.village_box = QComboBox()
        self.address_edit = QLineEdit()
        self.latitude_edit = QLineEdit()
        self.longitude_edit = QLineEdit()
        self.confidentiality_box = QComboBox()
        self.outcome_box = QComboBox()
        self.due_edit = MomentEdit(optional=True, date_only=True)
        self.dv_check = QCheckBox()
        self.national_edit = QLineEdit()
        self.blue_card_edit = QLineEdit()
        self.narrative_edit = QPlainTextEdit()
        self.narrative_edit.setTabChangesFocus(True)
        self.narrative_edit.setMinimumHeight(120)
        self.editors: dict[str, QWidget] = {
            "reported_at": self.reported_edit, "occurred_from": self.occurred_from_edit,
            "occurred_to": self.occurred_to_edit, "category_code": self.category_box, "legal_type": self.legal_box,
            "source": self.source_box, "village_id": self.village_box, "address": self.address_edit,
            "latitude": self.latitude_edit, "longitude": self.longitude_edit,
            "confidentiality": self.confidentiality_box, "outcome": self.outcome_box, "due_on": self.due_edit,
            "domestic_violence": self.dv_check, "national_register_number": self.national_edit,
            "blue_card_number": self.blue_card_edit, "narrative": self.narrative_edit,
        }  # fmt: skip
        self.fields = FieldSet()
        self._enter = EnterMovesOn(self)
        for name, editor in self.editors.items():
            self.fields.add(name, Field("", editor, required=name in REQUIRED))
            (editor.edit if isinstance(editor, MomentEdit) else editor).installEventFilter(self._enter)

        content = QWidget()
        grid = QGridLayout(content)
        grid.setHorizontalSpacing(16)
        for row, cells in enumerate(GRID):
            for column, cell in enumerate(cells):
                # A name repeated across columns spans them.
                if cell and (column == 0 or cells[column - 1] != cell):
                    field = self.fields.fields[cell]
                    # Top-aligned, so a message under one field does not push its neighbours' labels down.
                    grid.addWidget(field, row, column, 1, cells.count(cell), Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.fields.fields["narrative"], len(GRID), 0, 1, 3)
        grid.setRowStretch(len(GRID), 1)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        # A locked record is read, not edited: its greyed-out lists and dates keep the normal text colour.
        content.setStyleSheet(
            "QComboBox:disabled, QDateTimeEdit:disabled, QCheckBox:disabled { color: palette(window-text); }"
        )
        self.setWidgetResizable(True)
        self.setWidget(content)
        self._filling = False
        self._watch_changes()
        self.retranslate()

    def retranslate(self) -> None:
        for name, field in self.fields.fields.items():
            # The tick box says it itself; an empty label keeps it level with its neighbours.
            field.set_label(_(LABELS[name]) if name != "domestic_violence" else " ")
        self.dv_check.setText(_("Domestic violence"))
        self.latitude_edit.setPlaceholderText(_("e.g. {example}").format(example="50.4501"))
        self.longitude_edit.setPlaceholderText(_("e.g. {example}").format(example="30.5234"))

    def _watch_changes(self) -> None:
        def touched(*_args: Any) -> None:
            if not self._filling:
                self.edited.emit()

        for editor in self.editors.values():
            if isinstance(editor, MomentEdit):
                editor.edit.dateTimeChanged.connect(touched)
                editor.known.toggled.connect(touched)
            elif isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(touched)
            elif isinstance(editor, QLineEdit | QPlainTextEdit):
                editor.textChanged.connect(touched)
            elif isinstance(editor, QCheckBox):
                editor.toggled.connect(touched)

    def fill(self, lookups: Lookups, incident: Incident | None) -> None:
        """Show the incident (or a new one reported now), with the station's lists in the current language."""
        self._filling = True
        try:
            for moment in (self.reported_edit, self.occurred_from_edit, self.occurred_to_edit, self.due_edit):
                moment.set_timezone(lookups.timezone)
            self.category_box.clear()
            self.category_box.addItem(empty_choice(), None)
            for code, name in plain_categories(lookups):
                self.category_box.addItem(name, code)
            self.village_box.clear()
            self.village_box.addItem(_("— none —"), None)
            for village_id, name in lookups.villages:
                self.village_box.addItem(name, village_id)
            fill_combo(self.legal_box, LEGAL_TYPE_LABELS, empty=_("As the category says"))
            fill_combo(self.source_box, SOURCE_LABELS)
            fill_combo(self.outcome_box, OUTCOME_LABELS)
            fill_combo(self.confidentiality_box, CONFIDENTIALITY_LABELS)
            if incident is None:
                self.reported_edit.set_value(utcnow())
                return
            self.reported_edit.set_value(incident.reported_at)
            self.occurred_from_edit.set_value(incident.occurred_from)
            self.occurred_to_edit.set_value(incident.occurred_to)
            set_combo_value(self.category_box, incident.category_code)
            set_combo_value(self.legal_box, incident.legal_type)
            set_combo_value(self.source_box, incident.source)
            set_combo_value(self.village_box, incident.village_id)
            self.address_edit.setText(incident.address or "")
            self.latitude_edit.setText(_coordinate(incident.latitude))
            self.longitude_edit.setText(_coordinate(incident.longitude))
            set_combo_value(self.confidentiality_box, incident.confidentiality)
            set_combo_value(self.outcome_box, incident.outcome)
            self.due_edit.set_value(incident.due_on)
            self.dv_check.setChecked(incident.domestic_violence)
            self.national_edit.setText(incident.national_register_number or "")
            self.blue_card_edit.setText(incident.blue_card_number or "")
            self.narrative_edit.setPlainText(incident.narrative)
        finally:
            self._filling = False
            self.fields.clear()

    def set_editable(self, editable: bool) -> None:
        for field in self.fields.fields.values():
            editor = field.editor
            if isinstance(editor, MomentEdit):
                editor.set_read_only(not editable)
            elif isinstance(editor, QLineEdit | QPlainTextEdit):
                # Read-only rather than disabled: the text stays black and can still be selected and copied.
                editor.setReadOnly(not editable)
            else:
                editor.setEnabled(editable)

    def _number(self, name: str, edit: QLineEdit, problems: dict[str, str]) -> float | None:
        text = edit.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            problems[name] = _("Enter a number, for example 50.4501.")
            return None

    def collect(self, incident: Incident | None) -> tuple[IncidentInput, dict[str, str]]:
        """The form as the service's input, and the problems found before asking the service (unreadable numbers)."""
        problems: dict[str, str] = {}
        data = IncidentInput(
            reported_at=self.reported_edit.value(),
            category_code=self.category_box.currentData(),
            source=self.source_box.currentData(),
            occurred_from=self.occurred_from_edit.value(),
            occurred_to=self.occurred_to_edit.value(),
            village_id=self.village_box.currentData(),
            address=self.address_edit.text(),
            latitude=self._number("latitude", self.latitude_edit, problems),
            longitude=self._number("longitude", self.longitude_edit, problems),
            legal_type=self.legal_box.currentData(),
            domestic_violence=self.dv_check.isChecked(),
            narrative=self.narrative_edit.toPlainText(),
            outcome=self.outcome_box.currentData(),
            due_on=self.due_edit.value(),
            national_register_number=self.national_edit.text(),
            blue_card_number=self.blue_card_edit.text(),
            confidentiality=self.confidentiality_box.currentData(),
            # The form does not show the patrol link; keep it as it was.
            patrol_id=incident.patrol_id if incident else None,
        )
        return data, problems
