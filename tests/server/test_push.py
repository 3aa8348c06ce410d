"""Push: applied, replay, resend_from, the field merge, conflicts, locks, and the station wall."""

from __future__ import annotations

import uuid

import pytest

from station_desk.sync import protocol
from tests.server.conftest import Region
from tests.server.helpers import iso, sql


def _insert(region: Region, record_id: str = "p1") -> None:
    a1 = region.a1
    fields = {"first_name": "Ivan", "last_name": "Petrenko", "phone": "1", "updated_at": iso(0)}
    assert a1.push(a1.op("person", record_id, fields, op="insert")).results[0].status == "applied"
    region.a2.pull_all()  # a2 now knows the record at its version


def _record(region: Region, record_id: str) -> dict[str, object]:
    a = region.a1
    page = a.pull(after=0)
    changes = [c for c in page.changes if c.id == record_id]
    if changes:
        return changes[0].fields
    b = region.a2.pull(after=0)
    return next(c.fields for c in b.changes if c.id == record_id)


def test_applied_then_replay_returns_the_stored_answer_and_changes_nothing(region: Region) -> None:
    a1 = region.a1
    op = a1.op("person", "p1", {"first_name": "Ivan", "station_id": a1.station_id}, op="insert")
    first = a1.push_raw([op], batch_id="batch-1")
    assert first.status_code == 200
    answer = protocol.PushAnswer.model_validate(first.json())
    assert answer.results[0].status == "applied" and answer.results[0].version
    assert answer.applied_through == 1 and answer.replayed is False
    seq_before = sql(region.url, "SELECT max(server_seq) FROM record")[0][0]

    again = protocol.PushAnswer.model_validate(a1.push_raw([op], batch_id="batch-1").json())
    assert again.replayed is True
    assert again.model_copy(update={"replayed": False}) == answer
    assert sql(region.url, "SELECT max(server_seq) FROM record")[0][0] == seq_before


def test_a_gap_or_an_old_batch_answers_409_resend_from(region: Region) -> None:
    a1 = region.a1
    a1.push(a1.op("person", "p1", {"first_name": "Ivan"}, op="insert"))
    a1.next_seq = 5
    gap = a1.push_raw([a1.op("person", "p2", {"first_name": "Olha"}, op="insert")])
    assert gap.status_code == 409
    assert protocol.ResendFrom.model_validate(gap.json()).resend_from == 2
    old = a1.push_raw([a1.op("person", "p3", {"first_name": "Olha"}, op="insert", base=0)], from_seq=1)
    assert old.status_code == 409 and old.json()["resend_from"] == 2
    assert sql(region.url, "SELECT count(*) FROM record WHERE id IN ('p2', 'p3')")[0][0] == 0


def test_to_seq_below_an_op_seq_is_refused(region: Region) -> None:
    a1 = region.a1
    answer = region.client.post(
        protocol.PUSH_PATH,
        json={"device_id": a1.device_id, "batch_id": "b", "from_seq": 1, "to_seq": 1,
              "ops": [{"seq": 2, "type": "person", "id": "x", "op": "insert", "base": 0, "fields": {}}]},
        headers=a1.headers,
    )  # fmt: skip
    assert answer.status_code == 400 and answer.json()["code"] == "bad_batch"


def test_different_fields_merge(region: Region) -> None:
    _insert(region)
    a1, a2 = region.a1, region.a2
    first = a1.push(a1.op("person", "p1", {"phone": "2", "updated_at": iso(1)}))
    assert first.results[0].status == "applied"
    second = a2.push(a2.op("person", "p1", {"last_name": "Shevchenko", "updated_at": iso(2)}))
    result = second.results[0]
    assert result.status == "merged" and result.record is not None
    assert result.record["phone"] == "2" and result.record["last_name"] == "Shevchenko"
    assert result.record["updated_at"] == iso(2) and result.record["version"] == result.version


