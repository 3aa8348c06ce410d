"""build_installer.py makes a self-contained app whose --self-test passes, packed with its version and platform."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_the_built_bundle_passes_its_self_test(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--dist", str(tmp_path / "dist"), "--build", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=1100,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "self-test passed" in result.stdout
    checks = [line.split(":")[0] for line in result.stdout.splitlines() if line.startswith(("ok ", "FAIL"))]
    assert checks == [
        "ok   create a station",
        "ok   unlock and save an incident",
        "ok   render a PDF with Cyrillic text",
        "ok   open the main window",
    ]
    if sys.platform.startswith("linux"):
        archives = list((tmp_path / "dist").glob("StationDesk-*-linux-*.tar.gz"))
        assert len(archives) == 1
        with tarfile.open(archives[0]) as archive:
            names = archive.getnames()
        assert "station-desk.desktop" in names and "StationDesk/StationDesk" in names
        # The catalogs travel compiled, Serbian Latin included.
        assert any(name.endswith("sr_Latn/LC_MESSAGES/station_desk.mo") for name in names)
