"""Demo domestic-violence details: forms, risk assessments, protective measures and breaches, offender monitoring."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from station_desk.models import (
    DomesticViolenceDetails,
    MeasureBreach,
    MonitoringCheckIn,
    OffenderMonitoring,
    ProtectiveMeasure,
    RiskAssessment,
)
from station_desk.models.enums import BlueCardForm, Country, MeasureKind, RiskLevel
from station_desk.services.demo_content import DemoContext, Row

if TYPE_CHECKING:
    from station_desk.services.demo_people import Household, People

# Questions of the national risk forms, reduced to the factors they share; the answers are yes or no.
RISK_QUESTIONS = (
    "previous_violence", "escalation", "threats_to_kill", "strangulation", "weapon_access", "alcohol_or_drugs",
    "separation", "children_at_home", "victim_afraid",
)  # fmt: skip
# How long a police-issued emergency measure lasts: Ukraine's urgent restraining order up to 10 days.
_MEASURE_DAYS = {MeasureKind.urgent_restraining_order: 10, MeasureKind.temporary_emergency_protection_order: 10,
                 MeasureKind.eviction_order: 14}  # fmt: skip
_RECENT_DAYS = 9  # every recent call gets a measure, so the demo shows some expiring in the next days
MONITORING_DAYS = 180


class DomesticViolence:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.measures: list[Row] = []
        self._document_seq = 0
        self._blue_card_seq = 0

    def add(self, incident: Row, household: Household, *, physical: bool, children_present: bool) -> None:
        ctx = self.ctx
        reported: datetime = incident["reported_at"]
        household.dv_incidents.append(incident)
        referrals: list[str] = ctx.text("dv", "referrals")
        ctx.add(
            DomesticViolenceDetails, incident_id=incident["id"], physical=physical,
            sexual=ctx.chance(0.03), psychological=not physical or ctx.chance(0.6), economic=ctx.chance(0.15),
            relationship=household.relationship, children_present=children_present,
            blue_card_form=BlueCardForm.A if ctx.country == Country.PL else None,
            referrals=ctx.pick(referrals) if ctx.chance(0.6) else None,
        )  # fmt: skip
        if ctx.country == Country.PL:
            self._blue_card_seq += 1
            incident["blue_card_number"] = f"NK {self._blue_card_seq}/{reported.astimezone(ctx.tz).year}"
        repeat = len(household.dv_incidents) > 1
        answers = {question: ctx.chance(0.25) for question in RISK_QUESTIONS}
        answers["previous_violence"] = repeat or answers["previous_violence"]
        answers["children_at_home"] = bool(household.children)
        score = sum(answers.values()) + (2 if physical else 0)
        level = RiskLevel.high if score >= 6 else RiskLevel.medium if score >= 4 else RiskLevel.low
        ctx.add(
            RiskAssessment, incident_id=incident["id"], form=ctx.text("dv", "risk_form"), answers=answers, level=level,
            assessed_at=ctx.past(reported + timedelta(minutes=ctx.rng.randint(20, 120))),
        )  # fmt: skip
        recent = (ctx.now - reported).days < _RECENT_DAYS
        if level == RiskLevel.high or (level == RiskLevel.medium and ctx.chance(0.5)) or recent:
            self._measures(incident, household, level)

    def _measures(self, incident: Row, household: Household, level: RiskLevel) -> None:
        ctx = self.ctx
        kinds = {
            Country.UA: [MeasureKind.urgent_restraining_order],
            Country.XK: [MeasureKind.temporary_emergency_protection_order],
            Country.PL: [MeasureKind.blue_card] + ([MeasureKind.eviction_order] if level == RiskLevel.high else []),
        }[ctx.country]
        issued = ctx.past(incident["reported_at"] + timedelta(minutes=ctx.rng.randint(40, 180)))
        for kind in kinds:
            self._document_seq += 1
            days = _MEASURE_DAYS.get(kind)
            measure = ctx.add(
                ProtectiveMeasure, incident_id=incident["id"], kind=kind, against_person_id=household.offender["id"],
                issued_at=issued, expires_at=issued + timedelta(days=days) if days else None,
                document_number=f"{ctx.text('dv', 'measure_prefix')} {self._document_seq}/{issued.year}",
            )  # fmt: skip
            if days:
                self.measures.append(measure)

    def finish(self, people: People) -> None:
        """Breaches of some measures, and monitoring with check-ins for offenders who came back."""
        ctx = self.ctx
        eligible = [m for m in self.measures if m["issued_at"] < ctx.now - timedelta(days=1)]
        breached = [m for m in eligible if ctx.chance(0.1)]
        if len(breached) < min(2, len(eligible)):
            breached = ctx.rng.sample(eligible, min(2, len(eligible)))
        for measure in breached:
            end = min(measure["expires_at"], ctx.now - timedelta(minutes=30))
            ctx.add(
                MeasureBreach, measure_id=measure["id"], note=ctx.pick(ctx.text("dv", "breach_notes")),
                occurred_at=ctx.between(measure["issued_at"] + timedelta(hours=6), end),
            )  # fmt: skip
        for household in people.households:
            if len(household.dv_incidents) < 2:
                continue
            second = household.dv_incidents[1]
            started = ctx.local_date(second["reported_at"]) + timedelta(days=1)
            if started >= ctx.today:
                continue
            monitoring = ctx.add(
                OffenderMonitoring, person_id=household.offender["id"], incident_id=second["id"], started_on=started,
                ends_on=started + timedelta(days=MONITORING_DAYS),
                reason=ctx.pick(ctx.text("dv", "monitoring_reasons")),
            )  # fmt: skip
            day = started + timedelta(days=ctx.rng.randint(3, 10))
            last = min(ctx.today - timedelta(days=1), started + timedelta(days=MONITORING_DAYS))
            while day <= last:
                ctx.add(
                    MonitoringCheckIn, monitoring_id=monitoring["id"], note=ctx.pick(ctx.text("dv", "checkin_notes")),
                    at=ctx.at(day, ctx.rng.uniform(9, 18)),
                )  # fmt: skip
                day += timedelta(days=ctx.rng.randint(14, 28))
