"""Bad input, tried (what test_auth_and_bodies.py does not): empty and truncated bodies, JSON of every wrong shape,
values no database column holds, numbers past BIGINT, another station's device in a batch, and bodies 100 times
the limits, as sent and once decompressed: each is a 4xx ErrorAnswer, and nothing in the database changes."""

from __future__ import annotations

import gzip
import json
import re
import select
import socket
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import zstandard
from fastapi.testclient import TestClient

from station_desk.server.app import create_app
from station_desk.server.settings import EdgeSettings
from station_desk.sync import protocol
from tests.live_server import LiveServer, enrolment_code
from tests.server.helpers import Laptop, new_code, sql

TABLES = ("station", "enrolment_code", "device", "access_token", "batch", "record", "seq_counter")
MIB = 1024 * 1024


@pytest.fixture
def world(server_database_url: str) -> Iterator[tuple[TestClient, Laptop, Laptop]]:
    """Laptops of stations A and B on the app; the address limit is off, so every refusal is the body's own."""
    app = create_app(server_database_url, edge=EdgeSettings(auth_failures_per_hour=0))
    with TestClient(app) as client:
        a1 = Laptop.enrol(client, new_code(server_database_url, "Alpha"), str(uuid.uuid4()), "a1")
        b1 = Laptop.enrol(client, new_code(server_database_url, "Bravo"), str(uuid.uuid4()), "b1")
        a1.push(a1.op("person", "p1", {"first_name": "Ivan"}, op="insert"))
        new_code(server_database_url, "Alpha")  # an unused code, so enrolments have something to change
        yield client, a1, b1
    app.state.engine.dispose()