def test_the_later_stamp_stays(region: Region) -> None:
    _insert(region)
    a1, a2 = region.a1, region.a2
    a1.push(a1.op("person", "p1", {"phone": "2", "updated_at": iso(5)}))
    result = a2.push(a2.op("person", "p1", {"last_name": "S", "updated_at": iso(3)})).results[0]
    assert result.status == "merged" and result.record is not None and result.record["updated_at"] == iso(5)


def test_same_field_conflict_reaches_both_laptops(region: Region) -> None:
    _insert(region)
    a1, a2 = region.a1, region.a2
    a1.push(a1.op("person", "p1", {"phone": "111"}))
    result = a2.push(a2.op("person", "p1", {"phone": "222", "last_name": "New"})).results[0]
    assert result.status == "conflict" and result.conflict_id
    assert result.record is not None and result.record["phone"] == "111" and result.record["last_name"] == "New"
    for laptop in (a1, a2):
        conflicts = [c for c in laptop.pull_all() if c.type == protocol.CONFLICT_RECORD_TYPE]
        assert [c.id for c in conflicts] == [result.conflict_id]
        fields = conflicts[0].fields
        assert fields["values"] == {"phone": {"mine": "222", "theirs": "111"}}
        assert fields["kind"] == "edit" and fields["record_id"] == "p1" and fields["device_id"] == a2.device_id
        assert fields["station_id"] == a1.station_id and fields["resolution"] is None
    # Resolving: an update of the resolution fields is allowed, anything else is not.
    conflict_id = result.conflict_id
    resolved = a2.push(
        a2.op("syncconflict", conflict_id, {"resolution": "theirs", "resolved_by": "u1", "resolved_at": iso(9)})
    ).results[0]
    assert resolved.status == "applied"
    refused = a2.push(a2.op("syncconflict", conflict_id, {"kind": "edit"})).results[0]
    assert refused.status == "rejected" and refused.code == "not_allowed"
    made = a2.push(a2.op("syncconflict", str(uuid.uuid4()), {"kind": "edit"}, op="insert")).results[0]
    assert made.status == "rejected" and made.code == "not_allowed"


def test_delete_against_an_edit_is_a_conflict_and_the_record_stays(region: Region) -> None:
    _insert(region)
    a1, a2 = region.a1, region.a2
    a1.push(a1.op("person", "p1", {"phone": "9"}))
    result = a2.push(a2.op("person", "p1", {"deleted_at": iso(4)}, op="delete")).results[0]
    assert result.status == "conflict" and result.record is not None and result.record.get("deleted_at") is None
    conflict = next(c for c in a1.pull_all() if c.type == "syncconflict")
    assert conflict.fields["kind"] == "delete_vs_edit"
    assert sql(region.url, "SELECT deleted FROM record WHERE id = 'p1'")[0][0] in (False, 0)


def test_edit_against_a_delete_is_a_conflict_and_it_stays_deleted(region: Region) -> None:
    _insert(region)
    a1, a2 = region.a1, region.a2
    assert a1.push(a1.op("person", "p1", {"deleted_at": iso(4)}, op="delete")).results[0].status == "applied"
    result = a2.push(a2.op("person", "p1", {"phone": "7"})).results[0]
    assert result.status == "conflict" and result.record is not None and result.record["deleted_at"] == iso(4)
    conflict = next(c for c in a1.pull_all() if c.type == "syncconflict")
    assert conflict.fields["kind"] == "edit_vs_delete"
    assert conflict.fields["values"] == {"phone": {"mine": "7", "theirs": "1"}}


def test_an_edit_from_before_the_approval_is_locked(region: Region) -> None:
    a1, a2 = region.a1, region.a2
    a1.push(a1.op("incident", "i1", {"status": "draft", "summary": "old"}, op="insert"))
    a2.pull_all()
    a1.push(a1.op("incident", "i1", {"status": "approved"}))
    result = a2.push(a2.op("incident", "i1", {"summary": "new"})).results[0]
    assert result.status == "conflict" and result.record is not None and result.record["summary"] == "old"
    conflict = next(c for c in a1.pull_all() if c.type == "syncconflict")
    assert conflict.fields["kind"] == "locked"
    assert conflict.fields["values"] == {"summary": {"mine": "new", "theirs": "old"}}


