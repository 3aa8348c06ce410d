"""A month of one station (about 1,000 records) through a real server and a fault proxy: bytes per record, the month
over a 64 kbit/s link, the requests of an empty sync, and what a dropped connection costs; each beside its budget
and a baseline measured in the same run. The server-load figures are in bench_sync_load.py."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

from bench.common import RESULTS
from station_desk import db
from station_desk.config import Paths, resolve_paths
from station_desk.services import accounts
from station_desk.sync import client, state
from station_desk.sync.protocol import BATCH_SIZE, PUSH_PATH, encode_body
from tests.live_server import LiveServer, enrolment_code
from tests.sync.fault_proxy import FaultProxy

MONTH_INCIDENTS = 170  # a one-month demo station with this many incidents queues about 1,000 outbox rows
BYTES_BUDGET = 160.0
SLOW_LINK_BUDGET_S = 30.0
SLOW_LINK_BPS = 64_000
SLOW_LINK_ONE_WAY_S = 0.15
EMPTY_SYNC_BUDGET = 1
BURST = 1024  # the proxy's token bucket (tests/sync/fault_proxy.py _PIECE)
CUT_PUSH = 3  # the push whose answer the proxy cuts (1-based)


def month_station() -> Paths:
    """The month's demo station, built once into bench/results/ (git-ignored), its WAL folded into the file."""
    from station_desk.keys import THROWAWAY_KDF
    from station_desk.services import demo

    paths = resolve_paths(RESULTS / f"sync-month-{MONTH_INCIDENTS}")
    if not paths.database.exists():
        print(f"building a one-month station with {MONTH_INCIDENTS} incidents in {paths.data_dir} (once) ...")
        demo.build_demo_station(
            paths=paths, language="uk", months=1, seed=1, incidents=MONTH_INCIDENTS, kdf=THROWAWAY_KDF
        )
        handle = open_copy(paths)
        with handle.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        handle.close()
    return paths


def open_copy(paths: Paths) -> accounts.StationHandle:
    from station_desk.services import demo

    return accounts.open_station(paths=paths, username=demo.DEMO_COMMANDER, password=demo.DEMO_COMMANDER_PASSWORD)


def fresh_copy(source: Paths, target: Path) -> accounts.StationHandle:
    """A copy of the cached station: every run starts with the same full outbox and no enrolment."""
    shutil.copytree(source.data_dir, target)
    return open_copy(resolve_paths(target))


def outbox_records(handle: accounts.StationHandle) -> list[str]:
    """The JSON of each waiting outbox row's fields: the records alone, as the laptop stores them."""
    with handle.engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT changed FROM outboxentry ORDER BY client_seq"))]


@dataclass
class Request:
    method: str
    path: str
    up: int = 0  # bytes on the wire, headers included
    down: int = 0


@dataclass
class WireLog(httpx.BaseTransport):
    """A real transport that notes each request with the proxy's byte counts at its start (deltas give its size)."""

    proxy: FaultProxy
    inner: httpx.HTTPTransport = field(default_factory=httpx.HTTPTransport)
    requests: list[Request] = field(default_factory=list)
    _marks: list[tuple[int, int]] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._marks.append((self.proxy.bytes_up, self.proxy.bytes_down))
        self.requests.append(Request(request.method, request.url.path))
        return self.inner.handle_request(request)

    def close(self) -> None:  # sync_once closes its client; this transport lives on for the next sync
        pass

    def sizes(self) -> list[Request]:
        """Each request with its bytes up and down (the previous answer is read before the next request starts)."""
        marks = [*self._marks, (self.proxy.bytes_up, self.proxy.bytes_down)]
        for index, item in enumerate(self.requests):
            item.up = marks[index + 1][0] - marks[index][0]
            item.down = marks[index + 1][1] - marks[index][1]
        return list(self.requests)


@dataclass
class Run:
    handle: accounts.StationHandle
    server: LiveServer
    proxy: FaultProxy
    wire: WireLog


@contextmanager
def enrolled(source: Paths, folder: Path, name: str) -> Iterator[Run]:
    """A fresh copy of the station enrolled with a fresh SQLite server, its traffic routed through a proxy."""
    handle = fresh_copy(source, folder / name)
    server = LiveServer(f"sqlite:///{folder / (name + '-server.db')}")
    server.start()
    proxy = FaultProxy("127.0.0.1", server.port).start()
    try:
        code = enrolment_code(server.database_url, "Бенчмарк станція")
        client.enrol(handle.engine, handle.actor, server.url, code, device_name=name)
        with db.write_session(handle.engine) as session:
            state.put(session, state.SERVER_URL, proxy.url)
        proxy.reset_counters()
        yield Run(handle, server, proxy, WireLog(proxy))
    finally:
        proxy.stop()
        server.stop()
        handle.close()


def show(what: str, figure: float, unit: str, budget: str, ok: bool, baseline: str, base_value: float) -> str:
    ratio = f"{figure / base_value:.2f}x" if base_value else "-"
    verdict = "within budget" if ok else "OVER budget"
    line = f"{what}: {figure:,.1f} {unit} (budget {budget}, {verdict}); baseline {baseline}; ratio {ratio}"
    print(line, flush=True)
    return line


