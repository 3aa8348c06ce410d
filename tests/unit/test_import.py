"""Importing registers: preview, write in one transaction, dedupe, persons matched, undo, and every bad file."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import Session, col, func, select

from station_desk import db
from station_desk.config import resolve_paths
from station_desk.errors import PermissionDenied, StationDeskError
from station_desk.importing.mapping import ColumnMapping, load_mapping, save_mapping
from station_desk.importing.preview import Preview, preview_import
from station_desk.importing.readers import ImportFileError
from station_desk.importing.records_file import IMPORT_ORDER
from station_desk.importing.writer import list_imports, run_import, undo_import
from station_desk.models import (
    AuditEntry,
    CommunityMeeting,
    ImportRun,
    Incident,
    Involvement,
    OutboxEntry,
    Patrol,
    Person,
    ReceptionVisit,
    Village,
)
from station_desk.models.enums import AuditAction
from station_desk.services.accounts import StationHandle, open_station
from station_desk.services.context import Actor
from station_desk.services.demo import build_demo_station
from station_desk.services.export import export_station
from station_desk.services.incident_list import IncidentFilter, count_incidents
from station_desk.services.journal import verify_chain
from station_desk.services.people import PersonInput, create_person
from station_desk.services.records import insert_record
from station_desk.services.search import search_ids
from tests.conftest import TEST_KDF

HEADER = ["Номер", "Дата", "Категорія", "Село", "Опис", "ПІБ", "Дата народження", "Роль"]
ROWS = [
    ["", "07.03.2024", "Крадіжка худоби", "Вишневе", "Зникла корова", "Шевченко Тарас", "09.03.1990", "потерпілий"],
    ["", "8.3.24 14:30", "02011", "вишневе", "Бійка біля магазину", "Шевченко Тарас", "09.03.1990", "свідок"],
    ["", "31.02.2024", "Крадіжка худоби", "Вишневе", "Дата неможлива", "", "", ""],
    ["", "2024-03-09", "Нема такої категорії", "Вишневе", "Невідома категорія", "", "", ""],
    ["2024/0777", "2024-03-10", "Погроза", "", "Погрози сусідові", "Коваль Ірина", "", "потерпіла"],
]  # fmt: skip


def write_csv(
    path: Path, header: list[str], rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ";"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def count(station: StationHandle, model: type[Any], *where: Any) -> int:
    with Session(station.engine) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def live(model: Any) -> Any:
    return col(model.deleted_at).is_(None)


def preview(station: StationHandle, actor: Actor, path: Path, **options: Any) -> Preview:
    with Session(station.engine) as s:
        return preview_import(session=s, actor=actor, path=path, **options)


def import_file(station: StationHandle, actor: Actor, path: Path, **options: Any) -> Preview:
    with db.write_session(station.engine) as s:
        result = preview_import(session=s, actor=actor, path=path, **options)
        run_import(session=s, actor=actor, plan=result.plan)
    return result


@pytest.fixture
def village(station: StationHandle, commander: Actor) -> str:
    with db.write_session(station.engine) as s:
        return insert_record(s, commander, Village(name="Вишневе")).id


@pytest.fixture
def register(tmp_path: Path, village: str) -> Path:
    """The station's old Excel register saved as CSV by Excel on a Ukrainian Windows: Windows-1251, semicolons."""
    return write_csv(tmp_path / "журнал.csv", HEADER, ROWS, encoding="cp1251")


def test_preview_says_what_each_row_becomes_and_writes_nothing(
    station: StationHandle, commander: Actor, register: Path
) -> None:
    before = count(station, AuditEntry)
    result = preview(station, commander, register)
    plan = result.plan
    assert result.table is not None and result.table.encoding == "cp1251" and result.table.delimiter == ";"
    assert plan.kind == "incidents" and plan.rows_read == 5
    assert [row.line for row in plan.rows] == [2, 3, 6]
    assert [rejection.line for rejection in plan.rejections] == [4, 5]
    assert "“31.02.2024” is not a date" in plan.rejections[0].reason
    assert "Unknown category “Нема такої категорії”" in plan.rejections[1].reason
    # Taras is named twice with one birth date: one new person; Iryna has no birth date, so she is new too.
    assert (plan.persons_matched, plan.persons_new) == (0, 2)
    assert count(station, Incident) == 0 and count(station, AuditEntry) == before


