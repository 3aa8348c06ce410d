"""Shared pieces of the benchmarks: a cached 100k-incident demo station, its plaintext twin, and timing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from station_desk.config import Paths, resolve_paths
from station_desk.keys import KeyFile
from station_desk.services import accounts

RESULTS = Path(__file__).resolve().parent / "results"
LARGE_INCIDENTS = 100_000


def large_station(incidents: int = LARGE_INCIDENTS) -> tuple[Paths, accounts.StationHandle]:
    """A twelve-month demo station with `incidents` incidents, built once and kept in bench/results/ (git-ignored)."""
    from station_desk.services import demo

    paths = resolve_paths(RESULTS / f"station-{incidents}")
    if not paths.database.exists():
        print(f"building a station with {incidents:,} incidents in {paths.data_dir} (once) ...", flush=True)
        started = time.perf_counter()
        demo.build_demo_station(paths=paths, language="uk", months=12, seed=1, incidents=incidents)
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    handle = accounts.open_station(paths=paths, username=demo.DEMO_COMMANDER, password=demo.DEMO_COMMANDER_PASSWORD)
    return paths, handle


def plaintext_twin(paths: Paths) -> Path:
    """The same data without encryption, for a raw-sqlite3 baseline (SQLCipher's own sqlcipher_export)."""
    twin = RESULTS / f"plain-{paths.data_dir.name}.db"
    if twin.exists():
        return twin
    import sqlcipher3

    from station_desk.services import demo

    key = KeyFile.load(paths.key_file).unlock(demo.DEMO_COMMANDER, demo.DEMO_COMMANDER_PASSWORD)
    connection = sqlcipher3.connect(str(paths.database))
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    connection.execute(f"ATTACH DATABASE '{twin}' AS plaintext KEY ''")
    connection.execute("SELECT sqlcipher_export('plaintext')")
    connection.execute("DETACH DATABASE plaintext")
    connection.close()
    return twin


def median_ms(action: Callable[[], object], repeats: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def report(what: str, figure_ms: float, budget_ms: float, baseline_ms: float, baseline: str) -> str:
    verdict = "within budget" if figure_ms <= budget_ms else f"OVER budget by {figure_ms - budget_ms:.1f} ms"
    line = (
        f"{what}: {figure_ms:.2f} ms (budget {budget_ms:.0f} ms, {verdict}); "
        f"baseline {baseline}: {baseline_ms:.2f} ms; ratio {figure_ms / baseline_ms:.1f}x"
    )
    print(line, flush=True)
    return line
