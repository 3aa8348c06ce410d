"""Export of every table to CSV or JSON lines, for analysts and other systems; each export is audited."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, select

from station_desk.i18n import _
from station_desk.models import RECORD_TYPES, AuditEntry, Category, utcnow
from station_desk.models.enums import AuditAction
from station_desk.services.context import Actor
from station_desk.services.journal import audit
from station_desk.services.serialize import plain, record_dict
from station_desk.services.validation import Problems

FORMATS = ("csv", "json")
EXPORTED_MODELS: tuple[type[SQLModel], ...] = (*RECORD_TYPES.values(), Category, AuditEntry)


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    rows_per_table: dict[str, int]


def _cell(value: Any) -> Any:
    # Lists and dicts (officers on a patrol, risk answers) go into one CSV cell as JSON.
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def export_station(*, session: Session, actor: Actor, folder: Path, file_format: str, purpose: str) -> ExportResult:
    """Write one file per table into `folder` (created if missing) and a manifest; audit it first.

    Only a commander may export: the files hold personal data outside the encrypted database.
    """
    actor.require_commander()
    problems = Problems()
    if file_format not in FORMATS:
        problems.add("format", _("Choose one of: {choices}.").format(choices=", ".join(FORMATS)))
    cleaned_purpose = problems.required_text("purpose", purpose, 500)
    problems.raise_if_any()
    folder.mkdir(parents=True, exist_ok=True)
    # The audit entry is part of what is exported, so the export records itself.
    audit(
        session,
        actor,
        AuditAction.export,
        reason=cleaned_purpose,
        details={"format": file_format, "folder": str(folder)},
    )
    counts: dict[str, int] = {}
    for model in EXPORTED_MODELS:
        table_name = str(model.__tablename__)
        columns = [column.name for column in model.__table__.columns]  # type: ignore[attr-defined]
        rows = (record_dict(record) for record in session.exec(select(model)))
        counts[table_name] = _write_table(folder, table_name, columns, rows, file_format)
    manifest = {
        "format": file_format,
        "exported_at": plain(utcnow()),
        "exported_by": actor.username,
        "station_id": actor.station_id,
        "purpose": cleaned_purpose,
        "tables": counts,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return ExportResult(folder=folder, rows_per_table=counts)


def _write_table(folder: Path, table: str, columns: list[str], rows: Any, file_format: str) -> int:
    count = 0
    if file_format == "csv":
        # UTF-8 with BOM: Excel on a station laptop then shows Cyrillic and Polish letters correctly.
        with (folder / f"{table}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _cell(value) for key, value in row.items()})
                count += 1
    else:
        with (folder / f"{table}.jsonl").open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
    return count
