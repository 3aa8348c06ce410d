"""The preview of a spreadsheet import: every row parsed, checked, matched and deduplicated, nothing written."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from station_desk.errors import StationDeskError, ValidationFailed
from station_desk.i18n import _
from station_desk.importing.cells import Lookups, choice_words, parse_cell
from station_desk.importing.columns import COLUMNS_BY_KIND, Column
from station_desk.importing.kinds import RULES, Prepared
from station_desk.importing.mapping import ColumnMapping
from station_desk.importing.readers import ImportFileError, SourceTable
from station_desk.importing.values import CellProblem, normalise_label
from station_desk.models import ImportedRecord, ImportRun, Person
from station_desk.services.context import Actor
from station_desk.services.serialize import plain

PersonKey = tuple[str, str, date]


@dataclass
class PersonInRow:
    """Someone an incident row names; `existing_id` is set when a person with that name and birth date exists."""

    last_name: str
    first_name: str
    patronymic: str | None
    birth_date: date | None
    role: str
    existing_id: str | None = None

    @property
    def key(self) -> PersonKey | None:
        # Without a date of birth two people of one name cannot be told apart, so nobody is matched.
        if self.birth_date is None:
            return None
        return (normalise_label(self.last_name), normalise_label(self.first_name), self.birth_date)


@dataclass
class PlannedRow:
    line: int
    row_key: str
    prepared: Prepared
    person: PersonInRow | None = None


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class ImportPlan:
    """What confirming the import would do; `run` is filled in once it is written."""

    kind: str
    file_name: str
    file_sha256: str
    rows_read: int
    mapping: ColumnMapping | None = None
    rows: list[PlannedRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)  # line numbers
    persons_matched: int = 0
    persons_new: int = 0
    records: list[Any] = field(default_factory=list)  # JSON lines imports: (record type, record) pairs
    run: ImportRun | None = None


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _row_key(kind: str, values: dict[str, Any]) -> str:
    """The row's content, parsed, so "07.03.2024" and "2024-03-07" in two files are the same row."""
    content = json.dumps([kind, plain(values)], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _label(kind: str, name: str) -> str:
    column = next((column for column in COLUMNS_BY_KIND[kind] if column.name == name), None)
    return _(column.label) if column else name


def _person_in_row(values: dict[str, Any]) -> PersonInRow | None:
    last, first = values.get("person_last_name"), values.get("person_first_name")
    patronymic = values.get("person_patronymic")
    full_name = values.get("person_name")
    if full_name and not (last and first):
        # Registers in the region write the family name first: "Шевченко Тарас Григорович".
        parts = full_name.split()
        last, first = parts[0], " ".join(parts[1:2]) or None
        patronymic = patronymic or (" ".join(parts[2:]) or None)
    if not (last or first):
        return None
    if not (last and first):
        raise ValidationFailed({"person_name": _("Give the person's last name and first name.")})
    role = values.get("person_role") or "victim"
    return PersonInRow(last, first, patronymic, values.get("person_birth_date"), role)


class _Planner:
    def __init__(self, session: Session, actor: Actor, plan: ImportPlan, mapping: ColumnMapping) -> None:
        self.session, self.actor, self.plan, self.mapping = session, actor, plan, mapping
        self.lookups = Lookups.load(session, actor)
        columns = {column.name: column for column in COLUMNS_BY_KIND[mapping.kind]}
        self.columns: list[tuple[int, Column]] = []
        self.choices: dict[str, dict[str, str]] = {}
        self.headers: tuple[str, ...] = ()
        self.keys_seen: dict[str, int] = {}
        # Row keys of earlier imports that were not undone: those rows are in the station already.
        self.imported = set(
            session.exec(select(ImportedRecord.row_key).where(col(ImportedRecord.row_key).is_not(None)))
        )
        self.numbers_seen: dict[str, int] = {}
        self.persons: dict[PersonKey, str] = {}
        self.new_persons: set[PersonKey] = set()
        for name, column in columns.items():
            if column.value_type == "choice":
                self.choices[name] = choice_words(column)

    def bind(self, table: SourceTable) -> None:
        columns = {column.name: column for column in COLUMNS_BY_KIND[self.mapping.kind]}
        positions = {header: index for index, header in enumerate(table.headers)}
        self.columns = [
            (positions[header], columns[name])
            for header, name in self.mapping.fields.items()
            if header in positions and name in columns
        ]
        if self.mapping.kind == "incidents":
            live = col(Person.deleted_at).is_(None)
            query = select(Person).where(
                Person.station_id == self.actor.station_id, live, col(Person.birth_date).is_not(None)
            )
            for person in self.session.exec(query):
                if person.birth_date is not None:
                    key = (normalise_label(person.last_name), normalise_label(person.first_name), person.birth_date)
                    self.persons.setdefault(key, person.id)

    def row(self, line: int, cells: tuple[Any, ...]) -> None:
        values: dict[str, Any] = {}
        problems: list[str] = []
        for position, column in self.columns:
            cell = cells[position] if position < len(cells) else None
            try:
                values[column.name] = parse_cell(column, cell, self.lookups, self.choices.get(column.name, {}))
            except CellProblem as problem:
                problems.append(f"{_(column.label)}: {problem.message}")
        if problems:
            self.plan.rejections.append(Rejection(line, " ".join(problems)))
            return
        row_key = _row_key(self.mapping.kind, values)
        if row_key in self.keys_seen or row_key in self.imported:
            self.plan.duplicates.append(line)
            return
        try:
            prepared = RULES[self.mapping.kind][0](
                self.session, self.actor, values | {"_station_name": self.lookups.station_name}
            )
            person = _person_in_row(values) if self.mapping.kind == "incidents" else None
            self._check_number(prepared)
            if person is not None:
                prepared.extra["person_follows"] = True
        except ValidationFailed as failed:
            reason = " ".join(f"{_label(self.mapping.kind, name)}: {text}" for name, text in failed.errors.items())
            self.plan.rejections.append(Rejection(line, reason))
            return
        self.keys_seen[row_key] = line
        self.plan.rows.append(PlannedRow(line, row_key, prepared, self._match(person)))

    def _check_number(self, prepared: Prepared) -> None:
        number = prepared.extra.get("number")
        if not number:
            return
        if number in self.numbers_seen:
            message = _("Register number {number} is already used.").format(number=number)
            raise ValidationFailed({"number": message})
        self.numbers_seen[number] = 1

    def _match(self, person: PersonInRow | None) -> PersonInRow | None:
        if person is None:
            return None
        key = person.key
        if key is not None and key in self.persons:
            person.existing_id = self.persons[key]
            self.plan.persons_matched += 1
        elif key is None or key not in self.new_persons:
            self.plan.persons_new += 1
            if key is not None:
                self.new_persons.add(key)
        return person


def plan_rows(*, session: Session, actor: Actor, table: SourceTable, mapping: ColumnMapping, path: Path) -> ImportPlan:
    """Check every row as the forms would; the plan says what an import would create, skip and reject."""
    actor.require_commander()
    missing = mapping.missing_required()
    if missing:
        names = ", ".join(f"“{_(column.label)}”" for column in missing)
        raise ImportFileError(
            _("The file has no column for: {names}. Name the column in the file or choose it in the mapping.").format(
                names=names
            )
        )
    plan = ImportPlan(mapping.kind, path.name, file_digest(path), len(table.rows), mapping)
    planner = _Planner(session, actor, plan, mapping)
    planner.bind(table)
    for source_row in table.rows:
        if source_row.problem:
            plan.rejections.append(Rejection(source_row.line, source_row.problem))
            continue
        try:
            planner.row(source_row.line, source_row.cells)
        except StationDeskError as error:
            plan.rejections.append(Rejection(source_row.line, error.message))
    plan.duplicates.sort()
    return plan