def zstd_per_record(records: list[str]) -> float:
    """zstd at the protocol's level of the records' JSON alone, in batches of BATCH_SIZE, per record."""
    total = 0
    for start in range(0, len(records), BATCH_SIZE):
        total += len(encode_body(("[" + ",".join(records[start : start + BATCH_SIZE]) + "]").encode()))
    return total / len(records)


def main() -> None:
    source = month_station()
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        folder = Path(tmp)

        # 1 and 3: a clean sync of the month, then a sync with nothing to send.
        with enrolled(source, folder, "clean") as run:
            records = outbox_records(run.handle)
            started = time.perf_counter()
            result = client.sync_once(run.handle.engine, transport=run.wire, timeout=60)
            local_s = time.perf_counter() - started
            clean = run.wire.sizes()
            up, down = run.proxy.bytes_up, run.proxy.bytes_down
            pushes = [item for item in clean if item.path == PUSH_PATH]
            print(
                f"clean sync, no faults: {len(records)} outbox rows, {result.sent} ops sent, {result.received} pulled, "
                f"{len(clean)} requests ({len(pushes)} pushes), {up:,} B up, {down:,} B down, {local_s:.2f} s",
                flush=True,
            )
            assert result.rejected == 0 and result.checksum_ok, result
            plain = sum(len(r.encode()) for r in records) / len(records)
            zstd = zstd_per_record(records)
            per_record = up / len(records)
            show(
                "wire bytes up per synced record (batches of 100, headers and token included)", per_record, "B",
                f"<= {BYTES_BUDGET:.0f} B", per_record <= BYTES_BUDGET,
                f"zstd-{12} of the records' JSON alone in batches of 100: {zstd:.1f} B/record; plain JSON {plain:.0f} "
                f"B/record", zstd,
            )  # fmt: skip
            print(
                f"  also: {down / len(records):.1f} B down per record; pushes alone "
                f"{sum(p.up for p in pushes) / len(records):.1f} B up per record; "
                f"largest push on the wire {max(p.up for p in pushes):,} B",
                flush=True,
            )

            run.wire.requests.clear()
            run.wire._marks.clear()
            client.sync_once(run.handle.engine, transport=run.wire, timeout=60)
            empty = run.wire.sizes()
            show(
                "requests of a sync with nothing to send (token cached)", len(empty), "request(s)",
                f"{EMPTY_SYNC_BUDGET}", len(empty) <= EMPTY_SYNC_BUDGET,
                f"the pull alone: 1 request; these were {[f'{r.method} {r.path}' for r in empty]}, "
                f"{sum(r.up for r in empty)} B up, {sum(r.down for r in empty)} B down", 1,
            )  # fmt: skip

        # 2: the month over 64 kbit/s with 300 ms round trips, token request included.
        with enrolled(source, folder, "slow") as run:
            run.proxy.set_delay(SLOW_LINK_ONE_WAY_S)
            run.proxy.set_bandwidth(SLOW_LINK_BPS)
            started = time.perf_counter()
            result = client.sync_once(run.handle.engine, transport=run.wire, timeout=120)
            seconds = time.perf_counter() - started
            slow = run.wire.sizes()
            up, down = run.proxy.bytes_up, run.proxy.bytes_down
            # Each direction is its own 64 kbit/s (as the proxy emulates) whose token bucket lets BURST bytes pass
            # at once after a pause; requests wait for their answers, so nothing overlaps but the bursts.
            floor = sum(
                2 * SLOW_LINK_ONE_WAY_S + (max(0, r.up - BURST) + max(0, r.down - BURST)) * 8 / SLOW_LINK_BPS
                for r in slow
            )
            assert result.rejected == 0 and result.checksum_ok, result
            show(
                f"the month ({len(records)} records) over 64 kbit/s, 300 ms round trips", seconds, "s",
                f"<= {SLOW_LINK_BUDGET_S:.0f} s", seconds <= SLOW_LINK_BUDGET_S,
                f"the link's floor for the same {up + down:,} B in {len(slow)} round trips: {floor:.1f} s "
                f"(bytes / 64 kbit/s + 0.3 s a request)", floor,
            )  # fmt: skip

        # 4: bytes re-sent after the proxy cuts the answer of one push, half-way through it.
        with enrolled(source, folder, "cut") as run:
            before = sum(item.down for item in clean[: [r.path for r in clean].index(PUSH_PATH) + CUT_PUSH - 1])
            target = [item for item in clean if item.path == PUSH_PATH][CUT_PUSH - 1]
            run.proxy.cut_response_after(before + target.down // 2)
            try:
                client.sync_once(run.handle.engine, transport=run.wire, timeout=60)
                print("  warning: the cut did not interrupt the sync", flush=True)
            except client.SyncError:
                pass
            result = client.sync_once(run.handle.engine, transport=run.wire, timeout=60)
            assert result.rejected == 0 and result.checksum_ok, result
            cut = run.wire.sizes()
            extra = run.proxy.bytes_up - sum(item.up for item in clean)
            largest = max(item.up for item in clean if item.path == PUSH_PATH)
            show(
                f"bytes re-sent after the answer of push {CUT_PUSH} was cut (two syncs vs one clean)", extra, "B",
                f"<= one batch ({largest:,} B, the largest push on the wire)", extra <= largest,
                f"the largest single push batch: {largest:,} B (push {CUT_PUSH} itself: {target.up:,} B); "
                f"{len(cut)} requests against {len(clean)} clean",
                largest,
            )  # fmt: skip


if __name__ == "__main__":
    main()
