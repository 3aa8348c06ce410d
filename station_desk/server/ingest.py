"""Applying a device's push batch in one transaction: replay, ordering, checks, the field merge, conflicts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa
import uuid_utils
import zstandard
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Engine

from station_desk.server import db
from station_desk.server.auth import DeviceInfo
from station_desk.server.errors import ApiError
from station_desk.server.hardening import unstorable
from station_desk.server.tables import MAX_SEQ, batch, device, next_seqs, record, station
from station_desk.sync import protocol

FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_MISSING: Any = object()
_IDENTITY_FIELDS = frozenset({"id", "station_id"})
_PG_UPSERT = sa.text(
    "INSERT INTO record (id, type, station_id, version, server_seq, origin_device, fields, field_versions, deleted,"
    " written_at) SELECT r.id, r.type, r.station_id, r.version, r.version, r.origin_device, r.fields,"
    " r.field_versions, r.deleted, :written_at FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(id text,"
    " type text, station_id text, version bigint, origin_device text, fields jsonb, field_versions jsonb,"
    " deleted boolean)"
    " ON CONFLICT (id) DO UPDATE SET type = excluded.type, version = excluded.version,"
    " server_seq = excluded.server_seq, origin_device = excluded.origin_device, fields = excluded.fields,"
    " field_versions = excluded.field_versions, deleted = excluded.deleted, written_at = excluded.written_at,"
    " txid = pg_current_xact_id()"
)


def _dumps(value: Any) -> str:
    # orjson: JSON text of the records is a good part of the server's work per record (see docs/BENCHMARKS.md).
    return orjson.dumps(value).decode("utf-8")


@dataclass
class _Record:
    """A record as this batch sees it: loaded once, changed in memory, written once at the end."""

    id: str
    type: str
    station_id: str
    version: int
    fields: dict[str, Any]
    field_versions: dict[str, list[Any]]
    deleted: bool
    origin_device: str
    stored_version: int | None  # the version in the database before this batch (None: new)
    dirty: bool = False


@dataclass
class _Batch:
    """The state of one batch being applied."""

    conn: Connection
    device: DeviceInfo
    records: dict[str, _Record]
    seqs: list[int]
    now: datetime
    results: list[protocol.OpResult] = field(default_factory=list)

    def take_seq(self) -> int:
        return self.seqs.pop(0)


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _later(sent: Any, kept: Any) -> bool:
    """True when the sent stamp is later than the kept one (ISO datetimes; unparsable ones compare as text)."""
    if kept is None or kept is _MISSING:
        return sent is not None
    if sent is None:
        return False
    try:
        a = datetime.fromisoformat(str(sent).replace("Z", "+00:00"))
        b = datetime.fromisoformat(str(kept).replace("Z", "+00:00"))
        if (a.tzinfo is None) == (b.tzinfo is None):
            return a > b
    except ValueError:
        pass
    return str(sent) > str(kept)


def _answer_bytes(answer: protocol.PushAnswer) -> bytes:
    return zstandard.ZstdCompressor(level=3).compress(answer.model_dump_json().encode("utf-8"))


def _answer_from_bytes(data: bytes) -> protocol.PushAnswer:
    raw = zstandard.ZstdDecompressor().decompress(data)
    return protocol.PushAnswer.model_validate_json(raw)


def stored_answer(conn: Connection, device_id: str, batch_id: str) -> protocol.PushAnswer | None:
    """The answer stored for a batch this device sent before, marked replayed; None when it is new."""
    data = conn.execute(
        sa.select(batch.c.answer).where(batch.c.device_id == device_id, batch.c.batch_id == batch_id)
    ).scalar_one_or_none()
    if data is None:
        return None
    return _answer_from_bytes(bytes(data)).model_copy(update={"replayed": True})


def apply_push(engine: Engine, dev: DeviceInfo, request: protocol.PushRequest) -> protocol.PushAnswer:
    """Apply a push batch for an authenticated device in one transaction, or answer a replay from storage."""
    with db.write(engine) as conn:
        return apply_push_in(conn, dev, request)


def apply_push_in(conn: Connection, dev: DeviceInfo, request: protocol.PushRequest) -> protocol.PushAnswer:
    """`apply_push` inside the caller's write transaction."""
    if request.device_id != dev.id:
        raise ApiError(403, "wrong_device", "The batch names another device than the token's.")
    # Checked before any SQL: PostgreSQL fails on such values (a 500), and a laptop never makes them.
    if request.to_seq > MAX_SEQ:
        raise ApiError(400, "bad_batch", f"to_seq must be at most {MAX_SEQ}.")
    if unstorable(request.batch_id) or any(unstorable(op.id) for op in request.ops):
        raise ApiError(400, "bad_batch", "A batch or record id holds a NUL character or invalid Unicode.")
    # Seqs first (PostgreSQL: before any write or row lock gives the transaction its id; see feed.py), then the
    # device row: one batch of a device at a time, so a retry cannot race its original.
    seqs = next_seqs(conn, 2 * len(request.ops))
    applied_through = conn.execute(
        sa.select(device.c.applied_through).where(device.c.id == dev.id).with_for_update()
    ).scalar_one()
    replay = stored_answer(conn, dev.id, request.batch_id)
    if replay is not None:
        return replay
    expected = int(applied_through) + 1
    if request.from_seq != expected:
        raise ApiError(
            409,
            "resend_from",
            f"This batch starts at {request.from_seq}; the server expects {expected}.",
            resend_from=expected,
        )
    if request.to_seq < request.from_seq or any(op.seq > request.to_seq for op in request.ops):
        raise ApiError(400, "bad_batch", "to_seq must be at least from_seq and every op's seq.")

    now = datetime.now(UTC)
    ids = sorted({op.id for op in request.ops})
    records: dict[str, _Record] = {}
    if ids:
        for row in conn.execute(
            sa.select(
                record.c.id, record.c.type, record.c.station_id, record.c.version, record.c.fields,
                record.c.field_versions, record.c.deleted, record.c.origin_device,
            )
            .where(record.c.id.in_(ids))
            .order_by(record.c.id)
            .with_for_update()
        ):  # fmt: skip
            records[row.id] = _Record(
                id=row.id, type=row.type, station_id=row.station_id, version=int(row.version),
                fields=dict(row.fields), field_versions=dict(row.field_versions), deleted=bool(row.deleted),
                origin_device=row.origin_device, stored_version=int(row.version),
            )  # fmt: skip
    work = _Batch(conn=conn, device=dev, records=records, seqs=seqs, now=now)
    for op in request.ops:
        work.results.append(_apply_op(work, op))

    _write_records(work)
    answer = protocol.PushAnswer(
        batch_id=request.batch_id, applied_through=request.to_seq, results=work.results, server_time=now
    )
    conn.execute(
        sa.insert(batch).values(
            device_id=dev.id, batch_id=request.batch_id, answer=_answer_bytes(answer), created_at=now
        )
    )
    conn.execute(
        sa.update(device).where(device.c.id == dev.id).values(applied_through=request.to_seq, last_seen_at=now)
    )
    return answer