def test_import_writes_every_row_audited_and_queued_and_the_list_shows_them(
    station: StationHandle, commander: Actor, register: Path, village: str
) -> None:
    queued_before = count(station, OutboxEntry, OutboxEntry.operation == "insert")
    import_file(station, commander, register)
    with Session(station.engine) as s:
        incidents = s.exec(select(Incident).order_by(col(Incident.reported_at))).all()
        assert [i.narrative for i in incidents] == [
            "Зникла корова",
            "Бійка біля магазину",
            "Погрози сусідові",
        ]
        assert incidents[0].reported_at == datetime(2024, 3, 6, 22, 0, tzinfo=UTC)  # midnight in Kyiv
        assert incidents[1].reported_at == datetime(2024, 3, 8, 12, 30, tzinfo=UTC)
        assert incidents[0].village_id == village and incidents[1].category_code == "assault"
        assert incidents[2].number == "2024/0777"
        persons = s.exec(select(Person).order_by(col(Person.last_name))).all()
        assert [(p.last_name, p.first_name, p.birth_date) for p in persons] == [
            ("Коваль", "Ірина", None),
            ("Шевченко", "Тарас", date(1990, 3, 9)),
        ]
        roles = sorted(s.exec(select(Involvement.role)).all())
        assert roles == ["victim", "victim", "witness"]
        runs = list_imports(session=s, actor=commander)
        assert [(r.records_created, r.rejected, r.rows_read) for r in runs] == [(8, 2, 5)]
        assert count_incidents(session=s, actor=commander) == 3
        # The search finds an imported incident by the name of its person.
        assert count_incidents(session=s, actor=commander, filters=IncidentFilter(text="Шевченко")) == 2
        imported = s.exec(select(AuditEntry).where(AuditEntry.action == AuditAction.imported)).one()
        assert imported.record_id == runs[0].id and imported.details["rejected"] == 2
        assert verify_chain(s).whole
    # 3 incidents, 2 persons and 3 involvements, each its own outbox row.
    assert count(station, OutboxEntry, OutboxEntry.operation == "insert") - queued_before == 8


def test_the_same_file_twice_creates_nothing_new(station: StationHandle, commander: Actor, register: Path) -> None:
    import_file(station, commander, register)
    again = preview(station, commander, register).plan
    assert again.rows == [] and again.duplicates == [2, 3, 6]
    # The same rows with dates written another way are the same rows.
    other = write_csv(register.parent / "copy.csv", HEADER, [[*ROWS[0][:1], "2024-03-07", *ROWS[0][2:]]])
    assert preview(station, commander, other).plan.duplicates == [2]


def test_persons_are_matched_by_name_and_birth_date(station: StationHandle, commander: Actor, register: Path) -> None:
    with db.write_session(station.engine) as s:
        taras = create_person(
            session=s,
            actor=commander,
            data=PersonInput(last_name="Шевченко", first_name="Тарас", birth_date=date(1990, 3, 9)),
        )
        create_person(session=s, actor=commander, data=PersonInput(last_name="Коваль", first_name="Ірина"))
    plan = preview(station, commander, register).plan
    # Taras has the same birth date: matched; Iryna has none in the file, so she cannot be told apart: new.
    assert (plan.persons_matched, plan.persons_new) == (2, 1)
    import_file(station, commander, register)
    with Session(station.engine) as s:
        assert len(s.exec(select(Involvement).where(Involvement.person_id == taras.id)).all()) == 2
    assert count(station, Person) == 3


def test_undo_deletes_the_whole_import_and_the_rows_can_come_back(
    station: StationHandle, commander: Actor, officer: Actor, register: Path
) -> None:
    import_file(station, commander, register)
    with Session(station.engine) as s:
        run_id = s.exec(select(ImportRun.id)).one()
    with db.write_session(station.engine) as s, pytest.raises(PermissionDenied):
        undo_import(session=s, actor=officer, import_id=run_id)
    with db.write_session(station.engine) as s:
        assert undo_import(session=s, actor=commander, import_id=run_id, reason="wrong file") == 8
    assert count(station, Incident, live(Incident)) == 0
    assert count(station, Person, live(Person)) == 0
    assert count(station, Involvement, live(Involvement)) == 0
    assert count(station, OutboxEntry, OutboxEntry.operation == "delete") == 8
    assert count(station, AuditEntry, AuditEntry.action == AuditAction.import_undone) == 1
    with db.write_session(station.engine) as s, pytest.raises(StationDeskError, match="already undone"):
        undo_import(session=s, actor=commander, import_id=run_id)
    # After an undo the same file imports again.
    assert len(preview(station, commander, register).plan.rows) == 3


def test_an_officer_cannot_import(station: StationHandle, officer: Actor, register: Path) -> None:
    with Session(station.engine) as s, pytest.raises(PermissionDenied):
        preview_import(session=s, actor=officer, path=register)


