"""What the incident list and form share: translated labels of the incident enums and the station's lookups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import Enum
from typing import TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QTimeZone
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateTimeEdit, QHBoxLayout, QWidget
from sqlmodel import Session, col, select

from station_desk.i18n import N_, _, current_language, format_date, format_datetime
from station_desk.models import (
    AuditEntry,
    Category,
    Incident,
    IncidentNote,
    Involvement,
    Person,
    PropertyItem,
    Station,
    User,
    Village,
)
from station_desk.models.enums import (
    AuditAction,
    BlueCardForm,
    Confidentiality,
    IncidentSource,
    IncidentStatus,
    InvolvementRole,
    LegalType,
    MeasureKind,
    Outcome,
    PropertyKind,
    PropertyRole,
    Relationship,
    RiskLevel,
    Sex,
    ViolenceForm,
)
from station_desk.services import today
from station_desk.services.context import Actor
from station_desk.services.domestic_violence import DVSummary
from station_desk.ui.widgets.forms import (
    aware_from_edit,
    date_edit,
    date_time_edit,
    set_edit_from_aware,
)

E = TypeVar("E", bound=Enum)

# Labels are marked with N_ and translated when shown, so a language switch needs no restart.
SOURCE_LABELS = {
    IncidentSource.walk_in: N_("Walk-in"),
    IncidentSource.reception: N_("Citizen reception"),
    IncidentSource.phone: N_("Phone call (102/112/997)"),
    IncidentSource.patrol: N_("Found on patrol"),
    IncidentSource.threat_map: N_("Threat map"),
    IncidentSource.referral: N_("Referral"),
}
LEGAL_TYPE_LABELS = {
    LegalType.criminal: N_("Criminal offence"),
    LegalType.administrative: N_("Administrative offence"),
    LegalType.no_offence: N_("No offence"),
}
OUTCOME_LABELS = {
    Outcome.pending: N_("Pending"),
    Outcome.solved: N_("Solved"),
    Outcome.referred: N_("Referred elsewhere"),
    Outcome.warning: N_("Warning given"),
    Outcome.fined: N_("Fined"),
    Outcome.criminal_case_opened: N_("Criminal case opened"),
    Outcome.no_action: N_("No action needed"),
}
CONFIDENTIALITY_LABELS = {
    Confidentiality.normal: N_("Normal"),
    Confidentiality.sensitive: N_("Sensitive"),
    Confidentiality.restricted: N_("Restricted"),
}
ROLE_LABELS = {
    InvolvementRole.victim: N_("Victim"),
    InvolvementRole.alleged_offender: N_("Alleged offender"),
    InvolvementRole.complainant: N_("Complainant"),
    InvolvementRole.witness: N_("Witness"),
    InvolvementRole.child_witness: N_("Child witness"),
    InvolvementRole.guardian: N_("Guardian or legal representative"),
    InvolvementRole.interpreter: N_("Interpreter"),
    InvolvementRole.other: N_("Other"),
}
SEX_LABELS = {Sex.female: N_("Female"), Sex.male: N_("Male"), Sex.unknown: N_("Not known")}
PROPERTY_ROLE_LABELS = {
    PropertyRole.stolen: N_("Stolen"),
    PropertyRole.recovered: N_("Recovered"),
    PropertyRole.evidence: N_("Evidence"),
    PropertyRole.found: N_("Found"),
}
PROPERTY_KIND_LABELS = {
    PropertyKind.livestock: N_("Livestock"),
    PropertyKind.fuel: N_("Fuel"),
    PropertyKind.tools: N_("Tools"),
    PropertyKind.vehicle: N_("Vehicle"),
    PropertyKind.money: N_("Money"),
    PropertyKind.phone: N_("Phone"),
    PropertyKind.other: N_("Other"),
}
VIOLENCE_FORM_LABELS = {
    ViolenceForm.physical: N_("Physical"),
    ViolenceForm.sexual: N_("Sexual"),
    ViolenceForm.psychological: N_("Psychological"),
    ViolenceForm.economic: N_("Economic"),
}
RELATIONSHIP_LABELS = {
    Relationship.partner: N_("Partner"),
    Relationship.former_partner: N_("Former partner"),
    Relationship.family_member: N_("Family member"),
    Relationship.other_known: N_("Other known person"),
    Relationship.stranger: N_("Stranger"),
}
RISK_LABELS = {RiskLevel.low: N_("Low"), RiskLevel.medium: N_("Medium"), RiskLevel.high: N_("High")}
MEASURE_LABELS = {
    MeasureKind.urgent_restraining_order: N_("Urgent restraining order"),
    MeasureKind.restrictive_order: N_("Restrictive order (court)"),
    MeasureKind.temporary_emergency_protection_order: N_("Temporary emergency protection order"),
    MeasureKind.protection_order: N_("Protection order (court)"),
    MeasureKind.blue_card: N_("Blue Card procedure"),
    MeasureKind.eviction_order: N_("Order to leave the home"),
}
BLUE_CARD_LABELS = {form: N_("Form {letter}") for form in BlueCardForm}
AUDIT_LABELS = {
    AuditAction.create: N_("Created"),
    AuditAction.update: N_("Changed"),
    AuditAction.delete: N_("Deleted"),
    AuditAction.view: N_("Viewed"),
    AuditAction.status_change: N_("Status changed"),
    AuditAction.export: N_("Exported"),
    AuditAction.print: N_("Printed"),
    AuditAction.login: N_("Logged in"),
    AuditAction.login_failed: N_("Failed login"),
    AuditAction.user_change: N_("Account changed"),
}


def label_of(labels: Mapping[E, str], value: Enum | str | None) -> str:
    """The translated label of a stored enum value (stored values may arrive as plain strings)."""
    if value is None:
        return ""
    for member, text in labels.items():
        if member.value == (value.value if isinstance(value, Enum) else value):
            return _(text).format(letter=member.value) if "{letter}" in text else _(text)
    return str(value)


def fill_combo(combo: QComboBox, labels: Mapping[E, str], *, empty: str | None = None) -> None:
    """Items show translated labels and carry the stored value; `empty` adds a first "nothing chosen" item."""
    current = combo.currentData()
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for member in labels:
        combo.addItem(label_of(labels, member), member.value)
    set_combo_value(combo, current)


def set_combo_value(combo: QComboBox, value: object) -> None:
    stored = value.value if isinstance(value, Enum) else value
    index = combo.findData(stored)
    combo.setCurrentIndex(max(index, 0))


def category_name(category: Category) -> str:
    """The category's own name in the interface language (the table holds all five)."""
    return today.category_name(category, current_language())


