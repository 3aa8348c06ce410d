"""Every route keeps a device inside its own station: a case per route, so a new route without one fails.

For each route a device of station A sends requests crafted to reach station B (B's record, conflict and batch
ids, B's device and station ids in bodies and query strings): it gets nothing of B, and B's rows in the database
are the same afterwards. Without a valid token every protected route answers 401.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from station_desk.server.app import create_app
from station_desk.server.auth import token_hash
from station_desk.sync import protocol
from tests.server.conftest import Region
from tests.server.helpers import Laptop, new_code, sql

HEALTH_PATH = f"{protocol.API_PREFIX}/health"
PUBLIC = {("GET", HEALTH_PATH), ("POST", protocol.ENROL_PATH), ("POST", protocol.TOKEN_PATH)}
B_TEXT = "Bravo-only narrative 7f3a"


def _routes() -> list[tuple[str, str]]:
    """(METHOD, path) of every API route; an app that is never started only lists them."""
    app = create_app("sqlite://", run_migrations=False)
    try:
        return sorted(
            (method, route.path) for route in app.routes if isinstance(route, APIRoute) for method in route.methods
        )
    finally:
        app.state.engine.dispose()


@dataclass
class Scene:
    """Station A's laptop a1 and everything of station B it must never reach."""

    region: Region
    b2: Laptop  # B's second laptop: it reads what b1 wrote
    b_records: list[str]  # B's live record, its tombstone, its conflict record
    b_conflict: str
    b_batch: str

    @property
    def markers(self) -> list[str]:
        """Strings that would only be in an answer that leaked something of B."""
        b1 = self.region.b1
        return [*self.b_records, B_TEXT, b1.station_id, b1.device_id, b1.secret, b1.token]


@pytest.fixture
def scene(region: Region) -> Scene:
    b1 = region.b1
    b2 = Laptop.enrol(region.client, new_code(region.url, "Bravo"), b1.station_id, "b2")
    b2.pull_all()  # b2 knows nothing of what b1 is about to write: its edit below starts from base 0
    b1.push(
        b1.op("person", "b-person", {"first_name": "Bravo", "notes": B_TEXT}, op="insert"),
        b1.op("incident", "b-gone", {"narrative": B_TEXT}, op="insert"),
        batch_id="b-batch",
    )
    b1.push(b1.op("incident", "b-gone", {"deleted_at": "2025-03-01T12:00:00+00:00"}, op="delete"))
    conflicted = b2.push(b2.op("person", "b-person", {"notes": "other"}, op="update", base=0))
    conflict_id = conflicted.results[0].conflict_id
    assert conflict_id is not None
    new_code(region.url, "Bravo")  # an unused code of B's
    return Scene(
        region=region, b2=b2, b_records=["b-person", "b-gone", conflict_id], b_conflict=conflict_id, b_batch="b-batch"
    )


def _b_rows(scene: Scene) -> dict[str, list[Any]]:
    """Every row of station B, each table in a fixed order."""
    url, station_id = scene.region.url, scene.region.b1.station_id
    key = sql(url, "SELECT key FROM station WHERE station_id = :s", {"s": station_id})[0][0]
    devices = "SELECT id FROM device WHERE station_key = :k"
    queries = {
        "station": "SELECT * FROM station WHERE key = :k",
        "record": "SELECT * FROM record WHERE station_id = :s ORDER BY id",
        "device": f"SELECT * FROM device WHERE id IN ({devices}) ORDER BY id",
        "batch": f"SELECT * FROM batch WHERE device_id IN ({devices}) ORDER BY device_id, batch_id",
        "access_token": f"SELECT * FROM access_token WHERE device_id IN ({devices}) ORDER BY token_hash",
        "enrolment_code": "SELECT * FROM enrolment_code WHERE station_key = :k ORDER BY code_hash",
    }
    return {
        table: [tuple(row) for row in sql(url, query, {"k": key, "s": station_id})] for table, query in queries.items()
    }


# ---------------------------------------------------------------- one case per route


def _health(scene: Scene) -> list[httpx.Response]:
    client, a1 = scene.region.client, scene.region.a1
    return [client.get(HEALTH_PATH, headers=a1.headers, params={"station_id": scene.region.b1.station_id})]


def _enrol(scene: Scene) -> list[httpx.Response]:
    client, b1 = scene.region.client, scene.region.b1
    a_station = scene.region.a1.station_id

    def enrol(station_id: str, station_name: str) -> httpx.Response:
        body = {"code": new_code(scene.region.url, "Alpha"), "station_id": station_id, "station_name": station_name,
                "device_name": "b1"}  # fmt: skip
        return client.post(protocol.ENROL_PATH, json=body)

    to_b = enrol(b1.station_id, "Bravo")  # A's code, B's station database
    assert to_b.status_code == 409 and to_b.json()["code"] == "station_mismatch"
    named_b = enrol(a_station, "Bravo")  # the name a laptop sends is not what decides the station
    assert named_b.status_code == 200 and named_b.json()["station_name"] == "Alpha"
    assert named_b.json()["station_id"] == a_station
    return [to_b, named_b]


def _token(scene: Scene) -> list[httpx.Response]:
    client, a1, b1 = scene.region.client, scene.region.a1, scene.region.b1
    stored = sql(scene.region.url, "SELECT secret_hash FROM device WHERE id = :d", {"d": b1.device_id})[0][0]
    answers = [
        client.post(protocol.TOKEN_PATH, json={"device_id": b1.device_id, "device_secret": a1.secret}),
        # What a stolen copy of the database holds is not the secret.
        client.post(protocol.TOKEN_PATH, json={"device_id": b1.device_id, "device_secret": stored}),
        client.post(
            protocol.TOKEN_PATH, json={"device_id": b1.device_id, "device_secret": a1.secret}, headers=a1.headers
        ),  # fmt: skip
    ]
    assert [answer.status_code for answer in answers] == [401, 401, 401]
    return answers


