"""Reading an import file (CSV, Excel workbook, JSON lines) into rows of cells with the line numbers the user sees."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.importing.values import normalise_label, text

CSV_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".json", ".ndjson"})
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, and any workbook Excel has encrypted with a password
DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024

# Bytes 0x80-0xFF that are a letter in Windows-1251 or in Windows-1250. In a Cyrillic file nearly every letter is
# one of them; in Polish, Albanian or Serbian Latin only the few letters with diacritics are.
_HIGH_LETTERS = bytes(
    byte
    for byte in range(0x80, 0x100)
    if any(bytes([byte]).decode(page, errors="replace").isalpha() for page in ("cp1251", "cp1250"))
)
_ASCII_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))
CYRILLIC_SHARE = 0.3


class ImportFileError(StationDeskError):
    """The whole file cannot be read; the message says why and what to do, in the user's language."""

    exit_code = 2


@dataclass(frozen=True)
class SourceRow:
    line: int  # CSV: the physical line where the record starts (header is 1); XLSX: sheet row; JSONL: file line
    cells: tuple[Any, ...]  # aligned with SourceTable.headers; a missing trailing cell is None
    problem: str | None = None  # translated: a formula cell, a broken JSON line, too many cells


@dataclass(frozen=True)
class SourceTable:
    file_format: str  # "csv" | "xlsx" | "jsonl"
    headers: tuple[str, ...]
    rows: list[SourceRow]  # blank rows are left out
    encoding: str | None = None  # csv only: "utf-8", "utf-8-sig", "cp1251", "cp1250", or "utf-16" from Excel
    delimiter: str | None = None  # csv only


