"""The built bundle against the source tree, in the same run: the same --self-test (start, create a station,
save, PDF, main window) timed both ways, and the bundle's unpacked size with what takes the room.

Build first: python build_installer.py --dist bench/results/dist --build bench/results/build
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BUNDLE = Path(__file__).resolve().parent / "results" / "dist" / "StationDesk"
SIZE_BUDGET_MB = 200
START_BUDGET_RATIO = 1.5
RUNS = 3


def wall_seconds(command: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1_000_000
    files = (item for item in path.rglob("*") if item.is_file() and not item.is_symlink())
    return sum(item.stat().st_size for item in files) / 1_000_000


def main() -> None:
    if not BUNDLE.exists():
        sys.exit(f"no bundle at {BUNDLE}; build it first (see this file's docstring)")
    frozen = wall_seconds([str(BUNDLE / "StationDesk"), "--self-test"])
    source = wall_seconds([sys.executable, "-m", "station_desk", "--self-test"])
    ratio = frozen / source
    verdict = "within budget" if ratio <= START_BUDGET_RATIO else "OVER budget"
    print(f"--self-test, frozen: {frozen:.2f} s; from source: {source:.2f} s; ratio {ratio:.2f}x "
          f"(budget {START_BUDGET_RATIO}x, {verdict})")  # fmt: skip
    total = size_mb(BUNDLE)
    verdict = "within budget" if total <= SIZE_BUDGET_MB else f"OVER budget by {total - SIZE_BUDGET_MB:.0f} MB"
    print(f"bundle unpacked: {total:.0f} MB (budget {SIZE_BUDGET_MB} MB, {verdict}); the largest parts:")
    internal = BUNDLE / "_internal"
    parts = sorted(((size_mb(item), item.name) for item in internal.iterdir()), reverse=True)[:10]
    for megabytes, name in parts:
        print(f"  {megabytes:6.1f} MB  {name}")


if __name__ == "__main__":
    main()
