"""Every table of the station database; importing this package registers them all on SQLModel.metadata."""

from station_desk.models.base import RecordBase, UTCDateTime, new_id, utcnow
from station_desk.models.community import (
    CommunityMeeting,
    DailyStatistics,
    PlanAction,
    PreventionEvent,
    PriorityPlan,
    ResidentThreat,
)
from station_desk.models.domestic_violence import (
    DomesticViolenceDetails,
    MeasureBreach,
    MonitoringCheckIn,
    OffenderMonitoring,
    ProtectiveMeasure,
    RiskAssessment,
)
from station_desk.models.imports import ImportedRecord, ImportRun
from station_desk.models.incidents import Incident, IncidentNote, Involvement, PropertyItem
from station_desk.models.journal import AuditEntry, OutboxEntry, SyncState
from station_desk.models.patrols import Patrol, PatrolVillage
from station_desk.models.people import Person
from station_desk.models.privacy import AnonymisedRecord, RecordRestriction, RetentionRule
from station_desk.models.reception import ReceptionSchedule, ReceptionSession, ReceptionVisit
from station_desk.models.station import Category, Station, User, Village
from station_desk.models.sync import SyncConflict, SyncRun

# Record types that sync, by the table name the outbox and the audit log use.
RECORD_TYPES: dict[str, type[RecordBase]] = {
    model.__tablename__: model  # type: ignore[misc]
    for model in (
        Station, Village, User, Person, Incident, Involvement, PropertyItem, IncidentNote,
        DomesticViolenceDetails, RiskAssessment, ProtectiveMeasure, MeasureBreach, OffenderMonitoring,
        MonitoringCheckIn, Patrol, PatrolVillage, ReceptionSchedule, ReceptionSession, ReceptionVisit,
        CommunityMeeting, PreventionEvent, ResidentThreat, PriorityPlan, PlanAction, DailyStatistics,
        SyncConflict, RetentionRule, AnonymisedRecord, RecordRestriction,
    )
}  # fmt: skip

__all__ = [
    "AnonymisedRecord",
    "AuditEntry", "Category", "CommunityMeeting", "DailyStatistics", "DomesticViolenceDetails", "ImportRun",
    "ImportedRecord", "Incident",
    "IncidentNote", "Involvement", "MeasureBreach", "MonitoringCheckIn", "OffenderMonitoring", "OutboxEntry",
    "Patrol", "PatrolVillage", "Person", "PlanAction", "PreventionEvent", "PriorityPlan", "PropertyItem",
    "ProtectiveMeasure", "RECORD_TYPES", "ReceptionSchedule", "ReceptionSession", "ReceptionVisit",
    "RecordBase", "RecordRestriction", "ResidentThreat", "RetentionRule",
    "RiskAssessment", "Station", "SyncConflict", "SyncRun", "SyncState",
    "User", "UTCDateTime", "Village",
    "new_id", "utcnow",
]  # fmt: skip
