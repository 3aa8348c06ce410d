"""Demo persons: a village population, households that come back to the police, and known repeat offenders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from station_desk.models import Person
from station_desk.models.enums import Relationship, Sex
from station_desk.services.demo_content import DemoContext, Row, Weighted

ADULT_AGE = 18
PEOPLE_SCALE_LIMIT = 20_000  # incidents beyond which the number of people stops growing


def age_on(birth_date: date, day: date) -> int:
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def full_name(person: Row) -> str:
    return " ".join(part for part in (person["last_name"], person["first_name"], person["patronymic"]) if part)


@dataclass
class Household:
    """A family the station meets again and again: the same victim, offender and children in several incidents."""

    victim: Row
    offender: Row
    relationship: Relationship
    children: list[Row] = field(default_factory=list)
    dv_incidents: list[Row] = field(default_factory=list)


class People:
    """Makes persons with names in the station's language and keeps the pools incidents draw from."""

    def __init__(self, ctx: DemoContext, incident_count: int) -> None:
        self.ctx = ctx
        names = ctx.content["first_names"]
        self.female: list[str] = names["female"]
        self.male: list[list[str]] = [entry.split("|") for entry in names["male"]]
        self.has_patronymics = any(len(entry) == 3 for entry in self.male)  # entries are name|patronymic m|patronymic f
        self.last_names: list[list[str]] = [entry.split("|") for entry in ctx.content["last_names"]]
        self.streets: list[str] = ctx.content["streets"]
        self.by_village: dict[str, list[Row]] = {village["id"]: [] for village in ctx.villages}
        self.village_pick = Weighted(ctx.villages, [village["population"] for village in ctx.villages])
        # Eleven villages hold a few thousand people: past that, a bigger demo brings the same people back more often.
        scale = min(incident_count, PEOPLE_SCALE_LIMIT)
        self.pool = [self.adult() for _ in range(max(80, round(scale * 0.5)))]
        self.elderly = [self.adult(ages=(66, 88)) for _ in range(max(12, scale // 25))]
        offenders = [self.adult(sex=Sex.male, ages=(19, 55)) for _ in range(max(6, scale // 40))]
        # A few people account for most repeat offending: Zipf-like weights.
        self.offenders = Weighted(offenders, [1 / (rank + 1) for rank in range(len(offenders))])
        self.households = [self.household() for _ in range(max(6, scale // 18))]
        self.household_pick = Weighted(self.households, [1 / (rank + 1) ** 0.7 for rank in range(len(self.households))])

    def _last_name(self, entry: list[str], sex: Sex) -> str:
        return entry[1] if sex == Sex.female and len(entry) > 1 else entry[0]

    def _patronymic(self, father: list[str] | None, sex: Sex) -> str | None:
        if not self.has_patronymics:
            return None
        entry = father or self.ctx.pick(self.male)
        return entry[2] if sex == Sex.female else entry[1]

    def person(
        self,
        *,
        sex: Sex | None = None,
        ages: tuple[int, int] = (18, 80),
        village: Row | None = None,
        surname: list[str] | None = None,
        father: list[str] | None = None,
        address: str | None = None,
    ) -> Row:
        ctx = self.ctx
        chosen_sex = sex or (Sex.female if ctx.chance(0.5) else Sex.male)
        first = ctx.pick(self.female) if chosen_sex == Sex.female else ctx.pick(self.male)[0]
        home = village or self.village_pick.pick(ctx.rng)
        age = ctx.rng.randint(*ages)
        birth = ctx.today - timedelta(days=age * 365 + ctx.rng.randint(1, 360))
        row = ctx.add(
            Person,
            last_name=self._last_name(surname or ctx.pick(self.last_names), chosen_sex),
            first_name=first,
            patronymic=self._patronymic(father, chosen_sex),
            birth_date=birth,
            sex=chosen_sex,
            village_id=home["id"],
            address=address or f"{ctx.pick(self.streets)}, {ctx.rng.randint(1, 120)}",
            phone=f"+{ctx.rng.randint(10**10, 10**11 - 1)}" if ctx.chance(0.6) and age >= 14 else None,
        )
        self.by_village[home["id"]].append(row)
        ctx.index.append(("person", row["id"], (row["last_name"], row["first_name"], row["patronymic"])))
        return row

    def adult(self, *, sex: Sex | None = None, ages: tuple[int, int] = (18, 80)) -> Row:
        return self.person(sex=sex, ages=ages)

    def household(self) -> Household:
        """A couple (or a parent and an adult son) in one house, with children when young enough."""
        ctx = self.ctx
        village = self.village_pick.pick(ctx.rng)
        surname = ctx.pick(self.last_names)
        address = f"{ctx.pick(self.streets)}, {ctx.rng.randint(1, 120)}"
        father = ctx.pick(self.male)
        if ctx.chance(0.8):
            relationship = Relationship.partner if ctx.chance(0.85) else Relationship.former_partner
            offender = self.person(sex=Sex.male, ages=(24, 60), village=village, surname=surname, address=address)
            offender_entry = [entry for entry in self.male if entry[0] == offender["first_name"]]
            father = offender_entry[0] if offender_entry else father
            victim = self.person(sex=Sex.female, ages=(22, 58), village=village, surname=surname, address=address)
            children = [
                self.person(ages=(2, 16), village=village, surname=surname, father=father, address=address)
                for _ in range(ctx.rng.choice((0, 1, 1, 2, 2, 3)))
            ]
            return Household(victim, offender, relationship, children)
        # An elderly parent and the adult son who lives with her.
        victim = self.person(sex=Sex.female, ages=(62, 84), village=village, surname=surname, address=address)
        offender = self.person(
            sex=Sex.male, ages=(28, 50), village=village, surname=surname, father=father, address=address
        )
        return Household(victim, offender, Relationship.family_member)

    def anyone(self) -> Row:
        return self.ctx.pick(self.pool)

    def neighbour_of(self, person: Row) -> Row:
        """Someone else from the same village (a new resident if the pool has nobody there yet)."""
        village_people = self.by_village.get(person["village_id"] or "", [])
        for _ in range(4):
            other = self.ctx.pick(village_people) if village_people else None
            if other is not None and other is not person and age_on(other["birth_date"], self.ctx.today) >= ADULT_AGE:
                return other
        village = next(v for v in self.ctx.villages if v["id"] == person["village_id"])
        other = self.person(village=village)
        self.pool.append(other)
        return other

    def repeat_offender(self) -> Row:
        return self.offenders.pick(self.ctx.rng)

    def pick_household(self) -> Household:
        return self.household_pick.pick(self.ctx.rng)

    def senior(self) -> Row:
        return self.ctx.pick(self.elderly)

    def teenager(self) -> Row:
        return self.person(ages=(14, 17))