# ---------------------------------------------------------------- one op


def _reject(op: protocol.Op, code: protocol.RejectCode, reason: str) -> protocol.OpResult:
    return protocol.OpResult(seq=op.seq, type=op.type, id=op.id, status="rejected", code=code, reason=reason)


def _check(work: _Batch, op: protocol.Op) -> protocol.OpResult | None:
    """The rejection of an op that may not apply at all, or None."""
    if op.type in protocol.REFERENCE_RECORD_TYPES:
        return _reject(op, "reference_data", "reference data flows down only")
    if op.type not in protocol.STATION_RECORD_TYPES:
        return _reject(op, "unknown_type", "not a station record type")
    rec = work.records.get(op.id)
    if rec is not None and rec.station_id != work.device.station_id:
        return _reject(op, "not_found", "no such record in this station")
    if rec is not None and rec.type != op.type:
        if op.op == "insert":
            return _reject(op, "duplicate_id", "this id belongs to a record of another type")
        return _reject(op, "not_found", "no such record of this type in this station")
    bad = [name for name in op.fields if not FIELD_NAME.match(name)]
    if bad:
        return _reject(op, "bad_fields", "field names must be lower-case identifiers")
    sent_station = op.fields.get("station_id")
    if sent_station not in (None, "", work.device.station_id):
        return _reject(op, "wrong_station", "station_id is not the device's station")
    try:
        dumped = orjson.dumps(op.fields)
    except TypeError:  # orjson's JSONEncodeError: an integer beyond 64 bits, or nesting deeper than 254
        return _reject(op, "bad_fields", "the fields hold a number or nesting JSON cannot store")
    if len(dumped) > protocol.MAX_RECORD_BYTES:
        return _reject(op, "too_large", f"the fields are larger than {protocol.MAX_RECORD_BYTES} bytes")
    if b"\\u0000" in dumped and _holds_nul(op.fields):  # the quick test first: a NUL is dumped as \u0000
        return _reject(op, "bad_fields", "the fields hold a NUL character, which the database cannot store")
    if "id" in op.fields and op.fields["id"] != op.id:
        return _reject(op, "bad_fields", "the fields name another id")
    if op.type == protocol.CONFLICT_RECORD_TYPE:
        if rec is None:
            if op.op == "insert":
                return _reject(op, "not_allowed", "conflict records are made by the server only")
            return _reject(op, "not_found", "no such conflict record in this station")
        if op.op != "update":
            return _reject(op, "not_allowed", "a conflict record can only be resolved")
        allowed = protocol.CONFLICT_RESOLUTION_FIELDS | protocol.SERVER_OWNED_FIELDS | _IDENTITY_FIELDS
        if any(name not in allowed for name in op.fields):
            return _reject(op, "not_allowed", "only the resolution of a conflict record may change")
    return None


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _apply_op(work: _Batch, op: protocol.Op) -> protocol.OpResult:
    rejected = _check(work, op)
    if rejected is not None:
        return rejected
    values = {
        name: value
        for name, value in op.fields.items()
        if name not in protocol.SERVER_OWNED_FIELDS and name not in _IDENTITY_FIELDS
    }
    rec = work.records.get(op.id)
    if rec is None:
        if op.base > 0:
            return _reject(op, "not_found", "the record is no longer on the server")
        return _insert(work, op, values)
    base = 0 if op.op == "insert" else op.base
    if op.op == "delete":
        return _delete(work, op, rec, values, base)
    return _edit(work, op, rec, values, base)


