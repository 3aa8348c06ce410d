"""The Domestic violence tab of the incident form: forms and relationship, risk assessments, protective measures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.i18n import _
from station_desk.models import utcnow
from station_desk.models.enums import ViolenceForm
from station_desk.services import domestic_violence
from station_desk.services.context import Actor
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.incident_common import (
    BLUE_CARD_LABELS,
    MEASURE_LABELS,
    RELATIONSHIP_LABELS,
    RISK_LABELS,
    VIOLENCE_FORM_LABELS,
    Allowed,
    IncidentBundle,
    MomentEdit,
    empty_choice,
    fill_combo,
    label_of,
    set_combo_value,
)
from station_desk.ui.dialogs.incident_people import ChildSection


class DomesticViolenceSection(ChildSection):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.timezone = "UTC"
        self.form_checks = {form: QCheckBox() for form in ViolenceForm}
        forms = QWidget()
        forms_layout = QHBoxLayout(forms)
        forms_layout.setContentsMargins(0, 0, 0, 0)
        for check in self.form_checks.values():
            forms_layout.addWidget(check)
        forms_layout.addStretch(1)
        self.relationship_box = QComboBox()
        self.children_check = QCheckBox()
        self.blue_card_box = QComboBox()
        self.referrals_edit = QLineEdit()
        self.details_button = QPushButton()
        self.details_button.clicked.connect(self.save_details)
        self.details_box = QGroupBox()
        grid = QGridLayout(self.details_box)
        grid.addWidget(self._field("forms", forms, required=True), 0, 0, 1, 3)
        grid.addWidget(self._field("relationship", self.relationship_box, required=True), 1, 0)
        grid.addWidget(self._field("blue_card_form", self.blue_card_box), 1, 1)
        grid.addWidget(self.children_check, 1, 2, Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(self._field("referrals", self.referrals_edit), 2, 0, 1, 2)
        grid.addWidget(self.details_button, 2, 2, Qt.AlignmentFlag.AlignBottom)

        self.assessments_label = QLabel()
        self.assessment_form_edit = QLineEdit()
        self.level_box = QComboBox()
        self.assessed_edit = MomentEdit()
        self.assess_button = QPushButton()
        self.assess_button.clicked.connect(self.add_assessment)
        self.risk_box = QGroupBox()
        grid = QGridLayout(self.risk_box)
        grid.addWidget(self.assessments_label, 0, 0, 1, 4)
        grid.addWidget(self._field("form", self.assessment_form_edit, required=True), 1, 0)
        grid.addWidget(self._field("level", self.level_box, required=True), 1, 1)
        grid.addWidget(self._field("assessed_at", self.assessed_edit, required=True), 1, 2)
        grid.addWidget(self.assess_button, 1, 3, Qt.AlignmentFlag.AlignBottom)

        self.measures_label = QLabel()
        self.kind_box = QComboBox()
        self.issued_edit = MomentEdit()
        self.expires_edit = MomentEdit(optional=True)
        self.against_box = QComboBox()
        self.document_edit = QLineEdit()
        self.measure_button = QPushButton()
        self.measure_button.clicked.connect(self.add_measure)
        self.measure_box = QGroupBox()
        grid = QGridLayout(self.measure_box)
        grid.addWidget(self.measures_label, 0, 0, 1, 3)
        grid.addWidget(self._field("kind", self.kind_box, required=True), 1, 0)
        grid.addWidget(self._field("issued_at", self.issued_edit, required=True), 1, 1)
        grid.addWidget(self._field("expires_at", self.expires_edit), 1, 2)
        grid.addWidget(self._field("against_person_id", self.against_box), 2, 0)
        grid.addWidget(self._field("document_number", self.document_edit), 2, 1)
        grid.addWidget(self.measure_button, 2, 2, Qt.AlignmentFlag.AlignBottom)
        for label in (self.assessments_label, self.measures_label):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.message)
        column.addWidget(self.details_box)
        column.addWidget(self.risk_box)
        column.addWidget(self.measure_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.retranslate()

    def retranslate(self) -> None:
        for form, check in self.form_checks.items():
            check.setText(label_of(VIOLENCE_FORM_LABELS, form))
        self.children_check.setText(_("Children were present"))
        self.details_box.setTitle(_("What happened and between whom"))
        self.details_button.setText(_("Save these details"))
        self.risk_box.setTitle(_("Risk assessment"))
        self.assess_button.setText(_("Add assessment"))
        self.measure_box.setTitle(_("Protective measures"))
        self.measure_button.setText(_("Add measure"))
        self.assessment_form_edit.setPlaceholderText(_("e.g. the national risk questionnaire"))
        names = {
            "forms": _("Forms of violence"), "relationship": _("Relationship of victim and offender"),
            "blue_card_form": _("Blue Card form"), "referrals": _("Referred to (shelter, social services, medical)"),
            "form": _("Assessment form"), "level": _("Risk level"), "assessed_at": _("Assessed at"),
            "kind": _("Measure"), "issued_at": _("Issued at"), "expires_at": _("Expires at"),
            "against_person_id": _("Against"), "document_number": _("Document number"),
        }  # fmt: skip
        for name, text in names.items():
            self.fields.fields[name].set_label(text)
        fill_combo(self.relationship_box, RELATIONSHIP_LABELS, empty=empty_choice())
        fill_combo(self.blue_card_box, BLUE_CARD_LABELS, empty=_("— none —"))
        fill_combo(self.level_box, RISK_LABELS, empty=empty_choice())
        fill_combo(self.kind_box, MEASURE_LABELS, empty=empty_choice())

    def show_bundle(self, bundle: IncidentBundle, allowed: Allowed) -> None:
        self.incident_id = bundle.incident.id if bundle.incident else None
        lookups, summary = bundle.lookups, bundle.dv
        if self.timezone != lookups.timezone:
            self.timezone = lookups.timezone
            for moment in (self.assessed_edit, self.issued_edit, self.expires_edit):
                moment.set_timezone(lookups.timezone)
                moment.set_value(utcnow() if moment is not self.expires_edit else None)
        details = summary.details if summary else None
        if details is not None:
            for form, check in self.form_checks.items():
                check.setChecked(bool(getattr(details, form.value)))
            set_combo_value(self.relationship_box, details.relationship)
            set_combo_value(self.blue_card_box, details.blue_card_form)
            self.children_check.setChecked(details.children_present)
            self.referrals_edit.setText(details.referrals or "")
        assessments = summary.assessments if summary else []
        self.assessments_label.setText(
            "\n".join(
                f"{lookups.when(a.assessed_at)} · {label_of(RISK_LABELS, a.level)} · {a.form}" for a in assessments
            )
            or _("No risk assessment yet.")
        )
        lines = []
        for entry in summary.measures if summary else []:
            measure = entry.measure
            period = lookups.when(measure.issued_at)
            if measure.expires_at:
                period += " – " + lookups.when(measure.expires_at)
            parts = [label_of(MEASURE_LABELS, measure.kind), period]
            if measure.document_number:
                parts.append(_("No. {number}").format(number=measure.document_number))
            if entry.breaches:
                parts.append(_("breaches: {count}").format(count=len(entry.breaches)))
            lines.append(" · ".join(parts))
        self.measures_label.setText("\n".join(lines) or _("No protective measure yet."))
        chosen = self.against_box.currentData()
        self.against_box.clear()
        self.against_box.addItem(_("— none —"), None)
        for _involvement, person in bundle.people:
            self.against_box.addItem(f"{person.last_name} {person.first_name}", person.id)
        set_combo_value(self.against_box, chosen)
        for box in (self.details_box, self.risk_box, self.measure_box):
            box.setEnabled(allowed.dv)

    def save_details(self) -> None:
        if not self.incident_id:
            return
        incident_id = self.incident_id
        forms = [form.value for form, check in self.form_checks.items() if check.isChecked()]
        relationship, blue_card = self.relationship_box.currentData(), self.blue_card_box.currentData()
        children, referrals = self.children_check.isChecked(), self.referrals_edit.text()

        def change(session: Session, actor: Actor) -> object:
            return domestic_violence.set_dv_details(
                session=session, actor=actor, incident_id=incident_id, forms=forms, relationship=relationship,
                children_present=children, blue_card_form=blue_card, referrals=referrals,
            )  # fmt: skip

        self._write(change, "incident")

    def add_assessment(self) -> None:
        if not self.incident_id:
            return
        incident_id, form, level = self.incident_id, self.assessment_form_edit.text(), self.level_box.currentData()
        when = self.assessed_edit.value()

        def change(session: Session, actor: Actor) -> object:
            return domestic_violence.add_risk_assessment(
                session=session, actor=actor, incident_id=incident_id, form=form, answers={}, level=level,
                assessed_at=when,
            )  # fmt: skip

        self._write(change, "riskassessment", lambda: self.level_box.setCurrentIndex(0))

    def add_measure(self) -> None:
        if not self.incident_id:
            return
        incident_id, kind = self.incident_id, self.kind_box.currentData()
        issued, expires = self.issued_edit.value(), self.expires_edit.value()
        against, number = self.against_box.currentData(), self.document_edit.text()

        def change(session: Session, actor: Actor) -> object:
            return domestic_violence.add_protective_measure(
                session=session, actor=actor, incident_id=incident_id, kind=kind, issued_at=issued,
                expires_at=expires, against_person_id=against, document_number=number,
            )  # fmt: skip

        self._write(change, "protectivemeasure", self.document_edit.clear)
