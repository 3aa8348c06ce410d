"""The regional server under load on PostgreSQL: ingest of batches of 100 from 16 devices at once (against raw psycopg
writing the same rows in the same database), and 200 stations syncing at once (errors and answer times)."""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uuid_utils
from sqlalchemy import text

from bench.bench_sync import month_station, open_copy
from station_desk.sync.protocol import (
    ENROL_PATH,
    PULL_PATH,
    PUSH_PATH,
    TOKEN_PATH,
    EnrolAnswer,
    EnrolRequest,
    Op,
    PushRequest,
    TokenAnswer,
    TokenRequest,
    encode_body,
)
from tests.live_server import LiveServer
from tests.server_fixtures import POSTGRES_ENV, create_postgres_database, drop_postgres_database

INGEST_BUDGET = 10_000  # records/s
DEVICES = 16
BATCHES_EACH = int(os.environ.get("BENCH_BATCHES_EACH", "10"))
BATCH = 100
STATIONS = 200
STATION_BATCH = 20
HEADERS = {"Content-Type": "application/json", "Content-Encoding": "zstd", "Accept-Encoding": "zstd, gzip"}


def body(message: Any) -> bytes:
    return encode_body(message.model_dump_json().encode("utf-8"))


@contextmanager
def postgres_database() -> Iterator[str]:
    server_url = os.environ.get(POSTGRES_ENV, "postgresql://postgres@127.0.0.1:5432/test")
    url = create_postgres_database(server_url)
    try:
        yield url
    finally:
        drop_postgres_database(server_url, url)


@dataclass
class Device:
    id: str
    secret: str
    station_id: str
    token: str = ""


def enrol_devices(server: LiveServer, count: int, prefix: str) -> list[Device]:
    """`count` stations with one enrolled device each: a code per station in the database, the enrolment over HTTP."""
    from station_desk.server import db as server_db
    from station_desk.server.auth import create_enrolment_code

    engine = server_db.make_engine(server.database_url, pool_size=2)
    try:
        codes = [create_enrolment_code(engine, f"{prefix} {n}")[0] for n in range(count)]
    finally:
        engine.dispose()
    devices = []
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for n, code in enumerate(codes):
            station_id = str(uuid_utils.uuid7())
            request = EnrolRequest(code=code, station_id=station_id, station_name=f"{prefix} {n}", device_name="bench")
            answer = http.post(ENROL_PATH, content=body(request), headers=HEADERS)
            answer.raise_for_status()
            enrolled = EnrolAnswer.model_validate_json(answer.content)
            devices.append(Device(enrolled.device_id, enrolled.device_secret, station_id))
    return devices


def fetch_token(http: httpx.Client, device: Device) -> float:
    started = time.perf_counter()
    answer = http.post(TOKEN_PATH, content=body(TokenRequest(device_id=device.id, device_secret=device.secret)),
                       headers=HEADERS)  # fmt: skip
    answer.raise_for_status()
    device.token = TokenAnswer.model_validate_json(answer.content).access_token
    return time.perf_counter() - started


def incident_template() -> dict[str, Any]:
    """The fields of a real incident insert from the month station's outbox."""
    handle = open_copy(month_station())
    try:
        with handle.engine.connect() as connection:
            changed = connection.execute(
                text("SELECT changed FROM outboxentry WHERE record_type = 'incident' ORDER BY client_seq LIMIT 1")
            ).scalar_one()
    finally:
        handle.close()
    fields: dict[str, Any] = json.loads(changed)
    fields.pop("version", None)
    return fields