def _push(scene: Scene) -> list[httpx.Response]:
    a1, b1 = scene.region.a1, scene.region.b1
    b_version = b1.versions["b-person"]
    answers = []
    as_b = dict(a1.op("person", str(uuid.uuid4()), {"first_name": "x"}, op="insert"))
    a1.next_seq -= 1
    body = {"device_id": b1.device_id, "batch_id": "x", "from_seq": as_b["seq"], "to_seq": as_b["seq"], "ops": [as_b]}
    headers = {**a1.headers, "Content-Type": "application/json"}
    refused = scene.region.client.post(protocol.PUSH_PATH, json=body, headers=headers)  # B's device in the body
    assert refused.status_code == 403 and refused.json()["code"] == "wrong_device"
    answers.append(refused)
    ops = [
        a1.op("person", record_id, {"notes": "from A", "station_id": a1.station_id}, op=operation, base=base)
        for record_id in scene.b_records
        for operation in ("insert", "update", "delete")
        for base in (0, b_version)
    ]
    ops.append(a1.op("syncconflict", scene.b_conflict, {"resolution": "mine"}, op="update", base=b_version))
    ops.append(a1.op("person", "a-new", {"first_name": "x", "station_id": b1.station_id}, op="insert"))
    ops.append(a1.op("person", "a-new2", {"first_name": "x"}, op="insert"))
    # B's batch id: a batch of A's own, never B's stored answer.
    sent = a1.push_raw(ops, batch_id=scene.b_batch)
    assert sent.status_code == 200, sent.text
    answer = protocol.PushAnswer.model_validate(sent.json())
    assert answer.replayed is False and len(answer.results) == len(ops)
    for result in answer.results[:-1]:
        assert result.status == "rejected" and result.record is None, result
        assert result.code == ("wrong_station" if result.id == "a-new" else "not_found"), result
    assert answer.results[-1].status == "applied"
    answers.append(sent)
    return answers


def _pull(scene: Scene) -> list[httpx.Response]:
    client, a1, b1 = scene.region.client, scene.region.a1, scene.region.b1
    b_seq = int(sql(scene.region.url, "SELECT min(server_seq) FROM record WHERE station_id = :s",
                    {"s": b1.station_id})[0][0])  # fmt: skip
    answers = [
        client.get(
            protocol.PULL_PATH,
            params={"after": after, "station_id": b1.station_id, "device_id": b1.device_id},
            headers=a1.headers,
        )  # fmt: skip
        for after in (0, b_seq - 1)
    ]
    assert [answer.status_code for answer in answers] == [200, 200]
    return answers


def _snapshot(scene: Scene) -> list[httpx.Response]:
    client, a1, b1 = scene.region.client, scene.region.a1, scene.region.b1
    answers = [
        client.get(protocol.SNAPSHOT_PATH, params={**after, "station_id": b1.station_id}, headers=a1.headers)
        for after in ({}, {"after_id": "b"}, {"after_id": "b-", "limit": 1})
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    return answers


CASES: dict[tuple[str, str], Callable[[Scene], list[httpx.Response]]] = {
    ("GET", HEALTH_PATH): _health,
    ("POST", protocol.ENROL_PATH): _enrol,
    ("POST", protocol.TOKEN_PATH): _token,
    ("POST", protocol.PUSH_PATH): _push,
    ("GET", protocol.PULL_PATH): _pull,
    ("GET", protocol.SNAPSHOT_PATH): _snapshot,
}


def _unauthenticated(scene: Scene, method: str, path: str) -> None:
    """No token, a made-up one, and the stored hash of B's live token (a database copy): each 401."""
    b1 = scene.region.b1
    body = {"device_id": b1.device_id, "batch_id": "u", "from_seq": 9, "to_seq": 9, "ops": []}
    for authorization in (None, "Bearer nonsense", f"Bearer {token_hash(b1.token)}", f"Basic {b1.token}"):
        headers = {"Authorization": authorization} if authorization else {}
        answer = scene.region.client.request(method, path, headers=headers, json=body if method == "POST" else None)
        assert answer.status_code == 401, (path, authorization, answer.text)
        assert protocol.ErrorAnswer.model_validate(answer.json()).code == "unauthorized"
        assert answer.headers["www-authenticate"] == "Bearer"


def _sent(request: httpx.Request) -> str:
    body = protocol.decode_body(request.content, request.headers.get("content-encoding"))
    return str(request.url) + body.decode("utf-8")


@pytest.mark.parametrize(("method", "path"), _routes(), ids=lambda value: str(value))
def test_a_device_of_station_a_gets_and_changes_nothing_of_station_b(scene: Scene, method: str, path: str) -> None:
    case = CASES.get((method, path))
    if case is None:
        pytest.fail(f"{method} {path} is a new route: add a case to CASES that tries to reach station B through it")
    before = _b_rows(scene)
    answers = case(scene)
    if (method, path) not in PUBLIC:
        _unauthenticated(scene, method, path)
    for answer in answers:
        assert answer.status_code < 500
        for marker in scene.markers:
            if marker not in _sent(answer.request):  # an id that A sent may come back in the answer
                assert marker not in answer.text, (method, path, marker, answer.text[:500])
    assert _b_rows(scene) == before
    # And B itself still reads all of its own records.
    assert {c.id for c in scene.b2.pull(after=0).changes} >= set(scene.b_records)


def test_every_route_has_a_case() -> None:
    assert set(CASES) == set(_routes())
