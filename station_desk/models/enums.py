"""Fixed value lists of the domain; the member name is the stored value, the label is translated in the UI."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    officer = "officer"
    commander = "commander"


class Country(StrEnum):
    UA = "UA"
    PL = "PL"
    XK = "XK"


class IncidentSource(StrEnum):
    walk_in = "walk_in"
    reception = "reception"
    phone = "phone"
    patrol = "patrol"
    threat_map = "threat_map"
    referral = "referral"


class LegalType(StrEnum):
    criminal = "criminal"
    administrative = "administrative"
    no_offence = "no_offence"


class IncidentStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"
    closed = "closed"
    voided = "voided"


class Outcome(StrEnum):
    pending = "pending"
    solved = "solved"
    referred = "referred"
    warning = "warning"
    fined = "fined"
    criminal_case_opened = "criminal_case_opened"
    no_action = "no_action"


class Confidentiality(StrEnum):
    normal = "normal"
    sensitive = "sensitive"
    restricted = "restricted"


class InvolvementRole(StrEnum):
    victim = "victim"
    alleged_offender = "alleged_offender"
    complainant = "complainant"
    witness = "witness"
    child_witness = "child_witness"
    guardian = "guardian"
    interpreter = "interpreter"
    other = "other"


class DataProtectionCategory(StrEnum):
    """Directive 2016/680 art. 6: every link of a person to an incident says which of these it is."""

    suspect = "suspect"
    convicted = "convicted"
    victim = "victim"
    other = "other"


class Sex(StrEnum):
    female = "female"
    male = "male"
    unknown = "unknown"


class PropertyRole(StrEnum):
    stolen = "stolen"
    recovered = "recovered"
    evidence = "evidence"
    found = "found"


class PropertyKind(StrEnum):
    livestock = "livestock"
    fuel = "fuel"
    tools = "tools"
    vehicle = "vehicle"
    money = "money"
    phone = "phone"
    other = "other"


class ViolenceForm(StrEnum):
    physical = "physical"
    sexual = "sexual"
    psychological = "psychological"
    economic = "economic"


class Relationship(StrEnum):
    partner = "partner"
    former_partner = "former_partner"
    family_member = "family_member"
    other_known = "other_known"
    stranger = "stranger"


class RiskLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class MeasureKind(StrEnum):
    urgent_restraining_order = "urgent_restraining_order"  # Ukraine, up to 10 days
    restrictive_order = "restrictive_order"  # Ukraine, by a court
    temporary_emergency_protection_order = "temporary_emergency_protection_order"  # Kosovo
    protection_order = "protection_order"  # Kosovo, by a court
    blue_card = "blue_card"  # Poland, forms A-D
    eviction_order = "eviction_order"  # Poland, police order to leave the home


class BlueCardForm(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class NoteKind(StrEnum):
    note = "note"
    supplement = "supplement"
    status_change = "status_change"


class PatrolMode(StrEnum):
    foot = "foot"
    car = "car"
    bicycle = "bicycle"


class VisitOutcome(StrEnum):
    advice_given = "advice_given"
    incident_opened = "incident_opened"
    referred = "referred"
    other = "other"


class MeetingKind(StrEnum):
    meeting = "meeting"
    public_debate = "public_debate"
    safety_committee = "safety_committee"


class PreventionKind(StrEnum):
    school_talk = "school_talk"
    road_safety = "road_safety"
    senior_safety = "senior_safety"
    other = "other"


class ThreatStatus(StrEnum):
    new = "new"
    verifying = "verifying"
    confirmed_in_progress = "confirmed_in_progress"
    confirmed_eliminated = "confirmed_eliminated"
    not_confirmed = "not_confirmed"
    joke_or_mistake = "joke_or_mistake"
    passed_outside_police = "passed_outside_police"


class ThreatCategory(StrEnum):
    """The categories of Poland's national threat map that a village station meets."""

    illegal_speeding = "illegal_speeding"
    drinking_in_public = "drinking_in_public"
    green_area_devastation = "green_area_devastation"
    stray_dogs = "stray_dogs"
    poaching = "poaching"
    illegal_logging = "illegal_logging"
    illegal_waste_dumping = "illegal_waste_dumping"
    drug_dealing = "drug_dealing"
    vandalism = "vandalism"
    improper_parking = "improper_parking"
    dangerous_road_spot = "dangerous_road_spot"
    youth_gatherings = "youth_gatherings"
    begging = "begging"
    illegal_fuel_sales = "illegal_fuel_sales"
    animal_abuse = "animal_abuse"
    other = "other"


class AuditAction(StrEnum):
    create = "create"
    update = "update"
    delete = "delete"
    view = "view"
    status_change = "status_change"
    export = "export"
    print = "print"
    login = "login"
    login_failed = "login_failed"
    user_change = "user_change"
    enrol = "enrol"  # the laptop was enrolled with the regional server
    resolve = "resolve"  # a sync conflict was resolved
    imported = "import"  # a file was imported (each record it made has its own create entry)
    import_undone = "import_undo"  # a commander undid an import
    anonymise = "anonymise"  # identifying data cleared under a retention rule (the changes have their own entries)
    backup = "backup"  # a backup file was written (the entry is inside the backup it describes)
    restore = "restore"  # the station was replaced by a backup (the entry is in the restored database)
