"""The HTTP edge: security headers on every answer, HSTS only over https, proxy trust, request limits, JSON 500."""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI
from fastapi.testclient import TestClient

from station_desk.server import db
from station_desk.server.app import create_app
from station_desk.server.auth import create_enrolment_code
from station_desk.server.hardening import RateLimiter
from station_desk.server.settings import (
    AUTH_FAILURE_BURST_ENV,
    AUTH_FAILURE_RATE_ENV,
    DEVICE_BURST_ENV,
    DEVICE_RATE_ENV,
    TRUSTED_PROXIES_ENV,
    EdgeSettings,
    edge_settings,
)
from station_desk.sync import protocol
from tests.live_server import ROOT, free_port
from tests.server.helpers import Laptop, new_code

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def served(url: str, edge: EdgeSettings | None = None, **client: object) -> Iterator[tuple[FastAPI, TestClient]]:
    app = create_app(url, edge=edge or EdgeSettings())
    with TestClient(app, **client) as test_client:  # type: ignore[arg-type]
        yield app, test_client
    app.state.engine.dispose()


def _assert_hardened(answer: object) -> None:
    headers = answer.headers  # type: ignore[attr-defined]
    for name, value in HEADERS.items():
        assert headers.get(name) == value, (name, dict(headers))


def _enrol_body(code: str, station_id: str = "st-a") -> dict[str, str]:
    return {"code": code, "station_id": station_id, "station_name": "S", "device_name": "d"}


def test_every_kind_of_answer_carries_the_security_headers(sqlite_server_url: str) -> None:
    with served(sqlite_server_url) as (_app, client):
        laptop = Laptop.enrol(client, new_code(sqlite_server_url, "Alpha"), "st-a")
        answers = [
            client.get("/api/v1/health"),
            client.get("/openapi.json"),
            client.get(protocol.PULL_PATH, headers=laptop.headers),  # 200, compressed or not
            client.get(protocol.PULL_PATH, headers={**laptop.headers, "Accept-Encoding": "zstd"}),
            client.get(protocol.PULL_PATH),  # 401
            client.get(protocol.PULL_PATH, params={"limit": 0}, headers=laptop.headers),  # 422
            client.post(
                protocol.PUSH_PATH, content=b"{", headers={**laptop.headers, "Content-Type": "application/json"}
            ),
            client.post(protocol.ENROL_PATH, json=_enrol_body("NOPE-NOPE-NOPE")),  # 401
            client.get("/nowhere"),  # 404
            client.delete(protocol.PULL_PATH),  # 405
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 401, 422, 400, 401, 404, 405]
        for answer in answers:
            _assert_hardened(answer)
            assert "strict-transport-security" not in answer.headers  # plain http


def test_fastapis_docs_pages_are_off_and_the_description_stays(sqlite_server_url: str) -> None:
    with served(sqlite_server_url) as (_app, client):
        for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
            answer = client.get(path)
            assert answer.status_code == 404 and answer.json()["code"] == "not_found"
        spec = client.get("/openapi.json").json()
        for path in (protocol.PUSH_PATH, protocol.PULL_PATH, protocol.SNAPSHOT_PATH):
            method = "post" if path == protocol.PUSH_PATH else "get"
            assert "429" in spec["paths"][path][method]["responses"]
        for path in (protocol.ENROL_PATH, protocol.TOKEN_PATH):
            assert "429" in spec["paths"][path]["post"]["responses"]


def test_hsts_over_https_and_only_a_trusted_proxy_may_say_https(sqlite_server_url: str) -> None:
    with served(sqlite_server_url, base_url="https://testserver") as (_app, client):
        answer = client.get("/api/v1/health")
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        _assert_hardened(answer)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    with served(sqlite_server_url) as (_app, client):  # trusts no proxy: anyone could send the header
        assert "strict-transport-security" not in client.get("/api/v1/health", headers=forwarded).headers
    # TestClient's requests come from the address "testclient": trusted as a proxy here.
    with served(sqlite_server_url, EdgeSettings(trusted_proxies=("testclient",))) as (_app, client):
        answer = client.get("/api/v1/health", headers=forwarded)
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        assert "strict-transport-security" not in client.get("/api/v1/health").headers


def test_an_unexpected_failure_is_a_json_500_with_the_headers(sqlite_server_url: str) -> None:
    with served(sqlite_server_url, raise_server_exceptions=False) as (app, client):

        def boom() -> None:
            raise RuntimeError("a bug")

        app.add_api_route("/boom", boom)
        answer = client.get("/boom")
        assert answer.status_code == 500
        assert answer.json() == {
            "code": "internal_error",
            "detail": "The server failed on this request; it is in the server's log.",
        }
        _assert_hardened(answer)


