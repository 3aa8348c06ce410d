"""The core flow against a real uvicorn process, and the `station-desk-server` command."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from station_desk.server.cli import main
from station_desk.sync import protocol
from tests.live_server import LiveServer, enrolment_code
from tests.server.helpers import Laptop


def test_push_pull_replay_and_auth_on_a_live_server(server_database_url: str) -> None:
    with LiveServer(server_database_url) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        station = str(uuid.uuid4())
        a1 = Laptop.enrol(http, enrolment_code(server_database_url, "Alpha"), station, "a1")
        a2 = Laptop.enrol(http, enrolment_code(server_database_url, "Alpha"), station, "a2")
        op = a1.op("person", "live-1", {"first_name": "Ivan"}, op="insert")
        first = a1.push_raw([op], batch_id="live-batch")
        assert first.status_code == 200 and first.headers["content-encoding"] == "zstd"
        server.kill()  # a power cut after the answer: the retry gets the stored answer
        server.start()
        again = a1.push_raw([op], batch_id="live-batch")
        assert again.json()["replayed"] is True
        assert again.json()["results"] == first.json()["results"]
        changes = [c for c in a2.pull_all() if c.type == "person"]
        assert [c.id for c in changes] == ["live-1"]
        assert http.get(protocol.PULL_PATH).json()["code"] == "unauthorized"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station_desk.server.cli", *args], capture_output=True, text=True, check=False,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip


def test_cli_enroll_devices_and_import(sqlite_server_url: str, tmp_path: Path, capsys: object) -> None:
    url = ["--database-url", sqlite_server_url]
    done = _cli("enroll", "--station", "Alpha", *url)
    assert done.returncode == 0, done.stderr
    code = done.stdout.split(": ")[1].split()[0]
    from fastapi.testclient import TestClient

    from station_desk.server.app import create_app

    app = create_app(sqlite_server_url)
    with TestClient(app) as client:
        laptop = Laptop.enrol(client, code, "st-a", "Front desk")
        listed = _cli("devices", "list", *url)
        assert laptop.device_id in listed.stdout and "Front desk" in listed.stdout and "Alpha" in listed.stdout
        # The sync file: a signed push, applied with the same rules, answered with the pull pages.
        push = protocol.PushRequest(
            device_id=laptop.device_id, batch_id="file-1", from_seq=1, to_seq=1,
            ops=[protocol.Op(seq=1, type="person", id="f1", op="insert", base=0, fields={"first_name": "x"})],
        )  # fmt: skip
        sync_file = protocol.SyncFile(device_id=laptop.device_id, after=0, pushes=[push])
        key = protocol.secret_hash(laptop.secret)
        sync_file = sync_file.model_copy(update={"signature": protocol.file_signature(sync_file, key)})
        (tmp_path / "in.json").write_text(sync_file.model_dump_json())
        for _ in range(2):  # the second import is a replay
            assert main(["import", str(tmp_path / "in.json"), "--answer", str(tmp_path / "out.json"), *url]) == 0
            answer = protocol.SyncFileAnswer.model_validate(json.loads((tmp_path / "out.json").read_text()))
            assert protocol.signature_matches(answer, key)
            assert answer.answers[0].results[0].status == "applied"
            assert any(c.type == "category" for page in answer.pull for c in page.changes)
        assert answer.answers[0].replayed is True
        forged = sync_file.model_copy(update={"after": 5})
        (tmp_path / "forged.json").write_text(forged.model_dump_json())
        assert main(["import", str(tmp_path / "forged.json"), "--answer", str(tmp_path / "x.json"), *url]) == 1

        revoked = _cli("devices", "revoke", laptop.device_id, *url)
        assert revoked.returncode == 0, revoked.stderr
        answer_after = client.get(protocol.PULL_PATH, headers=laptop.headers)
        assert answer_after.json()["code"] == "device_revoked"
        assert _cli("devices", "revoke", "no-such-device", *url).returncode == 1
        assert main(["purge", "--older-than", "30", *url]) == 0
        assert main(["migrate", *url]) == 0
    app.state.engine.dispose()
