"""Demo incidents in the mix village officers describe, with people, property, workflow states and register numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from station_desk.models import Incident, IncidentNote, Involvement, PropertyItem
from station_desk.models.enums import (
    Confidentiality,
    DataProtectionCategory,
    IncidentSource,
    IncidentStatus,
    InvolvementRole,
    LegalType,
    NoteKind,
    Outcome,
    PropertyKind,
    PropertyRole,
)
from station_desk.services.demo_content import DemoContext, Row, Weighted
from station_desk.services.demo_dv import DomesticViolence
from station_desk.services.demo_people import ADULT_AGE, Household, People, age_on, full_name

ROLE_CATEGORY = {
    InvolvementRole.victim: DataProtectionCategory.victim,
    InvolvementRole.alleged_offender: DataProtectionCategory.suspect,
}
COMMON_CATEGORIES = (
    "assault",
    "psychological_violence",
    "family_dispute",
    "neighbour_dispute",
    "theft",
    "livestock_theft",
)


@dataclass(frozen=True)
class Kind:
    """One kind of call: its category, how often it comes, its narrative texts and who is involved."""

    category: str
    weight: float
    narrative: str
    cast: str
    domestic_violence: bool = False
    property_kind: PropertyKind | None = None


# Domestic violence, theft and family or neighbour disputes make up most of a village officer's work.
KINDS = (
    Kind("assault", 8, "domestic_violence", "dv", domestic_violence=True),
    Kind("psychological_violence", 7, "dv_psychological", "dv", domestic_violence=True),
    Kind("threat", 2, "dv_psychological", "dv", domestic_violence=True),
    Kind("family_dispute", 14, "family_dispute", "family"),
    Kind("neighbour_dispute", 12, "neighbour_dispute", "neighbours"),
    Kind("theft", 6, "theft_fuel", "theft", property_kind=PropertyKind.fuel),
    Kind("theft", 4, "theft_tools", "theft", property_kind=PropertyKind.tools),
    Kind("burglary", 4, "burglary", "theft", property_kind=PropertyKind.tools),
    Kind("livestock_theft", 5, "livestock_theft", "theft", property_kind=PropertyKind.livestock),
    Kind("personal_theft", 2, "personal_theft", "theft", property_kind=PropertyKind.phone),
    Kind("vehicle_theft", 1, "vehicle_theft", "theft", property_kind=PropertyKind.vehicle),
    Kind("fraud", 4, "fraud", "fraud", property_kind=PropertyKind.money),
    Kind("public_order", 6, "public_order", "offender"),
    Kind("traffic", 5, "traffic", "offender"),
    Kind("assault", 3, "assault", "pair"),
    Kind("threat", 2, "threat", "pair"),
    Kind("insult", 2, "insult", "pair"),
    Kind("vandalism", 3, "vandalism", "pair"),
    Kind("lost_property", 2, "lost_property", "complainant"),
    Kind("assistance", 3, "assistance", "complainant"),
    Kind("hazard", 2, "hazard", "complainant"),
    Kind("animal_cruelty", 1, "animal_cruelty", "offender"),
    Kind("environment", 2, "environment", "offender"),
)
_SOURCES = (
    (IncidentSource.phone, 45), (IncidentSource.walk_in, 22), (IncidentSource.patrol, 10),
    (IncidentSource.reception, 10), (IncidentSource.referral, 5), (IncidentSource.threat_map, 3),
)  # fmt: skip
_CLOSED_OUTCOMES = {
    LegalType.criminal: Weighted(
        [Outcome.criminal_case_opened, Outcome.solved, Outcome.referred, Outcome.no_action], [60, 20, 10, 10]
    ),
    LegalType.administrative: Weighted([Outcome.fined, Outcome.warning, Outcome.no_action], [50, 35, 15]),
    LegalType.no_offence: Weighted(
        [Outcome.solved, Outcome.warning, Outcome.referred, Outcome.no_action], [50, 30, 10, 10]
    ),
}
_RECENT_STATUS = Weighted(
    [IncidentStatus.draft, IncidentStatus.submitted, IncidentStatus.returned, IncidentStatus.approved], [15, 45, 10, 30]
)
_MONTH_OLD_STATUS = Weighted(
    [IncidentStatus.submitted, IncidentStatus.returned, IncidentStatus.approved, IncidentStatus.closed], [5, 3, 52, 40]
)
_DUE_DAYS = {LegalType.criminal: 30, LegalType.administrative: 15, LegalType.no_offence: 10}
Cast = list[tuple[Row, InvolvementRole]]


class IncidentMaker:
    """Draws `count` incidents over the period; reception and patrol incidents sit inside a session or a patrol."""

    def __init__(self, ctx: DemoContext, people: People, legal_types: dict[str, LegalType]) -> None:
        self.ctx = ctx
        self.people = people
        self.legal_types = legal_types
        self.dv = DomesticViolence(ctx)
        self.kinds = Weighted(KINDS, [kind.weight for kind in KINDS])
        sources = [(source, weight) for source, weight in _SOURCES if source != IncidentSource.threat_map or
                   ctx.content.get("threat_map", False)]  # fmt: skip
        self.sources = Weighted([source for source, _ in sources], [weight for _, weight in sources])
        self.villages = {village["id"]: village for village in ctx.villages}
        self.reception_incidents: dict[str, list[tuple[Row, Row]]] = {}
        self.incidents: list[Row] = []
        self._register_seq = 0

    def make(self, count: int, patrols: list[Row], sessions: list[Row]) -> list[Row]:
        ctx = self.ctx
        window = (ctx.start, ctx.now - timedelta(minutes=30))
        draws: list[tuple[datetime, Kind, IncidentSource, Row | None]] = []
        for _ in range(count):
            kind = self.kinds.pick(ctx.rng)
            source = IncidentSource.patrol if kind.category == "traffic" else self.sources.pick(ctx.rng)
            anchor: Row | None = None
            if source == IncidentSource.patrol and patrols:
                anchor = ctx.pick(patrols)
                reported = ctx.between(anchor["started_at"], anchor["ended_at"])
            elif source == IncidentSource.reception and sessions:
                anchor = ctx.pick(sessions)
                reported = anchor["_starts"] + timedelta(minutes=ctx.rng.randint(5, 110))
            else:
                source = IncidentSource.phone if source in (IncidentSource.patrol, IncidentSource.reception) else source
                day = ctx.local_date(ctx.between(*window))
                hour = ctx.rng.triangular(6, 23.5, 19)  # calls peak in the evening
                reported = ctx.past(ctx.at(day, hour), margin_minutes=30)
            draws.append((max(reported, ctx.start), kind, source, anchor))
        draws.sort(key=lambda draw: draw[0])
        numbers: dict[int, int] = {}
        for reported, kind, source, anchor in draws:
            year = reported.astimezone(ctx.tz).year
            numbers[year] = numbers.get(year, 0) + 1
            self._incident(f"{year}/{numbers[year]:04d}", reported, kind, source, anchor)
        self._void_a_few()
        self.dv.finish(self.people)
        return self.incidents

    def _cast(self, kind: Kind) -> tuple[Cast, Household | None]:
        people, ctx = self.people, self.ctx
        if kind.cast == "dv":
            household = people.pick_household()
            return [
                (household.victim, InvolvementRole.victim),
                (household.offender, InvolvementRole.alleged_offender),
            ], household
        if kind.cast == "family":
            if ctx.chance(0.4):
                household = people.pick_household()
                return [
                    (household.victim, InvolvementRole.complainant),
                    (household.offender, InvolvementRole.other),
                ], None
            first = people.anyone()
            return [(first, InvolvementRole.complainant), (people.neighbour_of(first), InvolvementRole.other)], None
        if kind.cast == "neighbours":
            first = people.anyone()
            return [(first, InvolvementRole.complainant), (people.neighbour_of(first), InvolvementRole.other)], None
        if kind.cast == "fraud":
            return [(people.senior(), InvolvementRole.victim)], None
        if kind.cast == "theft":
            cast: Cast = [(people.anyone(), InvolvementRole.victim)]
            if ctx.chance(0.35):
                cast.append((people.repeat_offender(), InvolvementRole.alleged_offender))
            if ctx.chance(0.2):
                cast.append((people.neighbour_of(cast[0][0]), InvolvementRole.witness))
            return cast, None
        if kind.cast == "pair":
            victim = people.anyone()
            offender = (
                people.teenager() if kind.category == "vandalism" and ctx.chance(0.3) else people.repeat_offender()
            )
            return [(victim, InvolvementRole.victim), (offender, InvolvementRole.alleged_offender)], None
        if kind.cast == "offender":
            cast = [
                (people.repeat_offender() if ctx.chance(0.5) else people.anyone(), InvolvementRole.alleged_offender)
            ]
            if ctx.chance(0.4):
                cast.append((people.anyone(), InvolvementRole.complainant))
            return cast, None
        return [(people.anyone(), InvolvementRole.complainant)], None

    def _incident(
        self, number: str, reported: datetime, kind: Kind, source: IncidentSource, anchor: Row | None
    ) -> None:
        ctx = self.ctx
        cast, household = self._cast(kind)
        children_present = False
        if household is not None and household.children and ctx.chance(0.45):
            children_present = True
            witnesses = household.children[: ctx.rng.randint(1, len(household.children))]
            cast.extend((child, InvolvementRole.child_witness) for child in witnesses)
        first = cast[0][0]
        village = self.villages[first["village_id"]]
        at_home = kind.cast in ("dv", "family", "neighbours") or kind.category == "burglary"
        address = first["address"] if at_home else f"{ctx.pick(self.people.streets)}, {ctx.rng.randint(1, 120)}"
        if kind.property_kind in (PropertyKind.fuel, PropertyKind.tools, PropertyKind.livestock):
            hours_before = ctx.rng.uniform(2, 60)  # a theft is found in the morning, or after a weekend
        else:
            hours_before = ctx.rng.uniform(0.1, 3)
        occurred_from = reported - timedelta(hours=hours_before)
        occurred_to = (
            min(occurred_from + timedelta(hours=ctx.rng.uniform(0.2, 10)), reported) if hours_before > 2 else None
        )
        legal_type = self.legal_types[kind.category]
        minors = any(age_on(person["birth_date"], ctx.local_date(reported)) < ADULT_AGE for person, _ in cast)
        confidentiality = Confidentiality.normal
        if kind.domestic_violence or minors:
            confidentiality = Confidentiality.sensitive
        template: str = ctx.pick(ctx.text("narratives", kind.narrative))
        incident = ctx.add(
            Incident,
            number=number, reported_at=reported, occurred_from=occurred_from, occurred_to=occurred_to, source=source,
            village_id=village["id"], address=address,
            latitude=round(village["latitude"] + ctx.rng.uniform(-0.01, 0.01), 5) if ctx.chance(0.6) else None,
            longitude=round(village["longitude"] + ctx.rng.uniform(-0.01, 0.01), 5) if ctx.chance(0.6) else None,
            category_code=kind.category, legal_type=legal_type, domestic_violence=kind.domestic_violence,
            narrative=template.replace("{village}", village["name"]), confidentiality=confidentiality,
            patrol_id=anchor["id"] if source == IncidentSource.patrol and anchor else None,
            due_on=reported + timedelta(days=_DUE_DAYS[legal_type]),
        )  # fmt: skip
        self._workflow(incident, legal_type)
        for person, role in cast:
            ctx.add(
                Involvement, incident_id=incident["id"], person_id=person["id"], role=role,
                data_category=ROLE_CATEGORY.get(role, DataProtectionCategory.other),
                minor_at_time=age_on(person["birth_date"], ctx.local_date(reported)) < ADULT_AGE,
            )  # fmt: skip
        if kind.property_kind is not None:
            self._property(incident, kind.property_kind)
        if household is not None:
            self.dv.add(incident, household, physical=kind.category == "assault", children_present=children_present)
        if source == IncidentSource.reception and anchor is not None:
            self.reception_incidents.setdefault(anchor["id"], []).append((incident, first))
        ctx.index.append(
            ("incident", incident["id"],
             (number, address, incident["narrative"], *(full_name(person) for person, _ in cast)))
        )  # fmt: skip
        self.incidents.append(incident)

    def _workflow(self, incident: Row, legal_type: LegalType) -> None:
        """Older records are approved or closed, a few were returned, recent ones are still drafts or submitted."""
        ctx = self.ctx
        reported: datetime = incident["reported_at"]
        age = (ctx.now - reported).days
        roll = ctx.rng.random()
        if age < 3:
            target = IncidentStatus.draft if roll < 0.6 else IncidentStatus.submitted
        elif age < 14:
            target = _RECENT_STATUS.pick(ctx.rng)
        elif age < 45:
            target = _MONTH_OLD_STATUS.pick(ctx.rng)
        else:
            target = IncidentStatus.closed if roll < 0.8 else IncidentStatus.approved
        latest = ctx.now - timedelta(minutes=10)
        submitted = reported + timedelta(hours=ctx.rng.uniform(1, 48))
        approved = submitted + timedelta(days=ctx.rng.uniform(0.3, 5))
        closed = approved + timedelta(days=ctx.rng.uniform(2, 30))
        if target == IncidentStatus.closed and closed > latest:
            target = IncidentStatus.approved
        if target == IncidentStatus.approved and approved > latest:
            target = IncidentStatus.submitted
        if target in (IncidentStatus.submitted, IncidentStatus.returned) and submitted > latest:
            target = IncidentStatus.draft
        values: dict[str, Any] = {"status": target, "outcome": Outcome.pending}
        if target != IncidentStatus.draft:
            values["submitted_at"] = submitted
        if target == IncidentStatus.returned:
            note = ctx.pick(ctx.text("workflow", "return_notes"))
            values["return_note"] = note
            self._status_note(incident, IncidentStatus.submitted, IncidentStatus.returned, note)
        if target in (IncidentStatus.approved, IncidentStatus.closed):
            values |= {"approved_by": ctx.commander_id, "approved_at": approved}
            if target == IncidentStatus.closed or ctx.chance(0.5):
                values["outcome"] = _CLOSED_OUTCOMES[legal_type].pick(ctx.rng)
            if legal_type == LegalType.criminal:
                self._register_seq += 1
                values["national_register_number"] = ctx.text("workflow", "register_number").format(
                    year=reported.year, seq=self._register_seq
                )
        if target == IncidentStatus.closed:
            values["closed_at"] = closed
        incident.update(values)

    def _status_note(self, incident: Row, old: IncidentStatus, new: IncidentStatus, text: str) -> None:
        self.ctx.add(
            IncidentNote, incident_id=incident["id"], kind=NoteKind.status_change, text=text,
            status_from=old.value, status_to=new.value,
        )  # fmt: skip

    def _property(self, incident: Row, kind: PropertyKind) -> None:
        ctx = self.ctx
        item = ctx.pick(ctx.text("property", kind.value))
        quantity = ctx.rng.randint(*item["quantity"])
        value = round(quantity * ctx.rng.uniform(*item["value"]), -1 if quantity > 1 else 0)
        identifier = None
        if kind == PropertyKind.livestock and ctx.chance(0.5):
            identifier = f"{ctx.country.value}{ctx.rng.randint(10**8, 10**9 - 1)}"  # ear tag
        row = {"incident_id": incident["id"], "kind": kind, "description": item["description"], "quantity": quantity}
        ctx.add(PropertyItem, role=PropertyRole.stolen, value=value, identifier=identifier, **row)
        if incident["status"] == IncidentStatus.closed and ctx.chance(0.2):
            ctx.add(PropertyItem, role=PropertyRole.recovered, value=value, identifier=identifier, **row)

    def _void_a_few(self) -> None:
        """One or two wrong records voided with a reason (more in a very large demo)."""
        ctx = self.ctx
        plain_ones = [incident for incident in self.incidents if not incident["domestic_violence"]]
        if not plain_ones:
            return
        wanted = min(len(plain_ones), 2 + len(self.incidents) // 2000)
        for incident in ctx.rng.sample(plain_ones, wanted):
            reason = ctx.pick(ctx.text("workflow", "void_reasons"))
            self._status_note(incident, incident["status"], IncidentStatus.voided, reason)
            incident.update(status=IncidentStatus.voided, void_reason=reason, outcome=Outcome.no_action)
