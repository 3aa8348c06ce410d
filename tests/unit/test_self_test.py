"""`station-desk --self-test` passes on a working install and names what it checked, one line each."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_self_test_passes_and_reports_each_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "station_desk", "--self-test"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith(("ok", "FAIL"))]
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split(":")[0] for line in lines] == [
        "ok   create a station",
        "ok   unlock and save an incident",
        "ok   render a PDF with Cyrillic text",
        "ok   open the main window",
    ]
    assert result.stdout.strip().endswith("self-test passed")