@dataclass(frozen=True)
class Lookups:
    """The station's reference data as plain values, loaded once in the background."""

    timezone: str = "UTC"
    categories: list[Category] = field(default_factory=list)
    villages: list[tuple[str, str]] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)

    def category_names(self) -> dict[str, str]:
        return {category.code: category_name(category) for category in self.categories}

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def when(self, moment: datetime | None) -> str:
        """A stored UTC moment as the station's local date and time."""
        return format_datetime(self.local(moment)) if moment else ""

    def day(self, value: date | None) -> str:
        return format_date(value) if value else ""


def load_lookups(session: Session, actor: Actor) -> Lookups:
    station = session.get(Station, actor.station_id)
    categories = list(session.exec(select(Category).order_by(col(Category.sort_order), col(Category.code))))
    villages = [
        (village.id, village.name)
        for village in session.exec(
            select(Village).where(col(Village.deleted_at).is_(None)).order_by(col(Village.name))
        )
    ]
    users = {user.id: user.full_name for user in session.exec(select(User))}
    return Lookups(
        timezone=station.timezone if station else "UTC", categories=categories, villages=villages, users=users
    )


def plain_categories(lookups: Lookups) -> list[tuple[str, str]]:
    """(code, name) pairs in the catalogue's order, for the category combos."""
    return [(category.code, category_name(category)) for category in lookups.categories]


def empty_choice() -> str:
    return _("— choose —")


