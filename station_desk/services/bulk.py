"""Many new records in one transaction: executemany inserts, with the audit chain and outbox rows of insert_record."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlmodel import Session, SQLModel, col, select

from station_desk.i18n import _
from station_desk.models import AuditEntry, OutboxEntry, RecordBase, UTCDateTime, new_id, utcnow
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.journal import GENESIS_HASH
from station_desk.services.search import index_body
from station_desk.services.serialize import plain

# The same metadata columns services/records.py leaves out of the audit entry's list of fields.
_META = frozenset({"id", "station_id", "created_by", "created_at", "updated_at", "version", "deleted_at"})
_STAMPED = ("station_id", "created_by", "created_at", "updated_at")


@dataclass(frozen=True)
class _Defaults:
    """A model's column defaults, read once: building thousands of ORM objects costs ~0.2 ms each."""

    columns: tuple[str, ...]
    template: dict[str, Any]  # every column in order, with its fixed default (None where a factory fills it)
    factories: dict[str, Any]
    required: frozenset[str]


_DEFAULTS: dict[type[RecordBase], _Defaults] = {}


def _defaults_of(model: type[RecordBase]) -> _Defaults:
    found = _DEFAULTS.get(model)  # keyed by class: reading __tablename__ goes through SQLAlchemy each time
    if found is None:
        name = str(model.__tablename__)
        table = SQLModel.metadata.tables[name]
        fixed: dict[str, Any] = {}
        factories: dict[str, Any] = {}
        required: set[str] = set()
        for column in table.columns:
            field = model.model_fields[column.name]
            if field.default_factory is not None:
                factories[column.name] = field.default_factory
            elif field.default is not PydanticUndefined:
                fixed[column.name] = field.default
            elif column.name not in _STAMPED:
                required.add(column.name)
        columns = tuple(column.name for column in table.columns)
        found = _Defaults(columns, {name: fixed.get(name) for name in columns}, factories, frozenset(required))
        _DEFAULTS[model] = found
    return found


def full_row(model: type[RecordBase], values: Mapping[str, Any]) -> dict[str, Any]:
    """Every column of one new record in column order, missing ones filled with the model's defaults."""
    spec = _defaults_of(model)
    missing = spec.required - values.keys()
    if missing:
        raise ValueError(
            _("Missing values for {table}: {fields}.").format(
                table=model.__tablename__, fields=", ".join(sorted(missing))
            )
        )
    row = spec.template.copy()
    row.update(values)
    if len(row) != len(spec.columns):  # keys that are not columns (a generator's own notes) are left out
        row = {name: row[name] for name in spec.columns}
    for name, factory in spec.factories.items():
        if name not in values:
            row[name] = factory()
    return row


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_PLAIN_ID = re.compile(r"[0-9a-zA-Z_-]*")