def _database(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every server table (PostgreSQL keeps its seq in a sequence, not in seq_counter)."""
    state = {}
    for table in TABLES:
        try:
            state[table] = sorted(tuple(str(value) for value in row) for row in sql(url, f"SELECT * FROM {table}"))
        except Exception:  # seq_counter exists on SQLite only
            if table != "seq_counter":
                raise
    return state


def _valid(a1: Laptop, b1: Laptop, path: str) -> dict[str, Any]:
    if path == protocol.ENROL_PATH:
        return {"code": "ABCDE-FGHJK", "station_id": a1.station_id, "station_name": "S", "device_name": "d"}
    if path == protocol.TOKEN_PATH:
        return {"device_id": a1.device_id, "device_secret": a1.secret + "x"}
    op = {"seq": a1.next_seq, "type": "person", "id": "p2", "op": "insert", "base": 0, "fields": {"n": 1}}
    return {"device_id": a1.device_id, "batch_id": "bad", "from_seq": a1.next_seq, "to_seq": a1.next_seq, "ops": [op]}


def _bodies(valid: dict[str, Any]) -> list[tuple[str, bytes, str | None]]:
    """(what, body, Content-Encoding) of bodies each route must refuse."""
    raw = json.dumps(valid).encode()
    zstd, gz = protocol.encode_body(raw, "zstd"), gzip.compress(raw)
    with_nul = {name: f"{value}\x00" if isinstance(value, str) else value for name, value in valid.items()}
    return [
        ("empty", b"", None),
        ("empty zstd", b"", "zstd"),
        ("empty gzip", b"", "gzip"),
        ("zstd cut short", zstd[:-3], "zstd"),
        ("zstd of half the frame", zstd[: len(zstd) // 2], "zstd"),
        ("gzip cut short", gz[: len(gz) // 2], "gzip"),
        ("gzip without its trailer", gz[:-8], "gzip"),
        ("zstd said, gzip sent", gz, "zstd"),
        ("gzip said, zstd sent", zstd, "gzip"),
        ("zstd of broken JSON", protocol.encode_body(raw[:-1], "zstd"), "zstd"),
        ("not JSON", b"{'single': 'quotes'}", None),
        ("JSON cut short", raw[:-1], None),
        ("not UTF-8", b'{"code": "\xff\xfe"}', None),
        ("a raw NUL in JSON", raw.replace(b'"', b'"\x00', 1), None),
        ("a list", b"[]", None),
        ("null", b"null", None),
        ("a string", b'"x"', None),
        ("a number", b"7", None),
        ("an empty object", b"{}", None),
        ("an unknown field", json.dumps({**valid, "station_key": "x"}).encode(), None),
        ("a field of the wrong type", json.dumps({**valid, next(iter(valid)): ["x"]}).encode(), None),
        ("a field too long", json.dumps({**valid, next(iter(valid)): "x" * 300}).encode(), None),
        ("NUL in every text field", json.dumps(with_nul).encode(), None),
    ]  # fmt: skip


@pytest.mark.parametrize("path", [protocol.ENROL_PATH, protocol.TOKEN_PATH, protocol.PUSH_PATH])
def test_malformed_bodies_are_4xx_and_change_nothing(
    server_database_url: str, world: tuple[TestClient, Laptop, Laptop], path: str
) -> None:
    client, a1, b1 = world
    before = _database(server_database_url)
    for what, content, encoding in _bodies(_valid(a1, b1, path)):
        headers = {**a1.headers, "Content-Type": "application/json"}
        if encoding:
            headers["Content-Encoding"] = encoding
        answer = client.post(path, content=content, headers=headers)
        assert 400 <= answer.status_code < 500, (what, answer.status_code, answer.text)
        assert answer.headers["content-type"] == "application/json", what
        assert protocol.ErrorAnswer.model_validate(answer.json()).code, what
    assert _database(server_database_url) == before


def test_batches_naming_another_station_or_past_bigint_are_refused(
    server_database_url: str, world: tuple[TestClient, Laptop, Laptop]
) -> None:
    client, a1, b1 = world
    before = _database(server_database_url)
    seq = a1.next_seq
    op = {"seq": seq, "type": "person", "id": "p3", "op": "insert", "base": 0, "fields": {"n": 1}}
    batch = {"device_id": a1.device_id, "batch_id": "x", "from_seq": seq, "to_seq": seq, "ops": [op]}
    cases = [
        ({**batch, "device_id": b1.device_id}, 403, "wrong_device"),  # a batch of B's laptop, A's token
        ({**batch, "to_seq": 2**63}, 400, "bad_batch"),
        ({**batch, "from_seq": 2**63, "to_seq": 2**63}, 400, "bad_batch"),
        ({**batch, "from_seq": 2**62, "to_seq": 2**62}, 409, "resend_from"),
        ({**batch, "to_seq": 2**64 + 5}, 400, "bad_batch"),
        ({**batch, "batch_id": "x\x00"}, 400, "bad_batch"),
        ({**batch, "ops": [{**op, "id": "p\x00"}]}, 400, "bad_batch"),
        ({**batch, "ops": [{**op, "seq": seq + 1}]}, 400, "bad_batch"),
    ]
    for body, status, code in cases:
        answer = client.post(protocol.PUSH_PATH, json=body, headers=a1.headers)
        assert (answer.status_code, answer.json()["code"]) == (status, code), (body, answer.text)
    for after in (2**63, 10**30):
        answer = client.get(protocol.PULL_PATH, params={"after": after}, headers=a1.headers)
        assert answer.status_code == 422 and answer.json()["code"] == "invalid"
    answer = client.get(protocol.SNAPSHOT_PATH, params={"after_id": "a\x00"}, headers=a1.headers)
    assert answer.status_code == 422 and answer.json()["code"] == "invalid"
    assert _database(server_database_url) == before


def test_fields_no_database_holds_reject_only_their_op(
    server_database_url: str, world: tuple[TestClient, Laptop, Laptop]
) -> None:
    _client, a1, _b1 = world
    deep: Any = 1
    for _ in range(300):
        deep = [deep]
    answer = a1.push(
        a1.op("person", "nul", {"notes": "a\x00b"}, op="insert"),
        a1.op("person", "nul-key", {"notes": {"x\x00": 1}}, op="insert"),
        a1.op("person", "big", {"n": 2**64}, op="insert"),
        a1.op("person", "deep", {"n": deep}, op="insert"),
        a1.op("person", "fine", {"notes": "a\\u0000b", "n": 2**63}, op="insert"),  # the text "\u0000" is fine
    )
    assert [(r.status, r.code) for r in answer.results] == [("rejected", "bad_fields")] * 4 + [("applied", None)]
    stored = sql(server_database_url, "SELECT id FROM record WHERE id IN ('nul', 'nul-key', 'big', 'deep', 'fine')")
    assert [row[0] for row in stored] == ["fine"]


def test_enrolment_and_token_with_unstorable_text(
    server_database_url: str, world: tuple[TestClient, Laptop, Laptop]
) -> None:
    client, a1, _b1 = world
    before = _database(server_database_url)
    code = sql(server_database_url, "SELECT count(*) FROM enrolment_code WHERE used_at IS NULL")[0][0]
    assert code == 1
    lone_surrogate = b'{"code": "ABCDE-FGHJK", "station_id": "s", "station_name": "S", "device_name": "d\\ud800"}'
    answer = client.post(protocol.ENROL_PATH, content=lone_surrogate, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json()["code"] == "invalid"
    answer = client.post(
        protocol.ENROL_PATH,
        json={"code": "ABCDE-FGHJK", "station_id": "s\x00", "station_name": "S", "device_name": "d"},
    )
    assert answer.status_code == 422 and answer.json()["code"] == "invalid"
    answer = client.post(
        protocol.TOKEN_PATH, json={"device_id": a1.device_id[:30] + "\x00", "device_secret": a1.secret}
    )
    assert answer.status_code == 401 and answer.json()["code"] == "invalid_credentials"
    assert _database(server_database_url) == before


# ---------------------------------------------------------------- 100 times the limits, on a real server


def _exchange(port: int, head: bytes, chunks: Iterator[bytes]) -> tuple[int, dict[str, str], bytes, int]:
    """Send the head, then chunks while the server has not answered; (status, headers, body, body bytes sent)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sent = 0
    try:
        sock.sendall(head)
        for chunk in chunks:
            readable, _w, _x = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break
            sent += len(chunk)
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            part = sock.recv(65536)
            if not part:
                break
            data += part
    finally:
        sock.close()
    head_text, _sep, body = data.partition(b"\r\n\r\n")
    lines = head_text.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body, sent


def _length(data: bytes) -> int:
    found = re.search(rb"(?i)content-length: *(\d+)", data)
    return int(found.group(1)) if found else 0


def _push_head(port: int, token: str, extra: str) -> bytes:
    return (
        f"POST {protocol.PUSH_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


def _peak_memory(pid: int) -> int:
    """The process's peak resident memory (VmHWM) in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert found is not None
    return int(found.group(1)) * 1024


@pytest.mark.slow
def test_bodies_100_times_the_limits_are_refused_unread(sqlite_server_url: str) -> None:
    limit = 100 * protocol.MAX_WIRE_BYTES
    with LiveServer(sqlite_server_url) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        laptop = Laptop.enrol(http, enrolment_code(sqlite_server_url, "Alpha"), str(uuid.uuid4()))
        before = _database(sqlite_server_url)

        def zeros(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
            for _ in range(total // size):
                yield b"0" * size

        # Declared: refused on the Content-Length alone, before a byte of the body is read.
        status, headers, body, sent = _exchange(
            server.port, _push_head(server.port, laptop.token, f"Content-Length: {limit}\r\n"), iter([])
        )
        assert status == 413 and json.loads(body)["code"] == "too_large" and sent == 0
        assert headers["content-type"] == "application/json"

        # Chunked, no length given: the server stops reading just past the limit and answers.
        def chunked(total: int) -> Iterator[bytes]:
            for chunk in zeros(total):
                yield f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"

        status, _headers, body, sent = _exchange(
            server.port, _push_head(server.port, laptop.token, "Transfer-Encoding: chunked\r\n"), chunked(limit)
        )
        assert status == 413 and json.loads(body)["code"] == "too_large"
        # The rest of the 100 MiB was never taken in (what was sent past the limit sits in socket buffers, some MiB).
        assert sent < limit // 2

        # Compressed bombs: 100 times the limit once decompressed, from a few kilobytes on the wire. The server
        # must not unpack them whole to find out.
        peak = _peak_memory(server.process.pid)  # type: ignore[union-attr]
        size = 100 * protocol.MAX_BODY_BYTES
        zstd = zstandard.ZstdCompressor(level=3).compressobj()
        zstd_bomb = b"".join(zstd.compress(b" " * MIB) for _ in range(size // MIB)) + zstd.flush()
        deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
        gzip_bomb = b"".join(deflate.compress(b" " * MIB) for _ in range(size // MIB)) + deflate.flush()
        for encoding, bomb in (("zstd", zstd_bomb), ("gzip", gzip_bomb)):
            assert len(bomb) < protocol.MAX_WIRE_BYTES
            answer = http.post(
                protocol.PUSH_PATH, content=bomb,
                headers={**laptop.headers, "Content-Type": "application/json", "Content-Encoding": encoding},
            )  # fmt: skip
            assert answer.status_code == 413 and answer.json()["code"] == "too_large", encoding
        grown = _peak_memory(server.process.pid) - peak  # type: ignore[union-attr]
        assert grown < 100 * MIB, f"the server's peak memory grew by {grown // MIB} MiB"
        assert http.get(protocol.PULL_PATH, headers=laptop.headers).status_code == 200  # and it still serves
        assert _database(sqlite_server_url) == before
