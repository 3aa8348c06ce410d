"""The incident form: every field of an incident, its people, property, domestic violence, notes and workflow."""

from __future__ import annotations

from collections.abc import Callable

import qtawesome as qta
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session, col, select

from station_desk.errors import ValidationFailed
from station_desk.i18n import _
from station_desk.models import AuditEntry, Incident
from station_desk.services import domestic_violence, incidents, people, privacy
from station_desk.services.context import Actor
from station_desk.services.incidents import status_label
from station_desk.services.records import get_record
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.incident_common import (
    Allowed,
    IncidentBundle,
    allowed_for,
    load_lookups,
)
from station_desk.ui.dialogs.incident_details import LABELS, DetailsSection
from station_desk.ui.dialogs.incident_dv import DomesticViolenceSection
from station_desk.ui.dialogs.incident_people import PeopleSection, PropertySection
from station_desk.ui.dialogs.incident_timeline import HistorySection, TimelineSection
from station_desk.ui.dialogs.unsaved import ask_to_discard

BANNER_STYLES = {
    "error": "background: #fde7e5; color: #8c1d18; border: 1px solid #e6b3ae; padding: 6px; border-radius: 4px;",
    "info": "background: #e8f0fe; color: #1a3a6b; border: 1px solid #b6c8ea; padding: 6px; border-radius: 4px;",
    "done": "background: #e6f4ea; color: #0d4d21; border: 1px solid #a8d5b5; padding: 6px; border-radius: 4px;",
}


def load_bundle(session: Session, actor: Actor, incident_id: str | None) -> IncidentBundle:
    bundle = IncidentBundle(lookups=load_lookups(session, actor))
    if incident_id is None:
        return bundle
    bundle.incident = get_record(session, Incident, incident_id, actor=actor)
    bundle.people = people.people_of_incident(session=session, actor=actor, incident_id=incident_id)
    bundle.property = people.property_of_incident(session=session, actor=actor, incident_id=incident_id)
    bundle.dv = domestic_violence.dv_summary(session=session, actor=actor, incident_id=incident_id)
    bundle.notes = incidents.timeline(session=session, actor=actor, incident_id=incident_id)
    bundle.history = list(
        session.exec(select(AuditEntry).where(AuditEntry.record_id == incident_id).order_by(col(AuditEntry.seq)))
    )
    return bundle


def _on_incident(
    step: Callable[..., object], incident_id: str | None, **text: str
) -> Callable[[Session, Actor], object]:
    """A workflow service call (approve, close, return, void) on one incident as a write; `text`: its note or reason."""
    return lambda s, a: step(session=s, actor=a, incident_id=incident_id or "", **text)