# field_versions is sparse: the "*" entry says when and by whom the record was made, and so when every field
# without an entry of its own was last written. A new record then stores one pair instead of one per field.
ALL_FIELDS = "*"


def _changed_elsewhere(work: _Batch, rec: _Record, name: str, base: int) -> bool:
    """Another device (or the server) changed this field after `base`."""
    entry = rec.field_versions.get(name) or rec.field_versions.get(ALL_FIELDS)
    return entry is not None and int(entry[0]) > base and entry[1] != work.device.id


def _result(work: _Batch, op: protocol.Op, rec: _Record, base: int, *, kept_stamp: bool = False) -> protocol.OpResult:
    """applied when the server copy is what the laptop holds, merged (with the copy) when others' changes stay."""
    merged = kept_stamp or any(_changed_elsewhere(work, rec, name, base) for name in rec.field_versions)
    if merged:
        return protocol.OpResult(
            seq=op.seq, type=op.type, id=op.id, status="merged", version=rec.version, record=dict(rec.fields)
        )
    return protocol.OpResult(seq=op.seq, type=op.type, id=op.id, status="applied", version=rec.version)


def _touch(work: _Batch, rec: _Record) -> int:
    """Give the record its next version (once per op that changes it)."""
    version = work.take_seq()
    rec.version = version
    rec.fields["version"] = version
    rec.origin_device = work.device.id
    rec.dirty = True
    return version


