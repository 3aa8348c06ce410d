"""A bad link between laptop and server: cut answers, doubled batches, killed server and killed laptop.

Every test ends the same way: one clean sync, after which the server and the laptop hold exactly the same
records at the same versions, with equal checksums and nothing left waiting.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from station_desk import db
from station_desk.models import RECORD_TYPES, OutboxEntry
from station_desk.server import db as server_db
from station_desk.server import tables
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.sync import client, outbox, state
from station_desk.sync.protocol import (
    PUSH_PATH,
    TOKEN_PATH,
    PushAnswer,
    TokenAnswer,
    TokenRequest,
    encode_body,
)
from tests.conftest import COMMANDER_PASSWORD
from tests.live_server import LiveServer
from tests.sync.conftest import checksum_of, create_incident, edit_incident, enrol_laptop
from tests.sync.fault_proxy import FaultProxy

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- what both sides hold


def laptop_records(engine: Engine) -> dict[str, tuple[int, bool]]:
    """Every synced record on the laptop: id -> (version, deleted)."""
    held: dict[str, tuple[int, bool]] = {}
    with db.read_session(engine) as session:
        for model in RECORD_TYPES.values():
            for record_id, version, deleted_at in session.exec(
                select(model.id, model.version, model.deleted_at)  # type: ignore[call-overload]
            ):
                held[record_id] = (version, deleted_at is not None)
    return held


def server_records(database_url: str, station_id: str) -> dict[str, tuple[int, bool]]:
    engine = server_db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(tables.record.c.id, tables.record.c.version, tables.record.c.deleted).where(
                    tables.record.c.station_id == station_id
                )
            ).all()
    finally:
        engine.dispose()
    return {record_id: (int(version), bool(deleted)) for record_id, version, deleted in rows}


def waiting(engine: Engine) -> int:
    with db.read_session(engine) as session:
        return len(session.exec(select(OutboxEntry.client_seq)).all())


def assert_in_step(handle: StationHandle, database_url: str) -> None:
    """A clean sync, then server and laptop hold the same records at the same versions."""
    result = client.sync_once(handle.engine)
    assert result.checksum_ok is True
    assert result.rejected == 0
    assert waiting(handle.engine) == 0
    on_laptop = laptop_records(handle.engine)
    on_server = server_records(database_url, handle.actor.station_id)
    assert on_laptop == on_server
    assert all(version > 0 for version, _deleted in on_laptop.values())


def make_incidents(handle: StationHandle, actor: Actor, count: int) -> list[str]:
    return [create_incident(handle.engine, actor, narrative=f"Подія номер {number}") for number in range(count)]


@pytest.fixture
def proxy_to(request: pytest.FixtureRequest) -> Iterator[object]:
    proxies: list[FaultProxy] = []

    def make(server: LiveServer) -> FaultProxy:
        proxy = FaultProxy("127.0.0.1", server.port).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.stop()


def route_through(handle: StationHandle, url: str) -> None:
    """Point the laptop's stored server address at the proxy (enrolment went straight to the server)."""
    with db.write_session(handle.engine) as session:
        state.put(session, "server_url", url)


def enrolled_through_proxy(handle: StationHandle, server: LiveServer, proxy_to: object) -> FaultProxy:
    assert callable(proxy_to)
    proxy: FaultProxy = proxy_to(server)
    enrol_laptop(handle, server)
    route_through(handle, proxy.url)
    with db.read_session(handle.engine) as session:
        creds = state.credentials(session)
    assert creds is not None and creds.server_url == proxy.url
    return proxy


# ---------------------------------------------------------------- the tests


def test_the_server_applied_a_batch_but_the_laptop_never_heard_back(
    station: StationHandle, officer: Actor, live_server: LiveServer, proxy_to: object
) -> None:
    proxy = enrolled_through_proxy(station, live_server, proxy_to)
    make_incidents(station, officer, 150)
    client.sync_once(station.engine)  # a token in hand, so the next connection carries the push
    ids = make_incidents(station, officer, 30)
    proxy.cut_response_after(40, times=3)  # the answer dies after its first bytes, three times over
    for _attempt in range(3):
        with pytest.raises(client.SyncError):
            client.sync_once(station.engine)
    on_server = server_records(live_server.database_url, station.actor.station_id)
    assert set(ids) <= set(on_server)  # the server did apply the batch the laptop never heard about
    assert waiting(station.engine) > 0  # and the laptop still holds it, unanswered
    proxy.reset_faults()
    assert_in_step(station, live_server.database_url)


