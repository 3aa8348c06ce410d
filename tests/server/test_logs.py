"""Nothing sensitive in the server's logs: every log line (DEBUG and up, uvicorn's access log included) of a real
uvicorn serving enrolment, tokens, a push of records and pulls holds no code, secret, token or record text."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from station_desk.server.app import create_app
from station_desk.server.auth import normalize_code
from station_desk.server.db import SQL_LOGGER
from station_desk.server.settings import EdgeSettings
from station_desk.sync import protocol
from tests.live_server import free_port
from tests.server.helpers import Laptop, new_code

JSON = {"Content-Type": "application/json"}
NARRATIVE = "Корову вкрали з пасовища біля ставу Zx81-таємниця"


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The app on a real uvicorn in this process (so its loggers reach caplog), at DEBUG with the access log."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, log_level="debug", access_log=True, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)


def test_no_code_secret_token_or_record_text_in_any_log_line(
    server_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Everything at DEBUG, SQL included: SQLAlchemy's logger and the server's own for its statements are quiet
    # unless told otherwise, and an operator chasing a problem tells them.
    for logger in (None, "sqlalchemy", SQL_LOGGER):
        caplog.set_level(logging.DEBUG, logger=logger)
    app = create_app(server_database_url, edge=EdgeSettings(auth_failure_burst=3))
    code = new_code(server_database_url, "Alpha")
    second_code = new_code(server_database_url, "Alpha")
    station = str(uuid.uuid4())
    with served(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        a1 = Laptop.enrol(http, code, station, "a1")
        a2 = Laptop.enrol(http, second_code, station, "a2")
        record_id = str(uuid.uuid4())
        a1.push(a1.op("incident", record_id, {"narrative": NARRATIVE, "summary": NARRATIVE}, op="insert"))
        conflicted = a2.push(a2.op("incident", record_id, {"narrative": NARRATIVE + " 2"}, op="update", base=0))
        assert conflicted.results[0].status == "conflict"
        assert any(change.fields.get("narrative") == NARRATIVE for change in a2.pull_all())
        assert a2.snapshot().status_code == 200
        # Refusals: a used code, wrong secrets (until the address is limited), a bad token, a body the schema
        # refuses with the text in it, and one that is not JSON at all.
        refusals = [
            http.post(
                protocol.ENROL_PATH,
                json={"code": code, "station_id": station, "station_name": NARRATIVE, "device_name": NARRATIVE},
            ),  # fmt: skip
            *(
                http.post(protocol.TOKEN_PATH, json={"device_id": a1.device_id, "device_secret": a2.secret})
                for _ in range(4)
            ),
            http.get(protocol.PULL_PATH, headers={"Authorization": f"Bearer {a1.token}x"}),
            http.post(protocol.PUSH_PATH, json={"device_id": a1.device_id, "narrative": NARRATIVE}, headers=a1.headers),
            http.post(protocol.PUSH_PATH, content=f"{{{NARRATIVE}".encode(), headers={**a1.headers, **JSON}),
        ]
        assert [answer.status_code for answer in refusals] == [410, 401, 401, 429, 429, 401, 422, 400]
        a1.login()  # a second token for a1, after the first
    app.state.engine.dispose()

    records = caplog.records
    access = [record.getMessage() for record in records if record.name == "uvicorn.access"]
    assert any(protocol.PUSH_PATH in line for line in access) and any(protocol.PULL_PATH in line for line in access)
    assert any(record.name == SQL_LOGGER for record in records)  # statements were logged too
    logged = caplog.text + "\n".join(f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in records)
    secrets = {
        "enrolment code": code, "second code": second_code, "normalized code": normalize_code(code),
        "device secret a1": a1.secret, "device secret a2": a2.secret, "token a1": a1.token, "token a2": a2.token,
        "record text": NARRATIVE, "record text, as JSON escapes": NARRATIVE.encode("unicode_escape").decode()[:20],
    }  # fmt: skip
    for what, secret in secrets.items():
        assert secret not in logged, f"the {what} is in the log"
