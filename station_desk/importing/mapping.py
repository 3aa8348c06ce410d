"""Which file column fills which field: guessed from the headers, or read from a saved mapping file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from station_desk.i18n import _
from station_desk.importing.columns import COLUMNS_BY_KIND, KINDS, Column
from station_desk.importing.readers import ImportFileError
from station_desk.importing.values import normalise_label

MAPPING_FORMAT = "station-desk-import-mapping/1"


@dataclass
class ColumnMapping:
    """`fields` maps a header of the file to a column name of the kind; unmapped headers are ignored."""

    kind: str
    fields: dict[str, str] = field(default_factory=dict)

    def header_for(self, column: str) -> str | None:
        return next((header for header, name in self.fields.items() if name == column), None)

    def missing_required(self) -> list[Column]:
        """Required columns nothing in the file fills: the import cannot go on without them."""
        mapped = set(self.fields.values())
        return [column for column in COLUMNS_BY_KIND[self.kind] if column.required and column.name not in mapped]


def _header_index(kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS_BY_KIND[kind]:
        for word in (column.name, column.label, *column.headers):
            index.setdefault(normalise_label(word), column.name)
    return index


def guess_mapping(kind: str, headers: tuple[str, ...]) -> ColumnMapping:
    """Match each header by its normalised words; the first header to claim a column keeps it."""
    index = _header_index(kind)
    fields: dict[str, str] = {}
    for header in headers:
        name = index.get(normalise_label(header))
        if name is not None and name not in fields.values():
            fields[header] = name
    return ColumnMapping(kind=kind, fields=fields)


def guess_kind(headers: tuple[str, ...]) -> str:
    """The kind whose required columns the headers fill, then the one with most matched headers."""

    def score(kind: str) -> tuple[int, int]:
        mapping = guess_mapping(kind, headers)
        return (-len(mapping.missing_required()), len(mapping.fields))

    return max(KINDS, key=score)


def load_mapping(path: Path) -> ColumnMapping:
    """A mapping saved earlier with save_mapping; any problem is a clear message, never a traceback."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError(
            _("The mapping file {file} cannot be read: {error}").format(file=path, error=error)
        ) from error
    if not isinstance(data, dict) or data.get("format") != MAPPING_FORMAT:
        raise ImportFileError(_("The file {file} is not a Station Desk column mapping.").format(file=path))
    kind, fields = data.get("kind"), data.get("columns")
    if kind not in COLUMNS_BY_KIND or not isinstance(fields, dict):
        raise ImportFileError(_("The file {file} is not a Station Desk column mapping.").format(file=path))
    known = {column.name for column in COLUMNS_BY_KIND[kind]}
    unknown = sorted(str(name) for name in fields.values() if name not in known)
    if unknown:
        raise ImportFileError(
            _("The mapping names fields Station Desk does not know: {names}.").format(names=", ".join(unknown))
        )
    return ColumnMapping(kind=kind, fields={str(header): str(name) for header, name in fields.items()})


def save_mapping(path: Path, mapping: ColumnMapping) -> None:
    """Keep a mapping for the next file from the same register."""
    data = {"format": MAPPING_FORMAT, "kind": mapping.kind, "columns": mapping.fields}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
