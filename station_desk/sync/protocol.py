"""The sync protocol: the messages, encodings and checksum the laptop and the regional server share.

This module is the only code the desktop and the server share. It holds no I/O: both sides build and read
these pydantic messages, compress bodies with `encode_body`/`decode_body`, and fold record versions into the
same checksum with `record_checksum`.

The rules (DESIGN.md "Sync with the regional server", condensed; docs/SYNC.md tells the whole story):

* Every change a laptop makes writes an outbox row with a per-device `client_seq` (strictly increasing, never
  reused). A push carries the rows `from_seq..to_seq` as `Op`s (rows of one record inside a batch are
  coalesced into one op carrying the highest seq). The server applies a batch in one transaction.
* `batch_id` makes a push idempotent: a batch the server has seen gets its stored answer back, unchanged.
  `from_seq` must be the device's last applied seq + 1; otherwise the answer is 409 with `resend_from`.
* A record's `version` is the server sequence number of its last write, so versions only grow. An op names
  the `base` version it was edited from (0 for a record the server has never seen).
* Merge rule: for each field of an op, if another device changed that field after `base` and left a different
  value, the field is in conflict; every other field applies. A conflict leaves the server's value, stores a
  `syncconflict` record with both values (it syncs down to every laptop of the station), and answers
  `conflict`. A delete against a record another device edited after `base`, or an edit against a record
  another device deleted after `base`, is a conflict too. Nothing is silently overwritten.
* Pull returns the station's records changed after a cursor in `server_seq` order, whole rows (deletes are
  rows with `deleted_at` set, "tombstones"), never rows the asking device wrote last (it already has them),
  and never a row whose writing transaction might still be overtaken (the `pg_snapshot_xmin` guard).
  The last page carries the station's checksum.
* A device whose cursor is older than the tombstones the server still keeps gets 410; it then reads the
  paged snapshot (`/sync/snapshot`), keyed by record id so it always ends, and continues pulling from the
  snapshot's cursor.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import zlib
from datetime import datetime
from typing import Any, Literal

import zstandard
from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"
PUSH_PATH = f"{API_PREFIX}/sync/push"
PULL_PATH = f"{API_PREFIX}/sync/pull"
SNAPSHOT_PATH = f"{API_PREFIX}/sync/snapshot"
ENROL_PATH = f"{API_PREFIX}/enrol"
TOKEN_PATH = f"{API_PREFIX}/auth/token"

BATCH_SIZE = 100  # ops per push batch
PULL_PAGE = 500  # changes per pull page
MAX_BODY_BYTES = 4 * 1024 * 1024  # a request body after decompression; larger is refused with 413
MAX_WIRE_BYTES = 1 * 1024 * 1024  # a request body as sent (compressed)
MAX_RECORD_BYTES = 64 * 1024  # one record's fields as JSON
CLOCK_WARNING_SECONDS = 300  # warn (never block) when the laptop's clock is further off than this

# Record types a device may push and pull: the station tables (models.RECORD_TYPES on the laptop), among them
# the server-made conflict records. A test holds this list equal to the laptop's models.
STATION_RECORD_TYPES: frozenset[str] = frozenset(
    {
        "station", "village", "user", "person", "incident", "involvement", "propertyitem", "incidentnote",
        "domesticviolencedetails", "riskassessment", "protectivemeasure", "measurebreach",
        "offendermonitoring", "monitoringcheckin", "patrol", "patrolvillage", "receptionschedule",
        "receptionsession", "receptionvisit", "communitymeeting", "preventionevent", "residentthreat",
        "priorityplan", "planaction", "dailystatistics", "syncconflict", "retentionrule", "anonymisedrecord",
        "recordrestriction",
    }
)  # fmt: skip
CONFLICT_RECORD_TYPE = "syncconflict"
# The region's reference data: flows down to every station, is refused when a device pushes it.
REFERENCE_RECORD_TYPES: frozenset[str] = frozenset({"category"})
# Fields the server owns or stamps; an op's values for these are ignored (station_id is checked instead).
SERVER_OWNED_FIELDS: frozenset[str] = frozenset({"version"})
# Stamps that every edit changes: never a conflict; the server keeps the later value.
MERGE_IGNORED_FIELDS: frozenset[str] = frozenset({"updated_at"})
# Only these fields of a conflict record may be changed by a device (resolving it).
CONFLICT_RESOLUTION_FIELDS: frozenset[str] = frozenset({"resolution", "resolved_by", "resolved_at", "updated_at"})
# A record whose field holds this value was locked (approved) by the commander: an edit made from an older
# base than the lock is a conflict even when the fields differ.
LOCKING_FIELDS: dict[str, tuple[str, str]] = {"incident": ("status", "approved")}

Operation = Literal["insert", "update", "delete"]
OpStatus = Literal["applied", "merged", "conflict", "rejected"]
RejectCode = Literal[
    "unknown_type",
    "reference_data",
    "wrong_station",
    "not_found",
    "duplicate_id",
    "bad_fields",
    "too_large",
    "not_allowed",
]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- enrolment and tokens


class EnrolRequest(Message):
    code: str = Field(min_length=6, max_length=64)
    station_id: str = Field(min_length=1, max_length=36)  # the laptop's station; the first enrolment binds it
    station_name: str = Field(max_length=200)
    device_name: str = Field(max_length=200)


class EnrolAnswer(Message):
    device_id: str
    device_secret: str  # shown once; the server keeps only its hash
    station_id: str
    station_name: str
    server_time: datetime


class TokenRequest(Message):
    device_id: str = Field(max_length=36)
    device_secret: str = Field(max_length=200)


class TokenAnswer(Message):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int  # seconds


# ---------------------------------------------------------------- push


class Op(Message):
    """One change of one record: its new field values, and the server version the edit started from."""

    seq: int = Field(ge=1)
    type: str = Field(max_length=40)
    id: str = Field(min_length=1, max_length=36)
    op: Operation
    base: int = Field(ge=0)
    fields: dict[str, Any]


class PushRequest(Message):
    device_id: str = Field(max_length=36)
    batch_id: str = Field(min_length=1, max_length=64)
    from_seq: int = Field(ge=1)
    to_seq: int = Field(ge=1)
    ops: list[Op] = Field(max_length=10 * BATCH_SIZE)
    client_time: datetime | None = None


class OpResult(Message):
    seq: int
    type: str
    id: str
    status: OpStatus
    version: int | None = None  # the record's server version after this op (None when rejected)
    record: dict[str, Any] | None = None  # the server's whole copy, when it differs from what was sent
    conflict_id: str | None = None
    code: RejectCode | None = None
    reason: str | None = None  # rejected: why, in English, for the log (the laptop words it from `code`)


class PushAnswer(Message):
    batch_id: str
    applied_through: int  # the device's last applied seq after this batch
    results: list[OpResult]
    replayed: bool = False  # true when this is the stored answer of a batch seen before
    server_time: datetime


class ResendFrom(Message):
    """The 409 answer when a batch does not follow the last one the server applied for this device."""

    code: Literal["resend_from"] = "resend_from"
    detail: str
    resend_from: int


# ---------------------------------------------------------------- pull and snapshot


class Change(Message):
    """A record as the server holds it now: every field, `deleted_at` set for a tombstone."""

    type: str
    id: str
    version: int
    fields: dict[str, Any]


class PullAnswer(Message):
    changes: list[Change]
    cursor: int  # pass as `after` next time
    more: bool
    checksum: str | None = None  # the station's checksum, on the last page when nothing was held back
    server_time: datetime


class SnapshotAnswer(Message):
    """One page of every live record of the station, ordered by id; `cursor` is where pulling resumes."""

    changes: list[Change]
    next_after_id: str | None  # None on the last page
    cursor: int
    checksum: str | None = None
    server_time: datetime


class Gone(Message):
    """The 410 answer: the cursor is older than the tombstones the server still keeps."""

    code: Literal["snapshot_required"] = "snapshot_required"
    detail: str
    oldest_cursor: int


class ErrorAnswer(Message):
    """Every 4xx answer's body: a machine-readable code, a sentence for the log, and field errors if any."""

    code: str
    detail: str
    errors: list[dict[str, Any]] | None = None