def detect_encoding(raw: bytes) -> str:
    """The text encoding of a CSV file: "utf-8-sig", "utf-8", "cp1251" (Cyrillic) or "cp1250" (Central European)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # Excel's "Unicode Text" export; its BOM says which byte order
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # translate(None, ...) deletes in one C pass, so counting stays fast on a 100,000-row file.
    high = len(raw) - len(raw.translate(None, _HIGH_LETTERS))
    letters = high + len(raw) - len(raw.translate(None, _ASCII_LETTERS))
    return "cp1251" if letters and high / letters > CYRILLIC_SHARE else "cp1250"


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _empty(path: Path) -> ImportFileError:
    return ImportFileError(_("The file “{file}” is empty: it has no rows to import.").format(file=path))


def _read_bytes(path: Path, limit: int = -1) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(limit)
    except FileNotFoundError:
        message = _("The file “{file}” does not exist. Check the folder and the name.")
    except IsADirectoryError:
        message = _("“{file}” is a folder, not a file. Choose the file to import.")
    except PermissionError:
        message = _("Station Desk may not read the file “{file}”. Close it in other programs or copy it elsewhere.")
    except OSError:
        message = _("The file “{file}” cannot be read. Check that the disk or memory stick is still connected.")
    raise ImportFileError(message.format(file=path))


def _check_headers(raw_headers: Iterable[str], drop_trailing_empty: bool = True) -> tuple[str, ...]:
    """Stripped headers without trailing empty ones; a nameless or repeated column stops the import."""
    headers = [header.strip() for header in raw_headers]
    while drop_trailing_empty and headers and not headers[-1]:
        headers.pop()  # spreadsheets often report, and CSV exports often keep, empty columns on the right
    seen: dict[str, str] = {}
    for number, header in enumerate(headers, start=1):
        if not header:
            raise ImportFileError(_("Column {number} has no name. Give every column a heading.").format(number=number))
        # Columns are later matched by their normalised label, so "Date" and "date:" would be the same column.
        key = normalise_label(header) or header
        if key in seen:
            raise ImportFileError(
                _("Two columns are both named “{name}” (column {number}). Rename one of them.").format(
                    name=header, number=number
                )
            )
        seen[key] = header
    return tuple(headers)


def _fit(line: int, cells: list[Any], width: int) -> SourceRow:
    """Cells padded or cut to the header's width; extra cells that hold something make the row's problem."""
    problem = None
    if len(cells) > width:
        used = len(cells)
        while used > width and _is_blank(cells[used - 1]):
            used -= 1
        if used > width:
            problem = _("Row has {count} cells but the header has {expected}.").format(count=used, expected=width)
        cells = cells[:width]
    return SourceRow(line=line, cells=tuple(cells) + (None,) * (width - len(cells)), problem=problem)


def _table(path: Path, file_format: str, headers: tuple[str, ...], rows: list[SourceRow], **extra: Any) -> SourceTable:
    if not rows:
        raise ImportFileError(_("The file “{file}” has a header but no rows to import.").format(file=path))
    return SourceTable(file_format=file_format, headers=headers, rows=rows, **extra)


def _sniff_delimiter(decoded: str) -> str:
    sample = decoded[:SNIFF_BYTES]
    if len(decoded) > SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only, or the sniffer sees a ragged last row
    header_line = sample.split("\n", 1)[0]
    counts = {mark: header_line.count(mark) for mark in DELIMITERS}
    in_header = max(DELIMITERS, key=lambda mark: counts[mark])
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    # The sniffer can be misled by commas inside long narratives; a delimiter the header never uses is wrong.
    if sniffed and counts.get(sniffed, 0) > 0:
        return sniffed
    return in_header if counts[in_header] else ","


def _read_csv(path: Path) -> SourceTable:
    raw = _read_bytes(path)
    encoding = detect_encoding(raw)
    try:
        decoded: str | None = raw.decode(encoding)
    except UnicodeDecodeError:
        decoded = None
    del raw
    # A NUL character is never in a text export: the file is a program, a picture or other binary data.
    if decoded is None or "\x00" in decoded:
        raise ImportFileError(
            _(
                "The file is not in a text encoding Station Desk can read (UTF-8, Windows-1251 or Windows-1250). "
                "Save it from Excel as “CSV UTF-8”."
            )
        )
    if not decoded.strip():
        raise _empty(path)
    delimiter = _sniff_delimiter(decoded)
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)
    headers: tuple[str, ...] | None = None
    rows: list[SourceRow] = []
    while True:
        line = reader.line_num + 1  # the record starts on the line after the previous one ended
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ImportFileError(
                _("Line {line} of “{file}” cannot be read ({error}). Check the quotation marks around it.").format(
                    line=line, file=path, error=error
                )
            ) from None
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if headers is None:
            headers = _check_headers(cells)
            continue
        if reader.line_num > line:
            # A cell typed over several lines in Excel on Windows holds "\r\n"; narratives are stored with "\n".
            cells = [cell.replace("\r\n", "\n") for cell in cells]
        rows.append(_fit(line, cells, len(headers)))
    if headers is None:
        raise _empty(path)
    return _table(path, "csv", headers, rows, encoding=encoding, delimiter=delimiter)


def _read_xlsx(path: Path) -> SourceTable:
    if _read_bytes(path, len(OLE_MAGIC)) == OLE_MAGIC:
        raise ImportFileError(
            _(
                "The workbook is password-protected or in the old .xls format. "
                "Open it in Excel, remove the password and save it as .xlsx."
            )
        )
    damaged = ImportFileError(_("The workbook “{file}” is damaged and cannot be opened.").format(file=path))
    with path.open("rb") as handle:
        # An open file rather than the path: openpyxl refuses a workbook whose name does not end in .xlsx.
        try:
            workbook = load_workbook(handle, read_only=True, data_only=False)
        except Exception:  # BadZipFile, KeyError, InvalidFileException, broken XML: all mean the same to the user
            raise damaged from None
        try:
            return _sheet_table(path, workbook)
        except ImportFileError:
            raise
        except Exception:
            raise damaged from None
        finally:
            workbook.close()  # read-only mode keeps the file open, and Windows then refuses to move or delete it


def _sheet_table(path: Path, workbook: Workbook) -> SourceTable:
    # The sheet the user had open when saving, as that is the one they look at; else the first worksheet.
    sheet: Any = workbook.active if hasattr(workbook.active, "iter_rows") else workbook.worksheets[0]
    sheet.reset_dimensions()  # some programs write a wrong size; reading to the real end is safer
    headers: tuple[str, ...] | None = None
    rows: list[SourceRow] = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = [cell.value.strip() if isinstance(cell.value, str) else cell.value for cell in cells]
        if all(_is_blank(value) for value in values):
            continue
        if headers is None:
            headers = _check_headers(value if isinstance(value, str) else (text(value) or "") for value in values)
            continue
        row = _fit(number, values, len(headers))
        formulas = [
            f"{get_column_letter(column)}{number}"
            for column, (cell, value) in enumerate(zip(cells, values, strict=True), start=1)
            if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("="))
        ]
        if formulas:
            problem = _("Cell {cell} holds a formula; save the sheet with values only (Paste Special → Values).")
            row = replace(row, problem=problem.format(cell=formulas[0]))
        rows.append(row)
    if headers is None:
        raise _empty(path)
    return _table(path, "xlsx", headers, rows)


def _read_jsonl(path: Path) -> SourceTable:
    try:
        decoded = _read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file “{file}” is not UTF-8 text. Save the JSON lines file as UTF-8.").format(file=path)
        ) from None
    if not decoded.strip():
        raise _empty(path)
    not_lines = ImportFileError(
        _("“{file}” is not a JSON lines file: Station Desk needs one JSON object on each line.").format(file=path)
    )
    if decoded.lstrip().startswith("["):
        raise not_lines  # one JSON list of records, as many programs export
    keys: dict[str, None] = {}  # a dict keeps the order keys were first seen
    parsed: list[tuple[int, dict[str, Any] | None, str | None]] = []
    # split("\n"), not splitlines(): a JSON string may hold U+2028, which splitlines() would count as a line break.
    for line, content in enumerate(decoded.split("\n"), start=1):
        if not content.strip():
            continue
        try:
            item = json.loads(content)
        except json.JSONDecodeError as error:
            parsed.append((line, None, _("Line {line} is not valid JSON: {error}").format(line=line, error=error.msg)))
            continue
        if not isinstance(item, dict):
            parsed.append((line, None, _("Line {line} is not a JSON object.").format(line=line)))
            continue
        item = {key.strip(): value for key, value in item.items()}
        keys.update(dict.fromkeys(item))
        parsed.append((line, item, None))
    if not keys:
        # Only {} lines are an empty file; only broken lines are some other kind of file.
        raise _empty(path) if all(problem is None for _line, _item, problem in parsed) else not_lines
    headers = _check_headers(keys, drop_trailing_empty=False)  # a key "" holds data wherever it comes
    rows: list[SourceRow] = []
    for line, item, problem in parsed:
        cells = tuple(None if item is None else item.get(header) for header in headers)
        if problem is None and all(_is_blank(cell) for cell in cells):
            continue
        rows.append(SourceRow(line=line, cells=cells, problem=problem))
    if not rows:
        raise _empty(path)
    return SourceTable(file_format="jsonl", headers=headers, rows=rows)


def read_table(path: Path) -> SourceTable:
    """The file's header and rows; the reader is chosen by what the file holds, then by its extension."""
    start = _read_bytes(path, 4096)
    if not start.strip() and len(start) < 4096:
        raise _empty(path)
    suffix = path.suffix.lower()
    # A workbook saved under the wrong name (.csv, .txt) is still a workbook; the content decides first.
    if start.startswith((ZIP_MAGIC, OLE_MAGIC)) or suffix in XLSX_EXTENSIONS:
        return _read_xlsx(path)
    if suffix in JSONL_EXTENSIONS:
        return _read_jsonl(path)
    if suffix in CSV_EXTENSIONS:
        return _read_csv(path)
    if start.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
        return _read_jsonl(path)
    return _read_csv(path)