def _token(url: str, creds: state.Credentials) -> str:
    body = TokenRequest(device_id=creds.device_id, device_secret=creds.device_secret).model_dump_json().encode()
    answer = httpx.post(url + TOKEN_PATH, content=body, headers={"Content-Type": "application/json"})
    return TokenAnswer.model_validate_json(answer.content).access_token


def test_the_same_batch_twice_at_once_and_hours_apart_is_applied_once(
    station: StationHandle, officer: Actor, live_server: LiveServer
) -> None:
    enrol_laptop(station, live_server)
    ids = make_incidents(station, officer, 40)
    with db.write_session(station.engine) as session:
        creds = state.credentials(session)
        assert creds is not None
        batch = outbox.next_batch(session, creds.device_id)
    assert batch is not None
    body = encode_body(batch.model_dump_json().encode())
    headers = {
        "Content-Type": "application/json", "Content-Encoding": "zstd",
        "Authorization": f"Bearer {_token(live_server.url, creds)}",
    }  # fmt: skip
    answers: list[httpx.Response] = []

    def deliver() -> None:
        answers.append(httpx.post(live_server.url + PUSH_PATH, content=body, headers=headers, timeout=30))

    twins = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in twins:
        thread.start()
    for thread in twins:
        thread.join()
    assert [answer.status_code for answer in answers] == [200, 200]
    first, second = (PushAnswer.model_validate_json(answer.content) for answer in answers)
    assert first.results == second.results
    assert sorted([first.replayed, second.replayed]) == [False, True]

    assert_in_step(station, live_server.database_url)  # the laptop's own resend gets the stored answer too
    held = server_records(live_server.database_url, station.actor.station_id)

    # Hours later the same body arrives again (a proxy replaying old traffic): the stored answer, no change.
    edit_incident(station.engine, officer, ids[0], narrative="Пізніша правка")
    assert_in_step(station, live_server.database_url)
    after_edit = server_records(live_server.database_url, station.actor.station_id)
    late = httpx.post(live_server.url + PUSH_PATH, content=body, headers=headers, timeout=30)
    assert late.status_code == 200 and PushAnswer.model_validate_json(late.content).replayed
    assert server_records(live_server.database_url, station.actor.station_id) == after_edit
    assert after_edit.keys() == held.keys()
    assert_in_step(station, live_server.database_url)


@pytest.mark.slow
def test_the_server_is_killed_mid_batch_and_restarted(
    station: StationHandle, officer: Actor, server_database_url: str, proxy_to: object
) -> None:
    with LiveServer(server_database_url) as server:
        proxy = enrolled_through_proxy(station, server, proxy_to)
        client.sync_once(station.engine)
        make_incidents(station, officer, 250)
        proxy.set_bandwidth(64_000)  # slow enough that the kill lands while a batch is on its way
        failures: list[BaseException] = []

        def sync() -> None:
            try:
                client.sync_once(station.engine, timeout=10)
            except client.SyncError as error:
                failures.append(error)

        worker = threading.Thread(target=sync)
        worker.start()
        time.sleep(1.5)
        server.kill()
        worker.join(60)
        assert not worker.is_alive()
        assert failures, "the sync should have failed when the server died"
        server.start()
        proxy.set_bandwidth(None)
        assert_in_step(station, server_database_url)


def _sync_in_a_process(handle: StationHandle, password_file: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), STATION_DESK_LANG="en")
    command = [
        sys.executable, "-m", "station_desk", "--data-dir", str(handle.paths.data_dir), "--user", "olena",
        "--password-file", str(password_file), "sync",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_the_laptop_is_killed_mid_sync(
    station: StationHandle, officer: Actor, live_server: LiveServer, proxy_to: object, tmp_path: Path
) -> None:
    proxy = enrolled_through_proxy(station, live_server, proxy_to)
    make_incidents(station, officer, 400)
    password_file = tmp_path / "password"
    password_file.write_text(COMMANDER_PASSWORD)
    proxy.set_bandwidth(24_000)  # about 10 s of pushing: every kill lands mid-sync
    killed_mid_sync = 0
    for delay in (2.5, 3.5, 4.5):
        process = _sync_in_a_process(station, password_file)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed_mid_sync += 1
        process.wait(30)
        if process.stdout:
            process.stdout.close()
        with station.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert killed_mid_sync >= 1, "every sync finished before its kill: slow the link down"
    assert waiting(station.engine) > 0  # the kills left work undone
    proxy.set_bandwidth(None)
    assert_in_step(station, live_server.database_url)
    assert checksum_of(station.engine) != "0" * 32
