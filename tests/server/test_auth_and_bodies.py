"""Enrolment, tokens, revocation, compressed bodies, refusals as ErrorAnswer JSON, and the OpenAPI description."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import timedelta

import zstandard
from fastapi.testclient import TestClient

from station_desk.server import db
from station_desk.server.auth import revoke_device
from station_desk.sync import protocol
from tests.server.conftest import Region
from tests.server.helpers import Laptop, new_code, sql


def _enrol(client: TestClient, code: str, station_id: str) -> tuple[int, dict[str, object]]:
    answer = client.post(
        protocol.ENROL_PATH, json={"code": code, "station_id": station_id, "station_name": "S", "device_name": "d"}
    )
    return answer.status_code, answer.json()


def test_a_code_enrols_once(server_database_url: str, client: TestClient) -> None:
    code = new_code(server_database_url, "Alpha")
    status, body = _enrol(client, code.lower().replace("-", " "), "st-1")
    assert status == 200 and body["station_name"] == "Alpha" and body["station_id"] == "st-1"
    assert _enrol(client, code, "st-1") == (
        410,
        {"code": "code_used", "detail": "This enrolment code was already used."},
    )
    assert _enrol(client, "NOPE-NOPE-NOPE", "st-1")[0] == 401
    stored = sql(server_database_url, "SELECT secret_hash FROM device")[0][0]
    assert stored == protocol.secret_hash(str(body["device_secret"]))


def test_expired_code_and_station_binding(server_database_url: str, client: TestClient) -> None:
    expired = new_code(server_database_url, "Alpha", valid_for=timedelta(seconds=-1))
    status, body = _enrol(client, expired, "st-1")
    assert status == 410 and body["code"] == "code_expired"
    assert _enrol(client, new_code(server_database_url, "Alpha"), "st-1")[0] == 200
    status, body = _enrol(client, new_code(server_database_url, "Alpha"), "st-other")
    assert status == 409 and body["code"] == "station_mismatch"
    status, body = _enrol(client, new_code(server_database_url, "Bravo"), "st-1")  # st-1 is Alpha's
    assert status == 409 and body["code"] == "station_mismatch"


def test_tokens_expire_and_revocation_is_immediate(region: Region) -> None:
    a1 = region.a1
    assert a1.pull().cursor >= 0
    sql(region.url, "UPDATE access_token SET expires_at = :t", {"t": "2000-01-01 00:00:00"})
    expired = region.client.get(protocol.PULL_PATH, headers=a1.headers)
    assert expired.status_code == 401 and expired.json()["code"] == "token_expired"
    assert a1.login().status_code == 200
    wrong = region.client.get(protocol.PULL_PATH, headers={"Authorization": "Bearer nonsense"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "unauthorized"
    assert region.client.get(protocol.PULL_PATH).json()["code"] == "unauthorized"
    bad_secret = region.client.post(protocol.TOKEN_PATH, json={"device_id": a1.device_id, "device_secret": "x"})
    assert bad_secret.status_code == 401
    engine = db.make_engine(region.url)
    try:
        assert revoke_device(engine, a1.device_id)
    finally:
        engine.dispose()
    revoked = region.client.get(protocol.PULL_PATH, headers=a1.headers)
    assert revoked.status_code == 401 and revoked.json()["code"] == "device_revoked"
    again = a1.login()
    assert again.status_code == 401 and again.json()["code"] == "device_revoked"


def _push_body(laptop: Laptop) -> bytes:
    op = laptop.op("person", str(uuid.uuid4()), {"first_name": "x"}, op="insert")
    return json.dumps(
        {"device_id": laptop.device_id, "batch_id": "b1", "from_seq": op["seq"], "to_seq": op["seq"], "ops": [op]}
    ).encode()


def _post(region: Region, content: bytes, encoding: str | None) -> tuple[int, dict[str, object]]:
    headers = {**region.a1.headers, "Content-Type": "application/json"}
    if encoding:
        headers["Content-Encoding"] = encoding
    answer = region.client.post(protocol.PUSH_PATH, content=content, headers=headers)
    return answer.status_code, answer.json()


def _record_count(region: Region) -> int:
    return int(sql(region.url, "SELECT count(*) FROM record WHERE type = 'person'")[0][0])


def test_bodies_refused_change_nothing(region: Region) -> None:
    raw = _push_body(region.a1)
    zstd = protocol.encode_body(raw, "zstd")
    bomb = zstandard.ZstdCompressor(level=19).compress(b" " * (protocol.MAX_BODY_BYTES + 10))
    cases = [
        (zstd[: len(zstd) // 2], "zstd", 400),
        (b"\x28\xb5\x2f\xfd garbage", "zstd", 400),
        (gzip.compress(raw)[:-8], "gzip", 400),
        (bomb, "zstd", 413),
        (b"x" * (protocol.MAX_WIRE_BYTES + 1), None, 413),
        (b"{not json", None, 400),
        (json.dumps({"device_id": "x"}).encode(), None, 422),
        (raw, "br", 400),
    ]
    for content, encoding, status in cases:
        got, body = _post(region, content, encoding)
        assert got == status, (encoding, status, body)
        assert protocol.ErrorAnswer.model_validate(body).code
    assert _record_count(region) == 0
    assert _post(region, gzip.compress(raw), "gzip")[0] == 200
    assert _record_count(region) == 1


def test_answers_are_compressed_as_accepted(region: Region) -> None:
    a1 = region.a1
    for accept, expected in (("zstd, gzip", "zstd"), ("gzip", "gzip"), ("identity", None)):
        answer = a1.push_raw([a1.op("person", str(uuid.uuid4()), {"n": 1}, op="insert")], accept=accept)
        assert answer.status_code == 200
        assert answer.headers.get("content-encoding") == expected
        protocol.PushAnswer.model_validate(answer.json())


def test_openapi_lists_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/health", protocol.ENROL_PATH, protocol.TOKEN_PATH, protocol.PUSH_PATH, protocol.PULL_PATH,
        protocol.SNAPSHOT_PATH,
    ):  # fmt: skip
        assert path in paths
    assert {"409", "401", "413"} <= set(paths[protocol.PUSH_PATH]["post"]["responses"])
    assert "410" in paths[protocol.PULL_PATH]["get"]["responses"]
    assert "PushRequest" in json.dumps(paths[protocol.PUSH_PATH]["post"]["requestBody"])
    assert client.get("/nowhere").json()["code"] == "not_found"