class _ChainText:
    """journal.entry_hash's canonical JSON, assembled from pieces that are the same for a whole batch.

    json.dumps with sorted keys is the slowest step per record; only the entry id, the previous hash, the record
    id and the list of fields change from one entry to the next. verify_chain in the tests checks the result.
    """

    def __init__(self, *, at: str, station_id: str, user_id: str | None, record_type: str, reason: str | None) -> None:
        self.head = f'{{"action":{_json(AuditAction.create.value)},"at":{_json(at)},"details":'
        self.reason = f',"reason":{_json(reason)}'
        self.tail = f',"record_type":{_json(record_type)},"station_id":{_json(station_id)},"user_id":{_json(user_id)}}}'
        self.details: dict[tuple[str, ...], str] = {}
        self.stored_details: dict[tuple[str, ...], str] = {}

    def details_text(self, fields: tuple[str, ...]) -> str:
        """The audit entry's details column as stored; many records share their list of filled fields."""
        text = self.stored_details.get(fields)
        if text is None:
            text = self.stored_details[fields] = _dump_json({"fields": list(fields)})
        return text

    def entry_hash(self, entry_id: str, fields: tuple[str, ...], record_id: str, previous: str) -> str:
        details = self.details.get(fields)
        if details is None:
            details = self.details[fields] = _json({"fields": list(fields)})
        # Keys in sorted order, as json.dumps(sort_keys=True) writes them.
        # UUIDs and hex hashes need no escaping; any other record id goes through json.dumps.
        quoted_id = f'"{record_id}"' if _PLAIN_ID.fullmatch(record_id) else _json(record_id)
        text = (f'{self.head}{details},"id":"{entry_id}","previous_hash":"{previous}"{self.reason},'
                f'"record_id":{quoted_id}{self.tail}')  # fmt: skip
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _last_hash(session: Session) -> str:
    last = session.exec(select(AuditEntry.entry_hash).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    return last or GENESIS_HASH


def _memoized(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Rows share their creation stamp, days and enum values, so each distinct value is converted once per call."""
    cache: dict[Any, Any] = {}

    def run(value: Any) -> Any:
        found = cache.get(value)
        if found is None:
            found = cache[value] = process(value)
        return found

    return run


@dataclass(frozen=True)
class _Insert:
    sql: str
    names: tuple[str, ...]
    processors: tuple[tuple[int, Any, bool], ...]  # column position, bind processor, whether values are hashable


_INSERTS: dict[tuple[str, str, tuple[str, ...], frozenset[str]], _Insert] = {}


def _dump_json(value: Any) -> str:
    # Letters as they are rather than \u escapes: Cyrillic outbox rows take half the space, and read back the same.
    return json.dumps(value, ensure_ascii=False)


def _execute_many(
    session: Session, table: sa.Table, rows: Sequence[Mapping[str, Any]], serialized: frozenset[str] = frozenset()
) -> None:
    """executemany straight on the driver with the columns' own bind processors (UTC times, enums), JSON as text.

    Going through Core's per-row parameter compilation costs more than the encrypted insert itself. Columns named
    in `serialized` already hold their JSON text.
    """
    connection = session.connection()
    dialect = connection.dialect
    names = tuple(name for name in rows[0] if name in table.columns)
    key = (dialect.name, table.name, names, serialized)
    prepared = _INSERTS.get(key)
    if prepared is None:
        quote = dialect.identifier_preparer.quote
        sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) VALUES "
        sql += f"({', '.join('?' for _ in names)})"
        processors: list[tuple[int, Any, bool]] = []
        for position, name in enumerate(names):
            column_type = table.columns[name].type
            if isinstance(column_type, sa.JSON):
                if name not in serialized:
                    processors.append((position, _dump_json, False))
                continue
            # The dialect's own type (SQLite's DATETIME, TIME, ...) holds the processor that turns values into text.
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((position, process, True))
        prepared = _INSERTS[key] = _Insert(sql, names, tuple(processors))
    getter = itemgetter(*prepared.names)
    converters = [(position, _memoized(process) if hashable else process) for position, process, hashable in
                  prepared.processors]  # fmt: skip
    values = []
    for row in rows:
        line = list(getter(row)) if len(prepared.names) > 1 else [row[prepared.names[0]]]
        for position, convert in converters:
            if line[position] is not None:
                line[position] = convert(line[position])
        values.append(tuple(line))
    connection.exec_driver_sql(prepared.sql, values)


@dataclass(frozen=True)
class _Shape:
    """Per table: the columns serialize.plain must convert, and the audited field names in sorted order."""

    to_plain: tuple[str, ...]
    fields: tuple[str, ...]


_PLAIN_TYPES = (sa.DateTime, sa.Date, sa.Time, sa.Enum, sa.JSON, UTCDateTime)


def _shape_of(table: sa.Table) -> _Shape:
    to_plain = tuple(
        column.name for column in table.columns if column.name not in ("created_at", "updated_at")
        and isinstance(column.type, _PLAIN_TYPES)
    )  # fmt: skip
    return _Shape(to_plain, tuple(sorted(column.name for column in table.columns if column.name not in _META)))


def insert_rows(
    session: Session,
    actor: Actor,
    batches: Mapping[type[RecordBase], Sequence[Mapping[str, Any]]],
    *,
    reason: str | None = None,
    stamp: datetime | None = None,
) -> dict[str, list[str]]:
    """Insert new records given as column dicts; each gets its create audit entry and insert outbox row.

    Tables are written parents first (foreign keys are checked at once), and the audit chain continues from the
    last entry already in the database. Returns the new ids per table, in the order given.
    """
    session.flush()  # pending ORM changes must reach the database before the chain is continued
    stamp = stamp or utcnow()
    stamped = {"station_id": actor.station_id, "created_by": actor.user_id, "created_at": stamp, "updated_at": stamp}
    by_name = {str(model.__tablename__): model for model in batches}
    audit_table = SQLModel.metadata.tables[str(AuditEntry.__tablename__)]
    outbox_table = SQLModel.metadata.tables[str(OutboxEntry.__tablename__)]
    previous = _last_hash(session)
    at_text = plain(stamp)
    written: dict[str, list[str]] = {}
    for table in SQLModel.metadata.sorted_tables:
        record_type = str(table.name)  # a plain str: the driver binds SQLAlchemy's quoted_name the slow way
        model = by_name.get(record_type)
        if model is None or not batches[model]:
            continue
        shape = _shape_of(table)
        rows = [full_row(model, values) for values in batches[model]]
        for row in rows:
            row.update(stamped)
        _execute_many(session, table, rows)
        audit_rows: list[dict[str, Any]] = []
        outbox_rows: list[dict[str, Any]] = []
        chain = _ChainText(
            at=at_text, station_id=actor.station_id, user_id=actor.user_id, record_type=record_type, reason=reason
        )
        for row in rows:
            values = dict(row)  # serialize.record_dict: every column, JSON-ready, in column order
            values["created_at"] = values["updated_at"] = at_text
            for name in shape.to_plain:
                if values[name] is not None:
                    values[name] = plain(values[name])
            fields = tuple(name for name in shape.fields if values[name] is not None)
            entry_id = new_id()
            entry_hash = chain.entry_hash(entry_id, fields, row["id"], previous)
            audit_rows.append(
                {"id": entry_id, "station_id": actor.station_id, "at": stamp, "user_id": actor.user_id,
                 "action": AuditAction.create, "record_type": record_type, "record_id": row["id"], "reason": reason,
                 "details": chain.details_text(fields), "previous_hash": previous, "entry_hash": entry_hash}
            )  # fmt: skip
            previous = entry_hash
            outbox_rows.append(
                {"record_type": record_type, "record_id": row["id"], "operation": "insert", "changed": values,
                 "base_version": 0, "created_at": stamp}
            )  # fmt: skip
        _execute_many(session, audit_table, audit_rows, serialized=frozenset({"details"}))
        _execute_many(session, outbox_table, outbox_rows)
        written[record_type] = [row["id"] for row in rows]
    return written


def insert_many(
    session: Session, actor: Actor, records: Sequence[RecordBase], *, reason: str | None = None
) -> dict[str, list[str]]:
    """The ORM-object form of insert_rows; the objects are stamped like insert_record does but stay detached."""
    stamp = utcnow()
    batches: dict[type[RecordBase], list[dict[str, Any]]] = {}
    for record in records:
        record.station_id, record.created_by = actor.station_id, actor.user_id
        record.created_at = record.updated_at = stamp
        columns = _defaults_of(type(record)).columns
        batches.setdefault(type(record), []).append({name: getattr(record, name) for name in columns})
    return insert_rows(session, actor, batches, reason=reason, stamp=stamp)


def index_many(session: Session, entries: Iterable[tuple[str, str, Sequence[str | None]]]) -> int:
    """Search-index rows for new records (record type, id, text parts); no old rows are looked for.

    Each part goes through search.index_body once: the same narratives, names and streets recur, and
    transliterating is the slow step. Its shadows are made letter by letter, so the parts' bodies joined hold the
    same words as index_body over the whole record.
    """
    cache: dict[str, str] = {}
    rows: list[dict[str, str | int]] = []
    for record_type, record_id, parts in entries:
        bodies = []
        for part in parts:
            if part:
                body = cache.get(part)
                if body is None:
                    body = cache[part] = index_body(part)
                bodies.append(body)
        text = " ".join(bodies)
        if text.strip():
            rows.append({"rtype": record_type, "rid": record_id, "body": text})
    if rows:
        connection = session.connection()
        # New records get new keys; search.set_index finds each row again by its key (the FTS5 rowid).
        first = int(connection.execute(sa.text("SELECT coalesce(max(id), 0) + 1 FROM search_index_key")).scalar_one())
        for offset, row in enumerate(rows):
            row["key"] = first + offset
        connection.execute(
            sa.text("INSERT INTO search_index_key (id, record_type, record_id) VALUES (:key, :rtype, :rid)"), rows
        )
        connection.execute(
            sa.text(
                "INSERT INTO search_index (rowid, record_type, record_id, body) VALUES (:key, :rtype, :rid, :body)"
            ),
            rows,
        )
    return len(rows)
