"""Errors a user may see: each carries a message already translated into the user's language."""

from __future__ import annotations

from station_desk.i18n import _


class StationDeskError(Exception):
    """Base of every error meant for a person rather than a programmer."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongPassword(StationDeskError):
    def __init__(self) -> None:
        super().__init__(_("Wrong user name or password. Nothing was changed."))


class TooManyAttempts(StationDeskError):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(
            _("Too many wrong passwords. Wait {seconds} seconds and try again.").format(seconds=wait_seconds)
        )
        self.wait_seconds = wait_seconds


class AccountDisabled(StationDeskError):
    def __init__(self) -> None:
        super().__init__(_("This account is disabled. Ask the station commander."))


class KeyFileProblem(StationDeskError):
    """The key file beside the database is missing or cannot be read."""


class DatabaseProblem(StationDeskError):
    """The database file is missing, corrupt, from a newer version, or the disk is full."""


class PermissionDenied(StationDeskError):
    exit_code = 3


class NotFound(StationDeskError):
    pass


class RecordLocked(StationDeskError):
    def __init__(self) -> None:
        super().__init__(_("This record is approved and locked. Add a supplement instead of changing it."))


class ValidationFailed(StationDeskError):
    """One or more fields are wrong; `errors` maps each field to its message."""

    exit_code = 2

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        summary = "; ".join(f"{field}: {text}" for field, text in self.errors.items())
        super().__init__(_("Please correct: {problems}").format(problems=summary))
