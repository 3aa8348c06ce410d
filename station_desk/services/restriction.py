"""Records restricted to named users: who may open them, how the commander sets the list, and masked copies.

Who may open a restricted record: any commander of the station and the users the commander named. The author is
not let in on their own: at a village station the usual reason to restrict a record is that a colleague is close to
the people in it (a neighbour, a relative), and that colleague may be the one who wrote it. The list is the one
place that says who reads the record; the commander names the author when they should keep working on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from station_desk.errors import PermissionDenied
from station_desk.i18n import _
from station_desk.models import Incident, Person, RecordBase, RecordRestriction, User
from station_desk.services.context import Actor
from station_desk.services.records import get_record, insert_record, soft_delete, update_record
from station_desk.services.validation import Problems

# The record types a commander may restrict; the services that show their details call require_allowed.
RESTRICTABLE: dict[str, type[RecordBase]] = {"incident": Incident, "person": Person}
# Kept in place of the contact and document details of a restricted person shown to someone not named.
HIDDEN_PERSON_FIELDS = ("address", "phone", "id_document", "notes")
# Everything of an incident beyond the register line (number, dates, category, village, status).
HIDDEN_INCIDENT_FIELDS = ("address", "latitude", "longitude", "national_register_number", "blue_card_number")


def _live_restrictions(
    session: Session, station_id: str, record_type: str, record_ids: Iterable[str]
) -> list[RecordRestriction]:
    ids = list(set(record_ids))
    if not ids:
        return []
    return list(
        session.exec(
            select(RecordRestriction).where(
                RecordRestriction.station_id == station_id,
                RecordRestriction.record_type == record_type,
                col(RecordRestriction.record_id).in_(ids),
                col(RecordRestriction.deleted_at).is_(None),
            )
        )
    )


def hidden_from(session: Session, actor: Actor, record_type: str, record_ids: Iterable[str]) -> set[str]:
    """Which of these records the actor may not open; one query, none for a commander."""
    if actor.is_commander:
        return set()
    # Two laptops may each have restricted the record offline: the actor must be named in every live row.
    return {
        row.record_id
        for row in _live_restrictions(session, actor.station_id, record_type, record_ids)
        if actor.user_id not in row.user_ids
    }


def allowed_to_open(session: Session, actor: Actor, record_type: str, record_id: str) -> bool:
    """The commander always; anyone else when the record is not restricted or names them."""
    return record_id not in hidden_from(session, actor, record_type, [record_id])


def require_allowed(session: Session, actor: Actor, record_type: str, record_id: str) -> None:
    """PermissionDenied, in the user's language, when the actor may not open this record."""
    if not allowed_to_open(session, actor, record_type, record_id):
        raise PermissionDenied(
            _("This record is restricted to named users. Ask the station commander if you need to open it.")
        )


def restricted_to(session: Session, actor: Actor, record_type: str, record_id: str) -> list[str] | None:
    """The user ids named for a record (those named on every live row), or None when it is not restricted."""
    rows = _live_restrictions(session, actor.station_id, record_type, [record_id])
    if not rows:
        return None
    return [user_id for user_id in rows[0].user_ids if all(user_id in row.user_ids for row in rows[1:])]


def user_ids_for(session: Session, actor: Actor, usernames: Sequence[str]) -> list[str]:
    """The ids of the station's users with these user names (as typed on the command line), in that order."""
    wanted = [name.strip() for name in usernames if name.strip()]
    users = {
        user.username: user.id
        for user in session.exec(
            select(User).where(
                User.station_id == actor.station_id, col(User.username).in_(wanted), col(User.deleted_at).is_(None)
            )
        )
    }
    unknown = [name for name in wanted if name not in users]
    if unknown:
        problems = Problems()
        problems.add("users", _("No such user: {names}.").format(names=", ".join(unknown)))
        problems.raise_if_any()
    return [users[name] for name in wanted]


def restrict_record(
    session: Session, actor: Actor, record_type: str, record_id: str, user_ids: Sequence[str]
) -> list[str]:
    """Restrict a record to these users (the commander always may open it); an empty list lifts the restriction.

    Returns the ids now named. Every change is an audited, synced write of the restriction record.
    """
    actor.require_commander()
    problems = Problems()
    model = RESTRICTABLE.get(record_type)
    if model is None:
        problems.add(
            "record_type",
            _("Only these records can be restricted: {types}.").format(types=", ".join(sorted(RESTRICTABLE))),
        )
        problems.raise_if_any()
    assert model is not None
    get_record(session, model, record_id, actor=actor)
    chosen = list(dict.fromkeys(user_id.strip() for user_id in user_ids if user_id.strip()))
    live_users = set(
        session.exec(
            select(User.id).where(
                User.station_id == actor.station_id,
                col(User.id).in_(chosen),
                col(User.deleted_at).is_(None),
                col(User.disabled).is_(False),
            )
        )
    )
    not_live = [user_id for user_id in chosen if user_id not in live_users]
    if not_live:
        problems.add(
            "user_ids",
            _("These are not active users of this station: {users}.").format(users=", ".join(not_live)),
        )
    problems.raise_if_any()
    rows = sorted(
        _live_restrictions(session, actor.station_id, record_type, [record_id]),
        key=lambda row: (row.created_at, row.id),
    )
    if not chosen:
        for row in rows:
            soft_delete(session, actor, row)
        return []
    if rows:
        update_record(session, actor, rows[0], {"user_ids": chosen})
        for duplicate in rows[1:]:  # made offline on another laptop: one list now holds
            soft_delete(session, actor, duplicate)
    else:
        insert_record(session, actor, RecordRestriction(record_type=record_type, record_id=record_id, user_ids=chosen))
    return chosen


def masked_incident(incident: Incident) -> Incident:
    """A detached copy with only the register line, for lists that must stay complete (never saved)."""
    values = incident.model_dump() | dict.fromkeys(HIDDEN_INCIDENT_FIELDS) | {"narrative": _("(restricted)")}
    return Incident.model_validate(values)


def masked_person(person: Person) -> Person:
    """A detached copy with the name but without contact and document details (never saved)."""
    return Person.model_validate(person.model_dump() | dict.fromkeys(HIDDEN_PERSON_FIELDS))
