"""Collects field problems and raises them together, each message in the user's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar

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
        if value > datetime.now(UTC) + CLOCK_TOLERANCE:
            self.add(field, _("This time is in the future."))
        return value

    def not_negative(self, field: str, value: float | int | None) -> None:
        if value is not None and value < 0:
            self.add(field, _("Must not be negative."))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
