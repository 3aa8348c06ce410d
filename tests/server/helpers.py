"""A small typed client of the server API for the tests (TestClient in-process or httpx on a live server)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from station_desk.server import db
from station_desk.server.auth import create_enrolment_code
from station_desk.sync import protocol


def iso(minutes: int = 0) -> str:
    return (datetime(2025, 3, 1, 12, 0, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat()


def new_code(database_url: str, station_name: str, *, valid_for: timedelta = timedelta(hours=24)) -> str:
    engine = db.make_engine(database_url)
    try:
        return create_enrolment_code(engine, station_name, valid_for=valid_for)[0]
    finally:
        engine.dispose()


def sql(database_url: str, statement: str, params: dict[str, Any] | None = None) -> list[Any]:
    """Run one SQL statement on the server database (committed) and return its rows, if any."""
    engine = db.make_engine(database_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.text(statement), params or {})
            return list(result.all()) if result.returns_rows else []
    finally:
        engine.dispose()


@dataclass
class Laptop:
    """One enrolled device talking to the server: it keeps its token, next outbox seq and pull cursor."""

    http: httpx.Client
    device_id: str
    secret: str
    station_id: str
    token: str = ""
    next_seq: int = 1
    cursor: int = 0
    versions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def enrol(cls, http: httpx.Client, code: str, station_id: str, name: str = "laptop") -> Laptop:
        answer = http.post(
            protocol.ENROL_PATH,
            json={"code": code, "station_id": station_id, "station_name": "S", "device_name": name},
        )
        assert answer.status_code == 200, answer.text
        enrolled = protocol.EnrolAnswer.model_validate(answer.json())
        laptop = cls(http=http, device_id=enrolled.device_id, secret=enrolled.device_secret, station_id=station_id)
        laptop.login()
        return laptop

    def login(self) -> httpx.Response:
        answer = self.http.post(protocol.TOKEN_PATH, json={"device_id": self.device_id, "device_secret": self.secret})
        if answer.status_code == 200:
            self.token = answer.json()["access_token"]
        return answer

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def op(self, type_: str, id_: str, fields: dict[str, Any], *, op: str = "update", base: int | None = None) -> Any:
        seq = self.next_seq
        self.next_seq += 1
        return {
            "seq": seq, "type": type_, "id": id_, "op": op,
            "base": self.versions.get(id_, 0) if base is None else base, "fields": fields,
        }  # fmt: skip

    def push_raw(self, ops: list[dict[str, Any]], *, batch_id: str | None = None, from_seq: int | None = None,
                 encoding: str = "zstd", accept: str = "zstd") -> httpx.Response:  # fmt: skip
        seqs = [op["seq"] for op in ops] or [self.next_seq - 1]
        body = {
            "device_id": self.device_id, "batch_id": batch_id or str(uuid.uuid4()),
            "from_seq": from_seq if from_seq is not None else min(seqs), "to_seq": max(seqs), "ops": ops,
        }  # fmt: skip
        raw = json.dumps(body).encode()
        headers = {**self.headers, "Content-Type": "application/json", "Accept-Encoding": accept}
        if encoding != "identity":
            headers["Content-Encoding"] = encoding
        return self.http.post(protocol.PUSH_PATH, content=protocol.encode_body(raw, encoding), headers=headers)

    def push(self, *ops: dict[str, Any], batch_id: str | None = None) -> protocol.PushAnswer:
        answer = self.push_raw(list(ops), batch_id=batch_id)
        assert answer.status_code == 200, answer.text
        pushed = protocol.PushAnswer.model_validate(answer.json())
        for result in pushed.results:
            if result.version:
                self.versions[result.id] = result.version
        return pushed

    def pull(self, after: int | None = None, limit: int | None = None) -> protocol.PullAnswer:
        params: dict[str, Any] = {"after": self.cursor if after is None else after}
        if limit:
            params["limit"] = limit
        answer = self.http.get(protocol.PULL_PATH, params=params, headers=self.headers)
        assert answer.status_code == 200, answer.text
        page = protocol.PullAnswer.model_validate(answer.json())
        for change in page.changes:
            self.versions[change.id] = change.version
        if after is None:
            self.cursor = page.cursor
        return page

    def pull_all(self) -> list[protocol.Change]:
        changes: list[protocol.Change] = []
        while True:
            page = self.pull()
            changes.extend(page.changes)
            if not page.more:
                return changes

    def snapshot(self, after_id: str | None = None, limit: int | None = None) -> httpx.Response:
        params: dict[str, Any] = {}
        if after_id:
            params["after_id"] = after_id
        if limit:
            params["limit"] = limit
        return self.http.get(protocol.SNAPSHOT_PATH, params=params, headers=self.headers)
