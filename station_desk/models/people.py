"""Persons: recorded once, linked to many incidents, so repeat victims and offenders are visible."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field

from station_desk.models.base import RecordBase
from station_desk.models.enums import Sex

ADULT_AGE = 18


class Person(RecordBase, table=True):
    last_name: str = Field(max_length=120, index=True)
    first_name: str = Field(max_length=120)
    patronymic: str | None = Field(default=None, max_length=120)
    birth_date: date | None = None
    approximate_age: int | None = None
    approximate_age_on: date | None = None  # the day the approximate age was given
    sex: Sex = Sex.unknown
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36)
    address: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=50)
    id_document: str | None = Field(default=None, max_length=60)
    notes: str | None = None

    def age_on(self, day: date) -> int | None:
        """Age in whole years on a day, from the date of birth or the approximate age; None if unknown."""
        if self.birth_date:
            had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
            return day.year - self.birth_date.year - (0 if had_birthday else 1)
        if self.approximate_age is not None:
            given_on = self.approximate_age_on or day
            return self.approximate_age + (day.year - given_on.year)
        return None

    def is_minor_on(self, day: date) -> bool:
        age = self.age_on(day)
        return age is not None and age < ADULT_AGE