def _insert(work: _Batch, op: protocol.Op, values: dict[str, Any]) -> protocol.OpResult:
    fields: dict[str, Any] = {"id": op.id, "station_id": work.device.station_id, **values}
    if op.op == "delete" and fields.get("deleted_at") is None:
        fields["deleted_at"] = utc_iso(work.now)
    rec = _Record(
        id=op.id, type=op.type, station_id=work.device.station_id, version=0, fields=fields, field_versions={},
        deleted=False, origin_device=work.device.id, stored_version=None,
    )  # fmt: skip
    version = _touch(work, rec)
    rec.field_versions = {ALL_FIELDS: [version, work.device.id]}
    rec.deleted = fields.get("deleted_at") is not None
    work.records[op.id] = rec
    return protocol.OpResult(seq=op.seq, type=op.type, id=op.id, status="applied", version=version)


def _conflict(
    work: _Batch, op: protocol.Op, rec: _Record, kind: str, values: dict[str, dict[str, Any]]
) -> protocol.OpResult:
    """Write the syncconflict record (it syncs down to every laptop of the station) and answer `conflict`."""
    version = work.take_seq()
    stamp = utc_iso(work.now)
    conflict_id = str(uuid_utils.uuid7())
    fields: dict[str, Any] = {
        "id": conflict_id, "station_id": work.device.station_id, "created_by": "", "created_at": stamp,
        "updated_at": stamp, "version": version, "deleted_at": None, "record_type": op.type, "record_id": op.id,
        "kind": kind, "device_id": work.device.id, "values": values, "resolution": None, "resolved_by": None,
        "resolved_at": None,
    }  # fmt: skip
    work.records[conflict_id] = _Record(
        id=conflict_id, type=protocol.CONFLICT_RECORD_TYPE, station_id=work.device.station_id, version=version,
        fields=fields, field_versions={ALL_FIELDS: [version, ""]},
        deleted=False, origin_device="", stored_version=None, dirty=True,
    )  # fmt: skip
    return protocol.OpResult(
        seq=op.seq, type=op.type, id=op.id, status="conflict", version=rec.version, record=dict(rec.fields),
        conflict_id=conflict_id,
    )  # fmt: skip


def _differences(rec: _Record, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"mine": value, "theirs": rec.fields.get(name)}
        for name, value in values.items()
        if name not in protocol.MERGE_IGNORED_FIELDS and rec.fields.get(name, _MISSING) != value
    }


def _delete(work: _Batch, op: protocol.Op, rec: _Record, values: dict[str, Any], base: int) -> protocol.OpResult:
    if rec.deleted:
        # Deleted here as well: the tombstone keeps the earlier deleted_at, but the fields this laptop changed
        # before deleting still merge, so its last words on the record are not lost.
        rest = {name: value for name, value in values.items() if name != "deleted_at"}
        return _merge_fields(work, op, rec, rest, base)
    edited = [
        name
        for name in rec.field_versions
        if name not in protocol.MERGE_IGNORED_FIELDS and _changed_elsewhere(work, rec, name, base)
    ]
    deleted_at = values.get("deleted_at") or utc_iso(work.now)
    if edited:
        # The record stays; what this laptop changed before deleting merges like an edit, and its other
        # differences stand in the conflict beside the delete, so nothing it wrote is lost.
        rest = {name: value for name, value in values.items() if name != "deleted_at"}
        conflicts, _kept = _merge_values(work, rec, rest, base)
        conflicts["deleted_at"] = {"mine": deleted_at, "theirs": None}
        return _conflict(work, op, rec, "delete_vs_edit", conflicts)
    values = {**values, "deleted_at": deleted_at}
    version = 0
    for name, value in values.items():
        if rec.fields.get(name, _MISSING) != value:
            if not version:
                version = _touch(work, rec)
            rec.fields[name] = value
            rec.field_versions[name] = [version, work.device.id]
    rec.deleted = True
    return _result(work, op, rec, base)