def incidents(template: dict[str, Any], station_id: str, first: int, count: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    rows = []
    for n in range(first, first + count):
        fields = dict(template)
        fields.update(
            id=str(uuid_utils.uuid7()), station_id=station_id, number=f"2026/{n:05d}",
            narrative=f"{template['narrative']} Запис {n}.", created_at=(now + timedelta(seconds=n)).isoformat(),
            updated_at=(now + timedelta(seconds=n)).isoformat(),
        )  # fmt: skip
        rows.append(fields)
    return rows


def push_body(device: Device, rows: list[dict[str, Any]], from_seq: int) -> bytes:
    ops = [Op(seq=from_seq + i, type="incident", id=r["id"], op="insert", base=0, fields=r) for i, r in enumerate(rows)]
    request = PushRequest(
        device_id=device.id, batch_id=str(uuid.uuid4()), from_seq=from_seq, to_seq=from_seq + len(rows) - 1, ops=ops
    )
    return body(request)


def in_threads(count: int, work: Callable[[int], Any]) -> tuple[float, list[Any]]:
    """Run work(0..count-1) in `count` threads started together; wall time from the start signal to the last end."""
    barrier = threading.Barrier(count + 1)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # counted by the caller
            results[index] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results


# ---------------------------------------------------------------- 5: ingest


def ingest(workers: int, template: dict[str, Any]) -> tuple[float, float]:
    """Records/s of the server (16 devices pushing at once) and of raw psycopg writing the same rows."""
    import psycopg

    with postgres_database() as url, LiveServer(url, workers=workers) as server:
        devices = enrol_devices(server, DEVICES, "Ingest station")
        bodies: list[list[bytes]] = []
        all_rows: list[tuple[str, str]] = []
        for device in devices:
            batches = []
            for b in range(BATCHES_EACH):
                rows = incidents(template, device.station_id, b * BATCH + 1, BATCH)
                all_rows.extend((r["id"], json.dumps(r, ensure_ascii=False)) for r in rows)
                batches.append(push_body(device, rows, b * BATCH + 1))
            bodies.append(batches)
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for device in devices:
                fetch_token(http, device)

        def push_all(index: int) -> int:
            device = devices[index]
            headers = {**HEADERS, "Authorization": f"Bearer {device.token}"}
            with httpx.Client(base_url=server.url, timeout=120) as http:
                for content in bodies[index]:
                    answer = http.post(PUSH_PATH, content=content, headers=headers)
                    if answer.status_code != 200:
                        raise RuntimeError(f"push answered {answer.status_code}: {answer.text[:200]}")
            return len(bodies[index]) * BATCH

        seconds, results = in_threads(DEVICES, push_all)
        errors = [r for r in results if isinstance(r, Exception)]
        if errors:
            print(f"  {len(errors)} device(s) failed, first: {errors[0]}", file=sys.stderr)
        sent = sum(r for r in results if isinstance(r, int))
        server_rate = sent / seconds
        print(f"  server, --workers {workers}: {sent:,} records from {DEVICES} devices in {seconds:.2f} s", flush=True)

        conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_raw (id text PRIMARY KEY, fields jsonb NOT NULL)")
        per_device = len(all_rows) // DEVICES

        def raw(index: int) -> int:
            mine = all_rows[index * per_device : (index + 1) * per_device]
            with psycopg.connect(conninfo) as conn:
                for start in range(0, len(mine), BATCH):
                    with conn.cursor() as cursor:
                        cursor.executemany("INSERT INTO bench_raw VALUES (%s, %s)", mine[start : start + BATCH])
                    conn.commit()
            return len(mine)

        raw_seconds, raw_results = in_threads(DEVICES, raw)
        raw_rate = sum(r for r in raw_results if isinstance(r, int)) / raw_seconds
    return server_rate, raw_rate


# ---------------------------------------------------------------- 6: 200 stations at once


def many_stations(template: dict[str, Any]) -> None:
    with postgres_database() as url, LiveServer(url, workers=2) as server:
        started = time.perf_counter()
        devices = enrol_devices(server, STATIONS, "Load station")
        print(f"  enrolled {STATIONS} stations in {time.perf_counter() - started:.1f} s", flush=True)
        bodies = [push_body(d, incidents(template, d.station_id, 1, STATION_BATCH), 1) for d in devices]
        times: dict[str, list[float]] = {"token": [], "push": [], "pull": []}
        lock = threading.Lock()

        def sync(index: int) -> None:
            device = devices[index]
            with httpx.Client(base_url=server.url, timeout=120) as http:
                took = {"token": fetch_token(http, device)}
                headers = {**HEADERS, "Authorization": f"Bearer {device.token}"}
                t = time.perf_counter()
                answer = http.post(PUSH_PATH, content=bodies[index], headers=headers)
                took["push"] = time.perf_counter() - t
                if answer.status_code != 200:
                    raise RuntimeError(f"push answered {answer.status_code}: {answer.text[:200]}")
                t = time.perf_counter()
                answer = http.get(PULL_PATH, params={"after": 0}, headers=headers)
                took["pull"] = time.perf_counter() - t
                if answer.status_code != 200:
                    raise RuntimeError(f"pull answered {answer.status_code}: {answer.text[:200]}")
            with lock:
                for kind, seconds in took.items():
                    times[kind].append(seconds)

        seconds, results = in_threads(STATIONS, sync)
        errors = [r for r in results if isinstance(r, Exception)]
        every = sorted(s for kind in times.values() for s in kind)

        def pct(values: list[float], p: float) -> float:
            return sorted(values)[min(len(values) - 1, int(p * len(values)))] * 1000

        print(
            f"{STATIONS} stations syncing at once (token, push of {STATION_BATCH}, pull; PostgreSQL, --workers 2): "
            f"{len(errors)} error(s) (budget 0, {'within budget' if not errors else 'OVER budget'}); "
            f"all done in {seconds:.2f} s; answer time p50 {pct(every, 0.5):.0f} ms, p95 {pct(every, 0.95):.0f} ms "
            f"over {len(every)} requests",
            flush=True,
        )
        for kind, values in times.items():
            if values:
                print(f"  {kind}: p50 {pct(values, 0.5):.0f} ms, p95 {pct(values, 0.95):.0f} ms, "
                      f"mean {statistics.mean(values) * 1000:.0f} ms")  # fmt: skip
        if errors:
            print(f"  first error: {errors[0]!r}", flush=True)


def main() -> None:
    template = incident_template()
    worker_counts = [int(n) for n in os.environ.get("BENCH_WORKERS", "1,2").split(",")]
    for workers in worker_counts:
        server_rate, raw_rate = ingest(workers, template)
        verdict = "within budget" if server_rate >= INGEST_BUDGET else "OVER budget"
        print(
            f"server ingest on PostgreSQL, batches of {BATCH}, {DEVICES} devices at once, --workers {workers}: "
            f"{server_rate:,.0f} records/s (budget >= {INGEST_BUDGET:,}, {verdict}); baseline raw psycopg "
            f"executemany of the same rows and JSON, {DEVICES} connections, a commit per {BATCH}: "
            f"{raw_rate:,.0f} records/s; ratio {server_rate / raw_rate:.2f}x",
            flush=True,
        )
    if os.environ.get("BENCH_SKIP_STATIONS") != "1":
        many_stations(template)


if __name__ == "__main__":
    main()