# ---------------------------------------------------------------- the offline sync file


class SyncFile(Message):
    """A push (and the laptop's pull cursor) carried on a USB stick; signed with the device secret."""

    kind: Literal["station-desk-sync-file"] = "station-desk-sync-file"
    protocol: int = PROTOCOL_VERSION
    device_id: str
    after: int  # the laptop's pull cursor, so the answer can carry what came down since
    pushes: list[PushRequest]
    signature: str = ""  # HMAC-SHA256 over the file without this field, keyed by the device secret's hash


class SyncFileAnswer(Message):
    kind: Literal["station-desk-sync-answer"] = "station-desk-sync-answer"
    protocol: int = PROTOCOL_VERSION
    device_id: str
    answers: list[PushAnswer]
    pull: list[PullAnswer]
    signature: str = ""


def file_signature(message: SyncFile | SyncFileAnswer, secret_hash: str) -> str:
    """HMAC-SHA256 of the message without its signature, keyed by sha256(device secret) as the server stores it."""
    unsigned = message.model_copy(update={"signature": ""}).model_dump_json().encode("utf-8")
    return hmac.new(secret_hash.encode("ascii"), unsigned, hashlib.sha256).hexdigest()


def secret_hash(secret: str) -> str:
    """How the server stores a device secret, and the key that signs that device's sync files."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def signature_matches(message: SyncFile | SyncFileAnswer, secret_hash: str) -> bool:
    return hmac.compare_digest(message.signature, file_signature(message, secret_hash))


# ---------------------------------------------------------------- encodings

_ZSTD_LEVEL = 12


def encode_body(raw: bytes, encoding: str = "zstd") -> bytes:
    """Compress a body for the wire with the named content encoding ("zstd", "gzip" or "identity")."""
    if encoding == "zstd":
        return zstandard.ZstdCompressor(level=_ZSTD_LEVEL).compress(raw)
    if encoding == "gzip":
        return gzip.compress(raw, compresslevel=9)
    if encoding == "identity":
        return raw
    raise ValueError(f"unknown content encoding {encoding!r}")


class BodyTooLarge(ValueError):
    """The body decompresses to more than the limit (or was sent larger than it)."""


def decode_body(data: bytes, encoding: str | None, *, limit: int = MAX_BODY_BYTES) -> bytes:
    """Decompress a body, refusing more than `limit` bytes of output: a small bomb cannot fill the memory.

    Raises BodyTooLarge, or ValueError for a truncated or corrupt body or an unknown encoding.
    """
    encoding = (encoding or "identity").strip().lower()
    if encoding == "identity":
        if len(data) > limit:
            raise BodyTooLarge(f"body larger than {limit} bytes")
        return data
    if encoding == "zstd":
        reader = zstandard.ZstdDecompressor().decompressobj()
        try:
            out = reader.decompress(data)
        except zstandard.ZstdError as error:
            raise ValueError(f"corrupt zstd body: {error}") from None
        if len(out) > limit:
            raise BodyTooLarge(f"body larger than {limit} bytes")
        if not reader.eof:
            raise ValueError("truncated zstd body")
        return out
    if encoding == "gzip":
        inflater = zlib.decompressobj(wbits=31)
        try:
            out = inflater.decompress(data, limit + 1)
        except zlib.error as error:
            raise ValueError(f"corrupt gzip body: {error}") from None
        if len(out) > limit:
            raise BodyTooLarge(f"body larger than {limit} bytes")
        if not inflater.eof:
            raise ValueError("truncated gzip body")
        return out
    raise ValueError(f"unknown content encoding {encoding!r}")


# ---------------------------------------------------------------- checksum

EMPTY_CHECKSUM = "0" * 32


def record_hash(record_id: str, version: int) -> int:
    """128 bits of SHA-256 over "id:version"; XOR-ing them over a station gives its checksum."""
    return int.from_bytes(hashlib.sha256(f"{record_id}:{version}".encode()).digest()[:16], "big")


def fold_checksum(checksum: str, record_id: str, old_version: int | None, new_version: int | None) -> str:
    """The checksum after a record moved from old_version to new_version (None: not there)."""
    value = int(checksum, 16)
    if old_version:
        value ^= record_hash(record_id, old_version)
    if new_version:
        value ^= record_hash(record_id, new_version)
    return f"{value:032x}"


def record_checksum(pairs: Any) -> str:
    """The checksum of an iterable of (id, version) pairs; versions of 0 (never synced) do not count."""
    value = 0
    for record_id, version in pairs:
        if version:
            value ^= record_hash(record_id, version)
    return f"{value:032x}"