class MomentEdit(QWidget):
    """A date-time (or date) in the station's time zone; an optional one has a tick box meaning "known".

    A loaded value comes back unchanged when its minute was not edited, so saving an untouched form changes
    nothing (the editor shows minutes; stored times may carry seconds).
    """

    def __init__(self, *, optional: bool = False, date_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timezone = "UTC"
        self.date_only = date_only
        self._original: datetime | None = None
        self._read_only = False
        self.known = QCheckBox()
        self.known.setVisible(optional)
        self.known.setChecked(not optional)
        self.edit: QDateTimeEdit = date_edit() if date_only else date_time_edit(self.timezone)
        if optional:
            # An unknown moment shows a dash (the edit's minimum), never a date that looks entered.
            self.edit.setSpecialValueText("—")
            self.edit.setEnabled(False)
            self.edit.setDateTime(self.edit.minimumDateTime())
        self.known.toggled.connect(self._toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.known)
        layout.addWidget(self.edit, 1)
        self.setFocusProxy(self.edit)

    @property
    def optional(self) -> bool:
        return not self.known.isHidden()

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on and not self._read_only)
        if not on:
            self.edit.setDateTime(self.edit.minimumDateTime())
        elif self.edit.dateTime() == self.edit.minimumDateTime():
            self._show_now()

    def _show_now(self) -> None:
        """What a tick shows first: today on the station's clock, not on the laptop's."""
        self._show(datetime.now(UTC))

    def _show(self, moment: datetime) -> None:
        if self.date_only:
            local = moment.astimezone(ZoneInfo(self.timezone))
            self.edit.setDate(QDate(local.year, local.month, local.day))
        else:
            set_edit_from_aware(self.edit, moment, self.timezone)

    def set_timezone(self, timezone: str) -> None:
        self.timezone = timezone
        if not self.date_only:
            self.edit.setTimeZone(QTimeZone(timezone.encode()))
        if self._original is None and self.known.isChecked():
            self._show_now()

    def set_value(self, moment: datetime | None) -> None:
        self._original = moment
        if self.optional:
            self.known.setChecked(moment is not None)
        if moment is not None:
            self._show(moment)

    def value(self) -> datetime | None:
        if self.optional and not self.known.isChecked():
            return None
        if self.date_only:
            # A due day runs to its end in the station's time zone.
            day = self._day()
            moment = datetime.combine(day, time(23, 59), ZoneInfo(self.timezone)).astimezone(UTC)
            same = self._original is not None and self._original.astimezone(ZoneInfo(self.timezone)).date() == day
        else:
            moment = aware_from_edit(self.edit, self.timezone)
            same = self._original is not None and self._original.replace(second=0, microsecond=0) == moment
        return self._original if same else moment

    def day_value(self) -> date | None:
        """The chosen calendar day (for date filters), or None when not ticked."""
        if self.optional and not self.known.isChecked():
            return None
        return self._day()

    def _day(self) -> date:
        value = self.edit.date().toPython()
        assert isinstance(value, date)
        return value

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.known.setEnabled(not read_only)
        self.edit.setEnabled(not read_only and self.known.isChecked())


@dataclass
class IncidentBundle:
    """Everything the form shows about one incident, read in one background query (plain, detached rows)."""

    lookups: Lookups
    incident: Incident | None = None
    people: list[tuple[Involvement, Person]] = field(default_factory=list)
    property: list[PropertyItem] = field(default_factory=list)
    dv: DVSummary | None = None
    notes: list[IncidentNote] = field(default_factory=list)
    history: list[AuditEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Allowed:
    """What this user may do with the incident in its status; the services check again on every write."""

    edit: bool = True
    people: bool = False
    submit: bool = False
    send_back: bool = False
    approve: bool = False
    close: bool = False
    void: bool = False
    note: bool = False
    supplement: bool = False
    dv: bool = False


def allowed_for(incident: Incident | None, actor: Actor) -> Allowed:
    if incident is None:
        return Allowed()
    status, commander = incident.status, actor.is_commander
    open_statuses = (IncidentStatus.draft, IncidentStatus.returned, IncidentStatus.submitted)
    locked = status in (IncidentStatus.approved, IncidentStatus.closed)
    return Allowed(
        edit=status in (IncidentStatus.draft, IncidentStatus.returned)
        or (status == IncidentStatus.submitted and commander),
        people=status in open_statuses,
        submit=status in (IncidentStatus.draft, IncidentStatus.returned),
        send_back=commander and status == IncidentStatus.submitted,
        approve=commander and status == IncidentStatus.submitted,
        close=commander and status == IncidentStatus.approved,
        void=status != IncidentStatus.voided
        and (commander or (status == IncidentStatus.draft and incident.created_by == actor.user_id)),
        note=status in open_statuses,
        supplement=locked,
        # Domestic-violence rows are additions, which the services allow after approval as well.
        dv=status != IncidentStatus.voided,
    )
