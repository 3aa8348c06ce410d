"""The offline sync file: pending batches out on a USB stick, the signed answer back in, as the network does."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

import zstandard
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from station_desk import db
from station_desk.i18n import _
from station_desk.models import utcnow
from station_desk.sync import apply, outbox, state
from station_desk.sync.client import SyncError, SyncResult, Tally, record_run
from station_desk.sync.protocol import (
    MAX_BODY_BYTES,
    SyncFile,
    SyncFileAnswer,
    decode_body,
    file_signature,
    secret_hash,
    signature_matches,
)

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_GZIP_MAGIC = b"\x1f\x8b"
# An answer carries every pull page since the cursor: allow far more than one request body.
MAX_FILE_BYTES = 64 * MAX_BODY_BYTES


def _credentials(engine: Engine) -> state.Credentials:
    with db.read_session(engine) as session:
        creds = state.credentials(session)
    if creds is None:
        raise SyncError(_("This laptop is not enrolled with a regional server yet. A commander can enrol it."))
    return creds


def _write_atomically(path: Path, content: bytes) -> None:
    """Beside the target, flushed to disk, then moved in place: a pulled stick never holds half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_sync_file(engine: Engine, path: Path | str) -> int:
    """Write every pending push batch (the same batch ids the network would send) and the pull cursor.

    Returns the number of changes written. The batch ranges are recorded before the file is written, so a
    later network sync or a second export sends exactly the same batches.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise SyncError(_("There is no folder {folder}. Nothing was written.").format(folder=target.parent))
    creds = _credentials(engine)
    with db.write_session(engine) as session:
        pushes = outbox.all_batches(session, creds.device_id)
        after = state.pull_cursor(session)
    message = SyncFile(device_id=creds.device_id, after=after, pushes=pushes)
    message = message.model_copy(update={"signature": file_signature(message, secret_hash(creds.device_secret))})
    try:
        _write_atomically(target, message.model_dump_json().encode("utf-8"))
    except OSError as error:
        raise SyncError(
            _("Cannot write {path}: {reason}").format(path=target, reason=error.strerror or error)
        ) from None
    return sum(len(push.ops) for push in pushes)


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SyncError(_("Cannot read {path}: {reason}").format(path=path, reason=error.strerror or error)) from None
    try:
        if data.startswith(_ZSTD_MAGIC):
            return decode_body(data, "zstd", limit=MAX_FILE_BYTES)
        if data.startswith(_GZIP_MAGIC):
            return gzip.decompress(data)
    except (ValueError, OSError, zstandard.ZstdError):
        raise SyncError(_("The file {path} is damaged.").format(path=path)) from None
    return data


def import_answer_file(engine: Engine, path: Path | str) -> SyncResult:
    """Apply a signed answer file from the regional office exactly as network answers; a replay changes nothing."""
    source = Path(path)
    creds = _credentials(engine)
    try:
        answer = SyncFileAnswer.model_validate_json(_read(source))
    except ValidationError:
        raise SyncError(
            _("The file {path} is not a sync answer from the regional server.").format(path=source)
        ) from None
    if answer.device_id != creds.device_id:
        raise SyncError(_("This answer file was made for another laptop. Nothing was changed."))
    if not signature_matches(answer, secret_hash(creds.device_secret)):
        raise SyncError(
            _("The answer file's signature does not match: it was changed or damaged. Nothing was changed.")
        )
    started = utcnow()
    tally = Tally()
    for push in answer.answers:
        with db.write_session(engine) as session:
            batch = next((item for item in state.pending_batches(session) if item.batch_id == push.batch_id), None)
            if batch is None:
                continue  # answered before (a replayed file, or the network got there first)
            outcome = apply.apply_push_answer(session, batch, push)
        tally.sent += outcome.sent
        tally.merged += outcome.merged
        tally.conflicts += outcome.conflicts
        tally.rejected += outcome.rejected
        tally.rejections.extend(outcome.rejections)
        if tally.clock_offset_seconds is None:
            tally.clock_offset_seconds = (push.server_time - utcnow()).total_seconds()
    checksum: str | None = None
    for page in answer.pull:
        with db.write_session(engine) as session:
            tally.received += apply.apply_pull_page(session, page)
        checksum = page.checksum if not page.more else checksum
    if checksum is not None:
        with db.read_session(engine) as session:
            tally.checksum_ok = apply.local_checksum(session) == checksum
    record_run(engine, started, "file", tally, None, failed=False)
    return tally.result()
