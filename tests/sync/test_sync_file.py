"""The sync file on a USB stick and the `enroll`/`sync` commands: same batches as the network, replays are harmless."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from station_desk import cli
from station_desk.services.accounts import StationHandle
from station_desk.services.context import Actor
from station_desk.services.serialize import record_dict
from station_desk.sync import client, overview
from tests.conftest import COMMANDER_PASSWORD
from tests.live_server import ROOT, LiveServer, enrolment_code
from tests.sync.conftest import STATION_NAME, checksum_of, create_incident, enrol_laptop, outbox_rows, read_incident


def _run_cli(handle: StationHandle, *args: str) -> int:
    return cli.main(["--data-dir", str(handle.paths.data_dir), "--user", "olena", "--lang", "en", *args])


def _server_import(server: LiveServer, sync_file: Path, answer: Path) -> None:
    command = [sys.executable, "-m", "station_desk.server.cli", "import", str(sync_file), "--answer", str(answer)]
    command += ["--database-url", server.database_url]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=60)


def _snapshot(handle: StationHandle, *ids: str) -> tuple[object, ...]:
    rows = [(row.client_seq, row.record_id, row.base_version) for row in outbox_rows(handle.engine)]
    return (checksum_of(handle.engine), rows, [record_dict(read_incident(handle.engine, id_)) for id_ in ids])


@pytest.mark.slow
def test_a_sync_file_goes_up_and_its_answer_comes_back_and_replays_change_nothing(
    station: StationHandle,
    officer: Actor,
    laptop_b: StationHandle,
    live_server: LiveServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(cli.PASSWORD_ENV, COMMANDER_PASSWORD)
    a, b = station, laptop_b
    code = enrolment_code(live_server.database_url, STATION_NAME)
    assert _run_cli(a, "enroll", "--server", live_server.url, "--code", code) == 0
    assert "is enrolled with" in capsys.readouterr().out
    assert _run_cli(a, "sync") == 0
    assert "Sent" in capsys.readouterr().out
    enrol_laptop(b, live_server)
    from_b = create_incident(b.engine, b.actor, narrative="Зафіксовано на ноутбуці Б.")
    client.sync_once(b.engine)

    offline = [create_incident(a.engine, officer, narrative=f"Офлайн {number}") for number in range(3)]
    sync_file, answer = tmp_path / "stick" / "station.sync", tmp_path / "stick" / "station.answer"
    sync_file.parent.mkdir()
    assert _run_cli(a, "sync", "--export", str(sync_file)) == 0
    assert "Wrote" in capsys.readouterr().out
    _server_import(live_server, sync_file, answer)

    assert _run_cli(a, "sync", "--import", str(answer)) == 0
    assert "Sent" in capsys.readouterr().out
    assert outbox_rows(a.engine) == []
    assert all(read_incident(a.engine, id_).version > 0 for id_ in offline)
    assert read_incident(a.engine, from_b).narrative == "Зафіксовано на ноутбуці Б."
    history = overview.sync_history(a.engine)
    assert history[0].via == "file" and history[0].error is None

    # Replays: the same file imported again on the server, and both answers imported again, change nothing.
    before = _snapshot(a, from_b, *offline)
    replay_answer = tmp_path / "stick" / "again.answer"
    _server_import(live_server, sync_file, replay_answer)
    for path in (answer, replay_answer):
        assert _run_cli(a, "sync", "--import", str(path)) == 0
    assert _snapshot(a, from_b, *offline) == before

    # The network carries on where the file left off; both laptops end equal to the server.
    assert client.sync_once(a.engine).checksum_ok is True
    assert client.sync_once(b.engine).checksum_ok is True
    assert checksum_of(a.engine) == checksum_of(b.engine)
    assert read_incident(b.engine, offline[0]).narrative == "Офлайн 0"


def test_a_tampered_answer_file_is_refused(
    station: StationHandle, live_server: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from station_desk.sync.file import export_sync_file, import_answer_file

    enrol_laptop(station, live_server)
    target = tmp_path / "out.sync"
    assert export_sync_file(station.engine, target) > 0
    answer = tmp_path / "out.answer"
    _server_import(live_server, target, answer)
    answer.write_text(answer.read_text(encoding="utf-8").replace('"replayed":false', '"replayed":true', 1))
    waiting = len(outbox_rows(station.engine))
    with pytest.raises(client.SyncError, match="signature"):
        import_answer_file(station.engine, answer)
    assert len(outbox_rows(station.engine)) == waiting


def test_only_a_commander_may_enrol(
    station: StationHandle,
    officer: Actor,
    live_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.conftest import OFFICER_PASSWORD

    monkeypatch.setenv(cli.PASSWORD_ENV, OFFICER_PASSWORD)
    code = enrolment_code(live_server.database_url, STATION_NAME)
    args = ["--data-dir", str(station.paths.data_dir), "--user", "petro", "enroll", "--server", live_server.url]
    assert cli.main([*args, "--code", code]) != 0
    assert "commander" in capsys.readouterr().err
    assert not overview.sync_status(station.engine).enrolled
    assert cli.main(["--data-dir", str(station.paths.data_dir), "--user", "petro", "sync"]) == 1
    assert "not enrolled" in capsys.readouterr().err
