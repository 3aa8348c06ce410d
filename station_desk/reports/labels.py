"""Translatable names of the codes the report shows: ICCS sections and the enum values it counts."""

from __future__ import annotations

from station_desk.i18n import N_, gettext, translate_in
from station_desk.models.enums import (
    BlueCardForm,
    IncidentStatus,
    MeasureKind,
    Outcome,
    RiskLevel,
    ThreatStatus,
    VisitOutcome,
)
from station_desk.services.incidents import status_label

# The eleven sections of the UNODC International Classification of Crime for Statistical Purposes.
ICCS_SECTIONS = {
    "01": N_("Acts leading to death or intending to cause death"),
    "02": N_("Acts causing harm or intending to cause harm to the person"),
    "03": N_("Injurious acts of a sexual nature"),
    "04": N_("Acts against property involving violence or threat against a person"),
    "05": N_("Acts against property only"),
    "06": N_("Acts involving controlled drugs or other psychoactive substances"),
    "07": N_("Acts involving fraud, deception or corruption"),
    "08": N_("Acts against public order, authority and provisions of the State"),
    "09": N_("Acts against public safety and state security"),
    "10": N_("Acts against the natural environment"),
    "11": N_("Other criminal acts not elsewhere classified"),
}
OUTSIDE_ICCS = N_("Outside ICCS (no offence, local code)")

OUTCOME_LABELS = {
    Outcome.pending.value: N_("Pending"),
    Outcome.solved.value: N_("Solved"),
    Outcome.referred.value: N_("Referred elsewhere"),
    Outcome.warning.value: N_("Warning given"),
    Outcome.fined.value: N_("Fined"),
    Outcome.criminal_case_opened.value: N_("Criminal case opened"),
    Outcome.no_action.value: N_("No action needed"),
}
RISK_LABELS = {RiskLevel.low.value: N_("Low"), RiskLevel.medium.value: N_("Medium"), RiskLevel.high.value: N_("High")}
MEASURE_LABELS = {
    MeasureKind.urgent_restraining_order.value: N_("Urgent restraining order"),
    MeasureKind.restrictive_order.value: N_("Restrictive order (court)"),
    MeasureKind.temporary_emergency_protection_order.value: N_("Temporary emergency protection order"),
    MeasureKind.protection_order.value: N_("Protection order (court)"),
    MeasureKind.blue_card.value: N_("Blue Card procedure"),
    MeasureKind.eviction_order.value: N_("Order to leave the home"),
}
BLUE_CARD_LABELS = {form.value: N_("Blue Card, form {form}") for form in BlueCardForm}
VISIT_OUTCOME_LABELS = {
    VisitOutcome.advice_given.value: N_("Advice given"),
    VisitOutcome.incident_opened.value: N_("Incident opened"),
    VisitOutcome.referred.value: N_("Referred elsewhere"),
    VisitOutcome.other.value: N_("Other"),
}
THREAT_STATUS_LABELS = {
    ThreatStatus.new.value: N_("New"),
    ThreatStatus.verifying.value: N_("Being verified"),
    ThreatStatus.confirmed_in_progress.value: N_("Confirmed, in progress"),
    ThreatStatus.confirmed_eliminated.value: N_("Confirmed, eliminated"),
    ThreatStatus.not_confirmed.value: N_("Not confirmed"),
    ThreatStatus.joke_or_mistake.value: N_("Joke or mistake"),
    ThreatStatus.passed_outside_police.value: N_("Passed outside the police"),
}


def iccs_section_name(section: str | None, language: str | None = None) -> str:
    """The section's name in a language (default: the current one); None is outside ICCS."""
    if section is not None and section not in ICCS_SECTIONS:
        return section
    message = ICCS_SECTIONS[section] if section is not None else OUTSIDE_ICCS
    return translate_in(language, message) if language else gettext(message)


def label(labels: dict[str, str], key: str) -> str:
    """A code's translated label in the current language; an unknown code shows as itself."""
    if key not in labels:
        return key
    return gettext(labels[key]).format(form=key)


def incident_status_label(status: str) -> str:
    try:
        return status_label(IncidentStatus(status))
    except ValueError:
        return status
