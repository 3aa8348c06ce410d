"""`station-desk report` and `stats`: files written, the same figures printed, both audited, bad months refused."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import Session, col, select

from station_desk import cli, db
from station_desk.config import resolve_paths
from station_desk.keys import KeyFile
from station_desk.models import AuditEntry
from station_desk.services.demo import DEMO_COMMANDER, DEMO_COMMANDER_PASSWORD, build_demo_station
from tests.conftest import TEST_KDF

NOW = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
# March 2026 in Kyiv, as the naive UTC text SQLite stores.
MARCH = ("2026-02-28 22:00:00", "2026-03-31 21:00:00")


@pytest.fixture(scope="module")
def station_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-demo")
    build_demo_station(paths=resolve_paths(folder), language="uk", months=2, kdf=TEST_KDF, now=NOW)
    return folder


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_DESK_PASSWORD", DEMO_COMMANDER_PASSWORD)
    monkeypatch.delenv("STATION_DESK_DATA_DIR", raising=False)


def run(station_dir: Path, *args: str) -> int:
    return cli.main([*args, "--data-dir", str(station_dir), "--user", DEMO_COMMANDER])


@contextmanager
def opened(station_dir: Path) -> Iterator[Session]:
    paths = resolve_paths(station_dir)
    engine = db.open_database(
        paths.database, KeyFile.load(paths.key_file).unlock(DEMO_COMMANDER, DEMO_COMMANDER_PASSWORD)
    )
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def audit_entries(station_dir: Path) -> list[AuditEntry]:
    with opened(station_dir) as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all())


def march_incidents(station_dir: Path) -> int:
    sql = (
        "SELECT count(*) FROM incident WHERE deleted_at IS NULL AND status != 'voided' "
        "AND reported_at >= :start AND reported_at < :end"
    )
    with opened(station_dir) as session:
        return int(session.execute(text(sql), {"start": MARCH[0], "end": MARCH[1]}).scalar_one())


def test_report_writes_the_pdf_and_the_csv_and_audits_them(
    station_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "march.pdf"
    purpose = "Звіт старості громади"
    code = run(station_dir, "report", "--month", "2026-03", "--audience", "community", "--lang", "uk",
               "--out", str(out), "--purpose", purpose)  # fmt: skip
    assert code == 0, capsys.readouterr().err
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and len(PdfReader(io.BytesIO(pdf)).pages) >= 2
    csv_bytes = (tmp_path / "march.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read Cyrillic
    assert csv_bytes.decode("utf-8-sig").splitlines()[0].startswith("Розділ,")
    entry = audit_entries(station_dir)[-1]
    assert entry.action.value == "export" and entry.record_type == "report" and entry.reason == purpose
    assert entry.details["target"] == str(out) and entry.details["audience"] == "community"
    printed = capsys.readouterr().out
    assert str(out) in printed and entry.details["figures_hash"] in printed
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize("month", ["2026-13", "March", "2026-3", "26-03"])
def test_a_bad_month_is_refused_in_the_users_language_and_nothing_is_written(
    station_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], month: str
) -> None:
    before = len(audit_entries(station_dir))
    out = tmp_path / "bad.pdf"
    code = run(station_dir, "report", "--month", month, "--audience", "commander", "--lang", "uk", "--out", str(out))
    assert code == 2
    error = capsys.readouterr().err
    assert "РРРР-ММ" in error and month in error
    assert list(tmp_path.iterdir()) == []
    assert run(station_dir, "stats", "--month", month, "--json", "--lang", "pl") == 2
    assert "RRRR-MM" in capsys.readouterr().err
    assert len(audit_entries(station_dir)) == before


def test_stats_prints_the_figures_the_report_shows(
    station_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(station_dir, "stats", "--month", "2026-03", "--json", "--lang", "uk") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["month"] == "2026-03"
    assert data["incidents"]["this_month"] == march_incidents(station_dir) > 0
    assert data["incidents"]["this_month"] == sum(c["this_month"] for c in data["incidents"]["by_category"])
    assert len(data["incident_list"]) == data["incidents"]["this_month"]
    entry = audit_entries(station_dir)[-1]
    assert entry.record_type == "report" and entry.details["format"] == "stats"

    out = tmp_path / "march.pdf"
    assert run(station_dir, "report", "--month", "2026-03", "--audience", "commander", "--lang", "uk",
               "--out", str(out)) == 0  # fmt: skip
    assert data["figures_hash"] in capsys.readouterr().out  # the same figures, to the last byte
    text_of_pdf = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert data["figures_hash"][:32] in text_of_pdf
