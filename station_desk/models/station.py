"""The station itself, its villages, its user accounts, and the ICCS category reference table."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from station_desk.models.base import RecordBase
from station_desk.models.enums import Country, LegalType, Role


class Station(RecordBase, table=True):
    """One village station; a laptop's database holds exactly one."""

    name: str = Field(max_length=200)
    country: Country
    timezone: str = Field(max_length=64)
    locale: str = Field(max_length=16)
    address: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=50)


class Village(RecordBase, table=True):
    name: str = Field(max_length=200, index=True)
    population: int | None = None
    latitude: float | None = None
    longitude: float | None = None


class User(RecordBase, table=True):
    """An account; the password never lives here, only in the key file's wrapped slot."""

    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(max_length=200)
    role: Role
    rank: str | None = Field(default=None, max_length=100)
    disabled: bool = False


class Category(SQLModel, table=True):
    """Reference data seeded by migration: a local incident category, its ICCS code, and its five names."""

    code: str = Field(primary_key=True, max_length=40)
    iccs_code: str | None = Field(default=None, max_length=10)
    iccs_section: str | None = Field(default=None, max_length=2)
    default_legal_type: LegalType
    domestic_violence_possible: bool = False
    name_uk: str = Field(max_length=120)
    name_pl: str = Field(max_length=120)
    name_sq: str = Field(max_length=120)
    name_sr: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    sort_order: int = 0
    version: int = 0
