"""Pull: paging, own echo, checksum, 410 after purge then the snapshot, and the open-transaction guard."""

from __future__ import annotations

import psycopg
import pytest

from station_desk.server import db
from station_desk.server.feed import purge
from station_desk.sync import protocol
from tests.server.conftest import Region
from tests.server.helpers import iso, sql


def _station_changes(changes: list[protocol.Change]) -> list[protocol.Change]:
    return [c for c in changes if c.type != "category"]


def test_pages_in_seq_order_without_own_echo(region: Region) -> None:
    a1, a2 = region.a1, region.a2
    a1.push(*[a1.op("person", f"p{i:02}", {"n": i}, op="insert") for i in range(12)])
    assert _station_changes(a1.pull_all()) == []  # its own rows are not sent back
    pages = []
    while True:
        page = a2.pull(limit=5)
        pages.append(page)
        if not page.more:
            break
    assert all(p.checksum is None for p in pages[:-1]) and pages[-1].checksum is not None
    ids = [c.id for p in pages for c in _station_changes(p.changes)]
    assert ids == [f"p{i:02}" for i in range(12)]
    versions = [c.version for p in pages for c in p.changes]
    assert versions == sorted(versions)
    categories = [c for p in pages for c in p.changes if c.type == "category"]
    assert categories and all("name_en" in c.fields for c in categories)
    assert a2.pull().changes == []


def test_410_after_purge_then_the_snapshot_pages_end(region: Region) -> None:
    a1, a2 = region.a1, region.a2
    a1.push(*[a1.op("person", f"s{i:02}", {"n": i}, op="insert") for i in range(6)])
    a2.pull_all()
    old_cursor = a2.cursor
    a1.push(a1.op("person", "s00", {"n": 0}, op="insert"))  # a later write, so old_cursor > 0 stays behind
    a1.push(a1.op("person", "s01", {"deleted_at": iso(1)}, op="delete"))
    engine = db.make_engine(region.url)
    try:
        assert purge(engine, 0) == 1
    finally:
        engine.dispose()
    gone = region.client.get(protocol.PULL_PATH, params={"after": 1}, headers=a2.headers)
    assert gone.status_code == 410
    assert protocol.Gone.model_validate(gone.json()).oldest_cursor > 1
    seen: list[str] = []
    after_id = None
    first_cursor = None
    for _ in range(100):
        page = protocol.SnapshotAnswer.model_validate(a2.snapshot(after_id, limit=4).json())
        first_cursor = page.cursor if first_cursor is None else first_cursor
        seen.extend(c.id for c in page.changes)
        after_id = page.next_after_id
        if after_id is None:
            break
    assert after_id is None
    assert seen == sorted(seen)
    assert {f"s{i:02}" for i in range(6)} - {"s01"} <= set(seen) and "s01" not in seen
    assert first_cursor is not None and first_cursor >= old_cursor
    page = a2.pull(after=first_cursor)
    assert page.checksum == protocol.record_checksum(
        sql(region.url, "SELECT id, version FROM record WHERE station_id = :s", {"s": a1.station_id})
    )


def test_open_transaction_holds_later_rows_back(postgres_schema_url: str) -> None:
    from fastapi.testclient import TestClient

    from station_desk.server.app import create_app
    from tests.server.helpers import Laptop, new_code

    app = create_app(postgres_schema_url)
    with TestClient(app) as client:
        a1 = Laptop.enrol(client, new_code(postgres_schema_url, "Alpha"), "station-a", "a1")
        a2 = Laptop.enrol(client, new_code(postgres_schema_url, "Alpha"), "station-a", "a2")
        a2.pull_all()
        start = a2.cursor
        # A writer that took its seq (with its transaction id, as ingest does) and is still open.
        conninfo = postgres_schema_url
        with psycopg.connect(conninfo) as slow:
            low_seq = slow.execute("SELECT server_take_seqs(1)").fetchone()[0][0]  # type: ignore[index]
            a1.push(a1.op("person", "later", {"n": 1}, op="insert"))
            assert a1.versions["later"] > low_seq
            page = a2.pull()
            assert page.changes == [] and page.cursor < low_seq and page.checksum is None
            slow.execute(
                "INSERT INTO record (id, type, station_id, version, server_seq, origin_device, fields, "
                "field_versions, deleted, written_at, txid) VALUES ('earlier', 'person', 'station-a', %s, %s, '', "
                "'{}', '{}', false, now(), pg_current_xact_id())",
                (low_seq, low_seq),
            )
            assert a2.pull().changes == []
            slow.commit()
        page = a2.pull()
        assert [c.id for c in page.changes] == ["earlier", "later"] and page.cursor >= start
    app.state.engine.dispose()


@pytest.mark.parametrize("limit", [0, protocol.PULL_PAGE + 1])
def test_bad_limits_are_422(region: Region, limit: int) -> None:
    answer = region.client.get(protocol.PULL_PATH, params={"limit": limit}, headers=region.a1.headers)
    assert answer.status_code == 422 and answer.json()["code"] == "invalid"