class IncidentForm(QDialog):
    """Opens on an incident id, or on a new incident when the id is None; all reads and writes in the background."""

    saved = Signal(str)
    loaded = Signal()

    def __init__(self, context: AppContext, incident_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.incident_id = incident_id
        self.bundle: IncidentBundle | None = None
        self.allowed = Allowed()
        self.is_loaded = False
        self._dirty = False
        self.prompt: QInputDialog | None = None
        self.resize(1060, 680)

        self.details = DetailsSection()
        self.details.edited.connect(self._mark_dirty)
        self.dv_check = self.details.dv_check

        self.people_section = PeopleSection(context)
        self.property_section = PropertySection(context)
        self.dv_section = DomesticViolenceSection(context)
        self.timeline_section = TimelineSection(context)
        self.history_section = HistorySection(LABELS)
        for section in (self.people_section, self.property_section, self.dv_section, self.timeline_section):
            section.changed.connect(lambda: self.load(fields=False))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.details, "")
        for tab in (
            self.people_section, self.property_section, self.dv_section, self.timeline_section, self.history_section,
        ):  # fmt: skip
            self.tabs.addTab(tab, "")
        self.dv_check.toggled.connect(self._show_dv_tab)

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.status_chip = QLabel()
        self.status_chip.setStyleSheet("padding: 2px 8px; border-radius: 8px; background: palette(midlight);")
        self.dv_chip = QLabel()
        self.dv_chip.setPixmap(qta.icon("mdi6.shield-alert-outline", color="#b3261e").pixmap(20, 20))
        self.notice = QLabel()
        self.message = QLabel()
        for banner in (self.notice, self.message):
            banner.setWordWrap(True)
            banner.hide()

        self.submit_button = QPushButton(qta.icon("mdi6.send-outline"), "")
        self.return_button = QPushButton(qta.icon("mdi6.undo-variant"), "")
        self.approve_button = QPushButton(qta.icon("mdi6.check-decagram-outline"), "")
        self.close_incident_button = QPushButton(qta.icon("mdi6.archive-check-outline"), "")
        self.void_button = QPushButton(qta.icon("mdi6.cancel"), "")
        self.supplement_button = QPushButton(qta.icon("mdi6.note-plus-outline"), "")
        self.save_button = QPushButton(qta.icon("mdi6.content-save-outline"), "")
        self.cancel_button = QPushButton()
        for button in (
            self.submit_button, self.return_button, self.approve_button, self.close_incident_button,
            self.void_button, self.supplement_button, self.save_button, self.cancel_button,
        ):  # fmt: skip
            button.setAutoDefault(False)
        self.save_button.setDefault(True)
        self.submit_button.clicked.connect(self.submit)
        self.return_button.clicked.connect(self.send_back)
        self.approve_button.clicked.connect(self.approve)
        self.close_incident_button.clicked.connect(self.close_incident)
        self.void_button.clicked.connect(self.void)
        self.supplement_button.clicked.connect(self.add_supplement)
        self.save_button.clicked.connect(lambda: self.save())
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self._save_shortcut)

        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.status_chip)
        header.addWidget(self.dv_chip)
        header.addStretch(1)
        buttons = QHBoxLayout()
        for button in (
            self.submit_button, self.return_button, self.approve_button, self.close_incident_button,
            self.void_button, self.supplement_button,
        ):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.notice)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self.retranslate()
        self.tabs.setEnabled(False)  # until the incident has arrived
        self._apply_allowed()
        self.load()

    # -- text ------------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.details.retranslate()
        tab_titles = (_("Details"), _("People"), _("Property"), _("Domestic violence"), _("Notes"), _("History"))
        for index, text in enumerate(tab_titles):
            self.tabs.setTabText(index, text)
        self.submit_button.setText(_("Submit"))
        self.submit_button.setToolTip(_("Save and send to the commander for approval"))
        self.return_button.setText(_("Return…"))
        self.return_button.setToolTip(_("Send back to the officer with a note of what to change"))
        self.approve_button.setText(_("Approve"))
        self.approve_button.setToolTip(_("Approve and lock the record; later additions become supplements"))
        self.close_incident_button.setText(_("Close incident"))
        self.void_button.setText(_("Void…"))
        self.void_button.setToolTip(_("Mark the record as wrong, with a reason; it is kept, never deleted"))
        self.supplement_button.setText(_("Add supplement"))
        self.save_button.setText(_("Save"))
        self.save_button.setToolTip(_("Save (Ctrl+S)"))
        self.cancel_button.setText(_("Close"))
        self._show_header()

    def _show_header(self) -> None:
        incident = self.bundle.incident if self.bundle else None
        if incident is None:
            self.title.setText(_("New incident"))
            self.setWindowTitle(_("New incident"))
            self.status_chip.hide()
        else:
            text = _("Incident {number}").format(number=incident.number)
            self.title.setText(text)
            self.setWindowTitle(text)
            self.status_chip.setText(status_label(incident.status))
            self.status_chip.show()
        self.dv_chip.setVisible(bool(incident and incident.domestic_violence))
        self.dv_chip.setToolTip(_("Domestic violence"))
        notice = self._notice_text()
        self.notice.setText(notice)
        self.notice.setStyleSheet(BANNER_STYLES["info"])
        self.notice.setVisible(bool(notice))

    def _notice_text(self) -> str:
        incident = self.bundle.incident if self.bundle else None
        if incident is None:
            return ""
        status = incident.status.value
        if status == "returned" and incident.return_note:
            return _("Returned by the commander: {note}").format(note=incident.return_note)
        if status == "voided":
            return _("This record was voided: {reason}").format(reason=incident.void_reason or "")
        if status in ("approved", "closed"):
            return _("This record is approved and locked. Add a supplement instead of changing it.")
        if status == "submitted" and not self.allowed.edit:
            return _("This record is waiting for approval. Ask the commander to return it if it needs a change.")
        return ""

    def show_message(self, text: str, kind: str = "error") -> None:
        self.message.setText(text)
        self.message.setStyleSheet(BANNER_STYLES[kind])
        self.message.setVisible(bool(text))

    # -- loading ---------------------------------------------------------------------------------------------

    def load(self, *, fields: bool = True, reason: str | None = None) -> None:
        """Read the incident again; `fields=False` keeps what is being typed in the details (a section changed)."""
        incident_id = self.incident_id
        if incident_id is not None and not self.is_loaded:
            # The first opening is written: it is audited, and a sensitive record needs a reason first.
            opened_id: str = incident_id

            def opening(session: Session, actor: Actor) -> IncidentBundle:
                privacy.open_incident(session, actor, opened_id, reason)
                return load_bundle(session, actor, opened_id)

            self.context.write(opening, lambda bundle: self._loaded(bundle, fields=True), self._open_refused)
            return
        self.context.read(
            lambda session, actor: load_bundle(session, actor, incident_id),
            lambda bundle: self._loaded(bundle, fields=fields or not self.is_loaded),
            lambda error: self.show_message(describe_error(error)),
        )

    def _open_refused(self, error: Exception) -> None:
        if isinstance(error, privacy.ReasonRequired):
            self.ask_text(_("Why do you open this record?"), error.message, self._open_with_reason)
            if self.prompt is not None:
                self.prompt.rejected.connect(super().reject)  # no reason, no record
            return
        self.show_message(describe_error(error))

    def _open_with_reason(self, reason: str) -> None:
        if reason.strip():
            self.load(reason=reason)
        else:
            super().reject()

    def _loaded(self, bundle: IncidentBundle, *, fields: bool) -> None:
        self.bundle = bundle
        self.allowed = allowed_for(bundle.incident, self.context.actor)
        if fields:
            self.details.fill(bundle.lookups, bundle.incident)
            self._dirty = False
        self._apply_allowed()
        self._show_header()
        for section in (self.people_section, self.property_section, self.dv_section, self.timeline_section):
            section.show_bundle(bundle, self.allowed)
        self.history_section.show_bundle(bundle)
        self.tabs.setEnabled(True)
        self._show_dv_tab(self.dv_check.isChecked())
        self.is_loaded = True
        self.loaded.emit()

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _apply_allowed(self) -> None:
        allowed, editable = self.allowed, self.allowed.edit
        self.details.set_editable(editable)
        commander = self.context.actor.is_commander
        visible = {
            self.submit_button: allowed.submit,
            self.return_button: commander,
            self.approve_button: commander,
            self.close_incident_button: commander,
            self.void_button: allowed.void,
            self.supplement_button: allowed.supplement,
            self.save_button: editable,
        }
        enabled = {
            self.submit_button: allowed.submit,
            self.return_button: allowed.send_back,
            self.approve_button: allowed.approve,
            self.close_incident_button: allowed.close,
            self.void_button: allowed.void,
            self.supplement_button: allowed.supplement,
            self.save_button: editable,
        }
        saved = self.incident_id is not None
        for button, shown in visible.items():
            # A commander sees the review buttons greyed out until the record reaches them; an officer never.
            button.setVisible(shown and self.bundle is not None and (saved or button is self.save_button))
            button.setEnabled(enabled[button])
        for index in range(1, self.tabs.count()):
            self.tabs.setTabEnabled(index, saved)
            self.tabs.setTabToolTip(index, "" if saved else _("Save the incident first."))

    def _show_dv_tab(self, on: bool) -> None:
        self.tabs.setTabVisible(self.tabs.indexOf(self.dv_section), on)

    # -- saving ----------------------------------------------------------------------------------------------

    def _save_shortcut(self) -> None:
        if self.save_button.isVisible() and self.save_button.isEnabled():
            self.save()

    def save(self, then: Callable[[Session, Actor, str], object] | None = None, done_text: str | None = None) -> None:
        """Create or update the incident; `then` runs in the same transaction (e.g. submit after saving)."""
        data, problems = self.details.collect(self.bundle.incident if self.bundle else None)
        self.details.fields.clear()
        if problems:
            self.details.fields.show_errors(problems)
            self.show_message(_("Please correct the marked fields."))
            return
        incident_id = self.incident_id

        def change(session: Session, actor: Actor) -> str:
            if incident_id is None:
                saved_id = incidents.create_incident(session=session, actor=actor, data=data).id
            else:
                saved_id = incidents.update_incident(
                    session=session, actor=actor, incident_id=incident_id, data=data
                ).id
            if then is not None:
                then(session, actor, saved_id)
            return saved_id

        self._busy(True)
        self.context.write(
            change, lambda saved_id: self._saved(saved_id, done_text or _("Saved.")), self._failed, changed="incident"
        )

    def _saved(self, incident_id: str, text: str) -> None:
        self._busy(False)
        self.incident_id = incident_id
        self._dirty = False
        self.show_message(text, "done")
        self.saved.emit(incident_id)
        self.load()

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        if isinstance(error, ValidationFailed):
            unplaced = self.details.fields.show_errors(error.errors)
            if any(name in self.details.fields.fields for name in error.errors):
                self.tabs.setCurrentWidget(self.details)
            self.show_message(" ".join(unplaced) if unplaced else _("Please correct the marked fields."))
        else:
            self.show_message(describe_error(error))

    def _busy(self, busy: bool) -> None:
        """While a write is on its way, no second click can send it twice."""
        if not busy:
            self._apply_allowed()
            return
        for button in (
            self.save_button, self.submit_button, self.return_button, self.approve_button,
            self.close_incident_button, self.void_button,
        ):  # fmt: skip
            button.setEnabled(False)

    # -- workflow --------------------------------------------------------------------------------------------

    def _act(self, change: Callable[[Session, Actor], object], done_text: str) -> None:
        if self._dirty and self.allowed.edit:
            self.show_message(_("Save your changes first (Ctrl+S)."))
            return
        self._busy(True)
        self.context.write(
            change, lambda _result: self._saved(self.incident_id or "", done_text), self._failed, changed="incident"
        )

    def submit(self) -> None:
        def then(session: Session, actor: Actor, incident_id: str) -> object:
            return incidents.submit_incident(session=session, actor=actor, incident_id=incident_id)

        if self.allowed.edit:
            self.save(then, _("Submitted to the commander."))
        else:
            self._act(_on_incident(incidents.submit_incident, self.incident_id), _("Submitted to the commander."))

    def approve(self) -> None:
        self._act(_on_incident(incidents.approve_incident, self.incident_id), _("Approved. The record is now locked."))

    def close_incident(self) -> None:
        self._act(_on_incident(incidents.close_incident, self.incident_id), _("Closed."))

    def send_back(self) -> None:
        incident_id = self.incident_id
        self.ask_text(
            _("Return to the officer"),
            _("What needs to change? The officer sees this note."),
            lambda note: self._act(
                _on_incident(incidents.return_incident, incident_id, note=note), _("Returned to the officer.")
            ),
        )

    def void(self) -> None:
        incident_id = self.incident_id
        self.ask_text(
            _("Void this incident"),
            _("Why is this record wrong? The reason is kept with it; nothing is deleted."),
            lambda reason: self._act(_on_incident(incidents.void_incident, incident_id, reason=reason), _("Voided.")),
        )

    def add_supplement(self) -> None:
        self.tabs.setCurrentWidget(self.timeline_section)
        self.timeline_section.text_edit.setFocus()

    def ask_text(self, title: str, label: str, on_text: Callable[[str], None]) -> None:
        """A small non-blocking prompt for a note or a reason; `on_text` runs only on OK."""
        prompt = QInputDialog(self)
        prompt.setWindowTitle(title)
        prompt.setLabelText(label)
        prompt.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        prompt.setOkButtonText(_("OK"))
        prompt.setCancelButtonText(_("Cancel"))
        prompt.textValueSelected.connect(on_text)
        prompt.finished.connect(prompt.deleteLater)
        self.prompt = prompt
        prompt.open()

    def reject(self) -> None:
        """Closing with unsaved changes asks first, so a typed narrative is not lost by a stray Escape."""
        if not (self._dirty and self.allowed.edit):
            super().reject()
            return
        self.discard_question = ask_to_discard(self, self._discard)

    def _discard(self) -> None:
        self._dirty = False
        super().reject()