def test_a_device_over_its_limit_gets_429_and_others_go_on(sqlite_server_url: str) -> None:
    edge = EdgeSettings(device_per_minute=60, device_burst=5)
    with served(sqlite_server_url, edge) as (app, client):
        clock = Clock()
        app.state.device_limit.clock = clock
        a1 = Laptop.enrol(client, new_code(sqlite_server_url, "Alpha"), "st-a", "a1")
        a2 = Laptop.enrol(client, new_code(sqlite_server_url, "Alpha"), "st-a", "a2")
        for _ in range(5):
            assert client.get(protocol.PULL_PATH, headers=a1.headers).status_code == 200
        refused = client.get(protocol.PULL_PATH, headers=a1.headers)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
        assert protocol.ErrorAnswer.model_validate(refused.json()).code == "rate_limited"
        _assert_hardened(refused)
        pushed = a1.push_raw([a1.op("person", "p1", {"n": 1}, op="insert")])
        assert pushed.status_code == 429 and pushed.json()["code"] == "rate_limited"
        assert client.get(protocol.PULL_PATH, headers=a2.headers).status_code == 200  # its own bucket
        # A wrong token spends nothing of anyone's, and is 401, not 429.
        assert client.get(protocol.PULL_PATH, headers={"Authorization": "Bearer nope"}).status_code == 401
        clock.now += 1.0  # one request a second
        assert client.get(protocol.PULL_PATH, headers=a1.headers).status_code == 200
        assert client.get(protocol.PULL_PATH, headers=a1.headers).status_code == 429
        # Getting a new token is not limited per device (only failures count, per address).
        assert a1.login().status_code == 200


def test_failed_enrolments_and_token_requests_are_limited_per_address(sqlite_server_url: str) -> None:
    edge = EdgeSettings(auth_failures_per_hour=60, auth_failure_burst=3)
    with served(sqlite_server_url, edge) as (app, client):
        clock = Clock()
        app.state.auth_failures.clock = clock
        laptop = Laptop.enrol(client, new_code(sqlite_server_url, "Alpha"), "st-a")
        assert client.post(protocol.ENROL_PATH, json=_enrol_body("WRONG-CODE1")).status_code == 401
        assert (
            client.post(protocol.TOKEN_PATH, json={"device_id": laptop.device_id, "device_secret": "x"}).status_code
            == 401
        )
        assert (
            client.post(protocol.ENROL_PATH, content=b"{", headers={"Content-Type": "application/json"}).status_code
            == 400
        )
        # Three failures: the address is blocked, right code or wrong, enrolment or token.
        good = new_code(sqlite_server_url, "Alpha")
        refused = client.post(protocol.ENROL_PATH, json=_enrol_body(good))
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
        assert refused.headers["retry-after"] == "60"
        _assert_hardened(refused)
        assert laptop.login().status_code == 429
        # Synced requests of enrolled devices are not affected.
        assert client.get(protocol.PULL_PATH, headers=laptop.headers).status_code == 200
        clock.now += 60  # one failure a minute is forgiven
        assert client.post(protocol.ENROL_PATH, json=_enrol_body(good)).status_code == 200
        assert laptop.login().status_code == 200  # successes spend nothing
        assert client.post(protocol.ENROL_PATH, json=_enrol_body("WRONG-CODE2")).status_code == 401
        assert client.post(protocol.ENROL_PATH, json=_enrol_body("WRONG-CODE3")).status_code == 429


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(sqlite_server_url: str) -> None:
    edge = EdgeSettings(trusted_proxies=("testclient",), auth_failure_burst=2)
    with served(sqlite_server_url, edge) as (_app, client):

        def enrol_from(address: str, code: str) -> int:
            answer = client.post(protocol.ENROL_PATH, json=_enrol_body(code), headers={"X-Forwarded-For": address})
            return answer.status_code

        assert [enrol_from("198.51.100.1", "WRONG-CODE1") for _ in range(3)] == [401, 401, 429]
        assert enrol_from("198.51.100.2", "WRONG-CODE1") == 401
        # A client cannot pretend to be another by putting an address in front: the proxy appends the real one.
        assert enrol_from("198.51.100.9, 198.51.100.1", "WRONG-CODE1") == 429