def test_a_failure_while_writing_leaves_nothing_behind(
    station: StationHandle, commander: Actor, register: Path, village: str
) -> None:
    before = {model: count(station, model) for model in (Incident, Person, OutboxEntry, AuditEntry, ImportRun)}
    with pytest.raises(StationDeskError, match="nothing was imported"), db.write_session(station.engine) as s:
        result = preview_import(session=s, actor=commander, path=register)
        # Between the preview and the confirmation the village disappears: the second row's write fails.
        s.delete(s.get_one(Village, village))
        run_import(session=s, actor=commander, plan=result.plan)
    assert {model: count(station, model) for model in before} == before


def test_a_missing_required_column_is_refused_before_anything(
    station: StationHandle, commander: Actor, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "no-date.csv", ["Категорія", "Опис"], [["Погроза", "x"]])
    result = preview(station, commander, path, kind="incidents")
    assert result.problem is not None and "no column for: “Reported”" in result.problem
    assert result.plan.rows == [] and result.table is not None and result.table.headers == ("Категорія", "Опис")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04 not really a workbook", "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected"),
    ],
)
def test_broken_files_get_a_clear_message(
    station: StationHandle, commander: Actor, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        preview(station, commander, path)


def test_a_polish_workbook_with_date_cells_and_a_formula(
    station: StationHandle, commander: Actor, tmp_path: Path
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Lp", "Data zdarzenia", "Kategoria", "Opis", "Uwagi"])
    sheet.append([1, datetime(2024, 5, 1, 9, 15), "Kradzież zwierząt gospodarskich", "Skradziono krowę", "x"])
    sheet.append([2, date(2024, 5, 2), "Groźba karalna", "Groźby wobec sąsiada", ""])
    sheet.append([3, "=TODAY()", "Groźba karalna", "Formuła zamiast daty", ""])
    path = tmp_path / "rejestr.xlsx"
    workbook.save(path)
    plan = preview(station, commander, path).plan
    assert plan.kind == "incidents" and plan.mapping is not None
    assert plan.mapping.fields == {
        "Lp": "number",
        "Data zdarzenia": "reported_at",
        "Kategoria": "category_code",
        "Opis": "narrative",
    }
    assert [row.line for row in plan.rows] == [2, 3]
    assert [r.line for r in plan.rejections] == [4] and "B4" in plan.rejections[0].reason


def test_a_saved_mapping_is_used_for_the_next_file(station: StationHandle, commander: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", ["Коли", "Що", "Подробиці"], [["01.02.2024", "Погроза", "Погрози"]])
    mapping = ColumnMapping(
        kind="incidents", fields={"Коли": "reported_at", "Що": "category_code", "Подробиці": "narrative"}
    )
    save_mapping(tmp_path / "mapping.json", mapping)
    loaded = load_mapping(tmp_path / "mapping.json")
    assert loaded == mapping
    assert len(preview(station, commander, path, mapping=loaded).plan.rows) == 1
    (tmp_path / "bad.json").write_text(
        '{"format": "station-desk-import-mapping/1", "kind": "incidents", "columns": {"A": "nope"}}'
    )
    with pytest.raises(ImportFileError, match="nope"):
        load_mapping(tmp_path / "bad.json")


def test_persons_patrols_visits_and_meetings(
    station: StationHandle, commander: Actor, officer: Actor, tmp_path: Path, village: str
) -> None:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%d.%m.%Y")
    persons = write_csv(
        tmp_path / "personat.csv",
        ["Mbiemri", "Emri", "Datëlindja", "Gjinia", "Fshati"],
        [["Krasniqi", "Arben", "12.4.1985", "mashkull", "Вишневе"], ["Berisha", "", "1.1.1990", "femër", ""]],
        delimiter=",",
    )
    patrols = write_csv(
        tmp_path / "patrole.csv",
        ["Початок", "Кінець", "Спосіб", "Поліцейські", "Км", "Села"],
        [[f"{yesterday} 08:00", f"{yesterday} 12:00", "авто", "petro", "42,5", "Вишневе"],
         [f"{yesterday} 08:00", f"{yesterday} 07:00", "пішки", "", "", ""]],
    )  # fmt: skip
    visits = write_csv(
        tmp_path / "prijem.csv",
        ["Datum", "Posetilac", "Pitanje", "Ishod"],
        [[yesterday, "Марко Петровић", "Бука комшија", "Advice given"], [yesterday, "", "Без имена", ""]],
    )
    meetings = write_csv(
        tmp_path / "meetings.csv",
        ["Date", "Place", "Attendance", "Issues raised"],
        [[yesterday, "Школа", "23", "Освітлення вулиць"], [yesterday, "Клуб", "багато", ""]],
    )
    for path, kind, model in (
        (persons, "persons", Person),
        (patrols, "patrols", Patrol),
        (visits, "reception-visits", ReceptionVisit),
        (meetings, "meetings", CommunityMeeting),
    ):
        result = import_file(station, commander, path)
        assert result.plan.kind == kind, path
        assert [r.line for r in result.plan.rejections] == [3], (kind, result.plan.rejections)
        assert count(station, model) == 1, kind
    with Session(station.engine) as s:
        person = s.exec(select(Person)).one()
        assert (person.sex, person.village_id, person.birth_date) == ("male", village, date(1985, 4, 12))
        patrol = s.exec(select(Patrol)).one()
        assert patrol.officer_ids == [officer.user_id] and patrol.km == 42.5 and patrol.mode == "car"
        assert s.exec(select(CommunityMeeting.attendance)).one() == 23


def _records_of(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every exported record by table, without what belongs to the station that holds it."""
    records: dict[str, list[dict[str, Any]]] = {}
    for table in IMPORT_ORDER:
        path = folder / f"{table}.jsonl"
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
        records[table] = sorted(
            ({k: v for k, v in row.items() if k not in ("station_id", "version", "updated_at")} for row in rows),
            key=lambda row: row["id"],
        )
    return records


@pytest.mark.slow
def test_export_then_import_into_a_fresh_station_gives_the_same_records_back(
    tmp_path: Path, station: StationHandle
) -> None:
    demo = build_demo_station(paths=resolve_paths(tmp_path / "demo"), months=1, incidents=40, kdf=TEST_KDF)
    source = open_station(
        paths=resolve_paths(demo.data_dir), username=demo.commander_username, password=demo.commander_password
    )
    try:
        with db.write_session(source.engine) as s:
            export_station(session=s, actor=source.actor, folder=tmp_path / "first", file_format="json", purpose="move")
    finally:
        source.close()
    first = _records_of(tmp_path / "first")
    assert sum(len(rows) for rows in first.values()) > 200
    result = import_file(station, station.actor, tmp_path / "first")
    assert result.plan.rejections == [] and result.plan.duplicates == []
    # Importing the folder again adds nothing: every record keeps its id.
    assert preview(station, station.actor, tmp_path / "first" / "manifest.json").plan.records == []
    with db.write_session(station.engine) as s:
        export_station(session=s, actor=station.actor, folder=tmp_path / "second", file_format="json", purpose="check")
        assert verify_chain(s).whole
    second = _records_of(tmp_path / "second")
    second["village"] = [row for row in second["village"] if row["id"] in {r["id"] for r in first["village"]}]
    assert second == first
    # The imported records are found by the search, as if typed in here.
    with Session(station.engine) as s:
        for record_type, table, field in (("person", "person", "last_name"), ("patrol", "patrol", "purpose")):
            record = first[table][0]
            assert record["id"] in search_ids(s, record_type, record[field].split()[0]), record_type


@pytest.mark.slow
def test_a_register_of_100000_rows_with_errors_in_some(
    station: StationHandle, commander: Actor, tmp_path: Path, village: str
) -> None:
    rows = []
    for n in range(100_000):
        written = f"{1 + n % 28:02d}.{1 + n % 12:02d}.{2016 + n % 9} 10:{n % 60:02d}"
        if n % 1000 == 7:
            written = "31.02.2020"  # impossible
        category = "Нема такої" if n % 5000 == 11 else "Крадіжка худоби"
        rows.append([str(n), written, category, "Вишневе", f"Запис {n}", "", "", ""])
    path = write_csv(tmp_path / "big.csv", HEADER, rows)
    with db.write_session(station.engine) as s:
        result = preview_import(session=s, actor=commander, path=path)
        plan = result.plan
        bad_lines = sorted(rejection.line for rejection in plan.rejections)
        assert bad_lines == sorted({n + 2 for n in range(100_000) if n % 1000 == 7 or n % 5000 == 11})
        run = run_import(session=s, actor=commander, plan=plan)
    assert run.records_created == 100_000 - len(bad_lines)
    assert count(station, Incident) == 100_000 - len(bad_lines)
    with Session(station.engine) as s:
        numbers = set(s.exec(select(Incident.number)))
        assert "7" not in numbers and "8" in numbers  # the register's own numbers are kept
        assert verify_chain(s).whole
