"""What each kind of synced record is called on screen (the Sync page, history), in the officer's language."""

from __future__ import annotations

from station_desk.i18n import N_, _

# Keys are the table names used in the outbox and the audit log (models.RECORD_TYPES).
RECORD_TYPE_NAMES: dict[str, str] = {
    "station": N_("Station"),
    "village": N_("Villages"),
    "user": N_("User accounts"),
    "person": N_("People"),
    "incident": N_("Incidents"),
    "involvement": N_("People in incidents"),
    "propertyitem": N_("Property"),
    "incidentnote": N_("Notes and supplements"),
    "domesticviolencedetails": N_("Domestic violence details"),
    "riskassessment": N_("Risk assessments"),
    "protectivemeasure": N_("Protective measures"),
    "measurebreach": N_("Breaches of protective measures"),
    "offendermonitoring": N_("Offenders under monitoring"),
    "monitoringcheckin": N_("Monitoring check-ins"),
    "patrol": N_("Patrols"),
    "patrolvillage": N_("Villages on patrols"),
    "receptionschedule": N_("Reception schedule"),
    "receptionsession": N_("Reception sessions"),
    "receptionvisit": N_("Reception visits"),
    "communitymeeting": N_("Community meetings"),
    "preventionevent": N_("Prevention events"),
    "residentthreat": N_("Threats flagged by residents"),
    "priorityplan": N_("Priority plans"),
    "planaction": N_("Priority plan actions"),
    "dailystatistics": N_("Daily statistics"),
    "syncconflict": N_("Sync conflicts"),
    "retentionrule": N_("Retention rules"),
    "anonymisedrecord": N_("Anonymised records"),
    "recordrestriction": N_("Restricted records"),
}


def record_type_name(record_type: str) -> str:
    """The translated name, or the table name itself for a type this version does not know."""
    name = RECORD_TYPE_NAMES.get(record_type)
    return _(name) if name else record_type