@pytest.mark.slow
def test_the_default_limits_let_200_stations_sync_at_once_from_one_address(sqlite_server_url: str) -> None:
    """bench/bench_sync_load.py's 200 stations (enrol, token, push, pull), all from one address."""
    engine = db.make_engine(sqlite_server_url)
    db.migrate(engine)
    try:
        codes = [create_enrolment_code(engine, f"Station {n}")[0] for n in range(200)]
    finally:
        engine.dispose()
    with served(sqlite_server_url, edge_settings()) as (_app, client):
        for code in codes:
            laptop = Laptop.enrol(client, code, str(uuid.uuid4()))  # enrol and token
            laptop.push(laptop.op("incident", str(uuid.uuid4()), {"summary": "x"}, op="insert"))
            laptop.pull()


def test_rate_limiter_refills_caps_and_forgets() -> None:
    clock = Clock()
    limiter = RateLimiter(0.5, 2, clock=clock, max_keys=3)
    assert limiter.take("a") == 0.0 and limiter.take("a") == 0.0
    assert limiter.take("a") == pytest.approx(2.0)  # the next token in 2 s; nothing spent
    assert limiter.wait("a") == pytest.approx(2.0)
    clock.now += 1.0
    assert limiter.take("a") == pytest.approx(1.0)
    clock.now += 1.0
    assert limiter.take("a") == 0.0
    clock.now += 100.0  # a long pause refills to the burst, not beyond
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, pytest.approx(2.0)]
    for _ in range(3):
        limiter.charge("b")  # charging an empty bucket does not go below empty
    assert limiter.wait("b") == pytest.approx(2.0)
    assert limiter.wait("a") == pytest.approx(2.0)
    for key in ("c", "d", "e"):
        limiter.charge(key)
    # Past max_keys the least recently used ("a", then "b") are forgotten: full buckets again.
    assert limiter.wait("a") == 0.0 and limiter.wait("b") == 0.0
    assert limiter.take("e") == 0.0 and limiter.take("e") == pytest.approx(2.0)  # e had 1 of 2 left
    assert RateLimiter(0, 5).take("x") == 0.0 and not RateLimiter(0, 5).enabled


def test_edge_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert edge_settings() == EdgeSettings()
    monkeypatch.setenv(TRUSTED_PROXIES_ENV, " 127.0.0.1, 10.0.0.0/8 ,")
    monkeypatch.setenv(DEVICE_RATE_ENV, "120")
    monkeypatch.setenv(DEVICE_BURST_ENV, "50")
    monkeypatch.setenv(AUTH_FAILURE_RATE_ENV, "0")
    monkeypatch.setenv(AUTH_FAILURE_BURST_ENV, "5")
    assert edge_settings() == EdgeSettings(
        trusted_proxies=("127.0.0.1", "10.0.0.0/8"), device_per_minute=120, device_burst=50,
        auth_failures_per_hour=0, auth_failure_burst=5,
    )  # fmt: skip
    for bad in ("-1", "lots", "nan", "inf"):
        monkeypatch.setenv(DEVICE_RATE_ENV, bad)
        with pytest.raises(ValueError, match=DEVICE_RATE_ENV):
            edge_settings()


# ---------------------------------------------------------------- the `serve` command: TLS and proxy trust


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A key and a certificate for 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@contextmanager
def _serve(url: str, *args: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """`station-desk-server serve` on a free port of 127.0.0.1 with these arguments; stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "station_desk.server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--database-url", url, *args]  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if process.stderr:
            process.stderr.close()


@pytest.mark.slow
def test_serve_speaks_tls_and_trusts_forwarded_headers_only_when_told(sqlite_server_url: str, tmp_path: Path) -> None:
    key, cert = _self_signed(tmp_path)
    with _serve(sqlite_server_url, "--ssl-keyfile", str(key), "--ssl-certfile", str(cert)) as port:
        trust = ssl.create_default_context(cafile=str(cert))
        answer = httpx.get(f"https://127.0.0.1:{port}/api/v1/health", verify=trust, timeout=10)
        assert answer.status_code == 200
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        _assert_hardened(answer)
        assert "server" not in answer.headers
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    # uvicorn on its own would believe these headers from any process on this machine; the server does not.
    with _serve(sqlite_server_url) as port:
        answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", headers=forwarded, timeout=10)
        assert answer.status_code == 200 and "strict-transport-security" not in answer.headers
    with _serve(sqlite_server_url, "--trusted-proxies", "127.0.0.1") as port:
        answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", headers=forwarded, timeout=10)
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
    with _serve(sqlite_server_url, env={TRUSTED_PROXIES_ENV: "127.0.0.1"}) as port:
        answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", headers=forwarded, timeout=10)
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