def test_insert_of_an_existing_id_is_an_update_from_base_0(region: Region) -> None:
    _insert(region)
    a2 = region.a2
    result = a2.push(a2.op("person", "p1", {"first_name": "Other", "phone": "1"}, op="insert")).results[0]
    assert result.status == "conflict"
    assert result.record is not None and result.record["first_name"] == "Ivan"


@pytest.mark.parametrize(
    ("type_", "fields", "code"),
    [
        ("category", {"name_en": "x"}, "reference_data"),
        ("spaceship", {"name": "x"}, "unknown_type"),
        ("person", {"First Name": "x"}, "bad_fields"),
        ("person", {"notes": "x" * (protocol.MAX_RECORD_BYTES + 1)}, "too_large"),
    ],
)
def test_refused_ops(region: Region, type_: str, fields: dict[str, object], code: str) -> None:
    a1 = region.a1
    answer = a1.push(a1.op(type_, "r1", fields, op="insert"), a1.op("person", "ok", {"first_name": "x"}, op="insert"))
    assert answer.results[0].status == "rejected" and answer.results[0].code == code
    assert answer.results[0].version is None
    assert answer.results[1].status == "applied"
    assert sql(region.url, "SELECT count(*) FROM record WHERE id = 'r1'")[0][0] == 0


def test_an_insert_naming_another_station_is_refused(region: Region) -> None:
    a1 = region.a1
    result = a1.push(a1.op("person", "p9", {"station_id": region.b1.station_id}, op="insert")).results[0]
    assert result.status == "rejected" and result.code == "wrong_station"
    assert sql(region.url, "SELECT count(*) FROM record WHERE id = 'p9'")[0][0] == 0


@pytest.mark.parametrize("operation", ["insert", "update", "delete"])
def test_another_stations_record_is_not_found_and_stays_unchanged_and_unread(region: Region, operation: str) -> None:
    b1, a1 = region.b1, region.a1
    b1.push(b1.op("person", "secret", {"first_name": "Bravo", "phone": "5"}, op="insert"))
    before = sql(region.url, "SELECT version, fields FROM record WHERE id = 'secret'")
    for base in (0, b1.versions["secret"]):
        result = a1.push(
            a1.op("person", "secret", {"first_name": "Alpha", "station_id": a1.station_id}, op=operation, base=base)
        ).results[0]
        assert result.status == "rejected" and result.code == "not_found" and result.record is None
    assert sql(region.url, "SELECT version, fields FROM record WHERE id = 'secret'") == before
    assert all(c.id != "secret" for c in a1.pull_all())
    snapshot = a1.snapshot().json()
    assert all(c["id"] != "secret" for c in snapshot["changes"])
    assert "secret" not in str(a1.pull(after=0).model_dump())


def test_a_batch_naming_another_device_is_403(region: Region) -> None:
    a1, a2 = region.a1, region.a2
    a2.token, original = a1.token, a2.token
    answer = a2.push_raw([a2.op("person", "x", {"first_name": "x"}, op="insert")])
    a2.token = original
    assert answer.status_code == 403 and answer.json()["code"] == "wrong_device"


def test_checksum_follows_pushes(region: Region) -> None:
    a1, a2 = region.a1, region.a2
    a1.push(a1.op("person", "p1", {"first_name": "x"}, op="insert"), a1.op("person", "p2", {"n": 1}, op="insert"))
    a1.push(a1.op("person", "p1", {"first_name": "y"}), a1.op("person", "p2", {"deleted_at": iso(1)}, op="delete"))
    a2.pull_all()
    a2.push(a2.op("person", "p1", {"first_name": "z"}, base=0))  # a conflict record too
    page = a1.pull(after=0)
    assert not page.more and page.checksum is not None
    pairs = sql(region.url, "SELECT id, version FROM record WHERE station_id = :s", {"s": a1.station_id})
    assert page.checksum == protocol.record_checksum(pairs)
    assert len(pairs) == 3