def _edit(work: _Batch, op: protocol.Op, rec: _Record, values: dict[str, Any], base: int) -> protocol.OpResult:
    if rec.deleted and _changed_elsewhere(work, rec, "deleted_at", base):
        return _conflict(work, op, rec, "edit_vs_delete", _differences(rec, values))
    lock = protocol.LOCKING_FIELDS.get(op.type)
    if lock is not None:
        lock_field, lock_value = lock
        entry = rec.field_versions.get(lock_field)
        if rec.fields.get(lock_field) == lock_value and entry is not None and int(entry[0]) > base:
            differences = _differences(rec, values)
            if differences:
                return _conflict(work, op, rec, "locked", differences)
            return _result(work, op, rec, base)
    return _merge_fields(work, op, rec, values, base)


def _merge_fields(work: _Batch, op: protocol.Op, rec: _Record, values: dict[str, Any], base: int) -> protocol.OpResult:
    """The field-by-field merge: fields changed elsewhere since `base` conflict, every other field applies."""
    conflicts, kept_stamp = _merge_values(work, rec, values, base)
    if conflicts:
        return _conflict(work, op, rec, "edit", conflicts)
    return _result(work, op, rec, base, kept_stamp=kept_stamp)


def _merge_values(
    work: _Batch, rec: _Record, values: dict[str, Any], base: int
) -> tuple[dict[str, dict[str, Any]], bool]:
    """Apply every field nobody else changed since `base`; returns the conflicting ones, and whether a later
    stamp of another device was kept."""
    conflicts: dict[str, dict[str, Any]] = {}
    kept_stamp = False
    version = 0
    for name, value in values.items():
        current = rec.fields.get(name, _MISSING)
        if name in protocol.MERGE_IGNORED_FIELDS:
            if not _later(value, current):
                kept_stamp = kept_stamp or current != value
                continue
        elif current == value:
            continue
        elif _changed_elsewhere(work, rec, name, base):
            conflicts[name] = {"mine": value, "theirs": None if current is _MISSING else current}
            continue
        if not version:
            version = _touch(work, rec)
        rec.fields[name] = value
        rec.field_versions[name] = [version, work.device.id]
    rec.deleted = rec.fields.get("deleted_at") is not None
    return conflicts, kept_stamp


# ---------------------------------------------------------------- writing


def _write_records(work: _Batch) -> None:
    """One multi-row upsert of every changed record, and the station checksum folded in once."""
    dirty = [rec for rec in work.records.values() if rec.dirty]
    if not dirty:
        return
    conn = work.conn
    rows = [
        {
            "id": rec.id, "type": rec.type, "station_id": rec.station_id, "version": rec.version,
            "server_seq": rec.version, "origin_device": rec.origin_device, "fields": rec.fields,
            "field_versions": rec.field_versions, "deleted": rec.deleted, "written_at": work.now,
        }
        for rec in dirty
    ]  # fmt: skip
    updated = ("type", "version", "server_seq", "origin_device", "fields", "field_versions", "deleted", "written_at")
    if db.is_postgres(conn):
        # One statement for the whole batch: the rows travel as one JSON array and expand into the upsert.
        keys = ("id", "type", "station_id", "version", "origin_device", "fields", "field_versions", "deleted")
        payload = _dumps([{key: row[key] for key in keys} for row in rows])
        conn.execute(_PG_UPSERT, {"rows": payload, "written_at": work.now.replace(tzinfo=None)})
    else:
        lite_stmt = sqlite.insert(record)
        conn.execute(
            lite_stmt.on_conflict_do_update(
                index_elements=[record.c.id], set_={name: lite_stmt.excluded[name] for name in updated}
            ),
            rows,
        )
    checksum = conn.execute(
        sa.select(station.c.checksum).where(station.c.key == work.device.station_key).with_for_update()
    ).scalar_one()
    for rec in dirty:
        checksum = protocol.fold_checksum(checksum, rec.id, rec.stored_version, rec.version)
    conn.execute(sa.update(station).where(station.c.key == work.device.station_key).values(checksum=checksum))
