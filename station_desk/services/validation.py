"""Collects field problems and raises them together, each message in the user's language."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar, get_type_hints

from pydantic import TypeAdapter, ValidationError

from station_desk.errors import ValidationFailed
from station_desk.i18n import _

E = TypeVar("E", bound=Enum)
# A laptop's clock may run a little fast; a time up to this far ahead is not "in the future".
CLOCK_TOLERANCE = timedelta(minutes=5)


class Problems:
    """Gather every problem of a form, then raise once, so the officer sees them all at the same time."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def required_text(self, field: str, value: str | None, max_length: int | None = None) -> str:
        cleaned = (value or "").strip()
        if not cleaned:
            self.add(field, _("This field is required."))
        elif max_length is not None and len(cleaned) > max_length:
            self.add(field, _("At most {count} characters.").format(count=max_length))
        return cleaned

    def optional_text(self, field: str, value: str | None, max_length: int | None = None) -> str | None:
        cleaned = (value or "").strip()
        if max_length is not None and len(cleaned) > max_length:
            self.add(field, _("At most {count} characters.").format(count=max_length))
        return cleaned or None

    def choice(self, field: str, value: Any, enum: type[E], *, required: bool = True) -> E | None:
        if value is None or value == "":
            if required:
                self.add(field, _("This field is required."))
            return None
        try:
            return enum(value)
        except ValueError:
            self.add(field, _("“{value}” is not one of the allowed values.").format(value=value))
            return None

    def aware_time(self, field: str, value: datetime | None, *, required: bool = False) -> datetime | None:
        if value is None:
            if required:
                self.add(field, _("This field is required."))
            return None
        if value.tzinfo is None:
            self.add(field, _("The time has no time zone."))
            return None
        try:
            value.astimezone(UTC)
        except (OverflowError, ValueError):  # the first or last day of the calendar in a far time zone
            self.add(field, _("This date is impossible."))
            return None
        if value > datetime.now(UTC) + CLOCK_TOLERANCE:
            self.add(field, _("This time is in the future."))
        return value

    def not_negative(self, field: str, value: float | int | None) -> None:
        if value is not None and value < 0:
            self.add(field, _("Must not be negative."))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


# 64-bit signed integers: what SQLite and PostgreSQL store.
_LARGEST_INTEGER = 2**63 - 1


_FIELD_TYPES: dict[type, dict[str, TypeAdapter[Any]]] = {}


def _field_types(form: type) -> dict[str, TypeAdapter[Any]]:
    found = _FIELD_TYPES.get(form)
    if found is None:
        found = _FIELD_TYPES[form] = {name: TypeAdapter(hint) for name, hint in get_type_hints(form).items()}
    return found


def check_types(data: Any) -> None:
    """Refuse, field by field, values of the wrong type before any rule looks at them.

    A form sends the right types; an import, a script or a damaged file may send a number where text belongs or
    text where a date belongs. Numbers must also be finite and fit in 64 bits, which is what the database stores.
    """
    errors: dict[str, str] = {}
    for name, adapter in _field_types(type(data)).items():
        value = getattr(data, name)
        try:
            adapter.validate_python(value, strict=True)
        except ValidationError:
            errors[name] = _("This value has the wrong type.")
            continue
        if isinstance(value, float) and not math.isfinite(value):
            errors[name] = _("This is not a number.")
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST_INTEGER:
            errors[name] = _("This number is too large.")
    if errors:
        raise ValidationFailed(errors)
