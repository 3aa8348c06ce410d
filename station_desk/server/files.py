"""The offline sync file: check its signature and device, apply its pushes, answer with every pull page since."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from station_desk.server import auth, db, feed, ingest
from station_desk.server.errors import ApiError
from station_desk.server.hardening import check_zstd_size, unstorable
from station_desk.sync import protocol

MAX_PULL_PAGES = 10_000


def import_sync_file(engine: Engine, data: bytes) -> protocol.SyncFileAnswer:
    """Apply a SyncFile (raw JSON, optionally zstd/gzip-compressed) and build its signed SyncFileAnswer."""
    raw = _decompress(data)
    sync_file = protocol.SyncFile.model_validate_json(raw)
    found = None if unstorable(sync_file.device_id) else auth.device_info(engine, sync_file.device_id)
    if found is None:
        raise ApiError(401, "unknown_device", "The sync file comes from a device this server does not know.")
    dev, secret_hash, revoked = found
    if not protocol.signature_matches(sync_file, secret_hash):
        raise ApiError(401, "bad_signature", "The sync file's signature does not match its device.")
    if revoked:
        raise ApiError(401, "device_revoked", "The sync file comes from a revoked device.")
    answers: list[protocol.PushAnswer] = []
    for push in sync_file.pushes:
        if push.device_id != dev.id:
            raise ApiError(403, "wrong_device", "A batch of the file names another device.")
        with db.write(engine) as conn:
            replay = ingest.stored_answer(conn, dev.id, push.batch_id)
        if replay is not None:
            answers.append(replay)
            continue
        answers.append(ingest.apply_push(engine, dev, push))
    pages: list[protocol.PullAnswer] = []
    after = sync_file.after
    for _ in range(MAX_PULL_PAGES):
        page = feed.pull(engine, dev, after)
        pages.append(page)
        if not page.more or page.cursor == after:
            break
        after = page.cursor
    answer = protocol.SyncFileAnswer(device_id=dev.id, answers=answers, pull=pages)
    return answer.model_copy(update={"signature": protocol.file_signature(answer, secret_hash)})


def _decompress(data: bytes) -> bytes:
    if data[:4] == b"\x28\xb5\x2f\xfd":
        check_zstd_size(data, 64 * protocol.MAX_BODY_BYTES)
        return protocol.decode_body(data, "zstd", limit=64 * protocol.MAX_BODY_BYTES)
    if data[:2] == b"\x1f\x8b":
        return protocol.decode_body(data, "gzip", limit=64 * protocol.MAX_BODY_BYTES)
    return data
