"""Table models of the Community page, and the translated names of its enums (kinds, categories, statuses)."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from PySide6.QtGui import QBrush, QColor

from station_desk.i18n import _, format_number
from station_desk.models import CommunityMeeting, PlanAction, PreventionEvent, ResidentThreat
from station_desk.models.enums import MeetingKind, PreventionKind, ThreatCategory, ThreatStatus
from station_desk.ui.table_models.rows import RowsModel

OVERDUE_COLOR = QColor("#b3261e")


def meeting_kind_labels() -> dict[MeetingKind, str]:
    return {
        MeetingKind.meeting: _("Meeting with residents"),
        MeetingKind.public_debate: _("Public debate"),
        MeetingKind.safety_committee: _("Safety committee"),
    }


def prevention_kind_labels() -> dict[PreventionKind, str]:
    return {
        PreventionKind.school_talk: _("School talk"),
        PreventionKind.road_safety: _("Road safety action"),
        PreventionKind.senior_safety: _("Safety of older people"),
        PreventionKind.other: _("Other"),
    }


def threat_category_labels() -> dict[ThreatCategory, str]:
    return {
        ThreatCategory.illegal_speeding: _("Speeding"),
        ThreatCategory.drinking_in_public: _("Drinking in public places"),
        ThreatCategory.green_area_devastation: _("Devastation of green areas"),
        ThreatCategory.stray_dogs: _("Stray dogs"),
        ThreatCategory.poaching: _("Poaching"),
        ThreatCategory.illegal_logging: _("Illegal logging"),
        ThreatCategory.illegal_waste_dumping: _("Illegal waste dumping"),
        ThreatCategory.drug_dealing: _("Drug dealing"),
        ThreatCategory.vandalism: _("Vandalism"),
        ThreatCategory.improper_parking: _("Improper parking"),
        ThreatCategory.dangerous_road_spot: _("Dangerous place on the road"),
        ThreatCategory.youth_gatherings: _("Gatherings of young people"),
        ThreatCategory.begging: _("Begging"),
        ThreatCategory.illegal_fuel_sales: _("Illegal fuel sales"),
        ThreatCategory.animal_abuse: _("Cruelty to animals"),
        ThreatCategory.other: _("Other"),
    }


def threat_status_labels() -> dict[ThreatStatus, str]:
    return {
        ThreatStatus.new: _("New"),
        ThreatStatus.verifying: _("Being verified"),
        ThreatStatus.confirmed_in_progress: _("Confirmed, in progress"),
        ThreatStatus.confirmed_eliminated: _("Confirmed, eliminated"),
        ThreatStatus.not_confirmed: _("Not confirmed"),
        ThreatStatus.joke_or_mistake: _("Joke or mistake"),
        ThreatStatus.passed_outside_police: _("Passed outside the police"),
    }


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


class MeetingsModel(RowsModel[CommunityMeeting]):
    COL_HELD_AT, COL_KIND, COL_PLACE, COL_VILLAGE, COL_ATTENDANCE, COL_ISSUES = range(6)

    def headers(self) -> list[str]:
        return [_("Held at"), _("Kind"), _("Place"), _("Village"), _("Attendance"), _("Issues raised")]

    def display(self, record: CommunityMeeting, column: int) -> str:
        if column == self.COL_HELD_AT:
            return self.local_time(record.held_at)
        if column == self.COL_KIND:
            return meeting_kind_labels()[record.kind]
        if column == self.COL_PLACE:
            return record.place
        if column == self.COL_VILLAGE:
            return self.village(record.village_id)
        if column == self.COL_ATTENDANCE:
            return format_number(record.attendance)
        return _one_line(record.issues_raised)

    def sort_key(self, record: CommunityMeeting, column: int) -> Any:
        if column == self.COL_HELD_AT:
            return record.held_at.astimezone(UTC).isoformat()
        if column == self.COL_ATTENDANCE:
            return record.attendance
        return super().sort_key(record, column)

    def tooltip(self, record: CommunityMeeting, column: int) -> str | None:
        return record.issues_raised if column == self.COL_ISSUES and record.issues_raised else None


class PreventionModel(RowsModel[PreventionEvent]):
    COL_HELD_AT, COL_KIND, COL_PLACE, COL_VILLAGE, COL_AUDIENCE, COL_TOPIC = range(6)

    def headers(self) -> list[str]:
        return [_("Held at"), _("Kind"), _("Place"), _("Village"), _("Audience"), _("Topic")]

    def display(self, record: PreventionEvent, column: int) -> str:
        if column == self.COL_HELD_AT:
            return self.local_time(record.held_at)
        if column == self.COL_KIND:
            return prevention_kind_labels()[record.kind]
        if column == self.COL_PLACE:
            return record.place
        if column == self.COL_VILLAGE:
            return self.village(record.village_id)
        if column == self.COL_AUDIENCE:
            return format_number(record.audience_size)
        return _one_line(record.topic)

    def sort_key(self, record: PreventionEvent, column: int) -> Any:
        if column == self.COL_HELD_AT:
            return record.held_at.astimezone(UTC).isoformat()
        if column == self.COL_AUDIENCE:
            return record.audience_size
        return super().sort_key(record, column)

    def tooltip(self, record: PreventionEvent, column: int) -> str | None:
        return record.topic if column == self.COL_TOPIC and record.topic else None


class ThreatsModel(RowsModel[ResidentThreat]):
    COL_REPORTED_AT, COL_CATEGORY, COL_PLACE, COL_VILLAGE, COL_STATUS, COL_ACTION = range(6)

    def headers(self) -> list[str]:
        return [_("Reported at"), _("Category"), _("Place"), _("Village"), _("Status"), _("Action taken")]

    def display(self, record: ResidentThreat, column: int) -> str:
        if column == self.COL_REPORTED_AT:
            return self.local_time(record.reported_at)
        if column == self.COL_CATEGORY:
            return threat_category_labels()[record.category]
        if column == self.COL_PLACE:
            return record.place
        if column == self.COL_VILLAGE:
            return self.village(record.village_id)
        if column == self.COL_STATUS:
            return threat_status_labels()[record.status]
        return _one_line(record.action_taken)

    def sort_key(self, record: ResidentThreat, column: int) -> Any:
        if column == self.COL_REPORTED_AT:
            return record.reported_at.astimezone(UTC).isoformat()
        if column == self.COL_STATUS:
            return list(ThreatStatus).index(record.status)
        return super().sort_key(record, column)

    def tooltip(self, record: ResidentThreat, column: int) -> str | None:
        return record.description or None


class PlanActionsModel(RowsModel[PlanAction]):
    COL_DESCRIPTION, COL_DEADLINE, COL_PARTNERS, COL_DONE = range(4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Fixed by whoever fills the model, so "overdue" does not change while a test or a user looks at it.
        self.today = date.today()

    def headers(self) -> list[str]:
        return [_("Action"), _("Deadline"), _("Partners"), _("Done")]

    def display(self, record: PlanAction, column: int) -> str:
        if column == self.COL_DESCRIPTION:
            return _one_line(record.description)
        if column == self.COL_DEADLINE:
            return self.day(record.deadline)
        if column == self.COL_PARTNERS:
            return _one_line(record.partners)
        if record.done_on is not None:
            return _("Done on {date}").format(date=self.day(record.done_on))
        return _("Overdue") if record.deadline < self.today else _("Not done yet")

    def sort_key(self, record: PlanAction, column: int) -> Any:
        if column == self.COL_DEADLINE:
            return record.deadline.isoformat()
        if column == self.COL_DONE:
            return record.done_on.isoformat() if record.done_on else ""
        return super().sort_key(record, column)

    def foreground(self, record: PlanAction, column: int) -> Any:
        if column == self.COL_DONE and record.done_on is None and record.deadline < self.today:
            return QBrush(OVERDUE_COLOR)
        return None

    def tooltip(self, record: PlanAction, column: int) -> str | None:
        if column == self.COL_DESCRIPTION:
            return record.description
        if column == self.COL_PARTNERS and record.partners:
            return record.partners
        return None
