"""Who is acting: the logged-in user as plain data, passed to every service call."""

from __future__ import annotations

from dataclasses import dataclass

from station_desk.errors import PermissionDenied
from station_desk.i18n import _
from station_desk.models.enums import Role


@dataclass(frozen=True)
class Actor:
    user_id: str
    username: str
    full_name: str
    role: Role
    station_id: str

    @property
    def is_commander(self) -> bool:
        return self.role == Role.commander

    def require_commander(self) -> None:
        if not self.is_commander:
            raise PermissionDenied(_("Only the station commander may do this."))
