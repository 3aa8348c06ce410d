"""Start to a usable main window on the 100k station against a bare PySide6 window, and the app's memory."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import large_station

BUDGET_RATIO = 1.5
MEMORY_BUDGET_MB = 300
RUNS = 5
CHILD = Path(__file__).with_name("start_child.py")


def wall_seconds(*args: str) -> tuple[float, str]:
    """Wall time of the whole child process up to its report, measured from outside (includes interpreter start)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    rest = process.stdout.read()
    process.wait(timeout=120)
    return elapsed, line + rest


def main() -> None:
    paths, handle = large_station()
    handle.close()
    bare, app = [], []
    for _ in range(RUNS):
        bare.append(wall_seconds("bare")[0])
        app.append(wall_seconds("app", str(paths.data_dir))[0])
    bare_s, app_s = statistics.median(bare), statistics.median(app)
    ratio = app_s / bare_s
    verdict = "within budget" if ratio <= BUDGET_RATIO else f"OVER budget ({ratio:.2f}x against {BUDGET_RATIO}x)"
    print(
        f"start to a usable main window at 100k: {app_s:.2f} s; bare PySide6 window: {bare_s:.2f} s; "
        f"ratio {ratio:.2f}x (budget {BUDGET_RATIO}x, {verdict})",
        flush=True,
    )
    _seconds, output = wall_seconds("app", str(paths.data_dir), "--scroll")
    print(
        f"memory of the app at 100k (max RSS, incidents page open 20 s): {output.strip()} "
        f"(budget {MEMORY_BUDGET_MB} MB)",
        flush=True,
    )


if __name__ == "__main__":
    main()
