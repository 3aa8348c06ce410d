"""Turns one cell into the value a column wants: names of categories, villages, officers and choices into ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from station_desk.i18n import CATALOG_LANGUAGES, _, translate_in
from station_desk.importing import values
from station_desk.importing.columns import EXTRA_CHOICE_WORDS, Column
from station_desk.importing.values import CellProblem, normalise_label
from station_desk.models import Category, Station, User, Village
from station_desk.services.context import Actor

# Several villages or officers in one cell: "Вишневе, Дубове" or "Kowalski; Nowak".
_LIST_SEPARATORS = re.compile(r"[,;\n]+")


@dataclass
class Lookups:
    """Everything a row may name, loaded once per import and matched by normalised words."""

    zone: ZoneInfo
    station_name: str
    categories: dict[str, str]
    villages: dict[str, str]
    officers: dict[str, str]
    village_names: list[str]
    # The loaded categories and villages themselves: while referenced they stay in the session's identity map,
    # so the services' session.get() for each row costs no query.
    loaded: list[Any]

    @classmethod
    def load(cls, session: Session, actor: Actor) -> Lookups:
        station = session.get_one(Station, actor.station_id)
        categories: dict[str, str] = {}
        all_categories = list(session.exec(select(Category).order_by(col(Category.sort_order))))
        # Local codes and every language's name first; an ICCS code shared by several categories names the first.
        for category in all_categories:
            names = (category.code, category.name_uk, category.name_pl, category.name_sq, category.name_sr)
            for name in (*names, category.name_en):
                categories.setdefault(normalise_label(name), category.code)
        for category in all_categories:
            if category.iccs_code:
                categories.setdefault(normalise_label(category.iccs_code), category.code)
        live = (Village.station_id == actor.station_id, col(Village.deleted_at).is_(None))
        all_villages = list(session.exec(select(Village).where(*live)))
        villages = {normalise_label(v.name): v.id for v in all_villages}
        officers: dict[str, str] = {}
        for user in session.exec(select(User).where(User.station_id == actor.station_id)):
            officers.setdefault(normalise_label(user.username), user.id)
            officers.setdefault(normalise_label(user.full_name), user.id)
        loaded: list[Any] = [*all_categories, *all_villages]
        village_names = sorted(village.name for village in all_villages)
        return cls(ZoneInfo(station.timezone), station.name, categories, villages, officers, village_names, loaded)


def choice_words(column: Column) -> dict[str, str]:
    """Every word that names a choice: its stored value, its label in each language, and register usage."""
    words: dict[str, str] = {}
    for value, label in column.choices.items():
        for word in (value, label, *(translate_in(language, label) for language in CATALOG_LANGUAGES)):
            words.setdefault(normalise_label(word), value)
        for word in EXTRA_CHOICE_WORDS.get(value, ()):
            words.setdefault(normalise_label(word), value)
    return words


def parse_cell(column: Column, cell: Any, lookups: Lookups, choices: dict[str, str]) -> Any:
    """The column's value from one cell; None when the cell is empty; CellProblem when it is wrong."""
    kind = column.value_type
    if kind == "date":
        return values.parse_date(cell)
    if kind == "datetime":
        return values.parse_datetime(cell, lookups.zone)
    if kind == "int":
        return values.parse_int(cell)
    if kind == "float":
        return values.parse_float(cell)
    if kind == "bool":
        return values.parse_bool(cell)
    cleaned = values.text(cell)
    if cleaned is None:
        return [] if kind in ("villages", "officers") else None
    if kind == "text":
        if column.max_length is not None and len(cleaned) > column.max_length:
            raise CellProblem(_("At most {count} characters.").format(count=column.max_length))
        return cleaned
    if kind == "category":
        return _named(lookups.categories, cleaned, _("Unknown category “{value}”."))
    if kind in ("village", "villages"):
        message = _("Unknown village “{value}”. The station's villages: {names}.")
        names = ", ".join(lookups.village_names) or "—"
        if kind == "village":
            return _named(lookups.villages, cleaned, message, names=names)
        return [_named(lookups.villages, part, message, names=names) for part in _parts(cleaned)]
    if kind == "officers":
        return [_named(lookups.officers, part, _("Unknown officer “{value}”.")) for part in _parts(cleaned)]
    if kind == "choice":
        return _named(choices, cleaned, _("“{value}” is not one of the allowed values."))
    raise ValueError(f"unknown column type {kind}")


def _parts(cleaned: str) -> list[str]:
    return [part.strip() for part in _LIST_SEPARATORS.split(cleaned) if part.strip()]


def _named(index: dict[str, str], cleaned: str, message: str, **more: str) -> str:
    found = index.get(normalise_label(cleaned))
    if found is None:
        raise CellProblem(message.format(value=cleaned, **more))
    return found
