"""The Community page's forms: meeting, prevention event, threat and its status, plan, plan action, done date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from station_desk.i18n import _
from station_desk.models import CommunityMeeting, PlanAction, PreventionEvent, PriorityPlan, ResidentThreat
from station_desk.models.enums import MeetingKind, PreventionKind
from station_desk.services import community
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.form_dialog import Change, E, FormDialog, count_edit, enum_combo, village_combo
from station_desk.ui.table_models.community import (
    meeting_kind_labels,
    prevention_kind_labels,
    threat_category_labels,
    threat_status_labels,
)
from station_desk.ui.widgets.forms import (
    aware_from_edit,
    date_edit,
    date_from_edit,
    date_time_edit,
    set_edit_from_aware,
)


@dataclass
class StationBasics:
    """What every community form needs from the station: its time zone and its villages (id, name)."""

    timezone: str = "UTC"
    villages: list[tuple[str, str]] = field(default_factory=list)

    @property
    def village_names(self) -> dict[str, str]:
        return dict(self.villages)


def _text_edit(text: str = "", height: int = 70) -> QPlainTextEdit:
    editor = QPlainTextEdit(text)
    editor.setTabChangesFocus(True)  # Tab leaves the box, as in every other field
    editor.setMinimumHeight(height)
    return editor


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _create_or_update(data: Any, create: Callable[..., Any], update: Callable[..., Any] | None) -> Change:
    """The write a form saves with: `create` for a new record, else `update` (given the record's id already)."""
    write = create if update is None else update
    return lambda session, actor: write(session=session, actor=actor, data=data)


class HeldEventDialog(FormDialog):
    """A meeting or a prevention event: what kind it was, when and where it was held; subclasses add the rest."""

    def __init__(
        self,
        context: AppContext,
        title: str,
        basics: StationBasics,
        kinds: dict[E, str],
        kind: E,
        event: CommunityMeeting | PreventionEvent | None,
        parent: QWidget | None,
    ) -> None:
        super().__init__(context, title, parent)
        self.basics = basics
        self.kind = enum_combo(kinds, kind)
        self.held_at = date_time_edit(basics.timezone)
        if event:
            set_edit_from_aware(self.held_at, event.held_at, basics.timezone)
        self.place = QLineEdit(event.place if event else "")
        self.village = village_combo(basics.villages, event.village_id if event else None)
        row = self.add_row()
        self.add_field("kind", _("Kind"), self.kind, required=True, row=row)
        self.add_field("held_at", _("Held at"), self.held_at, required=True, row=row)
        row = self.add_row()
        self.add_field("place", _("Place"), self.place, required=True, row=row)
        self.add_field("village_id", _("Village"), self.village, row=row)

    def where_and_when(self) -> dict[str, Any]:
        """The shared fields as the service's input takes them."""
        return {
            "kind": self.kind.currentData(),
            "held_at": aware_from_edit(self.held_at, self.basics.timezone),
            "place": self.place.text(),
            "village_id": self.village.currentData(),
        }


class MeetingDialog(HeldEventDialog):
    changed_type = "communitymeeting"

    def __init__(
        self,
        context: AppContext,
        basics: StationBasics,
        meeting: CommunityMeeting | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Edit meeting") if meeting else _("New meeting")
        kind = meeting.kind if meeting else MeetingKind.meeting
        super().__init__(context, title, basics, meeting_kind_labels(), kind, meeting, parent)
        self.meeting = meeting
        self.attendance = count_edit(meeting.attendance if meeting else 0)
        self.issues = _text_edit(meeting.issues_raised if meeting else "")
        self.commitments = _text_edit(meeting.commitments if meeting else "")
        self.add_field("attendance", _("Attendance (people)"), self.attendance)
        self.add_field("issues_raised", _("Issues raised by residents"), self.issues)
        self.add_field("commitments", _("Commitments made"), self.commitments)
        self.place.setFocus()

    def change(self) -> Change:
        data = community.MeetingInput(
            **self.where_and_when(),
            attendance=self.attendance.value(),
            issues_raised=self.issues.toPlainText(),
            commitments=self.commitments.toPlainText(),
        )
        update = partial(community.update_meeting, meeting_id=self.meeting.id) if self.meeting else None
        return _create_or_update(data, community.create_meeting, update)


class PreventionDialog(HeldEventDialog):
    changed_type = "preventionevent"

    def __init__(
        self,
        context: AppContext,
        basics: StationBasics,
        event: PreventionEvent | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("Edit prevention event") if event else _("New prevention event")
        kind = event.kind if event else PreventionKind.school_talk
        super().__init__(context, title, basics, prevention_kind_labels(), kind, event, parent)
        self.prevention_event = event
        self.audience = count_edit(event.audience_size if event else 0)
        self.topic = _text_edit(event.topic if event else "")
        self.add_field("audience_size", _("Audience (people)"), self.audience)
        self.add_field("topic", _("Topic"), self.topic)
        self.place.setFocus()

    def change(self) -> Change:
        data = community.PreventionInput(
            **self.where_and_when(), audience_size=self.audience.value(), topic=self.topic.toPlainText()
        )
        event = self.prevention_event
        update = partial(community.update_prevention_event, event_id=event.id) if event else None
        return _create_or_update(data, community.create_prevention_event, update)


class ThreatDialog(FormDialog):
    changed_type = "residentthreat"

    def __init__(
        self,
        context: AppContext,
        basics: StationBasics,
        threat: ResidentThreat | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, _("Edit threat") if threat else _("New threat flagged by residents"), parent)
        self.basics, self.threat = basics, threat
        self.category = enum_combo(threat_category_labels(), threat.category if threat else None)
        self.reported_at = date_time_edit(basics.timezone)
        if threat:
            set_edit_from_aware(self.reported_at, threat.reported_at, basics.timezone)
        self.village = village_combo(basics.villages, threat.village_id if threat else None)
        self.place = QLineEdit(threat.place if threat else "")
        self.place.setPlaceholderText(_("e.g. the bus stop by the school"))
        self.description = _text_edit(threat.description if threat else "", 90)
        row = self.add_row()
        self.add_field("category", _("Category"), self.category, required=True, row=row)
        self.add_field("reported_at", _("Reported at"), self.reported_at, required=True, row=row)
        row = self.add_row()
        self.add_field("village_id", _("Village"), self.village, row=row)
        self.add_field("place", _("Place"), self.place, required=True, row=row)
        self.add_field("description", _("What residents reported"), self.description)
        self.category.setFocus()

    def change(self) -> Change:
        data = community.ThreatInput(
            category=self.category.currentData(),
            reported_at=aware_from_edit(self.reported_at, self.basics.timezone),
            place=self.place.text(),
            village_id=self.village.currentData(),
            description=self.description.toPlainText(),
        )
        update = partial(community.update_threat, threat_id=self.threat.id) if self.threat else None
        return _create_or_update(data, community.create_threat, update)


class ThreatStatusDialog(FormDialog):
    changed_type = "residentthreat"

    def __init__(self, context: AppContext, threat: ResidentThreat, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Change status"), parent)
        self.threat = threat
        # Which threat this is, so the officer does not change the wrong one.
        about = QLabel(f"{threat_category_labels()[threat.category]} — {threat.place}")
        about.setWordWrap(True)
        about.setStyleSheet("font-weight: bold;")
        self.fields_layout.addWidget(about)
        if threat.description:
            description = QLabel(threat.description)
            description.setWordWrap(True)
            self.fields_layout.addWidget(description)
        self.status = enum_combo(threat_status_labels(), threat.status)
        self.action_taken = _text_edit(threat.action_taken, 90)
        self.add_field("status", _("Status"), self.status, required=True)
        self.add_field("action_taken", _("Action taken"), self.action_taken)
        hint = _("Say what was done when the threat is eliminated or passed outside the police.")
        self.fieldset.fields["action_taken"].label.setToolTip(hint)
        self.action_taken.setPlaceholderText(hint)
        self.status.setFocus()

    def change(self) -> Change:
        status, action, threat_id = self.status.currentData(), self.action_taken.toPlainText(), self.threat.id
        return lambda session, actor: community.set_threat_status(
            session=session, actor=actor, threat_id=threat_id, status=status, action_taken=action
        )


def half_year_of(day: date) -> tuple[date, date]:
    """The half-year holding a day: the period a priority plan covers."""
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


class PlanDialog(FormDialog):
    changed_type = "priorityplan"

    def __init__(
        self,
        context: AppContext,
        basics: StationBasics,
        plan: PriorityPlan | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, _("Edit priority plan") if plan else _("New priority plan"), parent)
        self.plan = plan
        start, end = (plan.period_start, plan.period_end) if plan else half_year_of(date.today())
        self.period_start, self.period_end = date_edit(), date_edit()
        self.period_start.setDate(_qdate(start))
        self.period_end.setDate(_qdate(end))
        self.problem = _text_edit(plan.problem if plan else "")
        self.goal = _text_edit(plan.goal if plan else "")
        self.village = village_combo(basics.villages, plan.village_id if plan else None)
        row = self.add_row()
        self.add_field("period_start", _("From"), self.period_start, required=True, row=row)
        self.add_field("period_end", _("To"), self.period_end, required=True, row=row)
        self.add_field("problem", _("Problem"), self.problem, required=True)
        self.add_field("goal", _("Goal"), self.goal, required=True)
        self.add_field("village_id", _("Village"), self.village)
        self.problem.setFocus()

    def change(self) -> Change:
        data = community.PlanInput(
            period_start=date_from_edit(self.period_start),
            period_end=date_from_edit(self.period_end),
            problem=self.problem.toPlainText(),
            goal=self.goal.toPlainText(),
            village_id=self.village.currentData(),
        )
        update = partial(community.update_plan, plan_id=self.plan.id) if self.plan else None
        return _create_or_update(data, community.create_plan, update)


class ActionDialog(FormDialog):
    changed_type = "planaction"

    def __init__(self, context: AppContext, plan: PriorityPlan, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Add action"), parent)
        self.plan = plan
        self.description = _text_edit("")
        self.deadline = date_edit()
        self.deadline.setDateRange(_qdate(plan.period_start), _qdate(plan.period_end))
        self.deadline.setDate(_qdate(min(max(date.today(), plan.period_start), plan.period_end)))
        self.partners = QLineEdit()
        self.partners.setPlaceholderText(_("e.g. the school, the community council"))
        self.add_field("description", _("Action"), self.description, required=True)
        row = self.add_row()
        self.add_field("deadline", _("Deadline"), self.deadline, required=True, row=row)
        self.add_field("partners", _("Partners"), self.partners, row=row)
        self.description.setFocus()

    def change(self) -> Change:
        plan_id, description = self.plan.id, self.description.toPlainText()
        deadline, partners = date_from_edit(self.deadline), self.partners.text()
        return lambda session, actor: community.add_action(
            session=session, actor=actor, plan_id=plan_id, description=description, deadline=deadline, partners=partners
        )


class ActionDoneDialog(FormDialog):
    changed_type = "planaction"

    def __init__(self, context: AppContext, action: PlanAction, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Mark done"), parent)
        self.action = action
        self.done_on = date_edit()
        self.add_field("done_on", _("Done on"), self.done_on, required=True)
        self.done_on.setFocus()

    def change(self) -> Change:
        action_id, done_on = self.action.id, date_from_edit(self.done_on)
        return lambda session, actor: community.mark_action_done(
            session=session, actor=actor, action_id=action_id, done_on=done_on
        )
